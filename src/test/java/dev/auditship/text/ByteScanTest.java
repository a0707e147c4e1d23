package dev.auditship.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The eight-bytes-a-step scans agree with a byte-by-byte scan at every position and length. */
class ByteScanTest {
  @Test
  void indexOfFindsTheFirstMatchAnywhere() {
    for (int len = 0; len < 40; len++) {
      for (int at = 0; at <= len; at++) {
        byte[] b = "x".repeat(len).getBytes(StandardCharsets.US_ASCII);
        if (at < len) {
          b[at] = '\n';
        }
        for (int from = 0; from <= len; from++) {
          int expected = from;
          while (expected < len && b[expected] != '\n') {
            expected++;
          }
          assertThat(Utf8.indexOf(b, from, len, (byte) '\n')).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void indexOfIgnoresBytesThatOnlyLookLikeAMatchAfterABorrow() {
    byte[] b = {0x0B, 0x0A, (byte) 0x8A, 0x09, 0x0B, 0x0B, 0x0B, 0x0B, 0x0A};
    assertThat(Utf8.indexOf(b, 0, b.length, (byte) 0x0A)).isEqualTo(1);
    assertThat(Utf8.indexOf(b, 2, b.length, (byte) 0x0A)).isEqualTo(8);
  }

  @Test
  void firstNonAsciiFindsTheFirstHighByte() {
    for (int len = 0; len < 40; len++) {
      for (int at = 0; at <= len; at++) {
        byte[] b = "a".repeat(len).getBytes(StandardCharsets.US_ASCII);
        if (at < len) {
          b[at] = (byte) 0xC3;
        }
        assertThat(Utf8.firstNonAscii(b, 0, len)).isEqualTo(at);
      }
    }
  }

  @Test
  void sanitizedJsonReplacesOnlyInvalidBytes() {
    byte[] in = {'{', '"', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '"', '}'};
    ByteBuf out = new ByteBuf(16);
    Utf8.appendSanitizedJson(out, in, 0, in.length);
    assertThat(out.toString()).isEqualTo("{\"é\\ufffd\"}");
  }
}
