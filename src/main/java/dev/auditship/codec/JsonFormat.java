package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoText;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cdr.dev/slog JSON sink line, byte for byte (reference coder-events.md §4): compact, keys in
 * slog's order, Go escaping with HTML escaping on, raw JSON compacted, times as their original
 * text.
 *
 * <p>Fast path: an event whose input line already was this exact line ({@link Event#jsonLine()},
 * checked once at decode) is written by copying that line.
 */
public final class JsonFormat implements Format {
  /** {@code "Key":} for every field Coder prints, precomputed: keys are most of a line's fields. */
  private static final Map<String, byte[]> KNOWN_KEYS;

  private static final byte[] INFO = ascii(",\"level\":\"INFO\"");
  private static final byte[] CODERD = ascii(",\"logger_names\":[\"coderd\"]");

  static {
    Map<String, byte[]> m = new HashMap<>();
    for (Kind k : Kind.values()) {
      for (String f : k.fields()) {
        m.put(f, quotedKey(f));
      }
    }
    m.put("request_id", quotedKey("request_id"));
    KNOWN_KEYS = Map.copyOf(m);
  }

  private static final KeyTable KEY_TABLE = new KeyTable(KNOWN_KEYS);

  private final EnvelopeDefaults defaults;
  private final byte[] callerJson;
  private final byte[] funcJson;

  public JsonFormat(EnvelopeDefaults defaults) {
    this.defaults = defaults;
    this.callerJson = quoted(defaults.caller());
    this.funcJson = quoted(defaults.func());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] quotedKey(String key) {
    ByteBuf b = new ByteBuf(32);
    GoText.appendJsonString(b, key);
    return b.put(':').toByteArray();
  }

  private static byte[] quoted(String s) {
    ByteBuf b = new ByteBuf(s.length() + 8);
    GoText.appendJsonString(b, s);
    return b.toByteArray();
  }

  /** Writes {@code s} JSON-quoted, using the precomputed form when it is the default {@code d}. */
  private static void writeCached(ByteBuf out, String s, String d, byte[] dQuoted) {
    if (s == null || s.equals(d)) {
      out.put(dQuoted);
    } else {
      GoText.appendJsonString(out, s);
    }
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public void write(Event event, ByteBuf out) {
    byte[] line = event.jsonLine();
    if (line != null) {
      out.put(line);
      return;
    }
    render(event, out);
  }

  @Override
  public byte[] record(Event event, ByteBuf scratch) {
    byte[] line = event.jsonLine();
    return line != null ? line : Format.super.record(event, scratch);
  }

  /** Renders the line from the event's values (never the copied input line). */
  void render(Event event, ByteBuf out) {
    Envelope env = event.envelope();
    out.ascii("{\"ts\":");
    writeTime(out, env.ts());
    if (env.level().equals("INFO")) {
      out.put(INFO);
    } else {
      out.ascii(",\"level\":");
      GoText.appendJsonString(out, env.level());
    }
    out.ascii(",\"msg\":\"").ascii(event.kind().message()).put('"');
    out.ascii(",\"caller\":");
    writeCached(out, env.caller(), defaults.caller(), callerJson);
    out.ascii(",\"func\":");
    writeCached(out, env.func(), defaults.func(), funcJson);
    List<String> names = env.loggerNames();
    if (names.size() == 1 && names.get(0).equals("coderd")) {
      out.put(CODERD);
    } else if (!names.isEmpty()) {
      out.ascii(",\"logger_names\":[");
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          out.put(',');
        }
        GoText.appendJsonString(out, names.get(i));
      }
      out.put(']');
    }
    if (env.trace() != null) {
      out.ascii(",\"trace\":");
      GoText.appendJsonString(out, env.trace());
    }
    if (env.span() != null) {
      out.ascii(",\"span\":");
      GoText.appendJsonString(out, env.span());
    }
    if (event.lazyFields() instanceof HumanLineFields h) {
      // Straight from the human line's bytes, nothing kept on the event.
      h.writeJsonFields(out);
      out.put('}');
      return;
    }
    List<Field> fields = event.fields();
    if (!fields.isEmpty()) {
      out.ascii(",\"fields\":{");
      for (int i = 0, n = fields.size(); i < n; i++) {
        Field f = fields.get(i);
        if (i > 0) {
          out.put(',');
        }
        byte[] quotedKey = KEY_TABLE.get(f.key());
        if (quotedKey != null) {
          out.put(quotedKey);
        } else {
          GoText.appendJsonString(out, f.key());
          out.put(':');
        }
        writeValue(out, f.value());
      }
      out.put('}');
    }
    out.put('}');
  }

  /** A time's RFC 3339 text needs no escaping when it has only the characters RFC 3339 allows. */
  static void writeTime(ByteBuf out, String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c >= 128 || !TIME_CHARS[c]) {
        GoText.appendJsonString(out, text);
        return;
      }
    }
    out.quotedAscii(text);
  }

  /** The characters RFC 3339 times are made of: digits and {@code -:.TZ+}. */
  static final boolean[] TIME_CHARS = new boolean[128];

  static {
    for (char c : "0123456789-:.TZ+".toCharArray()) {
      TIME_CHARS[c] = true;
    }
  }

  static void writeValue(ByteBuf out, Value v) {
    if (v instanceof Value.Str s) {
      if (s.jsonSafe()) {
        if (s.ascii()) {
          out.quotedAscii(s.value());
        } else {
          out.put('"').utf8(s.value()).put('"');
        }
      } else {
        GoText.appendJsonString(out, s.value());
      }
    } else if (v instanceof Value.Num num) {
      out.utf8(num.text());
    } else if (v instanceof Value.Time t) {
      writeTime(out, t.text());
    } else if (v instanceof Value.Raw r) {
      if (r.json() == null) {
        out.ascii("null");
      } else if (r.compactPlain()) {
        out.ascii(r.json()); // the decoder saw that compacting gives it back unchanged
      } else {
        GoText.appendCompactJson(out, r.json());
      }
    } else if (v instanceof Value.Actor a) {
      out.ascii("{\"id\":");
      actorString(out, a.idStr(), a.id());
      out.ascii(",\"email\":");
      actorString(out, a.emailStr(), a.email());
      out.ascii(",\"username\":");
      actorString(out, a.usernameStr(), a.username());
      out.put('}');
    } else if (v instanceof Value.Bool b) {
      out.ascii(b.value() ? "true" : "false");
    } else {
      out.ascii("null");
    }
  }

  /** One of the actor's strings: copied when its decoder found it JSON-safe ASCII. */
  private static void actorString(ByteBuf out, Value.Str s, String text) {
    if (s != null && s.jsonSafe() && s.ascii()) {
      out.quotedAscii(text);
    } else {
      GoText.appendJsonString(out, text);
    }
  }

  /** {@link #writeTime} for text builders (the human format's rc1 {@code Time="..."}). */
  static void appendTime(StringBuilder out, String text) {
    ByteBuf b = new ByteBuf(text.length() + 8);
    writeTime(b, text);
    out.append(b);
  }
}
