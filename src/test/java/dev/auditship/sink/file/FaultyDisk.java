package dev.auditship.sink.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An {@link Opener} whose channels behave like a disk that fills up: once {@link #freeBytes} is
 * used up, a write writes what still fits (a short write, as write(2) does) and the next one fails
 * with ENOSPC's message. {@link #failSync} makes fsync fail with EIO's message. Only files matching
 * the predicate are affected. {@link #journal} records, for every file, what reached the disk in
 * which order: {@code create <name>}, {@code force <name>}, and {@code sync <dir>: <names in it>}.
 */
final class FaultyDisk implements Opener {
  private final Predicate<Path> affected;

  /** Bytes that can still be written; negative for unlimited. */
  long freeBytes = -1;

  boolean failSync;

  final List<String> journal = new ArrayList<>();

  FaultyDisk(Predicate<Path> affected) {
    this.affected = affected;
  }

  /** A disk that never fails, only keeps the journal. */
  static FaultyDisk healthy() {
    return new FaultyDisk(p -> false);
  }

  @Override
  public FileChannel open(Path path, OpenOption... options) throws IOException {
    boolean existed = Files.exists(path);
    FileChannel ch = FileChannel.open(path, options);
    if (!existed) {
      journal.add("create " + path.getFileName());
    }
    return new Faulty(ch, path, affected.test(path));
  }

  @Override
  public void syncDirectory(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      journal.add(
          "sync "
              + dir.getFileName()
              + ": "
              + s.map(p -> p.getFileName().toString()).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Opener.super.syncDirectory(dir);
  }

  private final class Faulty extends FileChannel {
    private final FileChannel d;
    private final Path path;
    private final boolean faulty;

    Faulty(FileChannel d, Path path, boolean faulty) {
      this.d = d;
      this.path = path;
      this.faulty = faulty;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (!faulty) {
        return d.write(src);
      }
      if (freeBytes == 0) {
        throw new IOException("No space left on device");
      }
      if (freeBytes < 0 || src.remaining() <= freeBytes) {
        int n = d.write(src);
        if (freeBytes > 0) {
          freeBytes -= n;
        }
        return n;
      }
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + (int) freeBytes);
      int n = d.write(part);
      src.position(src.position() + n);
      freeBytes -= n;
      return n;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      journal.add("force " + path.getFileName());
      if (faulty && failSync) {
        throw new IOException("Input/output error");
      }
      d.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return d.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return d.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        n += write(srcs[i]);
      }
      return n;
    }

    @Override
    public long position() throws IOException {
      return d.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      d.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return d.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      d.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return d.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return d.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return d.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return d.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      d.close();
    }
  }
}
