package dev.auditship.source;

import java.io.ByteArrayOutputStream;
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
        sb.append((char) (0xDC00 + c));
        i++;
        continue;
      }
      boolean ok = true;
      {
        for (int k = 1; k <= need; k++) {
          if (i + k >= end) {
            ok = false;
            break;
          }
          int cc = b[i + k] & 0xFF;
          if ((cc & 0xC0) != 0x80) {
            ok = false;
            break;
          }
          cp = (cp << 6) | (cc & 0x3F);
        }
      }
      if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
        ok = false;
      }
      if (!ok) {
        sb.append((char) (0xDC00 + c));
        i++;
        continue;
      }
      sb.appendCodePoint(cp);
      i += need + 1;
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
}
