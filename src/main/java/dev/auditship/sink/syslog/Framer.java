package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig.Framing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Stream framing of one message (RFC 6587 §3.4). */
final class Framer {
  private Framer() {}

  /**
   * {@code msg} framed: {@code MSG-LEN SP SYSLOG-MSG} for octet counting (§3.4.1, and RFC 5425 §4.3
   * for TLS), or the message and a LF trailer (§3.4.2; the message must not contain LF, which
   * {@link MessageEncoder} escapes). {@code NONE} (UDP) is the message alone.
   */
  static byte[] frame(byte[] msg, Framing framing) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(msg.length + 12);
    frame(msg, framing, out);
    return out.toByteArray();
  }

  /** Appends {@code msg} framed to {@code out} (see {@link #frame(byte[], Framing)}). */
  static void frame(byte[] msg, Framing framing, ByteArrayOutputStream out) {
    switch (framing) {
      case OCTET_COUNTING -> {
        out.writeBytes(Integer.toString(msg.length).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.writeBytes(msg);
      }
      case LF -> {
        out.writeBytes(msg);
        out.write('\n');
      }
      case NONE -> out.writeBytes(msg);
    }
  }
}
