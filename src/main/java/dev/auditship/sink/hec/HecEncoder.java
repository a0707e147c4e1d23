package dev.auditship.sink.hec;

import dev.auditship.event.Event;
import dev.auditship.format.GoText;
import dev.auditship.format.GoTime;
import dev.auditship.sink.SinkRecord;
import dev.auditship.source.Utf8;
import java.util.Map;
import java.util.TreeMap;

/**
 * One record to one HEC JSON envelope (docs/coder-reference.md §10.3), as UTF-8 bytes:
 *
 * <pre>
 * {"time":1751526764.381926,"host":"h","source":"s","sourcetype":"coder:audit","index":"i","fields":{"k":"v"},"event":…}
 * </pre>
 *
 * <ul>
 *   <li>Only the documented keys, in this order; {@code source}, {@code index} and {@code fields}
 *       are left out when not configured (the token's defaults apply). Splunk does not carry
 *       metadata from one envelope to the next in a body, so every envelope repeats them (§10.3).
 *   <li>{@code time} is the event's {@code Time} as epoch seconds with exactly six fraction digits
 *       ({@link GoTime#epochMicros}): never scientific notation (400 code 15,
 *       firezone/firezone#14129), never a locale's decimal comma. An event without a usable {@code
 *       Time} falls back to the log line's {@code ts}; with neither, {@code time} is left out and
 *       Splunk uses the time of receipt.
 *   <li>With the {@code json} format {@code event} is the slog JSON object itself, embedded as it
 *       is (so Splunk extracts its fields); with {@code human} it is the line as a JSON string.
 *   <li>JSON must be UTF-8 (RFC 8259 §8.1) and Splunk refuses what is not (code 6): a byte of
 *       invalid UTF-8 the source kept (a surrogate escape, see {@code source.Utf8}) is sent as
 *       {@code \ufffd}, which is what Go's encoder writes for it.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
final class HecEncoder {
  private final boolean jsonEvent;
  private final String host;
  private final String source;
  private final String auditSourcetype;
  private final String connectionSourcetype;
  private final String index;

  /** The pre-rendered {@code ,"fields":{...}} part, or "". */
  private final String fields;

  HecEncoder(
      boolean jsonEvent,
      String host,
      String source,
      String auditSourcetype,
      String connectionSourcetype,
      String index,
      Map<String, String> fields) {
    this.jsonEvent = jsonEvent;
    this.host = host;
    this.source = source;
    this.auditSourcetype = auditSourcetype;
    this.connectionSourcetype = connectionSourcetype;
    this.index = index;
    this.fields = renderFields(fields);
  }

  private static String renderFields(Map<String, String> fields) {
    if (fields == null || fields.isEmpty()) {
      return "";
    }
    // Sorted, so the bytes do not depend on map iteration order.
    StringBuilder sb = new StringBuilder(",\"fields\":{");
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      GoText.appendJsonString(sb, e.getKey());
      sb.append(':');
      GoText.appendJsonString(sb, e.getValue());
    }
    return sb.append('}').toString();
  }

  /** The envelope of {@code r} as UTF-8. */
  byte[] encode(SinkRecord r) {
    StringBuilder sb = new StringBuilder(r.text().length() + 256);
    sb.append('{');
    String time = time(r.event());
    boolean first = true;
    if (time != null) {
      sb.append("\"time\":").append(time);
      first = false;
    }
    first = str(sb, first, "host", host);
    first = str(sb, first, "source", source);
    first =
        str(
            sb,
            first,
            "sourcetype",
            r.event().kind() == dev.auditship.event.Kind.AUDIT
                ? auditSourcetype
                : connectionSourcetype);
    first = str(sb, first, "index", index);
    if (!fields.isEmpty()) {
      sb.append(first ? fields.substring(1) : fields);
      first = false;
    }
    if (!first) {
      sb.append(',');
    }
    sb.append("\"event\":");
    String text = r.text();
    if (jsonEvent && looksLikeObject(text)) {
      appendRawJson(sb, text);
    } else {
      GoText.appendJsonString(sb, text);
    }
    sb.append('}');
    return Utf8.encode(sb);
  }

  private static boolean str(StringBuilder sb, boolean first, String key, String value) {
    if (value == null) {
      return first;
    }
    if (!first) {
      sb.append(',');
    }
    sb.append('"').append(key).append("\":");
    GoText.appendJsonString(sb, value);
    return false;
  }

  /** The envelope's {@code time}, or {@code null} when the event carries no usable time. */
  static String time(Event e) {
    for (String t : new String[] {e.time(), e.envelope().ts()}) {
      if (t != null && !t.isEmpty()) {
        try {
          return GoTime.epochMicros(t);
        } catch (IllegalArgumentException ignored) {
          // not RFC 3339: try the next candidate
        }
      }
    }
    return null;
  }

  /**
   * The json format always yields one object; anything else (a future format that is not an object)
   * is sent as a string rather than as broken JSON.
   */
  private static boolean looksLikeObject(String text) {
    return text.length() >= 2 && text.charAt(0) == '{' && text.charAt(text.length() - 1) == '}';
  }

  /**
   * Appends slog JSON as it is, except lone surrogates (only ever inside strings) as {@code
   * \ufffd}.
   */
  private static void appendRawJson(StringBuilder sb, String json) {
    int n = json.length();
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = json.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(json.charAt(i + 1))) {
        i++;
        continue;
      }
      sb.append(json, start, i).append("\\ufffd");
      start = i + 1;
    }
    sb.append(json, start, n);
  }
}
