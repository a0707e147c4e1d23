package dev.auditship.spool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The real disk ({@link Storage#DISK}) with faults or waits a test adds by overriding: the
 * storage's operations, and, through {@link #wrap}, each opened file's.
 */
abstract class DiskWith implements Storage {
  @Override
  public Handle open(Path path, boolean create) throws IOException {
    return wrap(DISK.open(path, create));
  }

  /** The opened file as the test wants it; as it is unless overridden. */
  Handle wrap(Handle h) {
    return h;
  }

  @Override
  public void replaceAtomically(Path target, byte[] content) throws IOException {
    DISK.replaceAtomically(target, content);
  }

  @Override
  public void appendSynced(Path file, byte[] content) throws IOException {
    DISK.appendSynced(file, content);
  }

  @Override
  public void syncDirectory(Path dir) {
    DISK.syncDirectory(dir);
  }

  /** A file that does what {@code h} does; a test overrides the operations it changes. */
  static class Passing implements Handle {
    final Handle h;

    Passing(Handle h) {
      this.h = h;
    }

    @Override
    public int read(long pos, byte[] b, int off, int len) throws IOException {
      return h.read(pos, b, off, len);
    }

    @Override
    public void write(long pos, byte[] b, int off, int len) throws IOException {
      h.write(pos, b, off, len);
    }

    @Override
    public void sync() throws IOException {
      h.sync();
    }

    @Override
    public void truncate(long size) throws IOException {
      h.truncate(size);
    }

    @Override
    public long size() throws IOException {
      return h.size();
    }

    @Override
    public void close() throws IOException {
      h.close();
    }
  }
}
