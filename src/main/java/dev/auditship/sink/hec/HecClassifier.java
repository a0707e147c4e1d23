package dev.auditship.sink.hec;

import java.time.Duration;
import java.util.Set;

/**
 * HTTP status and HEC {@code code} to what happens to the events of a request, following the table
 * of docs/coder-reference.md §10.7 (Splunk's "Troubleshoot HTTP Event Collector" codes). The rule
 * that shapes the table: audit data is never dropped because of something an operator can fix (a
 * token, a URL, an index); only an event Splunk refuses for its content is dead-lettered, with
 * Splunk's reason.
 *
 * <table>
 *   <caption>Classification</caption>
 *   <tr><th>Answer</th><th>Verdict</th></tr>
 *   <tr><td>2xx</td><td>{@link Accepted} (a non-zero code, e.g. 24/25 "approaching capacity", is logged)</td></tr>
 *   <tr><td>408, 429, 500, 502, 503, 504, other 5xx but 501/505</td><td>{@link Retry}, with Retry-After</td></tr>
 *   <tr><td>400 code 6, 12, 13, 15 with invalid-event-number N</td><td>{@link Partial}: before N indexed,
 *       N refused, after N not indexed (§10.8)</td></tr>
 *   <tr><td>400 code 6, 12, 13, 15 without a usable N</td><td>{@link Bisect}: halve to find the bad event</td></tr>
 *   <tr><td>413</td><td>{@link Split}: halve, then refuse a single event</td></tr>
 *   <tr><td>401, 403, 400 code 1-4/21/22</td><td>{@link Fault} with {@code tokenRefused}: re-read the token</td></tr>
 *   <tr><td>400 code 7 (index), 5, 10, 11, 14, 16, other 4xx, 3xx, 404, 405, 501, 505</td><td>{@link Fault}</td></tr>
 * </table>
 *
 * <p>Code 7 is a fault rather than a partial batch: the index is wrong for every event, and Splunk
 * was observed to report its event number off by one (§10.8). A 503 may carry an
 * invalid-event-number too (open-telemetry/opentelemetry-collector-contrib#36113, unverified): the
 * whole request is retried, since resending accepted events only risks duplicates while skipping
 * them risks loss.
 */
final class HecClassifier {
  private HecClassifier() {}

  /** The verdict for a request. */
  sealed interface Verdict permits Accepted, Retry, Partial, Bisect, Split, Fault {}

  /**
   * Accepted; {@code ackId} when Splunk gave one; {@code hecAnswer} false when the body was not
   * HEC's JSON answer (no {@code code}: another service or a proxy answered).
   */
  record Accepted(Long ackId, Integer warningCode, String text, boolean hecAnswer, int status)
      implements Verdict {}

  /** Transient: send the same events again later. */
  record Retry(String reason, Duration retryAfter) implements Verdict {}

  /**
   * Events before {@code invalid} were indexed, {@code invalid} is refused, the rest were not
   * indexed.
   */
  record Partial(int invalid, String reason) implements Verdict {}

  /** One event of the request is bad but Splunk did not say which: halve the request to find it. */
  record Bisect(String reason) implements Verdict {}

  /** Request too large (413): halve it; a single event that is still too large is refused. */
  record Split(String reason) implements Verdict {}

  /** Needs an operator: pause the sink and keep the events. */
  record Fault(String reason, boolean tokenRefused) implements Verdict {}

  private static final Set<Integer> EVENT_CODES = Set.of(6, 12, 13, 15);
  private static final Set<Integer> TOKEN_CODES = Set.of(1, 2, 3, 4, 21, 22);

  static Verdict classify(HecResponse r, int events) {
    int s = r.status();
    String what = r.describe();
    if (s >= 200 && s < 300) {
      Integer warn = r.code() != null && r.code() != 0 ? r.code() : null;
      return new Accepted(r.ackId(), warn, r.text(), r.code() != null, s);
    }
    if (s >= 300 && s < 400) {
      return new Fault(
          "Splunk HEC answered "
              + what
              + " with a redirect"
              + (r.location() != null ? " to " + HecResponse.clip(r.location()) : "")
              + "; redirects are not followed: the endpoint is probably not the HEC port (8088 by "
              + "default) or needs https://",
          false);
    }
    if (s == 401 || s == 403 || (s == 400 && r.code() != null && TOKEN_CODES.contains(r.code()))) {
      return new Fault("Splunk refused the token: " + what, true);
    }
    if (s == 400 && r.code() != null && EVENT_CODES.contains(r.code())) {
      Integer n = r.invalidEventNumber();
      if (n != null && n >= 0 && n < events) {
        return new Partial(n, "Splunk refused the event: " + what);
      }
      return new Bisect("Splunk refused an event of the request: " + what);
    }
    if (s == 413) {
      return new Split("Splunk refused the request as too large: " + what);
    }
    if (s == 408 || s == 429 || (s >= 500 && s != 501 && s != 505 && s < 600)) {
      return new Retry("Splunk HEC answered " + what, r.retryAfter());
    }
    return new Fault(faultText(r, what), false);
  }

  private static String faultText(HecResponse r, String what) {
    Integer code = r.code();
    if (r.status() == 407) {
      return "the HTTP proxy refused the request: "
          + what
          + "; it wants credentials: set proxy_user and proxy_password (or user:password@ in the"
          + " URL of HTTPS_PROXY), or check them";
    }
    if (r.status() == 404 || r.status() == 405) {
      return "not a Splunk HEC endpoint: "
          + what
          + "; check endpoint: (the base URL, e.g. "
          + "https://splunk:8088) and that HTTP Event Collector is enabled";
    }
    if (code == null || r.status() != 400) {
      return "Splunk HEC answered " + what;
    }
    return switch (code) {
      case 7 ->
          "Splunk refused the index: " + what + "; allow the index for the token, or change index:";
      case 10 -> "the token needs a data channel (indexer acknowledgement is on for it): " + what;
      case 11 -> "Splunk refused the data channel: " + what;
      case 14 ->
          "indexer acknowledgement is off for the token: " + what + "; set ack: {enabled: false}";
      case 16 -> "Splunk HEC answered " + what;
      case 5 ->
          "Splunk found no data in the request: " + what + " (a proxy may have dropped the body)";
      default -> "Splunk HEC answered " + what;
    };
  }
}
