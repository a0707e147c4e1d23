package dev.auditship.text;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that formats and sinks write into and reuse from record to record, so a
 * record goes from the decoded event to the socket without a {@code String} or a per-record array
 * in between. Text is written as UTF-8; a lone surrogate U+DC80..U+DCFF stands for one invalid
 * input byte and is written back as that byte ({@link Utf8}), any other lone surrogate as U+FFFD.
 *
 * <p>Not thread-safe: one per thread or per sink. {@link #reset()} keeps the array, so a buffer
 * grows to the largest record it held; owners that may see a huge record call {@link #trim(int)}
 * afterwards so that one runaway line does not pin memory.
 */
public final class ByteBuf {
  private byte[] a;
  private int n;

  public ByteBuf(int capacity) {
    a = new byte[Math.max(16, capacity)];
  }

  /** Bytes written so far. */
  public int length() {
    return n;
  }

  /** The backing array; bytes {@code 0..length()-1} are valid until the next write. */
  public byte[] array() {
    return a;
  }

  /** Forgets the contents and keeps the array. */
  public ByteBuf reset() {
    n = 0;
    return this;
  }

  /** Cuts the contents back to {@code len} bytes. */
  public void truncate(int len) {
    n = len;
  }

  /**
   * Takes in {@code count} bytes written straight into {@link #array()} after {@link #length()},
   * for writers that fill the array in a loop (room made first with {@link #ensure}).
   */
  public void advance(int count) {
    n += count;
  }

  /** Drops an array that grew beyond {@code max} bytes (after a huge record). */
  public void trim(int max) {
    if (a.length > max) {
      a = new byte[max];
      n = 0;
    }
  }

  /** A copy of the contents. */
  public byte[] toByteArray() {
    return Arrays.copyOf(a, n);
  }

  /** The byte at {@code i}. */
  public byte at(int i) {
    return a[i];
  }

  /** Makes room for {@code more} bytes. */
  public void ensure(int more) {
    int need = n + more;
    if (need > a.length) {
      a = Arrays.copyOf(a, Math.max(need, a.length * 2));
    }
  }

  public ByteBuf put(int b) {
    if (n == a.length) {
      ensure(1);
    }
    a[n++] = (byte) b;
    return this;
  }

  public ByteBuf put(byte[] b) {
    return put(b, 0, b.length);
  }

  public ByteBuf put(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, a, n, len);
    n += len;
    return this;
  }

  /** Writes text known to be ASCII (keys, fixed punctuation, digits). */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  public ByteBuf ascii(String s) {
    int len = s.length();
    ensure(len);
    s.getBytes(0, len, a, n);
    n += len;
    return this;
  }

  /** Writes text known to be ASCII between double quotes (one bounds check for the three parts). */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  public ByteBuf quotedAscii(String s) {
    int len = s.length();
    ensure(len + 2);
    byte[] a = this.a;
    a[n] = '"';
    s.getBytes(0, len, a, n + 1);
    a[n + len + 1] = '"';
    n += len + 2;
    return this;
  }

  /** Writes a decimal number (as {@link Long#toString(long)} spells it, without a String). */
  public ByteBuf decimal(long v) {
    if (v == Long.MIN_VALUE) {
      return ascii(Long.toString(v));
    }
    ensure(20);
    if (v < 0) {
      a[n++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long p = 10; digits < 19 && v >= p; p *= 10) {
      digits++;
    }
    for (int i = n + digits - 1; i >= n; i--) {
      a[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    n += digits;
    return this;
  }

  /** Writes {@code s} as UTF-8 (surrogate escapes back to their bytes). */
  public ByteBuf utf8(String s) {
    return utf8(s, 0, s.length());
  }

  /** Writes {@code s[from, to)} as UTF-8 (surrogate escapes back to their bytes). */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  public ByteBuf utf8(CharSequence s, int from, int to) {
    int i = from;
    if (s instanceof String str) {
      while (i < to && str.charAt(i) < 0x80) {
        i++;
      }
      if (i == to) {
        int len = to - from;
        ensure(len);
        str.getBytes(from, to, a, n);
        n += len;
        return this;
      }
      i = from;
    }
    ensure((to - from) * 3);
    byte[] b = a;
    int p = n;
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else if (c >= 0xDC80 && c <= 0xDCFF) {
        b[p++] = (byte) (c - 0xDC00);
      } else if (Character.isSurrogate(c)) {
        b[p++] = (byte) 0xEF;
        b[p++] = (byte) 0xBF;
        b[p++] = (byte) 0xBD;
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    n = p;
    return this;
  }

  /** Writes one code point as UTF-8. */
  public ByteBuf codePoint(int cp) {
    if (cp < 0x80) {
      return put(cp);
    }
    ensure(4);
    if (cp < 0x800) {
      a[n++] = (byte) (0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
      a[n++] = (byte) (0xE0 | (cp >> 12));
      a[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
    } else {
      a[n++] = (byte) (0xF0 | (cp >> 18));
      a[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      a[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
    }
    a[n++] = (byte) (0x80 | (cp & 0x3F));
    return this;
  }

  /** True when bytes {@code [from, length())} equal {@code b[off, off+len)}. */
  public boolean contentEquals(int from, byte[] b, int off, int len) {
    return n - from == len && Arrays.equals(a, from, n, b, off, off + len);
  }

  /** An output stream that appends to this buffer (for compressors). */
  public OutputStream asOutputStream() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        put(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        put(b, off, len);
      }
    };
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(a, 0, n);
  }

  /** The contents decoded as UTF-8 with surrogate escapes (for tests and messages). */
  @Override
  public String toString() {
    return Utf8.decode(a, 0, n);
  }
}
