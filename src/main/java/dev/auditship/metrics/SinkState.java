package dev.auditship.metrics;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one sink is doing now, for the health endpoint, the outage log lines and the gauges:
 * delivering (or idle), retrying after a transient failure, or paused by a configuration fault,
 * since when and why; how many events it holds undelivered and how old the oldest is; the event
 * {@code Time} of the newest one delivered. The retry wrapper writes it; readers get a consistent
 * {@link Snapshot}. Thread-safe.
 */
public final class SinkState {

  /** The delivery state. */
  public enum Mode {
    /** Delivering, or waiting for events. */
    OK,
    /** A transient failure (network, 5xx, 429): retrying with back-off. */
    RETRYING,
    /** A configuration fault (bad token, wrong URL, unwritable path): probing until it works. */
    PAUSED
  }

  /**
   * One consistent view.
   *
   * @param mode the state
   * @param since when the state began ({@code null} for OK)
   * @param reason why (the sink's own words), or {@code null}
   * @param waiting events handed to the sink and not yet delivered or dead-lettered
   * @param oldestWaiting the event {@code Time} of the oldest of them, or {@code null}
   * @param newestDelivered the event {@code Time} of the newest event delivered, or {@code null}
   */
  public record Snapshot(
      Mode mode,
      Instant since,
      String reason,
      long waiting,
      Instant oldestWaiting,
      Instant newestDelivered) {}

  private final AtomicReference<Snapshot> now =
      new AtomicReference<>(new Snapshot(Mode.OK, null, null, 0, null, null));

  public Snapshot get() {
    return now.get();
  }

  /** A batch of {@code n} events (the oldest {@code oldest}) was handed to the sink. */
  public void waiting(long n, Instant oldest) {
    now.updateAndGet(
        s ->
            new Snapshot(
                s.mode(), s.since(), s.reason(), n, n == 0 ? null : oldest, s.newestDelivered()));
  }

  /** {@code n} events are still waiting; {@code newest} (may be null) was delivered. */
  public void progress(long n, Instant oldest, Instant newest) {
    now.updateAndGet(
        s ->
            new Snapshot(
                s.mode(),
                s.since(),
                s.reason(),
                n,
                n == 0 ? null : oldest,
                newest != null
                        && (s.newestDelivered() == null || newest.isAfter(s.newestDelivered()))
                    ? newest
                    : s.newestDelivered()));
  }

  /** Enters {@code mode} at {@code at} (kept when already in it) with {@code reason}. */
  public void mode(Mode mode, Instant at, String reason) {
    now.updateAndGet(
        s ->
            new Snapshot(
                mode,
                mode == Mode.OK ? null : s.mode() == mode ? s.since() : at,
                mode == Mode.OK ? null : reason,
                s.waiting(),
                s.oldestWaiting(),
                s.newestDelivered()));
  }
}
