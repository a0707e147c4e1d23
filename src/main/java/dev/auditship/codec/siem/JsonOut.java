package dev.auditship.codec.siem;

import dev.auditship.event.Value;
import dev.auditship.text.GoText;
import java.nio.charset.StandardCharsets;

/**
 * A compact JSON writer for the ECS and OCSF mappings (RFC 8259). Members are written in the order
 * the mapping calls; the writer only tracks whether a comma is due. Strings are escaped as RFC 8259
 * §7 requires, plus U+2028/U+2029 (so a record is also a valid JavaScript literal); a byte of
 * invalid UTF-8 the source kept (a lone surrogate, see {@code text.Utf8}) becomes U+FFFD, since
 * JSON must be UTF-8 (§8.1).
 */
final class JsonOut {
  private final TextOut out;
  private boolean comma;

  JsonOut(TextOut out) {
    this.out = out;
  }

  void beginRecord() {
    out.put('{');
    comma = false;
  }

  void endRecord() {
    out.put('}');
  }

  /** Members prepared beforehand ({@link #chunk}), written as they are. */
  JsonOut members(Chunk json) {
    out.put(json, comma ? 0 : 1);
    comma = true;
    return this;
  }

  /**
   * Prepared members ending with a key ({@link #chunk}), then a Coder string as that key's value.
   */
  JsonOut members(Chunk json, Value.Str v) {
    if (v.jsonSafe() && v.ascii()) {
      out.jsonString(json, comma ? 0 : 1, v.value());
    } else {
      out.put(json, comma ? 0 : 1);
      string(v);
    }
    comma = true;
    return this;
  }

  /** A number, the value of the key that ends the prepared members written before. */
  JsonOut number(long v) {
    out.putLong(v);
    return this;
  }

  /**
   * Prepared JSON that opens an object or array (members and all), written as it is; the next
   * member is the first of what it opened.
   */
  JsonOut open(Chunk json) {
    out.put(json, comma ? 0 : 1);
    comma = false;
    return this;
  }

  /**
   * JSON text made of constant ASCII pieces, for {@link #members} and {@link #open}: prepared with
   * the comma before it, which is left out when it comes first in its object.
   */
  static Chunk chunk(String json) {
    return Chunk.of("," + json);
  }

  /** ASCII punctuation for {@link #raw}. */
  static byte[] ascii(String json) {
    return json.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Prepared punctuation that closes what is open and opens what comes next ({@code ],"user":[}):
   * written as it is, the next item the first of what it opened; or that closes ({@code ]}}), the
   * next member after a comma.
   */
  JsonOut raw(byte[] json) {
    out.put(json);
    comma = json[json.length - 1] != '[' && json[json.length - 1] != '{';
    return this;
  }

  /** {@link #chunk(String)} of prepared bytes (escaped once from the options). */
  static Chunk chunk(byte[] json) {
    byte[] b = new byte[json.length + 1];
    b[0] = ',';
    System.arraycopy(json, 0, b, 1, json.length);
    return Chunk.of(b);
  }

  /**
   * A time as a string member: copied as it is when {@code plain} (an RFC 3339 time {@link
   * Coder#epochMillis} accepted, which holds nothing to escape), else escaped.
   */
  JsonOut time(Chunk key, String text, boolean plain) {
    return plain ? lit(key, text) : str(key, text);
  }

  /** A number as a JSON string ({@code "200"}), without building a String for it. */
  JsonOut numText(Chunk key, long v) {
    key(key);
    out.put('"');
    out.putLong(v);
    out.put('"');
    return this;
  }

  /**
   * A member's key, prepared once as {@code ,"key":} (the key a constant that needs no escaping):
   * the caller keeps it in a static final field.
   */
  static Chunk key(String key) {
    return Chunk.of(",\"" + key + "\":");
  }

  /**
   * A member that is an object of one member, {@code ,"outer":{"inner":}, prepared once: the
   * object is then written in one piece with its value and closing brace.
   */
  record Nest(Chunk chunk) {}

  static Nest nest(String outer, String inner) {
    return new Nest(Chunk.of(",\"" + outer + "\":{\"" + inner + "\":"));
  }

  /** {@code [,]"outer":{"inner":"v"}} from a Coder string. */
  JsonOut str(Nest n, Value.Str v) {
    if (v.jsonSafe() && v.ascii()) {
      out.jsonString(n.chunk(), comma ? 0 : 1, v.value(), true);
      comma = true;
      return this;
    }
    key(n.chunk());
    string(v);
    out.put('}');
    return this;
  }

  /** {@code [,]"outer":{"inner":"v"}}. */
  JsonOut str(Nest n, String v) {
    key(n.chunk());
    string(v);
    out.put('}');
    return this;
  }

  /** {@code [,]"outer":{"inner":"v"}} for a constant {@code v} that needs no escaping. */
  JsonOut lit(Nest n, String v) {
    out.jsonString(n.chunk(), comma ? 0 : 1, v, true);
    comma = true;
    return this;
  }

  /** {@code [,]"outer":{"inner":v}} for a number. */
  JsonOut num(Nest n, long v) {
    key(n.chunk());
    out.putLong(v);
    out.put('}');
    return this;
  }

  /** Writes {@code [,]"key":}. */
  private void key(Chunk key) {
    out.jsonKey(key, comma ? 0 : 1, (char) 0);
    comma = true;
  }

  /** Writes a key that comes from the input (escaped). */
  private void anyKey(String key) {
    if (comma) {
      out.put(',');
    }
    string(key);
    out.put(':');
    comma = true;
  }

  JsonOut obj(Chunk key) {
    out.jsonKey(key, comma ? 0 : 1, '{');
    comma = false;
    return this;
  }

  JsonOut end() {
    out.put('}');
    comma = true;
    return this;
  }

  JsonOut arr(Chunk key) {
    out.jsonKey(key, comma ? 0 : 1, '[');
    comma = false;
    return this;
  }

  JsonOut endArr() {
    out.put(']');
    comma = true;
    return this;
  }

  /** An array element. */
  JsonOut item(String v) {
    if (comma) {
      out.put(',');
    }
    string(v);
    comma = true;
    return this;
  }

  /** An object as array element. */
  JsonOut itemObj() {
    if (comma) {
      out.put(',');
    }
    out.put('{');
    comma = false;
    return this;
  }

  JsonOut str(Chunk key, String v) {
    key(key);
    string(v);
    return this;
  }

  /** A Coder string: whole when decoding found it JSON-safe (the common case), else escaped. */
  JsonOut str(Chunk key, Value.Str v) {
    if (v.jsonSafe() && v.ascii()) {
      out.jsonString(key, comma ? 0 : 1, v.value());
      comma = true;
      return this;
    }
    key(key);
    string(v);
    return this;
  }

  /** Writes the member only when {@code v} is not null. */
  JsonOut strIf(Chunk key, Value.Str v) {
    if (v != null) {
      str(key, v);
    }
    return this;
  }

  /**
   * A member from one of the actor's strings: the string its decoder classified ({@link
   * Value.Actor#idStr()}) when it has one, else the text escaped as any string; nothing when {@code
   * skipEmpty} and the text is empty.
   */
  JsonOut actorStr(Chunk key, Value.Str classified, String text, boolean skipEmpty) {
    if (skipEmpty && text.isEmpty()) {
      return this;
    }
    return classified != null ? str(key, classified) : str(key, text);
  }

  /** An array element from a Coder string. */
  JsonOut item(Value.Str v) {
    if (comma) {
      out.put(',');
    }
    string(v);
    comma = true;
    return this;
  }

  /** {@code "a: b"} as one string member (OCSF type_name), without building it first. */
  JsonOut str(Chunk key, String a, String sep, String b) {
    key(key);
    out.put('"');
    body(a);
    out.ascii(sep);
    body(b);
    out.put('"');
    return this;
  }

  private void string(Value.Str v) {
    if (v.jsonSafe()) {
      out.put('"');
      out.put(v);
      out.put('"');
    } else {
      string(v.value());
    }
  }

  /** A string member whose value is a constant that needs no escaping. */
  JsonOut lit(Chunk key, String v) {
    out.jsonString(key, comma ? 0 : 1, v);
    comma = true;
    return this;
  }

  /** An array element that is a constant needing no escaping. */
  JsonOut litItem(String v) {
    if (comma) {
      out.put(',');
    }
    out.quotedAscii(v);
    comma = true;
    return this;
  }

  /** Writes the member only when {@code v} is not null. */
  JsonOut strIf(Chunk key, String v) {
    if (v != null) {
      str(key, v);
    }
    return this;
  }

  JsonOut num(Chunk key, long v) {
    key(key);
    out.putLong(v);
    return this;
  }

  JsonOut bool(Chunk key, boolean v) {
    key(key);
    out.ascii(v ? "true" : "false");
    return this;
  }

  /** A Coder field value under its own (escaped) key, rendered as slog's JSON sink would. */
  JsonOut value(String key, Value v) {
    anyKey(key);
    value(v);
    return this;
  }

  /** A Coder field value under a constant key. */
  JsonOut valueAt(Chunk key, Value v) {
    key(key);
    value(v);
    return this;
  }

  /**
   * A field value as the JSON text {@link CefMapping#jsonText} gives, as a string member (ECS
   * carries Diff and AdditionalFields so). Raw JSON that is already compact is escaped in one pass,
   * without looking for whitespace first ({@link TextOut#rawJson}).
   */
  JsonOut jsonText(Chunk key, Value v) {
    if (v instanceof Value.Raw r && r.compactPlain()) {
      // The decoder saw it compact with nothing to escape but its quotes.
      out.jsonKey(key, comma ? 0 : 1, '"');
      out.quotesEscaped(r.json());
      out.put('"');
      comma = true;
      return this;
    }
    if (v instanceof Value.Raw r && r.json() != null) {
      int mark = out.mark();
      boolean c = comma;
      out.jsonKey(key, comma ? 0 : 1, '"');
      if (out.rawJson(r.json(), RAW_JSON, true)) {
        out.put('"');
        comma = true;
        return this;
      }
      out.rewind(mark);
      comma = c;
    }
    return str(key, CefMapping.jsonText(v));
  }

  /** Embeds raw JSON Coder stored (Diff, AdditionalFields), compacted; {@code null} for nil. */
  JsonOut raw(Chunk key, String json) {
    key(key);
    rawValue(json);
    return this;
  }

  private void value(Value v) {
    if (v instanceof Value.Str s) {
      string(s);
    } else if (v instanceof Value.Num n) {
      out.put(n.text());
    } else if (v instanceof Value.Time t) {
      string(t.text());
    } else if (v instanceof Value.Raw r) {
      rawValue(r);
    } else if (v instanceof Value.Actor a) {
      out.ascii("{\"id\":");
      string(a.id());
      out.ascii(",\"email\":");
      string(a.email());
      out.ascii(",\"username\":");
      string(a.username());
      out.put('}');
    } else if (v instanceof Value.Bool b) {
      out.ascii(b.value() ? "true" : "false");
    } else {
      out.ascii("null");
    }
  }

  private void rawValue(Value.Raw r) {
    if (r.compactPlain()) {
      // The decoder saw it compact with nothing Go's compactor escapes: what it gives back.
      out.ascii(r.json());
    } else {
      rawValue(r.json());
    }
  }

  private void rawValue(String json) {
    if (json == null) {
      out.ascii("null");
      return;
    }
    int mark = out.mark();
    if (out.rawJson(json, RAW_JSON, false)) {
      // Already compact, with nothing Go's compactor escapes and no surrogate to replace: what it
      // would give back unchanged, copied while it is looked at.
      return;
    }
    out.rewind(mark);
    if (TextOut.printableAscii(json) && isCompactAndSafe(json)) {
      out.ascii(json);
      return;
    }
    StringBuilder sb = new StringBuilder(json.length() + 16);
    GoText.appendCompactJson(sb, json);
    String compact = sb.toString();
    // Go's compactor keeps lone surrogates (invalid UTF-8 of the input) inside strings; JSON
    // output must be UTF-8, so they become U+FFFD here as in every other string.
    int start = 0;
    for (int i = 0, n = compact.length(); i < n; i++) {
      char c = compact.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(compact.charAt(i + 1))) {
          i++;
          continue;
        }
        out.put(compact, start, i);
        out.put("\\ufffd");
        start = i + 1;
      }
    }
    out.put(compact, start, compact.length());
  }

  /** {@link TextOut#rawJson} classes for raw JSON, as a string or embedded as it is. */
  private static final byte[] RAW_JSON = TextOut.rawJsonClasses();

  /**
   * True when printable-ASCII raw JSON has nothing Go's compactor changes: no space at all (so none
   * outside strings) and nothing it escapes inside strings ({@code < > &}).
   */
  private static boolean isCompactAndSafe(String json) {
    return json.indexOf(' ') < 0
        && json.indexOf('<') < 0
        && json.indexOf('>') < 0
        && json.indexOf('&') < 0;
  }

  /** A JSON string. */
  void string(String s) {
    out.put('"');
    body(s);
    out.put('"');
  }

  /** Printable ASCII without a quote or backslash: written as it is. */
  private static final boolean[] PLAIN = new boolean[128];

  static {
    for (char c = 0x20; c < 0x7f; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  /** The escaped text of a JSON string, without the quotes. */
  private void body(String s) {
    int i = out.copyPlain(s, 0, PLAIN);
    if (i < s.length()) {
      out.jsonEscaped(s, i);
    }
  }
}
