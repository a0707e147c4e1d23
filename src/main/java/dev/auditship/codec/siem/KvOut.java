package dev.auditship.codec.siem;

import dev.auditship.event.Value;
import java.util.Arrays;

/**
 * Writer for the two key=value syslog payloads, CEF and LEEF: a {@code |}-separated header and
 * key=value pairs. The escaping rules differ per standard and are chosen by the constructor.
 *
 * <ul>
 *   <li>CEF (ArcSight "Implementing ArcSight Common Event Format", "Character Encoding"): in the
 *       header {@code \} and {@code |} are escaped with a backslash; in extension values {@code \}
 *       and {@code =} are, and a line break is written {@code \n} or {@code \r}; pairs are
 *       separated by one space (a value may contain spaces).
 *   <li>LEEF 2.0 (IBM QRadar "LEEF event components"): in the header {@code \} and {@code |} are
 *       escaped; attributes are separated by the delimiter. LEEF defines no escape inside attribute
 *       values, so line breaks, tabs, backslashes and the delimiter itself are written with the
 *       backslash escapes docs/formats.md lists, which no conforming value can be confused with.
 * </ul>
 *
 * Both payloads are UTF-8: a byte of invalid UTF-8 the source kept (a lone surrogate) becomes
 * U+FFFD.
 */
final class KvOut {
  /**
   * {@code a} followed by the ASCII text {@code ascii}: prepared runs of the CEF and LEEF headers.
   */
  static byte[] concat(byte[] a, String ascii) {
    byte[] r = Arrays.copyOf(a, a.length + ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      r[a.length + i] = (byte) ascii.charAt(i);
    }
    return r;
  }

  private final TextOut out;
  private final boolean cef;
  private final char delimiter;
  private boolean first = true;

  private KvOut(TextOut out, boolean cef, char delimiter) {
    this(out, cef, delimiter, cef ? CEF_PLAIN : leefPlain(delimiter));
  }

  private KvOut(TextOut out, boolean cef, char delimiter, boolean[] plain) {
    this.out = out;
    this.cef = cef;
    this.delimiter = delimiter;
    this.plain = plain;
    this.rawPlain = cef ? CEF_RAW_PLAIN : plain == LEEF_TAB_PLAIN ? LEEF_TAB_RAW_PLAIN : null;
    this.special = cef ? '=' : delimiter >= 0x20 && delimiter < 0x80 ? delimiter : -1;
    this.timePlain = cef || "-:.+".indexOf(delimiter) < 0;
  }

  /** Whether a time's text holds no character this syntax escapes ({@link #time}). */
  private final boolean timePlain;

  /**
   * The one printable ASCII character a JSON-safe ASCII value may hold that this syntax escapes
   * ({@code =} in CEF, an ASCII delimiter from U+0020 on in LEEF), or -1 for none (a control
   * character or non-ASCII delimiter cannot be in such a value).
   */
  private final int special;

  /** ASCII characters a value holds as they are, per syntax (the rest take the slow path). */
  private final boolean[] plain;

  private static final boolean[] CEF_PLAIN = plainExcept('\\', '=');
  private static final boolean[] LEEF_TAB_PLAIN = plainExcept('\\');

  /**
   * {@link TextOut#rawJson} classes of the characters a value holds as they are, for raw JSON
   * ({@link #jsonText}); null for a LEEF delimiter other than tab (that way is not taken).
   */
  private final byte[] rawPlain;

  private static final byte[] CEF_RAW_PLAIN = TextOut.rawJsonClasses('=');
  private static final byte[] LEEF_TAB_RAW_PLAIN = TextOut.rawJsonClasses();

  /**
   * The ASCII characters a LEEF value with this delimiter holds as they are: made once per format
   * ({@link #leef(TextOut, char, boolean[])}), not for every record.
   */
  static boolean[] leefPlain(char delimiter) {
    return delimiter == '\t' ? LEEF_TAB_PLAIN : plainExcept('\\', delimiter);
  }

  /** Printable ASCII without the given characters. */
  private static boolean[] plainExcept(char... special) {
    boolean[] p = new boolean[128];
    for (char c = 0x20; c < 0x7f; c++) {
      p[c] = true;
    }
    for (char c : special) {
      if (c < 128) {
        p[c] = false;
      }
    }
    return p;
  }

  static KvOut cef(TextOut out) {
    return new KvOut(out, true, ' ');
  }

  static KvOut leef(TextOut out, char delimiter) {
    return leef(out, delimiter, leefPlain(delimiter));
  }

  /** A LEEF writer; {@code plain} is {@link #leefPlain(char)} of the delimiter. */
  static KvOut leef(TextOut out, char delimiter, boolean[] plain) {
    return new KvOut(out, false, delimiter, plain);
  }

  /** Bytes prepared beforehand (the header prefix built from the options). */
  KvOut raw(byte[] bytes) {
    out.put(bytes);
    return this;
  }

  /**
   * Pairs prepared beforehand ({@link #pairs}), each after its separator: written as they are after
   * the first pair.
   */
  KvOut pairs(byte[] bytes) {
    out.put(bytes);
    first = false;
    return this;
  }

  /**
   * Constant pairs ({@code key, value, key, value, ...}: constants that need no escaping), each
   * after the separator, prepared once as bytes for {@link #pairs(byte[])}.
   */
  static byte[] pairs(boolean cef, char delimiter, String... keysAndValues) {
    TextOut t = new TextOut(64);
    KvOut k = new KvOut(t, cef, delimiter);
    k.first = false;
    for (int i = 0; i < keysAndValues.length; i += 2) {
      k.lit(key(keysAndValues[i]), keysAndValues[i + 1]);
    }
    return t.bytes();
  }

  /** A constant ASCII piece that needs no escaping. */
  KvOut ascii(String s) {
    out.ascii(s);
    return this;
  }

  /**
   * The magic and the header fields from the options ({@code CEF:0|vendor|product|version|}),
   * escaped once when the format is made.
   */
  static byte[] headerPrefix(boolean cef, String magic, String... fields) {
    TextOut t = new TextOut(64);
    KvOut k = new KvOut(t, cef, cef ? ' ' : '\t');
    k.out.ascii(magic);
    for (String f : fields) {
      k.header(f);
    }
    return t.bytes();
  }

  /**
   * A Coder string inside a header field, escaped; nothing for null. A JSON-safe ASCII string has
   * no backslash, line break or surrogate, so only a {@code |} would need the general path.
   */
  KvOut headerPart(Value.Str v) {
    if (v != null) {
      String s = v.value();
      if (v.jsonSafe() && v.ascii() && v.noEqualsOrBar()) {
        out.ascii(s);
        return this;
      }
      int mark = out.mark();
      if (!v.jsonSafe() || !v.ascii() || out.copyAsciiUntil(s, '|') < s.length()) {
        out.rewind(mark);
        part(s);
      }
    }
    return this;
  }

  /** One header field followed by {@code |}. */
  KvOut header(String s) {
    headerText(s);
    out.put('|');
    return this;
  }

  /** A header field's text, escaped. */
  private void headerText(String s) {
    int start = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '|') {
        out.put(s, start, i);
        out.put('\\');
        start = i;
      } else if (c == '\n' || c == '\r') {
        // Headers never hold a line break (options are checked; Coder's names have none).
        out.put(s, start, i);
        out.put(' ');
        start = i + 1;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        out.put(s, start, i);
        out.put('\ufffd');
        start = i + 1;
      }
    }
    out.put(s, start, n);
  }

  /**
   * A key, prepared once as {@code ?key=}: its first byte stands for the separator, which the
   * writer puts there (CEF's space, LEEF's delimiter) or leaves out before the first pair. The
   * caller keeps it in a static final field.
   */
  static Chunk key(String key) {
    return Chunk.of(" " + key + "=");
  }

  /** One pair under a key made at run time (newer Coder's fields); nothing for a null value. */
  KvOut pair(String key, String value) {
    return value == null ? this : pair(key(key), value);
  }

  /** One pair; nothing when {@code value} is null. */
  KvOut pair(Chunk key, String value) {
    if (value == null) {
      return this;
    }
    out.kvKey(key, first ? (char) 0 : delimiter);
    first = false;
    value(value);
    return this;
  }

  /**
   * One pair from a Coder string; nothing when null. A string decoding found JSON-safe has no
   * backslash and no control character, so it is written whole unless it holds the one character
   * left to escape ({@code =} in CEF, the delimiter in LEEF).
   */
  KvOut pair(Chunk key, Value.Str value) {
    if (value != null) {
      String s = value.value();
      // A JSON-safe string holds no control character, so with LEEF's default tab delimiter
      // there is nothing to look for (special < 0); the decoder may have seen that it holds no
      // = and no | either.
      if (value.jsonSafe() && value.ascii()) {
        if (special < 0 || ((special == '=' || special == '|') && value.noEqualsOrBar())) {
          out.kvPair(key, first ? (char) 0 : delimiter, s);
          first = false;
          return this;
        }
        // Copied up to the one character left to escape, if there is one (then written again).
        int mark = out.mark();
        out.kvKey(key, first ? (char) 0 : delimiter);
        if (out.copyAsciiUntil(s, (char) special) == s.length()) {
          first = false;
          return this;
        }
        out.rewind(mark);
      }
      otherPair(key, value);
    }
    return this;
  }

  /**
   * One pair from one of the actor's strings: the string its decoder classified ({@link
   * Value.Actor#idStr()}) when it has one, else the text as any value (cheaper than classifying it
   * first for a value written once); nothing when {@code skipEmpty} and the text is empty.
   */
  KvOut actorPair(Chunk key, Value.Str classified, String text, boolean skipEmpty) {
    if (skipEmpty && text.isEmpty()) {
      return this;
    }
    return classified != null ? pair(key, classified) : pair(key, text);
  }

  /**
   * One pair whose value is {@link CefMapping#jsonText} of {@code v}; nothing for null. Raw JSON
   * that is already compact and holds nothing to escape is copied while it is looked at, in one
   * pass, without looking for whitespace first ({@link TextOut#rawJson}).
   */
  KvOut jsonText(Chunk key, Value v) {
    if (rawPlain != null && v instanceof Value.Raw r && r.json() != null) {
      String s = r.json();
      if (cef ? r.compactPlainNoEquals() : r.compactPlain()) {
        // The decoder saw it compact with nothing to escape (a tab, LEEF's default delimiter, is
        // never in compact JSON, nor in a JSON string as it is).
        out.kvKey(key, first ? (char) 0 : delimiter);
        out.ascii(s);
        first = false;
        return this;
      }
      int mark = out.mark();
      out.kvKey(key, first ? (char) 0 : delimiter);
      if (out.rawJson(s, rawPlain, false)) {
        first = false;
        return this;
      }
      out.rewind(mark);
    }
    return pair(key, CefMapping.jsonText(v));
  }

  /** True once a pair has been written (the next one needs its separator). */
  boolean started() {
    return !first;
  }

  /**
   * The value of a pair whose key ends the prepared bytes written just before ({@link
   * #pairs(byte[])}), escaped as {@link #pair(Chunk, Value.Str)} escapes it.
   */
  KvOut valueOf(Value.Str value) {
    String s = value.value();
    first = false;
    if (value.jsonSafe() && value.ascii()) {
      if (special < 0 || ((special == '=' || special == '|') && value.noEqualsOrBar())) {
        out.ascii(s);
        return this;
      }
      int mark = out.mark();
      if (out.copyAsciiUntil(s, (char) special) == s.length()) {
        return this;
      }
      out.rewind(mark);
    }
    if (value.jsonSafe()
        && !value.ascii()
        && (cef ? s.indexOf('=') < 0 : s.indexOf(delimiter) < 0)) {
      out.put(value);
    } else {
      value(s);
    }
    return this;
  }

  /** {@link #pair(Chunk, Value.Str)} of a value that is not JSON-safe ASCII without specials. */
  private void otherPair(Chunk key, Value.Str value) {
    String s = value.value();
    if (value.jsonSafe()
        && !value.ascii()
        && (cef ? s.indexOf('=') < 0 : s.indexOf(delimiter) < 0)) {
      out.kvKey(key, first ? (char) 0 : delimiter);
      out.put(value);
      first = false;
    } else {
      pair(key, s);
    }
  }

  /** A header field made of three parts ({@code audit:<type>:<action>}), not built first. */
  KvOut header(String a, String b, String c, String d) {
    part(a);
    part(b);
    part(c);
    return header(d);
  }

  private void part(String s) {
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '|' || c == '\n' || c == '\r' || Character.isSurrogate(c)) {
        headerText(s);
        return;
      }
    }
    out.put(s);
  }

  /** One pair whose value is a constant that needs no escaping (a label, a category). */
  KvOut lit(Chunk key, String value) {
    out.kvPair(key, first ? (char) 0 : delimiter, value);
    first = false;
    return this;
  }

  /**
   * One pair whose value is a time's text: copied whole when {@code plain} (ASCII of {@code 0-9 - :
   * . T t Z z +} only, {@link dev.auditship.event.Envelope#tsMicros()}) and none of those is a
   * character this syntax escapes (a LEEF delimiter {@code - : . +}); else escaped as any value.
   */
  KvOut time(Chunk key, String text, boolean plain) {
    return plain && timePlain ? lit(key, text) : pair(key, text);
  }

  /** A LEEF {@code devTime} value (its key written before), straight into the record. */
  KvOut devTime(long ms) {
    first = false;
    out.devTime(ms);
    return this;
  }

  /**
   * A LEEF {@code devTime} value (its key written before) from the UTC RFC 3339 text {@code t},
   * ASCII with at least three fraction digits: its date, time and milliseconds copied.
   */
  KvOut devTimeOf(String t) {
    first = false;
    out.devTimeOf(t);
    return this;
  }

  /** A number, the value of a pair whose key ends the prepared bytes written just before. */
  KvOut number(long value) {
    first = false;
    out.putLong(value);
    return this;
  }

  KvOut pair(Chunk key, long value) {
    out.kvKey(key, first ? (char) 0 : delimiter);
    first = false;
    out.putLong(value);
    return this;
  }

  private void value(String s) {
    int i = out.copyPlain(s, 0, plain);
    if (i < s.length()) {
      out.kvEscaped(s, i, cef, delimiter);
    }
  }
}
