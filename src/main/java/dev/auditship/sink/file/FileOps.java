package dev.auditship.sink.file;

import dev.auditship.io.IoErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Small file-system helpers shared by the sink and its archive. */
final class FileOps {
  private FileOps() {}

  /**
   * Forces a directory's entries (a rename, a new file) to disk, so a rotation survives a power cut
   * (POSIX: fsync of the file does not cover its directory entry).
   */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for fsync (Windows). The rename itself is still
      // atomic;
      // only its durability across a power cut is then up to the file system.
    }
  }

  /**
   * An operator-readable account of an I/O failure (the JDK's messages name only the file for
   * some).
   */
  static String describe(IOException e) {
    return IoErrors.describe(e);
  }
}
