package dev.auditship.sink;

import java.time.Duration;
import java.util.List;

/**
 * What a sink did with a batch (docs/design.md §4). Every record of the batch is in exactly one
 * state:
 *
 * <ul>
 *   <li><b>delivered</b>: every record not listed in {@code rejected} or {@code retry};
 *   <li><b>rejected</b>: refused for good (for those events: a 400 with Splunk's reason, an event
 *       larger than the destination takes); they go to the dead-letter file with the reason;
 *   <li><b>retry</b>: not delivered for a transient reason (network error, 5xx, 429, 503) or a
 *       configuration fault ({@code configFault}: bad token, wrong URL), which pauses the sink; the
 *       records are kept and sent again.
 * </ul>
 *
 * @param rejected records refused for good, each with the destination's reason
 * @param retry records to send again, in order
 * @param reason why the retry records were not delivered (safe to log: never a secret)
 * @param retryAfter the destination's {@code Retry-After}, or {@code null}
 * @param configFault true when the failure needs an operator (the sink pauses and probes)
 */
public record Outcome(
    List<Rejection> rejected,
    List<SinkRecord> retry,
    String reason,
    Duration retryAfter,
    boolean configFault) {

  /** A record refused for good, with the reason. */
  public record Rejection(SinkRecord record, String reason) {}

  private static final Outcome DELIVERED = new Outcome(List.of(), List.of(), null, null, false);

  public Outcome {
    rejected = List.copyOf(rejected);
    retry = List.copyOf(retry);
  }

  public static Outcome delivered() {
    return DELIVERED;
  }

  public static Outcome retry(List<SinkRecord> records, String reason, Duration retryAfter) {
    return new Outcome(List.of(), records, reason, retryAfter, false);
  }

  public static Outcome configFault(List<SinkRecord> records, String reason) {
    return new Outcome(List.of(), records, reason, null, true);
  }

  public static Outcome rejected(List<Rejection> rejected) {
    return new Outcome(rejected, List.of(), null, null, false);
  }

  /** True when nothing is left to retry. */
  public boolean done() {
    return retry.isEmpty();
  }
}
