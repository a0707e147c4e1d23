package dev.auditship.sink.hec;

import dev.auditship.config.Units;
import dev.auditship.sink.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Indexer acknowledgement for the requests of one {@code send()} (docs/coder-reference.md §10.6).
 * Each accepted request's {@code ackId} is kept with its events; {@link #await} then polls {@code
 * /services/collector/ack} with every pending id in one body until each one is {@code true} (the
 * events are indexed: delivered) or its {@code timeout} passes (the events are sent again:
 * at-least-once, duplicates possible). The first poll comes after one second and the wait doubles
 * up to {@code poll_interval_secs}, so a quick indexer does not hold a batch for a full interval.
 * An id Splunk answered {@code true} for is forgotten at once: Splunk forgets it too (§10.6, a
 * repeat poll says false).
 *
 * <p>Not thread-safe: one instance per {@code send()}.
 */
final class HecAcks {
  /** Most ids in one poll body. */
  static final int MAX_IDS_PER_POLL = 1000;

  /** Polls Splunk once. */
  interface Poller {
    PollResult poll(List<Long> ids) throws InterruptedException;
  }

  /** What a poll said. */
  sealed interface PollResult permits Acks, Failed {}

  /** The {@code acks} map of the reply. */
  record Acks(Map<Long, Boolean> acks) implements PollResult {}

  /**
   * The poll failed; {@code fault} when an operator must act (token refused, acks off for the
   * token).
   */
  record Failed(String reason, boolean fault) implements PollResult {}

  /**
   * The end of waiting: record indices acknowledged, and those that were not (with why).
   *
   * @param fault true when polling hit a configuration fault rather than a timeout
   * @param unconfirmed on a fault: the requests Splunk accepted and whose acknowledgement could not
   *     be polled, with their deadlines, to poll again later instead of posting them again
   */
  record Result(
      List<Integer> acked,
      List<Integer> unacked,
      String reason,
      boolean fault,
      List<Unconfirmed> unconfirmed) {}

  /** An accepted request not yet confirmed: its ackId, its records' indices, its deadline. */
  record Unconfirmed(long ackId, List<Integer> indices, Instant deadline) {}

  private record Pending(List<Integer> indices, Instant deadline) {}

  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private final HecStats stats;

  HecAcks(HecStats stats) {
    this.stats = stats;
  }

  void add(long ackId, List<Integer> indices, Instant deadline) {
    pending.put(ackId, new Pending(List.copyOf(indices), deadline));
    stats.acksPending.incrementAndGet();
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Polls until every id is acknowledged or expired; blocks at most until the last deadline. */
  Result await(Poller poller, Sleeper sleeper, Clock clock, Duration pollInterval, Duration timeout)
      throws InterruptedException {
    List<Integer> acked = new ArrayList<>();
    List<Integer> unacked = new ArrayList<>();
    List<Long> expiredIds = new ArrayList<>();
    String lastFailure = null;
    Duration wait =
        pollInterval.compareTo(Duration.ofSeconds(1)) < 0 ? pollInterval : Duration.ofSeconds(1);
    try {
      while (!pending.isEmpty()) {
        Instant now = clock.instant();
        Instant earliest =
            pending.values().stream().map(Pending::deadline).min(Instant::compareTo).orElse(now);
        Duration untilDeadline = Duration.between(now, earliest);
        Duration sleep =
            untilDeadline.compareTo(wait) < 0 && !untilDeadline.isNegative() ? untilDeadline : wait;
        sleeper.sleep(sleep);
        wait =
            wait.multipliedBy(2).compareTo(pollInterval) > 0 ? pollInterval : wait.multipliedBy(2);

        List<Long> ids = new ArrayList<>(pending.keySet());
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_POLL) {
          PollResult r =
              poller.poll(ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_POLL)));
          if (r instanceof Acks a) {
            for (Map.Entry<Long, Boolean> e : a.acks().entrySet()) {
              if (Boolean.TRUE.equals(e.getValue())) {
                Pending p = pending.remove(e.getKey());
                if (p != null) {
                  acked.addAll(p.indices());
                  stats.acked.incrementAndGet();
                  stats.acksPending.decrementAndGet();
                }
              }
            }
          } else if (r instanceof Failed f) {
            if (f.fault()) {
              List<Unconfirmed> left = new ArrayList<>();
              for (Map.Entry<Long, Pending> e : pending.entrySet()) {
                unacked.addAll(e.getValue().indices());
                left.add(
                    new Unconfirmed(e.getKey(), e.getValue().indices(), e.getValue().deadline()));
              }
              return new Result(
                  acked, unacked, "cannot confirm indexing: " + f.reason(), true, left);
            }
            lastFailure = f.reason();
          }
        }
        Instant after = clock.instant();
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
            it.hasNext(); ) {
          Map.Entry<Long, Pending> e = it.next();
          if (!after.isBefore(e.getValue().deadline())) {
            unacked.addAll(e.getValue().indices());
            expiredIds.add(e.getKey());
            stats.ackTimeouts.incrementAndGet();
            stats.acksPending.decrementAndGet();
            it.remove();
          }
        }
      }
    } finally {
      stats.acksPending.addAndGet(-pending.size());
    }
    String reason = null;
    if (!unacked.isEmpty()) {
      reason =
          "Splunk did not confirm indexing within ack.timeout_secs ("
              + Units.formatDuration(timeout)
              + ", ack ids "
              + expiredIds
              + "); the events are sent again (duplicates are possible)"
              + (lastFailure != null ? "; last poll failure: " + lastFailure : "");
    }
    return new Result(acked, unacked, reason, false, List.of());
  }
}
