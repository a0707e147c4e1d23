package dev.auditship.sink.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the files the sink writes; tests substitute channels that fail the way a full disk does.
 */
interface Opener {
  FileChannel open(Path path, OpenOption... options) throws IOException;

  Opener DEFAULT = FileChannel::open;
}
