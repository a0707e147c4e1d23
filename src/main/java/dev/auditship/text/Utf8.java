package dev.auditship.text;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding and encoding that keep invalid bytes. Decoding maps each byte that is not part of
 * a valid UTF-8 sequence to the lone surrogate U+DC00+byte (U+DC80..U+DCFF, "surrogate escape");
 * encoding maps them back, so a line with invalid UTF-8 passes through unchanged where Go would
 * pass it, and the formats can render it as Go does. Other lone surrogates encode as U+FFFD.
 */
public final class Utf8 {
  private Utf8() {}

  /** Decodes {@code len} bytes of {@code b} from {@code off}. */
  public static String decode(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end && b[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    StringBuilder sb = new StringBuilder(len);
    for (int k = off; k < i; k++) {
      sb.append((char) b[k]);
    }
    while (i < end) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        sb.append((char) c);
        i++;
        continue;
      }
      int n = sequence(b, i, end);
      if (n == 0) {
        sb.append((char) (0xDC00 + c));
        i++;
        continue;
      }
      int cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
      for (int k = 1; k < n; k++) {
        cp = (cp << 6) | (b[i + k] & 0x3F);
      }
      sb.appendCodePoint(cp);
      i += n;
    }
    return sb.toString();
  }

  /** Encodes {@code s}, turning surrogate escapes back into their bytes. */
  public static byte[] encode(CharSequence s) {
    int n = s.length();
    int i = 0;
    while (i < n && s.charAt(i) < 0x80) {
      i++;
    }
    if (i == n) {
      byte[] out = new byte[n];
      for (int k = 0; k < n; k++) {
        out[k] = (byte) s.charAt(k);
      }
      return out;
    }
    ByteArrayOutputStream bo = new ByteArrayOutputStream(n + 16);
    encodeTo(s, bo);
    return bo.toByteArray();
  }

  /** Encodes {@code s} into {@code out}, turning surrogate escapes back into their bytes. */
  public static void encodeTo(CharSequence s, ByteArrayOutputStream out) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.write(c);
      } else if (c < 0x800) {
        out.write(0xC0 | (c >> 6));
        out.write(0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xF0 | (cp >> 18));
        out.write(0x80 | ((cp >> 12) & 0x3F));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else if (c >= 0xDC80 && c <= 0xDCFF) {
        out.write(c - 0xDC00);
      } else if (Character.isSurrogate(c)) {
        out.write(0xEF);
        out.write(0xBF);
        out.write(0xBD);
      } else {
        out.write(0xE0 | (c >> 12));
        out.write(0x80 | ((c >> 6) & 0x3F));
        out.write(0x80 | (c & 0x3F));
      }
    }
  }

  /**
   * Length of the valid UTF-8 sequence starting at the non-ASCII byte {@code b[i]} (2 to 4), or 0
   * when {@link #decode} would turn that byte into a surrogate escape.
   */
  public static int sequence(byte[] b, int i, int end) {
    int c = b[i] & 0xFF;
    int need;
    int cp;
    int min;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
      cp = c & 0x1F;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      cp = c & 0x0F;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + need >= end) {
      return 0;
    }
    for (int k = 1; k <= need; k++) {
      int cc = b[i + k] & 0xFF;
      if ((cc & 0xC0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return 0;
    }
    return need + 1;
  }

  /** True when {@code b[off, off+len)} is valid UTF-8 throughout. */
  public static boolean isValid(byte[] b, int off, int len) {
    int end = off + len;
    for (int i = firstNonAscii(b, off, end); i < end; ) {
      if (b[i] >= 0) {
        i++;
        continue;
      }
      int n = sequence(b, i, end);
      if (n == 0) {
        return false;
      }
      i += n;
    }
    return true;
  }

  /**
   * Appends UTF-8 {@code b[off, off+len)} with every byte that is not valid UTF-8 written as the
   * JSON escape {@code \ufffd}: what Go's encoder writes for it, and what keeps a JSON body valid
   * UTF-8 (RFC 8259 §8.1) when the bytes sit inside JSON strings.
   */
  public static void appendSanitizedJson(ByteBuf out, byte[] b, int off, int len) {
    if (len > (Integer.MAX_VALUE - 16) / 6) {
      throw new IllegalArgumentException("text too long for one JSON body: " + len + " bytes");
    }
    // Room for the worst case (six bytes out for each byte in) and eight bytes of slack: each word
    // read is stored at once, and a word of ASCII needs nothing more (one pass, no second copy).
    out.ensure(6 * len + 8);
    byte[] o = out.array();
    int w = out.length();
    int end = off + len;
    int i = off;
    while (i < end) {
      if (i + 8 <= end) {
        long word = Swar.word(b, i);
        Swar.store(o, w, word);
        if ((word & 0x8080808080808080L) == 0) {
          i += 8;
          w += 8;
          continue;
        }
      }
      if (b[i] >= 0) {
        o[w++] = b[i++];
        continue;
      }
      int n = sequence(b, i, end);
      if (n == 0) {
        for (byte c : REPLACEMENT_ESCAPE) {
          o[w++] = c;
        }
        i++;
      } else {
        System.arraycopy(b, i, o, w, n);
        w += n;
        i += n;
      }
    }
    out.advance(w - out.length());
  }

  private static final byte[] REPLACEMENT_ESCAPE = {'\\', 'u', 'f', 'f', 'f', 'd'};

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Index of the first byte of {@code b[from, to)} at or above 0x80, or {@code to}. */
  public static int firstNonAscii(byte[] b, int from, int to) {
    int i = from;
    // Eight bytes at a time: a set high bit in any of them means a non-ASCII byte is there.
    for (; i + 8 <= to; i += 8) {
      if (((long) LONGS.get(b, i) & 0x8080808080808080L) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      if (b[i] < 0) {
        return i;
      }
    }
    return to;
  }

  /**
   * Index of the first byte {@code c} in {@code b[from, to)}, or {@code to}; eight bytes a step.
   */
  public static int indexOf(byte[] b, int from, int to, byte c) {
    long pattern = (c & 0xFFL) * 0x0101010101010101L;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ pattern;
      // A zero byte in x is a match (the classic "has zero byte" test).
      if (((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return to;
  }
}
