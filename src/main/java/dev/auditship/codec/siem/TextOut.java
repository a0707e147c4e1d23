package dev.auditship.codec.siem;

import dev.auditship.text.ByteBuf;
import java.nio.CharBuffer;
import java.util.Arrays;

/**
 * Where the SIEM emitters write a record: a growable char buffer, filled with bulk copies and
 * handed over whole when the record is done. The mappings and emitters depend only on this, not on
 * {@link dev.auditship.codec.Format}: moving the formats to another output (UTF-8 bytes in a
 * reusable buffer) needs only a new hand-over in {@link SiemFormats}. One buffer serves one thread
 * at a time.
 *
 * <p>Why a buffer of its own: a record is written in about a hundred small pieces, and each append
 * to a {@code StringBuilder} checks capacity and Latin-1/UTF-16 coding again; into a plain array
 * they cost a copy each, and the builder sees one append per record.
 */
final class TextOut {
  /** Buffers that grew past this (a 64 KiB value) are dropped after the record, not kept. */
  static final int KEEP = 16 * 1024;

  private char[] buf;
  private int len;

  TextOut(int capacity) {
    buf = new char[capacity];
  }

  void put(char c) {
    if (len == buf.length) {
      grow(1);
    }
    buf[len++] = c;
  }

  void put(String s) {
    int n = s.length();
    if (len + n > buf.length) {
      grow(n);
    }
    if (n < 16) {
      // Short pieces (keys, quotes, numbers) are most of a record: a plain loop beats getChars.
      char[] b = buf;
      int at = len;
      for (int i = 0; i < n; i++) {
        b[at + i] = s.charAt(i);
      }
    } else {
      s.getChars(0, n, buf, len);
    }
    len += n;
  }

  /** {@code "s"}: a JSON string whose text needs no escaping, in one step. */
  void putQuoted(String s) {
    int n = s.length();
    if (len + n + 2 > buf.length) {
      grow(n + 2);
    }
    buf[len++] = '"';
    if (n < 16) {
      char[] b = buf;
      int at = len;
      for (int i = 0; i < n; i++) {
        b[at + i] = s.charAt(i);
      }
    } else {
      s.getChars(0, n, buf, len);
    }
    len += n;
    buf[len++] = '"';
  }

  /** A decimal number, without building a String for it. */
  void putLong(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        put(Long.toString(v));
        return;
      }
      put('-');
      v = -v;
    }
    int digits = 1;
    for (long p = 10; digits < 19 && v >= p; p *= 10) {
      digits++;
    }
    if (len + digits > buf.length) {
      grow(digits);
    }
    for (int i = len + digits - 1; i >= len; i--) {
      buf[i] = (char) ('0' + (v % 10));
      v /= 10;
    }
    len += digits;
  }

  /**
   * {@code [sep]"key":} in one step (JSON members): {@code sep} 0 for none. {@code key} needs no
   * escaping.
   */
  void jsonKey(char sep, String key) {
    int n = key.length();
    if (len + n + 4 > buf.length) {
      grow(n + 4);
    }
    char[] b = buf;
    int at = len;
    if (sep != 0) {
      b[at++] = sep;
    }
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      b[at + i] = key.charAt(i);
    }
    at += n;
    b[at++] = '"';
    b[at++] = ':';
    len = at;
  }

  /** {@code [sep]key=} in one step (CEF and LEEF pairs): {@code sep} 0 for none. */
  void kvKey(char sep, String key) {
    int n = key.length();
    if (len + n + 2 > buf.length) {
      grow(n + 2);
    }
    char[] b = buf;
    int at = len;
    if (sep != 0) {
      b[at++] = sep;
    }
    for (int i = 0; i < n; i++) {
      b[at + i] = key.charAt(i);
    }
    at += n;
    b[at++] = '=';
    len = at;
  }

  /** Appends {@code s[from, to)}. */
  void put(String s, int from, int to) {
    int n = to - from;
    if (len + n > buf.length) {
      grow(n);
    }
    s.getChars(from, to, buf, len);
    len += n;
  }

  private void grow(int more) {
    buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
  }

  int length() {
    return len;
  }

  char[] chars() {
    return buf;
  }

  /** Hands the record over as UTF-8 (surrogate escapes of invalid input back to their bytes). */
  void writeUtf8(ByteBuf out) {
    out.utf8(CharBuffer.wrap(buf, 0, len), 0, len);
  }

  /** Empties the buffer for the next record. */
  void reset() {
    len = 0;
  }

  /** True when a long record made the buffer too big to keep for the next one. */
  boolean oversized() {
    return buf.length > KEEP;
  }

  /** The record as text (tests, and the hand-over to a {@code StringBuilder}). */
  @Override
  public String toString() {
    return new String(buf, 0, len);
  }
}
