package dev.auditship.codec.siem;

import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;

/**
 * Where the SIEM emitters write a record: UTF-8 straight into the caller's {@link ByteBuf}, the
 * buffer {@link dev.auditship.codec.Format#write} appends to, so a record is encoded once and never
 * copied. Text is encoded as {@link ByteBuf#utf8(String)} does; the emitters replace every lone
 * surrogate before it gets here (a byte of invalid UTF-8 the source kept becomes U+FFFD in a SIEM
 * record), and never split a surrogate pair between two calls.
 *
 * <p>While a record is written the array and the write position are kept here, not read back from
 * the buffer on every piece (a record is about a hundred small pieces); {@link #finish()} hands the
 * length back. One instance per record; not thread-safe.
 */
final class TextOut {
  private final ByteBuf b;
  private byte[] a;
  private int p;

  TextOut(ByteBuf b) {
    this.b = b;
    this.a = b.array();
    this.p = b.length();
  }

  /** A buffer of its own (tests, and the few values that are rendered before they are escaped). */
  TextOut(int capacity) {
    this(new ByteBuf(capacity));
  }

  /** Makes room for {@code more} bytes after the write position. */
  private void room(int more) {
    if (p + more > a.length) {
      finish();
      b.ensure(more);
      a = b.array();
    }
  }

  /** Hands the bytes written so far over to the buffer (its length); writing may go on. */
  void finish() {
    b.advance(p - b.length());
  }

  /** Lets the buffer write a piece itself, then takes its new length back. */
  private ByteBuf begin() {
    finish();
    return b;
  }

  private void end() {
    a = b.array();
    p = b.length();
  }

  /** One character; never a surrogate. */
  void put(char c) {
    if (c < 0x80) {
      room(1);
      a[p++] = (byte) c;
    } else {
      begin().codePoint(c);
      end();
    }
  }

  void put(String s) {
    begin().utf8(s);
    end();
  }

  /** Text known to be ASCII (constants, keys): copied without a scan. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  void ascii(String s) {
    int n = s.length();
    room(n);
    s.getBytes(0, n, a, p);
    p += n;
  }

  /** Bytes prepared beforehand (constant pieces of a record). */
  void put(byte[] bytes) {
    int n = bytes.length;
    room(n);
    System.arraycopy(bytes, 0, a, p, n);
    p += n;
  }

  /**
   * Copies {@code n} bytes of {@code src} from {@code from} at the write position (room made).
   * System.arraycopy, not a loop of eight-byte stores through a VarHandle: the VarHandle's inlined
   * plumbing used up the JIT compiler's inlining budget of the mapping methods.
   */
  private void copy(byte[] src, int from, int n) {
    System.arraycopy(src, from, a, p, n);
    p += n;
  }

  /** A prepared chunk from its byte {@code from} on (0 or 1: with or without its separator). */
  void put(Chunk c, int from) {
    int n = c.length() - from;
    room(n);
    copy(c.bytes(), from, n);
  }

  /**
   * A JSON key chunk ({@code ,"key":}, from 1 without the comma) and, unless 0, the ASCII {@code
   * open} after it ({@code "}, <code>{</code>, {@code [}), in one step.
   */
  void jsonKey(Chunk key, int from, char open) {
    int n = key.length() - from;
    room(n + 1);
    copy(key.bytes(), from, n);
    if (open != 0) {
      a[p++] = (byte) open;
    }
  }

  /**
   * A JSON key chunk (see {@link #jsonKey(Chunk, int, char)}) and {@code "value"}, {@code value}
   * ASCII with nothing to escape, in one step.
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  void jsonString(Chunk key, int from, String value) {
    jsonString(key, from, value, false);
  }

  /** {@link #jsonString(Chunk, int, String)}, then <code>}</code> when {@code close}. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  void jsonString(Chunk key, int from, String value, boolean close) {
    int n = key.length() - from;
    int v = value.length();
    room(n + v + 3);
    copy(key.bytes(), from, n);
    byte[] a = this.a;
    int p = this.p;
    a[p++] = '"';
    value.getBytes(0, v, a, p);
    p += v;
    a[p++] = '"';
    if (close) {
      a[p++] = '}';
    }
    this.p = p;
  }

  /**
   * A CEF/LEEF key chunk ({@code ?key=}: its first byte a placeholder for the separator) after
   * {@code sep} (0 for none, the first pair), in one step.
   */
  void kvKey(Chunk key, char sep) {
    if (sep != 0 && sep < 0x80) {
      // The whole chunk, its placeholder byte then the separator: a constant length for the JIT
      // compiler (the chunk is a constant where it is inlined), so the copy is a few moves.
      int n = key.length();
      room(n);
      int at = p;
      copy(key.bytes(), 0, n);
      a[at] = (byte) sep;
    } else if (sep == 0) {
      put(key, 1);
    } else {
      put(sep);
      put(key, 1);
    }
  }

  /** {@link #kvKey(Chunk, char)} and {@code value}, ASCII with nothing to escape, in one step. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  void kvPair(Chunk key, char sep, String value) {
    int v = value.length();
    if (sep != 0 && sep < 0x80) {
      int n = key.length();
      room(n + v);
      byte[] a = this.a;
      int at = p;
      System.arraycopy(key.bytes(), 0, a, at, n);
      a[at] = (byte) sep;
      value.getBytes(0, v, a, at + n);
      p = at + n + v;
      return;
    }
    kvKey(key, sep);
    room(v);
    value.getBytes(0, v, a, p);
    p += v;
  }

  /** A Coder string as it is (no escaping), ASCII ones copied without a scan. */
  void put(Value.Str s) {
    if (s.ascii()) {
      ascii(s.value());
    } else {
      put(s.value());
    }
  }

  /**
   * A decimal number, without building a String for it: nine digits at a time in int arithmetic
   * (the record's numbers are small ids and epoch milliseconds).
   */
  void putLong(long v) {
    if (v < 0 || v >= 1_000_000_000_000_000_000L) {
      begin().decimal(v);
      end();
      return;
    }
    room(18);
    if (v >= 1_000_000_000_000L && v < 10_000_000_000_000L) {
      // Thirteen digits: epoch milliseconds (OCSF time and logged_time, CEF rt) until 2286.
      int high = (int) (v / 100_000_000L);
      fixed(a, p, high, 5);
      fixed(a, p + 5, (int) (v - high * 100_000_000L), 8);
      p += 13;
      return;
    }
    if (v < 1_000_000_000L) {
      p = digits(a, p, (int) v, 1);
    } else {
      long high = v / 1_000_000_000L;
      p = digits(a, p, (int) high, 1);
      p = digits(a, p, (int) (v - high * 1_000_000_000L), 9);
    }
  }

  /** {@code v} (0 to 999,999,999) in at least {@code width} digits at {@code at}; the new end. */
  private static int digits(byte[] a, int at, int v, int width) {
    int len = 1;
    for (int limit = 10; len < 9 && v >= limit; limit *= 10) {
      len++;
    }
    if (len < width) {
      len = width;
    }
    fixed(a, at, v, len);
    return at + len;
  }

  /** {@code v} in exactly {@code width} digits at {@code at}. */
  private static void fixed(byte[] a, int at, int v, int width) {
    int i = at + width;
    // Two digits per division: epoch milliseconds have thirteen, written for every OCSF and CEF
    // record.
    while (i - at >= 2) {
      int q = v / 100;
      int r = (v - q * 100) << 1;
      a[--i] = PAIRS[r + 1];
      a[--i] = PAIRS[r];
      v = q;
    }
    if (i > at) {
      a[at] = (byte) ('0' + v);
    }
  }

  /** "00" to "99", two ASCII digits each. */
  private static final byte[] PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  /** {@code "s"} for a constant {@code s} that is ASCII and needs no escaping. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  void quotedAscii(String s) {
    int k = s.length();
    room(k + 2);
    a[p] = '"';
    s.getBytes(0, k, a, p + 1);
    a[p + k + 1] = '"';
    p += k + 2;
  }

  /**
   * True when every character of {@code s} is printable ASCII (U+0020..U+007E). One compare per
   * character, so the scan is cheap; the callers look for their few special characters with {@link
   * String#indexOf(int)}, which the JVM vectorises.
   */
  static boolean printableAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if ((char) (s.charAt(i) - 0x20) >= 0x5f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Copies {@code s} from {@code from} while each character is ASCII and {@code plain} (a table of
   * the 128 ASCII characters) marks it, in one pass; returns the index of the first character not
   * copied ({@code s.length()} when all were).
   */
  int copyPlain(String s, int from, boolean[] plain) {
    int n = s.length();
    room(n - from);
    byte[] a = this.a;
    int p = this.p;
    int i = from;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || !plain[c]) {
        break;
      }
      a[p + i - from] = (byte) c;
    }
    this.p = p + i - from;
    return i;
  }

  /**
   * Copies ASCII {@code s} up to its first {@code stop} character (an ASCII one); returns that
   * character's index, or {@code s.length()} when there is none (all copied). The whole string is
   * copied in bulk and the copy looked at byte by byte (what is past the stop is not kept): cheaper
   * for the short values of a record than String.indexOf and a copy, or a loop over charAt.
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  int copyAsciiUntil(String s, char stop) {
    int n = s.length();
    room(n);
    byte[] a = this.a;
    int p = this.p;
    s.getBytes(0, n, a, p);
    byte b = (byte) stop;
    for (int i = 0; i < n; i++) {
      if (a[p + i] == b) {
        this.p = p + i;
        return i;
      }
    }
    this.p = p + n;
    return n;
  }

  /** The write position, to go back to with {@link #rewind}. */
  int mark() {
    return p;
  }

  /** Takes back what was written since {@link #mark()} gave {@code mark}. */
  void rewind(int mark) {
    p = mark;
  }

  private static final byte[] HEX = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  /** 1 for the printable ASCII characters a JSON string escapes with a backslash, else 0. */
  private static final byte[] ESCAPED = new byte[128];

  static {
    ESCAPED['"'] = 1;
    ESCAPED['\\'] = 1;
  }

  /**
   * The rest of a JSON string's text from {@code from}, escaped as RFC 8259 §7 requires plus
   * U+2028/U+2029, a lone surrogate (a byte of invalid UTF-8 the source kept) as {@code \ufffd}
   * (§8.1: JSON is UTF-8), in one pass straight into the array.
   */
  void jsonEscaped(String s, int from) {
    int n = s.length();
    room((n - from) * 6);
    byte[] a = this.a;
    int p = this.p;
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if ((char) (c - 0x20) < 0x5f) {
        // Printable ASCII without a branch on the character: a backslash is written first and
        // kept only before a quote or backslash (ESCAPED 1), else overwritten by the character.
        // Raw JSON carried as a string (ECS diff) has a quote every few characters, which a branch
        // mispredicts (docs/benchmarks.md, "SIEM formats").
        int e = ESCAPED[c];
        a[p] = '\\';
        a[p + e] = (byte) c;
        p += 1 + e;
        continue;
      }
      if (c < 0x80) {
        if (c >= 0x20) { // DEL
          a[p++] = (byte) c;
          continue;
        }
        a[p++] = '\\';
        switch (c) {
          case '\n' -> a[p++] = 'n';
          case '\r' -> a[p++] = 'r';
          case '\t' -> a[p++] = 't';
          case '\b' -> a[p++] = 'b';
          case '\f' -> a[p++] = 'f';
          default -> {
            a[p++] = 'u';
            a[p++] = '0';
            a[p++] = '0';
            a[p++] = HEX[c >> 4];
            a[p++] = HEX[c & 0xf];
          }
        }
      } else if (c == 0x2028 || c == 0x2029) {
        a[p++] = '\\';
        a[p++] = 'u';
        a[p++] = '2';
        a[p++] = '0';
        a[p++] = '2';
        a[p++] = (byte) (c == 0x2028 ? '8' : '9');
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          p = utf8(a, p, Character.toCodePoint(c, s.charAt(++i)));
        } else {
          a[p++] = '\\';
          a[p++] = 'u';
          a[p++] = 'f';
          a[p++] = 'f';
          a[p++] = 'f';
          a[p++] = 'd';
        }
      } else {
        p = utf8(a, p, c);
      }
    }
    this.p = p;
  }

  /**
   * Raw JSON {@code s} that is already compact, written in one pass: as a JSON string's text
   * ({@code json}: quotes escaped, without a branch on the character, see {@link #jsonEscaped}) or
   * as it is. Taken only for ASCII in which {@code classes} (by character: 0 plain, 1 a quote, 4 a
   * space, 2 a character this way does not take) finds no 2, and in which every space is inside a
   * string (after an odd number of quotes, there being no backslash; looked at only when there is a
   * space): what {@link CefMapping#jsonText} gives back unchanged. False as soon as that does not
   * hold: the caller then takes back what was written ({@link #rewind}) and goes the general way.
   */
  boolean rawJson(String s, byte[] classes, boolean json) {
    return json ? rawJsonEscaped(s, classes) : rawJsonCopied(s, classes);
  }

  /**
   * Raw JSON a decoder found compact, printable ASCII and free of backslashes and {@code < > &}
   * ({@link dev.auditship.event.Value.Raw#compactPlain()}) as a JSON string's text: a backslash
   * before each quote, the rest as it is (what {@link #rawJson} writes for it, without its checks).
   */
  void quotesEscaped(String s) {
    int n = s.length();
    room(2 * n);
    byte[] a = this.a;
    int p = this.p;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      int e = c == '"' ? 1 : 0;
      a[p] = '\\';
      a[p + e] = (byte) c;
      p += 1 + e;
    }
    this.p = p;
  }

  private boolean rawJsonEscaped(String s, byte[] classes) {
    int n = s.length();
    room(2 * n);
    byte[] a = this.a;
    int p = this.p;
    int seen = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return false;
      }
      // The classes are gathered and looked at after the loop: one branch a character.
      int k = classes[c];
      seen |= k;
      int e = k & 1;
      a[p] = '\\';
      a[p + e] = (byte) c;
      p += 1 + e;
    }
    if ((seen & 2) != 0 || ((seen & 4) != 0 && !spacesInStrings(s))) {
      return false;
    }
    this.p = p;
    return true;
  }

  private boolean rawJsonCopied(String s, byte[] classes) {
    int n = s.length();
    room(n);
    byte[] a = this.a;
    int p = this.p;
    int seen = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return false;
      }
      seen |= classes[c];
      a[p + i] = (byte) c;
    }
    if ((seen & 2) != 0 || ((seen & 4) != 0 && !spacesInStrings(s))) {
      return false;
    }
    this.p = p + n;
    return true;
  }

  /**
   * True when every space of {@code s}, which has no backslash, comes after an odd number of
   * quotes.
   */
  private static boolean spacesInStrings(String s) {
    boolean in = false;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == '"') {
        in = !in;
      } else if (c == ' ' && !in) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #rawJson} classes of the ASCII characters: a quote 1, a space 4, 2 for a control
   * character, a backslash, {@code < > &} (which compacting would escape inside a string) and each
   * of {@code extra}; 0 the rest.
   */
  static byte[] rawJsonClasses(char... extra) {
    byte[] c = new byte[128];
    for (int x = 0; x < 0x20; x++) {
      c[x] = 2;
    }
    c[0x7f] = 2;
    c['"'] = 1;
    c[' '] = 4;
    for (char x : new char[] {'\\', '<', '>', '&'}) {
      c[x] = 2;
    }
    for (char x : extra) {
      c[x] = 2;
    }
    return c;
  }

  /**
   * The rest of a CEF or LEEF value from {@code from}, escaped as {@link KvOut} documents, in one
   * pass straight into the array: {@code \\}, line feed and carriage return in both; {@code =} in
   * CEF; in LEEF a tab as {@code \\t} and an ASCII delimiter as {@code \\xNN}; a lone surrogate (a
   * byte of invalid UTF-8 the source kept) as U+FFFD; everything else as its UTF-8.
   */
  void kvEscaped(String s, int from, boolean cef, char delimiter) {
    int n = s.length();
    room((n - from) * 4);
    byte[] a = this.a;
    int p = this.p;
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '\\') {
          a[p++] = '\\';
          a[p++] = '\\';
        } else if (c == '\n') {
          a[p++] = '\\';
          a[p++] = 'n';
        } else if (c == '\r') {
          a[p++] = '\\';
          a[p++] = 'r';
        } else if (cef && c == '=') {
          a[p++] = '\\';
          a[p++] = '=';
        } else if (!cef && c == '\t') {
          a[p++] = '\\';
          a[p++] = 't';
        } else if (!cef && c == delimiter) {
          a[p++] = '\\';
          a[p++] = 'x';
          a[p++] = HEX[(c >> 4) & 0xf];
          a[p++] = HEX[c & 0xf];
        } else {
          a[p++] = (byte) c;
        }
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          p = utf8(a, p, Character.toCodePoint(c, s.charAt(++i)));
        } else {
          p = utf8(a, p, '\ufffd');
        }
      } else {
        p = utf8(a, p, c);
      }
    }
    this.p = p;
  }

  /**
   * The UTF-8 of code point {@code cp} (beyond ASCII, not a surrogate) at {@code a[p]}; returns the
   * index after it.
   */
  private static int utf8(byte[] a, int p, int cp) {
    if (cp < 0x800) {
      a[p++] = (byte) (0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
      a[p++] = (byte) (0xE0 | (cp >> 12));
      a[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
    } else {
      a[p++] = (byte) (0xF0 | (cp >> 18));
      a[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      a[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
    }
    a[p++] = (byte) (0x80 | (cp & 0x3F));
    return p;
  }

  /** LEEF's {@code devTime} of {@code ms} (28 ASCII bytes), without a String. */
  void devTime(long ms) {
    room(28);
    LeefMapping.devTime(ms, a, p);
    p += 28;
  }

  /** LEEF's {@code devTime} of the UTC time {@code t} ({@link KvOut#devTimeOf}), 28 bytes. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): a bulk copy for ASCII
  void devTimeOf(String t) {
    room(28);
    byte[] a = this.a;
    int p = this.p;
    t.getBytes(0, 23, a, p);
    a[p + 23] = '+';
    a[p + 24] = '0';
    a[p + 25] = '0';
    a[p + 26] = '0';
    a[p + 27] = '0';
    this.p = p + 28;
  }

  /** Appends {@code s[from, to)}. */
  void put(String s, int from, int to) {
    begin().utf8(s, from, to);
    end();
  }

  /** A copy of the bytes written (constant pieces built when a format is made). */
  byte[] bytes() {
    finish();
    return b.toByteArray();
  }

  /** The buffer's contents as text (tests, and values rendered before they are escaped). */
  @Override
  public String toString() {
    finish();
    return b.toString();
  }
}
