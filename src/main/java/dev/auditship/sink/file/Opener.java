package dev.auditship.sink.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the files the sink writes and syncs its directory; tests substitute channels that fail the
 * way a full disk does, and record what was forced to disk in which order.
 */
interface Opener {
  FileChannel open(Path path, OpenOption... options) throws IOException;

  /** Makes new or renamed entries of {@code dir} durable (see {@link FileOps#syncDirectory}). */
  default void syncDirectory(Path dir) {
    FileOps.syncDirectory(dir);
  }

  Opener DEFAULT = FileChannel::open;
}
