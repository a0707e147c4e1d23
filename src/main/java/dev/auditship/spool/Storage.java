package dev.auditship.spool;

import java.io.Closeable;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * File I/O of the spool, behind one small seam so tests can make the disk fail like a full one.
 *
 * <p>Why java.io and not {@link FileChannel}: a thread interrupted during an NIO channel operation
 * closes the channel for every thread ({@code ClosedByInterruptException}). The pipeline interrupts
 * its sink threads at shutdown and the spool interrupts its drainer to cut a delivery short, so a
 * shared segment channel could be closed under the writer. {@link RandomAccessFile} reads and
 * writes are not interruptible; syncing uses {@code FileDescriptor.sync()} (fsync).
 */
interface Storage {

  /** An open file with positional reads and writes. Thread-safe: each operation is atomic. */
  interface Handle extends Closeable {
    /** Reads up to {@code len} bytes at {@code pos}; -1 at the end of the file. */
    int read(long pos, byte[] b, int off, int len) throws IOException;

    /** Writes all {@code len} bytes at {@code pos}. */
    void write(long pos, byte[] b, int off, int len) throws IOException;

    /** Forces written data and the file size to the device (fsync). */
    void sync() throws IOException;

    void truncate(long size) throws IOException;

    long size() throws IOException;

    /** Reads exactly {@code len} bytes at {@code pos}, or throws when the file is shorter. */
    default void readFully(long pos, byte[] b, int off, int len) throws IOException {
      int done = 0;
      while (done < len) {
        int n = read(pos + done, b, off + done, len - done);
        if (n < 0) {
          throw new EOFException("end of file at " + (pos + done));
        }
        done += n;
      }
    }
  }

  /** Opens {@code path} for reading and writing, creating it when {@code create}. */
  Handle open(Path path, boolean create) throws IOException;

  /**
   * Replaces {@code target} with {@code content} atomically: write a temporary file, sync, rename,
   * sync the directory.
   */
  void replaceAtomically(Path target, byte[] content) throws IOException;

  /** Appends {@code content} to {@code file} (created with its directory) and syncs it. */
  void appendSynced(Path file, byte[] content) throws IOException;

  /** Syncs a directory so that file creations, renames and deletions in it survive a power loss. */
  void syncDirectory(Path dir);

  /** The real disk. */
  Storage DISK =
      new Storage() {
        @Override
        public Handle open(Path path, boolean create) throws IOException {
          if (!create && !Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
          }
          return new RafHandle(new RandomAccessFile(path.toFile(), "rw"));
        }

        @Override
        public void replaceAtomically(Path target, byte[] content) throws IOException {
          dev.auditship.io.AtomicFiles.replace(target, content);
        }

        @Override
        public void appendSynced(Path file, byte[] content) throws IOException {
          Files.createDirectories(file.toAbsolutePath().getParent());
          boolean created = !Files.exists(file);
          try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write(content);
            out.getFD().sync();
          }
          if (created) {
            syncDirectory(file.toAbsolutePath().getParent());
          }
        }

        @Override
        public void syncDirectory(Path dir) {
          dev.auditship.io.AtomicFiles.syncDirectory(dir);
        }
      };

  /**
   * {@link Handle} over a {@link RandomAccessFile}; seek and transfer happen under the handle's
   * lock.
   */
  final class RafHandle implements Handle {
    private final RandomAccessFile raf;

    RafHandle(RandomAccessFile raf) {
      this.raf = raf;
    }

    @Override
    public synchronized int read(long pos, byte[] b, int off, int len) throws IOException {
      raf.seek(pos);
      return raf.read(b, off, len);
    }

    @Override
    public synchronized void write(long pos, byte[] b, int off, int len) throws IOException {
      raf.seek(pos);
      raf.write(b, off, len);
    }

    @Override
    public synchronized void sync() throws IOException {
      raf.getFD().sync();
    }

    @Override
    public synchronized void truncate(long size) throws IOException {
      raf.setLength(size);
    }

    @Override
    public synchronized long size() throws IOException {
      return raf.length();
    }

    @Override
    public synchronized void close() throws IOException {
      raf.close();
    }
  }
}
