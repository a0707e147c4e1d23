package dev.auditship.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;
import java.util.function.LongUnaryOperator;
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

  /**
   * Eight bytes a step: a valid sequence, an invalid byte or a cut sequence at every position of a
   * longer text, read from an offset and appended after other bytes, gives what the byte-by-byte
   * definition gives (valid sequences copied, each other byte as the escape).
   */
  @Test
  void sanitizedJsonIsTheByteByByteDefinitionAtEveryPosition() {
    byte[][] inserts = {
      {(byte) 0xC3, (byte) 0xA9},
      {(byte) 0xE2, (byte) 0x80, (byte) 0xA8},
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
      {(byte) 0xFF},
      {(byte) 0xE2, (byte) 0x80},
      {(byte) 0xC3, (byte) 0xA9, (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80},
    };
    int checked = 0;
    for (byte[] insert : inserts) {
      for (int at = 0; at <= 24; at++) {
        ByteBuf text = new ByteBuf(64);
        text.ascii("xx")
            .ascii("{\"k\":\"" + "a".repeat(at))
            .put(insert)
            .ascii("b".repeat(24 - at) + "\"}");
        byte[] in = text.toByteArray();
        ByteBuf out = new ByteBuf(4);
        out.ascii("before");
        Utf8.appendSanitizedJson(out, in, 2, in.length - 2);
        ByteBuf expected = new ByteBuf(64);
        expected.ascii("before");
        for (int i = 2; i < in.length; ) {
          int n = in[i] >= 0 ? 1 : Utf8.sequence(in, i, in.length);
          if (n == 0) {
            expected.ascii("\\ufffd");
            i++;
          } else {
            expected.put(in, i, n);
            i += n;
          }
        }
        assertThat(out.toString()).as("insert at %d", at).isEqualTo(expected.toString());
        checked++;
      }
    }
    assertThat(checked).isEqualTo(inserts.length * 25);
  }

  @Test
  void isValidUtf8RejectsEveryBadSequence() {
    assertThat(Utf8.isValid("plain ascii".getBytes(StandardCharsets.US_ASCII), 0, 11)).isTrue();
    byte[] good = "caf\u00e9 \u2028 \ud83d\ude00".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.isValid(good, 0, good.length)).isTrue();
    assertThat(Utf8.isValid(good, 0, good.length - 1)).isFalse(); // the emoji cut short
    byte[] bad = {'a', (byte) 0xFF, 'b'};
    assertThat(Utf8.isValid(bad, 0, 3)).isFalse();
    assertThat(Utf8.isValid(bad, 2, 1)).isTrue();
    byte[] cut = {'x', (byte) 0xE2, (byte) 0x80}; // a three-byte sequence cut short
    assertThat(Utf8.isValid(cut, 0, 3)).isFalse();
    byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // U+D800 encoded
    assertThat(Utf8.isValid(surrogate, 0, 3)).isFalse();
    byte[] overlong = {(byte) 0xC0, (byte) 0xAF};
    assertThat(Utf8.isValid(overlong, 0, 2)).isFalse();
  }

  @Test
  void decimalWritesWhatLongToStringWrites() {
    long[] values = {
      0,
      7,
      -7,
      9,
      10,
      99,
      100,
      1_751_526_764L,
      -62_135_596_800L,
      999_999_999_999_999_999L,
      1_000_000_000_000_000_000L,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      Long.MIN_VALUE + 1
    };
    for (long v : values) {
      assertThat(new ByteBuf(1).decimal(v).toString()).isEqualTo(Long.toString(v));
    }
  }

  @Test
  void jsonSpecialsFlagsTheFirstByteAJsonStringMustLookAt() {
    assertFlagsTheFirst(
        Swar::jsonSpecials,
        v -> v < 0x20 || v >= 0x80 || v == '"' || v == '\\' || v == '<' || v == '>' || v == '&');
  }

  @Test
  void jsonStringOfBytesIsTheJsonStringOfTheText() {
    String[] specials = {
      "\"",
      "\\",
      "<",
      ">",
      "&",
      "\n",
      "\u0001",
      "\u00e9",
      "\u2028",
      "\ud83d\ude00",
      "\u00e9\u4e2d\u2029\ud83d\ude00\u00e8" // a run of non-ASCII characters, U+2029 inside it
    };
    for (int len = 0; len < 24; len++) {
      for (int at = 0; at <= len; at++) {
        for (String sp : specials) {
          assertJsonStringOfBytesIsOfText("x".repeat(at) + sp + "y".repeat(len - at));
        }
      }
    }
    byte[] invalid = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', (byte) 0xC3, 'i', '"'};
    ByteBuf out = new ByteBuf(8);
    GoText.appendJsonString(out, invalid, 0, invalid.length);
    assertThat(out.toString()).isEqualTo("\"abcdefgh\\ufffdi\\\"\"");
    // Invalid bytes inside a run of non-ASCII characters, and a sequence cut by the end.
    byte[] run = {
      (byte) 0xC3,
      (byte) 0xA9,
      (byte) 0xFF,
      (byte) 0xE4,
      (byte) 0xB8,
      (byte) 0xAD,
      (byte) 0xE2,
      (byte) 0x80,
      (byte) 0xA8,
      (byte) 0x80,
      'x',
      (byte) 0xE4,
      (byte) 0xB8
    };
    out = new ByteBuf(8);
    GoText.appendJsonString(out, run, 0, run.length);
    assertThat(out.toString()).isEqualTo("\"\u00e9\\ufffd\u4e2d\\u2028\\ufffdx\\ufffd\\ufffd\"");
  }

  /** The JSON string of {@code text}'s UTF-8 bytes is the JSON string of the text. */
  private static void assertJsonStringOfBytesIsOfText(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf out = new ByteBuf(8);
    GoText.appendJsonString(out, b, 0, b.length);
    StringBuilder sb = new StringBuilder();
    GoText.appendJsonString(sb, text);
    assertThat(out.toString()).as(text).isEqualTo(sb.toString());
  }

  @Test
  void jsonStringOfBytesWithSeveralBytesToEscapeInOneWord() {
    // Every pair of positions in 20 bytes (so two in one eight-byte word, and in neighbouring
    // words), each pair of these: the ASCII bytes to escape, the bytes a borrow may flag falsely
    // right above one (Swar#jsonSpecials: '#' above '"', ']' above '\\', '=' and '?' above '<'
    // and '>', '\'' above '&', a space above a control byte), a plain letter and non-ASCII text.
    String[] parts = {
      "\"", "\\", "<", ">", "&", "\n", "\u0001", "\u0000", "#", "]", "=", "?", "'", " "
    };
    String[] more = {"\"", "\\", "\u001f", "#", " ", "z", "\u00e9", "\u2028"};
    for (int a = 0; a < 20; a++) {
      for (int b2 = a + 1; b2 < 20; b2++) {
        for (String p : parts) {
          for (String q : more) {
            char[] base = "abcdefghijklmnopqrst".toCharArray();
            String text =
                new String(base, 0, a)
                    + p
                    + new String(base, a + 1, b2 - a - 1)
                    + q
                    + new String(base, b2 + 1, 19 - b2);
            assertJsonStringOfBytesIsOfText(text);
          }
        }
      }
    }
  }

  @Test
  void humanSpecialsFlagsTheFirstByteAHumanValueCannotCopy() {
    assertFlagsTheFirst(Swar::humanSpecials, v -> v <= 0x20 || v >= 0x7F || v == '"' || v == '\\');
  }

  @Test
  void quotedSpecialsFlagsTheFirstByteAQuotedHumanValueCannotCopy() {
    assertFlagsTheFirst(Swar::quotedSpecials, v -> v < 0x20 || v >= 0x7F || v == '"' || v == '\\');
  }

  @Test
  void allHexIsTrueExactlyForEightHexDigits() {
    for (int v = 0; v < 256; v++) {
      boolean hex = (v >= '0' && v <= '9') || (v >= 'a' && v <= 'f') || (v >= 'A' && v <= 'F');
      for (int at = 0; at < 8; at++) {
        for (String around : new String[] {"09afAF3c", "00000000", "ffffffff", "FFFFFFFF"}) {
          byte[] b = around.getBytes(StandardCharsets.US_ASCII);
          b[at] = (byte) v;
          assertThat(Swar.allHex(Swar.word(b, 0)))
              .as("byte %02x at %d in %s", v, at, around)
              .isEqualTo(hex);
        }
      }
    }
  }

  @Test
  void quotesAndBackslashesFlagsTheFirstOfThem() {
    assertFlagsTheFirst(Swar::quotesAndBackslashes, v -> v == '"' || v == '\\');
  }

  /**
   * Every byte value at every position of a word of plain text, alone and followed by a byte that
   * borrows (0x00): {@code test} flags it exactly when {@code special} says so, and its lowest flag
   * is that byte's (or the 0x00's, when that is special too).
   */
  private static void assertFlagsTheFirst(LongUnaryOperator test, IntPredicate special) {
    for (int v = 0; v < 256; v++) {
      for (int at = 0; at < 8; at++) {
        for (boolean borrowAfter : new boolean[] {false, true}) {
          byte[] b = "abcdefgh".getBytes(StandardCharsets.US_ASCII);
          b[at] = (byte) v;
          if (borrowAfter && at < 7) {
            b[at + 1] = 0;
          }
          long hits = test.applyAsLong(Swar.word(b, 0));
          int first = special.test(v) ? at : borrowAfter && at < 7 && special.test(0) ? at + 1 : -1;
          assertThat(hits == 0 ? -1 : Long.numberOfTrailingZeros(hits) >>> 3)
              .as("byte %02x at %d, 00 after: %s", v, at, borrowAfter)
              .isEqualTo(first);
        }
      }
    }
  }
}
