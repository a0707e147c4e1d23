package dev.auditship.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The rows of one poll, kept on disk until they are handed to the pipeline. The API lists rows
 * newest first but events go out oldest first, so a poll must read back to what it has already seen
 * before it can emit anything; on a first start with {@code start_at: beginning} that can be the
 * whole history. Keeping the row text in a temporary file bounds memory to a small index entry per
 * row. Not thread-safe.
 */
final class PollBuffer implements AutoCloseable {
  static final String PREFIX = "coder-api-poll-";
  private final Path file;
  private final FileChannel ch;
  private long size;

  PollBuffer(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.file = Files.createTempFile(dir, PREFIX, ".tmp");
    this.ch =
        FileChannel.open(
            file,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE);
  }

  /** Removes spool files left by a process that was killed. */
  static void removeStale(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*.tmp")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // harmless: a stale file only takes disk space
    }
  }

  /** Where a row is in the spool. */
  record Ref(long offset, int length) {}

  /** Appends {@code text}. */
  Ref append(String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long at = size;
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      ch.write(buf, at + buf.position());
    }
    size += b.length;
    return new Ref(at, b.length);
  }

  String read(Ref ref) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(ref.length());
    while (buf.hasRemaining()) {
      int n = ch.read(buf, ref.offset() + buf.position());
      if (n < 0) {
        throw new IOException("the poll buffer " + file + " is shorter than expected");
      }
    }
    return new String(buf.array(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    ch.close();
    Files.deleteIfExists(file);
  }
}
