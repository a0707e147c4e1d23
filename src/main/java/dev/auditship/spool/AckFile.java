package dev.auditship.spool;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The durable read pointer: one text line, replaced atomically after each delivered batch. {@code
 * next_seq} is the promise (every record with a lower sequence number was delivered); {@code
 * segment} and {@code offset} are only a hint where that record starts, checked before use.
 */
final class AckFile {
  static final String NAME = "ack";
  private static final Pattern LINE =
      Pattern.compile("auditship-spool-ack v1 next_seq=(\\d+) segment=(\\d{20}) offset=(\\d+)");

  /**
   * @param nextSeq every record with a lower sequence number was delivered
   * @param hintSegment first sequence number of the segment holding record {@code nextSeq}, or -1
   * @param hintOffset where in that segment record {@code nextSeq} starts
   */
  record State(long nextSeq, long hintSegment, long hintOffset) {
    static final State EMPTY = new State(0, -1, 0);
  }

  private AckFile() {}

  static byte[] encode(State s) {
    String body =
        "auditship-spool-ack v1 next_seq="
            + s.nextSeq()
            + " segment="
            + Segments.name(Math.max(0, s.hintSegment()))
            + " offset="
            + s.hintOffset();
    CRC32C crc = new CRC32C();
    byte[] b = body.getBytes(StandardCharsets.US_ASCII);
    crc.update(b, 0, b.length);
    return (body + " crc32c=" + String.format("%08x", crc.getValue()) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The state in {@code dir}, {@link State#EMPTY} when there is none, or {@code null} when it is
   * damaged.
   */
  static State read(Path dir) throws IOException {
    String text;
    try {
      text = Files.readString(dir.resolve(NAME), StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return State.EMPTY;
    } catch (CharacterCodingException e) {
      return null;
    }
    int c = text.lastIndexOf(" crc32c=");
    if (c < 0) {
      return null;
    }
    String body = text.substring(0, c);
    CRC32C crc = new CRC32C();
    byte[] b = body.getBytes(StandardCharsets.US_ASCII);
    crc.update(b, 0, b.length);
    Matcher m = LINE.matcher(body);
    if (!text.substring(c + 8).equals(String.format("%08x", crc.getValue())) || !m.matches()) {
      return null;
    }
    try {
      return new State(
          Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
