package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.testutil.Golden;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader thread's fast paths against the slow code they replace (kept here as the definition),
 * on hard text at every position.
 */
class ReaderFastPathTest {
  /** The golden JSON lines, without their line feed. */
  private static List<byte[]> goldenLines() {
    List<byte[]> out = new ArrayList<>();
    for (Golden.Line g : Golden.lines()) {
      out.add(g.json().strip().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** What {@link JsonLineDecoder#mayClaim} replaced: byte by byte, from each quote. */
  static boolean mayClaimByBytes(byte[] b, int off, int len) {
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < end && b[i + 1] == 'u') {
        return true;
      }
      if (c == '"' && i + 1 < end) {
        if (startsWith(b, i + 1, end, "audit_log\"")
            || startsWith(b, i + 1, end, "connection_log\"")) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] b, int i, int end, String s) {
    if (end - i < s.length()) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[i + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static final String[] CLAIM_PIECES = {
    "\"audit_log\"",
    "\"connection_log\"",
    "\"audit_log",
    "audit_log\"",
    "\"connection_lo\"",
    "\"audit_lo_g\"",
    "\\u",
    "\\\\",
    "\\",
    "_",
    "__",
    "\u00e9_",
  };

  /**
   * Each piece that makes (or almost makes) a line claim an event, put at every position of text
   * without one, and every window of the result that starts or ends near it: the same answer.
   */
  @Test
  void mayClaimIsTheByteByByteScanEverywhere() {
    String plain =
        "{\"ts\":\"2025-07-03T06:50:01.004Z\",\"level\":\"INFO\",\"msg\":\"started HTTP"
            + " listener\",\"fields\":{\"address\":\"0.0.0.0:3000\",\"a_b\":\"x<y>\"}}";
    int checked = 0;
    int claimed = 0;
    for (String piece : CLAIM_PIECES) {
      for (int at = 0; at <= plain.length(); at++) {
        byte[] b =
            (plain.substring(0, at) + piece + plain.substring(at)).getBytes(StandardCharsets.UTF_8);
        int p = at + piece.length();
        for (int off = Math.max(0, at - 9); off <= Math.min(b.length, at + 2); off++) {
          for (int end = Math.max(off, p - 2); end <= Math.min(b.length, p + 9); end++) {
            boolean expected = mayClaimByBytes(b, off, end - off);
            assertThat(JsonLineDecoder.mayClaim(b, off, end - off))
                .as("%s at %d, [%d, %d)", piece, at, off, end)
                .isEqualTo(expected);
            checked++;
            claimed += expected ? 1 : 0;
          }
        }
      }
    }
    assertThat(claimed).isGreaterThan(1000);
    assertThat(checked - claimed).isGreaterThan(1000);
    for (byte[] line : goldenLines()) {
      for (int off = 0; off < line.length; off += 7) {
        assertThat(JsonLineDecoder.mayClaim(line, off, line.length - off))
            .isEqualTo(mayClaimByBytes(line, off, line.length - off));
      }
    }
  }

  /**
   * A key's token ({@code "key":}) matched by words under masks: every field and envelope key, each
   * byte of it changed, at every place near the end of the array and of the line, says what a
   * byte-by-byte comparison says.
   */
  @Test
  void quotedKeysMatchExactlyTheTokenByteByByte() {
    String[] keys = JsonLineScanner.KEYS;
    LazyLineScanner.QuotedKeys quoted = new LazyLineScanner.QuotedKeys(keys);
    int matched = 0;
    int checked = 0;
    for (int k = 0; k < keys.length; k++) {
      byte[] token = ("\"" + keys[k] + "\":").getBytes(StandardCharsets.US_ASCII);
      assertThat(quoted.length(k)).isEqualTo(token.length);
      for (int change = -1; change < token.length; change++) {
        for (byte to : new byte[] {'x', '"', ':', '\\', 0, (byte) 0xC3, (byte) (token[0] ^ 0x20)}) {
          byte[] t = token.clone();
          if (change >= 0) {
            t[change] = to;
          }
          for (int before : new int[] {0, 1, 7, 8, 9, 17}) {
            for (int after = 0; after <= 17; after++) {
              byte[] b = new byte[before + t.length + after];
              Arrays.fill(b, (byte) '"');
              System.arraycopy(t, 0, b, before, t.length);
              for (int end : new int[] {before + t.length - 1, before + t.length, b.length}) {
                for (int other : new int[] {k, (k + 1) % keys.length}) {
                  byte[] o = ("\"" + keys[other] + "\":").getBytes(StandardCharsets.US_ASCII);
                  boolean expected =
                      before + o.length <= end
                          && Arrays.equals(o, 0, o.length, b, before, before + o.length);
                  assertThat(quoted.at(b, before, end, other))
                      .as("%s in %s", keys[other], new String(b, StandardCharsets.ISO_8859_1))
                      .isEqualTo(expected);
                  checked++;
                  matched += expected ? 1 : 0;
                }
              }
            }
          }
          if (change < 0) {
            break; // the unchanged token once
          }
        }
      }
    }
    assertThat(matched).isGreaterThan(1000);
    assertThat(checked).isGreaterThan(10 * matched);
  }
}
