package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig.Framing;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Stream framing of one message (RFC 6587 §3.4). */
final class Framer {
  private Framer() {}

  /**
   * {@code msg} framed: {@code MSG-LEN SP SYSLOG-MSG} for octet counting (§3.4.1, and RFC 5425 §4.3
   * for TLS), or the message and a LF trailer (§3.4.2; the message must not contain LF, which
   * {@link MessageEncoder} escapes). {@code NONE} (UDP) is the message alone.
   */
  static byte[] frame(byte[] msg, Framing framing) {
    switch (framing) {
      case OCTET_COUNTING -> {
        // One exact-size array per frame: MSG-LEN digits, SP, the message.
        int digits = digits(msg.length);
        byte[] out = new byte[digits + 1 + msg.length];
        for (int v = msg.length, i = digits - 1; i >= 0; i--, v /= 10) {
          out[i] = (byte) ('0' + v % 10);
        }
        out[digits] = ' ';
        System.arraycopy(msg, 0, out, digits + 1, msg.length);
        return out;
      }
      case LF -> {
        byte[] out = Arrays.copyOf(msg, msg.length + 1);
        out[msg.length] = '\n';
        return out;
      }
      default -> {
        return msg;
      }
    }
  }

  /** How many decimal digits {@code n} (0 or more) has: the MSG-LEN's length. */
  static int digits(int n) {
    int d = 1;
    while (n >= 10) {
      n /= 10;
      d++;
    }
    return d;
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
