package dev.auditship.format;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cdr.dev/slog JSON sink line, byte for byte (docs/coder-reference.md §4): compact, keys in
 * slog's order, Go escaping with HTML escaping on, raw JSON compacted, times as their original
 * text.
 */
public final class JsonFormat implements Format {
  /**
   * {@code "Key":} for every field Coder prints, precomputed: keys are the bulk of a line's fields.
   */
  private static final Map<String, String> KNOWN_KEYS;

  static {
    Map<String, String> m = new HashMap<>();
    for (dev.auditship.event.Kind k : dev.auditship.event.Kind.values()) {
      for (String f : k.fields()) {
        StringBuilder sb = new StringBuilder();
        GoText.appendJsonString(sb, f);
        m.put(f, sb.append(':').toString());
      }
    }
    m.put("request_id", "\"request_id\":");
    KNOWN_KEYS = Map.copyOf(m);
  }

  private final EnvelopeDefaults defaults;

  public JsonFormat(EnvelopeDefaults defaults) {
    this.defaults = defaults;
    this.callerJson = quoted(defaults.caller());
    this.funcJson = quoted(defaults.func());
  }

  private final String callerJson;
  private final String funcJson;

  private static String quoted(String s) {
    StringBuilder sb = new StringBuilder();
    GoText.appendJsonString(sb, s);
    return sb.toString();
  }

  /** Appends {@code s} JSON-quoted, using the precomputed form when it is the default {@code d}. */
  private static void appendCached(StringBuilder out, String s, String d, String dQuoted) {
    if (s == null || s.equals(d)) {
      out.append(dQuoted);
    } else {
      GoText.appendJsonString(out, s);
    }
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public void append(Event event, StringBuilder out) {
    Envelope env = event.envelope();
    out.append("{\"ts\":");
    appendTime(out, env.ts());
    out.append(",\"level\":");
    if (env.level().equals("INFO")) {
      out.append("\"INFO\"");
    } else {
      GoText.appendJsonString(out, env.level());
    }
    out.append(",\"msg\":\"").append(event.kind().message()).append('"');
    out.append(",\"caller\":");
    appendCached(out, env.caller(), defaults.caller(), callerJson);
    out.append(",\"func\":");
    appendCached(out, env.func(), defaults.func(), funcJson);
    List<String> names = env.loggerNames();
    if (!names.isEmpty()) {
      out.append(",\"logger_names\":[");
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        GoText.appendJsonString(out, names.get(i));
      }
      out.append(']');
    }
    if (env.trace() != null) {
      out.append(",\"trace\":");
      GoText.appendJsonString(out, env.trace());
    }
    if (env.span() != null) {
      out.append(",\"span\":");
      GoText.appendJsonString(out, env.span());
    }
    List<Field> fields = event.fields();
    if (!fields.isEmpty()) {
      out.append(",\"fields\":{");
      for (int i = 0, n = fields.size(); i < n; i++) {
        Field f = fields.get(i);
        if (i > 0) {
          out.append(',');
        }
        String quotedKey = KNOWN_KEYS.get(f.key());
        if (quotedKey != null) {
          out.append(quotedKey);
        } else {
          GoText.appendJsonString(out, f.key());
          out.append(':');
        }
        appendValue(out, f.value());
      }
      out.append('}');
    }
    out.append('}');
  }

  /** A time's RFC 3339 text needs no escaping when it has only the characters RFC 3339 allows. */
  static void appendTime(StringBuilder out, String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9')
          || c == '-'
          || c == ':'
          || c == '.'
          || c == 'T'
          || c == 'Z'
          || c == '+')) {
        GoText.appendJsonString(out, text);
        return;
      }
    }
    out.append('"').append(text).append('"');
  }

  static void appendValue(StringBuilder out, Value v) {
    if (v instanceof Value.Str s) {
      if (s.jsonSafe()) {
        out.append('"').append(s.value()).append('"');
      } else {
        GoText.appendJsonString(out, s.value());
      }
    } else if (v instanceof Value.Num num) {
      out.append(num.text());
    } else if (v instanceof Value.Time t) {
      appendTime(out, t.text());
    } else if (v instanceof Value.Raw r) {
      if (r.json() == null) {
        out.append("null");
      } else {
        GoText.appendCompactJson(out, r.json());
      }
    } else if (v instanceof Value.Actor a) {
      out.append("{\"id\":");
      GoText.appendJsonString(out, a.id());
      out.append(",\"email\":");
      GoText.appendJsonString(out, a.email());
      out.append(",\"username\":");
      GoText.appendJsonString(out, a.username());
      out.append('}');
    } else if (v instanceof Value.Bool b) {
      out.append(b.value());
    } else {
      out.append("null");
    }
  }
}
