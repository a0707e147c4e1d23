package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The fast path of {@link JsonLineDecoder}: a hand-written scanner over the UTF-8 bytes of one line
 * in the compact shape slog prints ({@code {"ts":…,"level":…,"msg":…,…,"fields":{…}}}, no white
 * space outside strings). It builds the same values the general (Jackson) path builds; anything it
 * does not recognise with certainty (white space, an unknown or repeated top-level key, a
 * non-string envelope value, a malformed token) makes it give up, and the general path decides,
 * with its exact error messages. So the general path stays the one definition of what a line means;
 * this one only makes the common case cheap.
 *
 * <p>Not thread-safe (one per decoder); allocation is the values themselves.
 */
final class JsonLineScanner {
  private byte[] b;
  private int end;
  private StringBuilder sb;

  /** What the scan found; {@code kind == null} means "not an audit or connection event". */
  record Parsed(Kind kind, Envelope envelope, List<Field> fields, String msg) {}

  /**
   * Scans {@code b[off, off+len)}; the parsed line, or {@code null} when the general path must
   * decide.
   */
  Parsed scan(byte[] bytes, int off, int len) {
    this.b = bytes;
    this.end = off + len;
    try {
      return object(off);
    } catch (RuntimeException e) {
      if (e != JsonTokens.GIVE_UP && !(e instanceof ArrayIndexOutOfBoundsException)) {
        throw e;
      }
      return null;
    }
  }

  private Parsed object(int p) {
    expect(p++, '{');
    String ts = null;
    String level = null;
    String msg = null;
    String caller = null;
    String func = null;
    String trace = null;
    String span = null;
    List<String> names = null;
    List<Field> fields = null;
    int seen = 0;
    if (b[p] == '}') {
      throw JsonTokens.GIVE_UP;
    }
    while (true) {
      int k = p + 1;
      int q = JsonTokens.plainKeyEnd(b, p, end);
      int klen = q - k;
      p = q + 1;
      expect(p++, ':');
      int bit;
      if (is(k, klen, "ts")) {
        bit = 1;
        p = string(p);
        ts = str;
      } else if (is(k, klen, "level")) {
        bit = 2;
        p = string(p);
        level = str;
      } else if (is(k, klen, "msg")) {
        bit = 4;
        p = string(p);
        msg = str;
      } else if (is(k, klen, "caller")) {
        bit = 8;
        p = string(p);
        caller = str;
      } else if (is(k, klen, "func")) {
        bit = 16;
        p = string(p);
        func = str;
      } else if (is(k, klen, "logger_names")) {
        bit = 32;
        names = new ArrayList<>(1);
        expect(p++, '[');
        if (b[p] == ']') {
          p++;
        } else {
          while (true) {
            p = string(p);
            names.add(str);
            if (b[p] == ',') {
              p++;
            } else {
              expect(p++, ']');
              break;
            }
          }
        }
      } else if (is(k, klen, "trace")) {
        bit = 64;
        p = string(p);
        trace = str;
      } else if (is(k, klen, "span")) {
        bit = 128;
        p = string(p);
        span = str;
      } else if (is(k, klen, "fields")) {
        bit = 256;
        if (msg == null || Kind.ofMessage(msg) == null) {
          throw JsonTokens.GIVE_UP; // not (yet) known to be an event: the general path decides
        }
        fields = new ArrayList<>(20);
        p = fields(p, fields);
      } else {
        throw JsonTokens.GIVE_UP;
      }
      if ((seen & bit) != 0) {
        throw JsonTokens.GIVE_UP;
      }
      seen |= bit;
      if (b[p] == ',') {
        p++;
        continue;
      }
      expect(p++, '}');
      break;
    }
    if (p != end) {
      throw JsonTokens.GIVE_UP;
    }
    Kind kind = Kind.ofMessage(msg);
    if (kind == null || ts == null || level == null || fields == null) {
      throw JsonTokens.GIVE_UP;
    }
    return new Parsed(
        kind,
        new Envelope(ts, level, caller, func, names == null ? List.of() : names, trace, span),
        fields,
        msg);
  }

  private int fields(int p, List<Field> out) {
    expect(p++, '{');
    if (b[p] == '}') {
      return p + 1;
    }
    while (true) {
      String key;
      int known = knownKey(p);
      if (known >= 0) {
        key = KEYS[known];
        p += KEY_BYTES[known].length + 2;
      } else {
        p = string(p);
        key = str;
      }
      expect(p++, ':');
      p = value(key, p, out);
      if (b[p] == ',') {
        p++;
        continue;
      }
      expect(p++, '}');
      return p;
    }
  }

  /** The string literal starting at {@code p} in {@code bytes}, decoded. */
  String stringAt(byte[] bytes, int end, int p) {
    this.b = bytes;
    this.end = end;
    string(p);
    return str;
  }

  /**
   * The value of field {@code key} whose token starts at {@code p} in {@code bytes} (which ends at
   * {@code end}), decoded as {@link #scan} would: for lazily decoded events.
   */
  Value valueAt(byte[] bytes, int end, String key, int p) {
    this.b = bytes;
    this.end = end;
    // The value itself, not a Field in a list of one: SIEM formats decode every field of a line
    // this way (docs/benchmarks.md, "SIEM formats").
    if (bytes[p] == '{' && key.equals("actor")) {
      // The line was checked whole (LazyLineScanner): the actor is read without validating it
      // again first, its end not needed here.
      Value.Actor a = actor(p);
      if (a != null) {
        return a;
      }
    }
    return value(key, p);
  }

  private int value(String key, int p, List<Field> out) {
    out.add(new Field(key, value(key, p)));
    return valueEnd;
  }

  /** Where the value {@link #value(String, int)} decoded last ends. */
  private int valueEnd;

  /** The value of field {@code key} at {@code p}; sets {@link #valueEnd}. */
  private Value value(String key, int p) {
    byte c = b[p];
    switch (key) {
      case "Time":
        if (c == '"') {
          valueEnd = string(p);
          return new Value.Time(str);
        }
        break;
      case "Diff":
      case "AdditionalFields":
        if (c == 'n') {
          valueEnd = literal(p, "null");
          return Value.Raw.NIL;
        }
        {
          rawSeen = 0;
          int e = skip(p);
          valueEnd = e;
          return raw(p, e);
        }
      case "actor":
        if (c == '{') {
          rawSeen = 0;
          int e = skip(p);
          Value.Actor a = actor(p);
          valueEnd = e;
          return a != null ? a : raw(p, e);
        }
        break;
      default:
        break;
    }
    switch (c) {
      case '"' -> {
        valueEnd = string(p);
        return strValue();
      }
      case 't' -> {
        valueEnd = literal(p, "true");
        return new Value.Bool(true);
      }
      case 'f' -> {
        valueEnd = literal(p, "false");
        return new Value.Bool(false);
      }
      case 'n' -> {
        valueEnd = literal(p, "null");
        return Value.Null.INSTANCE;
      }
      case '{', '[' -> {
        rawSeen = 0;
        int e = skip(p);
        valueEnd = e;
        return raw(p, e);
      }
      default -> {
        int e = number(p);
        valueEnd = e;
        return new Value.Num(text(p, e));
      }
    }
  }

  /**
   * The raw JSON {@code b[from, to)} that {@link #skip} validated after {@link #rawSeen} was reset,
   * classified by what it saw: {@link #skip} takes no white space outside strings, so the text is
   * compact, and printable ASCII with nothing to escape when no string held anything else.
   */
  private Value.Raw raw(int from, int to) {
    int seen = rawSeen;
    if ((seen & RAW_OTHER) != 0) {
      return new Value.Raw(text(from, to));
    }
    return Value.Raw.classified(
        new String(b, from, to - from, StandardCharsets.ISO_8859_1), true, seen == 0);
  }

  /**
   * The {@link #RAW_CLASS} bits of every byte {@link #skipString} went over since it was last set
   * to 0.
   */
  private int rawSeen;

  /**
   * Classes of the bytes inside raw JSON's strings: {@link #RAW_OTHER} for anything that keeps raw
   * JSON from being copied as it is by every format (a backslash, {@code < > &}, DEL, non-ASCII;
   * control bytes end the scan), {@link #RAW_EQUALS} for {@code =} (CEF escapes it).
   */
  private static final byte[] RAW_CLASS = new byte[256];

  private static final int RAW_OTHER = 1;
  private static final int RAW_EQUALS = 2;

  static {
    RAW_CLASS['\\'] = RAW_OTHER;
    RAW_CLASS['<'] = RAW_OTHER;
    RAW_CLASS['>'] = RAW_OTHER;
    RAW_CLASS['&'] = RAW_OTHER;
    RAW_CLASS[0x7F] = RAW_OTHER;
    for (int c = 0x80; c < 0x100; c++) {
      RAW_CLASS[c] = RAW_OTHER;
    }
    RAW_CLASS['='] = RAW_EQUALS;
  }

  /** The actor object at {@code p} (already validated by {@link #skip}), or null when unusual. */
  private Value.Actor actor(int p) {
    p++;
    Value.Str id = null;
    Value.Str email = null;
    Value.Str username = null;
    if (b[p] == '}') {
      return null;
    }
    while (true) {
      p = string(p);
      String k = str;
      p++; // ':'
      if (b[p] != '"') {
        return null;
      }
      p = string(p);
      switch (k) {
        case "id" -> id = strValue();
        case "email" -> email = strValue();
        case "username" -> username = strValue();
        default -> {
          return null;
        }
      }
      if (b[p] == ',') {
        p++;
        continue;
      }
      break;
    }
    return id != null && email != null && username != null
        ? Value.Actor.classified(id, email, username)
        : null;
  }

  /** Every field name Coder prints, so that field keys are shared constants, not new strings. */
  static final String[] KEYS;

  static final byte[][] KEY_BYTES;

  static {
    LinkedHashSet<String> keys = new LinkedHashSet<>();
    keys.add("request_id");
    for (Kind k : Kind.values()) {
      keys.addAll(k.fields());
    }
    KEYS = keys.toArray(new String[0]);
    KEY_BYTES = new byte[KEYS.length][];
    for (int i = 0; i < KEYS.length; i++) {
      KEY_BYTES[i] = KEYS[i].getBytes(StandardCharsets.US_ASCII);
    }
  }

  /**
   * Where the last known key was found: fields come in Coder's order, so the next is likely next.
   */
  private int keyHint;

  /** The index in {@link #KEYS} of the quoted key at {@code p}, or -1. */
  private int knownKey(int p) {
    if (b[p] != '"') {
      return -1;
    }
    int n = KEYS.length;
    for (int i = 0; i < n; i++) {
      int k = (keyHint + i) % n;
      byte[] kb = KEY_BYTES[k];
      int e = p + 1 + kb.length;
      if (e < end && b[e] == '"' && Arrays.equals(b, p + 1, e, kb, 0, kb.length)) {
        keyHint = k + 1;
        return k;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- tokens

  /** The last string read by {@link #string}. */
  private String str;

  /** Byte classes for the string scan: bits the formats care about, and where to stop. */
  private static final byte[] CLASS = new byte[256];

  private static final int HTML = 1; // < > &: Go's JSON encoder escapes them
  private static final int NOT_BARE = 2; // space, DEL: slog's human quote() quotes the value
  private static final int NON_ASCII = 4;
  private static final int EQUALS_OR_BAR = 8; // = |: CEF and LEEF escape them
  private static final int STOP = 16; // '"', backslash, control characters

  static {
    for (int c = 0; c < 0x20; c++) {
      CLASS[c] = STOP;
    }
    CLASS['"'] = STOP;
    CLASS['\\'] = STOP;
    CLASS['<'] = HTML;
    CLASS['>'] = HTML;
    CLASS['&'] = HTML;
    CLASS['='] = EQUALS_OR_BAR;
    CLASS['|'] = EQUALS_OR_BAR;
    CLASS[' '] = NOT_BARE;
    CLASS[0x7F] = NOT_BARE;
    for (int c = 0x80; c < 0x100; c++) {
      CLASS[c] = NON_ASCII;
    }
  }

  /**
   * How the formats must treat {@link #str}, when the scan could tell (ASCII without escapes): the
   * {@link #HTML}, {@link #NOT_BARE} and {@link #EQUALS_OR_BAR} bits; -1 when the string must be
   * classified by its text.
   */
  private int strClass;

  /** Reads the string literal at {@code p} into {@link #str}; returns the index after it. */
  private int string(int p) {
    expect(p, '"');
    int s = p + 1;
    int q = s;
    int acc = 0;
    int k;
    while ((k = CLASS[b[q] & 0xFF]) < STOP) {
      acc |= k;
      q++;
    }
    byte c = b[q];
    if (c == '"') {
      if ((acc & NON_ASCII) == 0) {
        str = new String(b, s, q - s, StandardCharsets.ISO_8859_1);
        strClass = q == s ? acc | NOT_BARE : acc;
      } else {
        str = Utf8.decode(b, s, q - s);
        strClass = -1;
      }
      return q + 1;
    }
    if (c == '\\') {
      strClass = -1;
      return escaped(s, q);
    }
    throw JsonTokens.GIVE_UP; // a raw control character: Jackson refuses it
  }

  /**
   * The string value whose 36 bytes from {@code s} are a UUID a scan checked (hex digits and
   * dashes): classified as {@link #strValue} classifies such a string, without a look at its bytes.
   */
  static Value.Str uuidValue(byte[] b, int s) {
    return Value.Str.classified(
        new String(b, s, 36, StandardCharsets.ISO_8859_1), true, true, false, true, true);
  }

  /** The current string as a value, classified by the scan when it could. */
  private Value.Str strValue() {
    int c = strClass;
    return c < 0
        ? new Value.Str(str)
        : Value.Str.classified(
            str, (c & HTML) == 0, (c & NOT_BARE) == 0, false, true, (c & EQUALS_OR_BAR) == 0);
  }

  /** The rest of a string with escapes, from {@code q} (a backslash); text starts at {@code s}. */
  private int escaped(int s, int q) {
    if (sb == null) {
      sb = new StringBuilder(256);
    }
    sb.setLength(0);
    sb.append(Utf8.decode(b, s, q - s));
    int run = q;
    while (true) {
      byte c = b[q];
      if (c == '"') {
        appendRun(run, q);
        str = sb.toString();
        return q + 1;
      }
      if (c >= 0 && c < 0x20) {
        throw JsonTokens.GIVE_UP;
      }
      if (c != '\\') {
        q++;
        continue;
      }
      appendRun(run, q);
      byte e = b[q + 1];
      q += 2;
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          int v = 0;
          for (int i = 0; i < 4; i++) {
            int h = Character.digit(b[q + i], 16);
            if (h < 0) {
              throw JsonTokens.GIVE_UP;
            }
            v = (v << 4) | h;
          }
          sb.append((char) v);
          q += 4;
        }
        default -> throw JsonTokens.GIVE_UP;
      }
      run = q;
    }
  }

  private void appendRun(int from, int to) {
    if (to > from) {
      boolean ascii = true;
      for (int i = from; i < to; i++) {
        if (b[i] < 0) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        for (int i = from; i < to; i++) {
          sb.append((char) b[i]);
        }
      } else {
        sb.append(Utf8.decode(b, from, to - from));
      }
    }
  }

  /** Validates the JSON value at {@code p} (any kind) and returns the index after it. */
  private int skip(int p) {
    byte c = b[p];
    switch (c) {
      case '"' -> {
        return skipString(p);
      }
      case '{' -> {
        p++;
        if (b[p] == '}') {
          return p + 1;
        }
        while (true) {
          p = skipString(p);
          expect(p++, ':');
          p = skip(p);
          if (b[p] == ',') {
            p++;
            continue;
          }
          expect(p, '}');
          return p + 1;
        }
      }
      case '[' -> {
        p++;
        if (b[p] == ']') {
          return p + 1;
        }
        while (true) {
          p = skip(p);
          if (b[p] == ',') {
            p++;
            continue;
          }
          expect(p, ']');
          return p + 1;
        }
      }
      case 't' -> {
        return literal(p, "true");
      }
      case 'f' -> {
        return literal(p, "false");
      }
      case 'n' -> {
        return literal(p, "null");
      }
      default -> {
        return number(p);
      }
    }
  }

  private int skipString(int p) {
    expect(p, '"');
    p++;
    int seen = 0;
    while (true) {
      byte c = b[p];
      seen |= RAW_CLASS[c & 0xFF];
      if (c == '"') {
        rawSeen |= seen;
        return p + 1;
      }
      if (c >= 0 && c < 0x20) {
        throw JsonTokens.GIVE_UP;
      }
      if (c == '\\') {
        byte e = b[p + 1];
        if (e == 'u') {
          for (int i = 2; i < 6; i++) {
            if (Character.digit(b[p + i], 16) < 0) {
              throw JsonTokens.GIVE_UP;
            }
          }
          p += 6;
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
            && e != 't') {
          throw JsonTokens.GIVE_UP;
        }
        p += 2;
        continue;
      }
      p++;
    }
  }

  private String text(int from, int to) {
    return Utf8.decode(b, from, to - from);
  }

  private boolean is(int k, int len, String key) {
    return len == key.length() && at(k, key);
  }

  private int number(int p) {
    return JsonTokens.number(b, p, end);
  }

  private int literal(int p, String lit) {
    return JsonTokens.literal(b, p, lit);
  }

  private void expect(int p, char c) {
    JsonTokens.expect(b, p, end, c);
  }

  private boolean at(int p, String s) {
    return JsonTokens.at(b, p, end, s);
  }
}
