package dev.auditship.sink.hec;

import dev.auditship.event.Event;
import dev.auditship.sink.SinkRecord;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoText;
import dev.auditship.text.GoTime;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
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
    this.afterTimeAudit = metadata(auditSourcetype, true);
    this.afterTimeConnection = metadata(connectionSourcetype, true);
    this.noTimeAudit = metadata(auditSourcetype, false);
    this.noTimeConnection = metadata(connectionSourcetype, false);
  }

  private final byte[] afterTimeAudit;
  private final byte[] afterTimeConnection;
  private final byte[] noTimeAudit;
  private final byte[] noTimeConnection;

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
    ByteBuf b = new ByteBuf(r.size() + 256);
    encode(r, b);
    return b.toByteArray();
  }

  /**
   * Appends the envelope of {@code r} to {@code out}: the fixed metadata comes pre-rendered, the
   * record's bytes are copied once (a json record embedded as it is, any other as a JSON string).
   */
  void encode(SinkRecord r, ByteBuf out) {
    Event e = r.event();
    boolean audit = e.kind() == dev.auditship.event.Kind.AUDIT;
    long micros = e.timeMicros();
    String time = micros == GoTime.NO_TIME ? time(e) : null;
    if (micros != GoTime.NO_TIME) {
      out.put(TIME_KEY);
      GoTime.appendEpochMicros(out, micros);
      out.put(audit ? afterTimeAudit : afterTimeConnection);
    } else if (time != null) {
      out.put(TIME_KEY).ascii(time).put(audit ? afterTimeAudit : afterTimeConnection);
    } else {
      out.put('{').put(audit ? noTimeAudit : noTimeConnection);
    }
    byte[] text = r.bytes();
    if (jsonEvent && text == e.jsonLine()) {
      out.put(text); // the event's own slog line: valid UTF-8 JSON already (Event#jsonLine)
    } else if (jsonEvent && looksLikeObject(text)) {
      Utf8.appendSanitizedJson(out, text, 0, text.length);
    } else {
      GoText.appendJsonString(out, text, 0, text.length);
    }
    out.put('}');
  }

  private static final byte[] TIME_KEY = "{\"time\":".getBytes(StandardCharsets.US_ASCII);

  /** The metadata between {@code time} (or the opening brace) and the event, per kind. */
  private byte[] metadata(String sourcetype, boolean afterTime) {
    StringBuilder sb = new StringBuilder();
    boolean first = !afterTime;
    first = str(sb, first, "host", host);
    first = str(sb, first, "source", source);
    first = str(sb, first, "sourcetype", sourcetype);
    first = str(sb, first, "index", index);
    if (!fields.isEmpty()) {
      sb.append(first ? fields.substring(1) : fields);
      first = false;
    }
    if (!first) {
      sb.append(',');
    }
    sb.append("\"event\":");
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
  private static boolean looksLikeObject(byte[] text) {
    return text.length >= 2 && text[0] == '{' && text[text.length - 1] == '}';
  }
}
