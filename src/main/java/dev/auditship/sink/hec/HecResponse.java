package dev.auditship.sink.hec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Splunk (or a proxy in front of it) answered: the HTTP status and, when the body is HEC's
 * JSON ({@code {"text":"...","code":N,"invalid-event-number":K,"ackId":M}}, docs/coder-reference.md
 * §10.7), its parts.
 *
 * @param status HTTP status
 * @param code HEC {@code code}, or {@code null} when the body had none
 * @param text HEC {@code text}, else the start of the body (one line, at most 200 characters), or
 *     ""
 * @param invalidEventNumber HEC {@code invalid-event-number} (0-based, in the request), or {@code
 *     null}
 * @param ackId HEC {@code ackId}, or {@code null}
 * @param acks the {@code acks} map of an {@code /ack} reply (id to indexed), empty otherwise
 * @param retryAfter the {@code Retry-After} header as a wait, or {@code null}
 * @param location the {@code Location} header of a redirect, or {@code null}
 */
record HecResponse(
    int status,
    Integer code,
    String text,
    Integer invalidEventNumber,
    Long ackId,
    Map<Long, Boolean> acks,
    Duration retryAfter,
    String location) {

  static final int MAX_TEXT = 200;

  /** The body of a request Splunk accepted without indexer acknowledgement. */
  private static final String SUCCESS = "{\"text\":\"Success\",\"code\":0}";

  /**
   * Parses a response body; never throws (a body that is not HEC's JSON keeps its first line as
   * text).
   */
  static HecResponse parse(
      ObjectMapper json,
      int status,
      String body,
      String retryAfterHeader,
      String location,
      Instant now) {
    Integer code = null;
    String text = null;
    Integer invalid = null;
    Long ackId = null;
    Map<Long, Boolean> acks = new LinkedHashMap<>();
    String b = body == null ? "" : body.strip();
    if (b.equals(SUCCESS)) {
      // Splunk's answer to nearly every request, without an object tree built for it.
      code = 0;
      text = "Success";
    } else if (b.startsWith("{")) {
      try {
        JsonNode n = json.readTree(b);
        if (n != null && n.isObject()) {
          if (n.get("code") != null && n.get("code").canConvertToInt()) {
            code = n.get("code").asInt();
          }
          if (n.get("text") != null && n.get("text").isTextual()) {
            text = n.get("text").asText();
          }
          JsonNode inv = n.get("invalid-event-number");
          if (inv != null && inv.canConvertToInt()) {
            invalid = inv.asInt();
          } else if (inv != null && inv.isTextual()) {
            invalid = parseIntOrNull(inv.asText());
          }
          if (n.get("ackId") != null && n.get("ackId").canConvertToLong()) {
            ackId = n.get("ackId").asLong();
          }
          JsonNode a = n.get("acks");
          if (a != null && a.isObject()) {
            for (Map.Entry<String, JsonNode> e : a.properties()) {
              try {
                acks.put(Long.valueOf(e.getKey().trim()), e.getValue().asBoolean(false));
              } catch (NumberFormatException ignored) {
                // not an ack id: skip it
              }
            }
          }
        }
      } catch (IOException e) {
        // not JSON after all: keep the text below
      }
    }
    if (text == null) {
      text = firstLine(b);
    }
    return new HecResponse(
        status,
        code,
        clip(text),
        invalid,
        ackId,
        Map.copyOf(acks),
        parseRetryAfter(retryAfterHeader, now),
        location);
  }

  private static Integer parseIntOrNull(String s) {
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String firstLine(String b) {
    int nl = b.indexOf('\n');
    return (nl < 0 ? b : b.substring(0, nl)).strip();
  }

  /**
   * One line, printable, at most {@link #MAX_TEXT} characters: safe to put in a log line or a dead
   * letter.
   */
  static String clip(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_TEXT));
    for (int i = 0; i < s.length() && sb.length() < MAX_TEXT; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (s.length() > MAX_TEXT) {
      sb.append('…');
    }
    return sb.toString();
  }

  /**
   * {@code Retry-After} (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; a date in the past is a
   * wait of zero; anything else is ignored ({@code null}).
   */
  static Duration parseRetryAfter(String header, Instant now) {
    return dev.auditship.io.RetryAfter.parse(header, now);
  }

  /**
   * {@code HTTP 400 code 6 "Invalid data format"} (with {@code invalid-event-number} when given).
   */
  String describe() {
    StringBuilder sb = new StringBuilder("HTTP ").append(status);
    if (code != null) {
      sb.append(" code ").append(code);
    }
    if (!text.isEmpty()) {
      sb.append(" \"").append(text).append('"');
    }
    if (invalidEventNumber != null) {
      sb.append(" invalid-event-number ").append(invalidEventNumber);
    }
    return sb.toString();
  }
}
