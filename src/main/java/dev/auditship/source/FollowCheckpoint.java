package dev.auditship.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a followed log file was read up to, as committed after every sink accepted the lines before
 * it.
 *
 * @param followed the configured path (a checkpoint for another path is not used)
 * @param file the file the offset is in: the followed path, or a rotated copy of it being drained
 * @param fileKey the file system's identity of that file (device and inode on Unix), or null
 * @param fingerprint SHA-256 (hex) of the file's first {@code fingerprintBytes} bytes (at most 256)
 * @param fingerprintBytes how many bytes the fingerprint covers
 * @param offset bytes before the next line to read; never past the start of a held multi-line entry
 * @param line lines before {@code offset} (for line numbers in the rejects file)
 */
record FollowCheckpoint(
    String followed,
    String file,
    String fileKey,
    String fingerprint,
    int fingerprintBytes,
    long offset,
    long line) {
  static final int VERSION = 1;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The checkpoint, or null when there is none. A file that exists but is broken is an error. */
  static FollowCheckpoint load(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null
          || n.path("version").asInt() != VERSION
          || !n.path("offset").canConvertToLong()
          || !n.path("file").isTextual()
          || !n.path("fingerprint").isTextual()) {
        throw new IOException("not a version " + VERSION + " follow checkpoint");
      }
      return new FollowCheckpoint(
          n.path("followed").asText(),
          n.get("file").asText(),
          n.hasNonNull("file_key") ? n.get("file_key").asText() : null,
          n.get("fingerprint").asText(),
          n.path("fingerprint_bytes").asInt(),
          n.get("offset").asLong(),
          n.path("line").asLong());
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot read the checkpoint "
              + file
              + ": "
              + e.getMessage()
              + " (fix it, or delete "
              + "it to start again from start_at)",
          e);
    }
  }

  void save(Path target) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", VERSION);
    n.put("followed", followed);
    n.put("file", file);
    n.put("file_key", fileKey);
    n.put("fingerprint", fingerprint);
    n.put("fingerprint_bytes", fingerprintBytes);
    n.put("offset", offset);
    n.put("line", line);
    AtomicFiles.replace(target, JSON.writeValueAsBytes(n));
  }
}
