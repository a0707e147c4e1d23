package dev.auditship.sink;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Counters of one sink, logged periodically and at shutdown. Every drop has a counter (DESIGN
 * §7.7). Thread-safe.
 */
public final class SinkStats {
  public final AtomicLong delivered = new AtomicLong();
  public final AtomicLong retried = new AtomicLong();
  public final AtomicLong deadLettered = new AtomicLong();
  public final AtomicLong filtered = new AtomicLong();
  public final AtomicLong pausedMillis = new AtomicLong();

  /**
   * Events dropped by an explicit operator choice (spool {@code when_full: drop_newest}, spool
   * max_age).
   */
  public final AtomicLong dropped = new AtomicLong();

  /** The spool's gauges, read when logged; {@code null} for a sink without a spool. */
  private volatile Supplier<SpoolGauges> spool;

  /**
   * What a sink's spool holds now.
   *
   * @param records records not yet delivered
   * @param bytes their bytes on disk
   * @param oldestAge age of the oldest of them ({@link Duration#ZERO} when empty)
   * @param quarantined bytes found damaged and moved to the spool's {@code quarantine/} directory
   */
  public record SpoolGauges(long records, long bytes, Duration oldestAge, long quarantined) {}

  /** Called by the spool that feeds this sink. */
  public void spoolGauges(Supplier<SpoolGauges> gauges) {
    this.spool = gauges;
  }

  /** The spool's gauges now, or {@code null} without a spool. */
  public SpoolGauges spoolGauges() {
    Supplier<SpoolGauges> s = spool;
    return s == null ? null : s.get();
  }

  /**
   * {@code delivered=… retried=… dead_lettered=… filtered=… dropped=… paused_ms=…}, and with a
   * spool {@code spool_records=… spool_bytes=… spool_oldest_age_secs=… spool_quarantined_bytes=…}.
   */
  public String summary() {
    String s =
        "delivered="
            + delivered.get()
            + " retried="
            + retried.get()
            + " dead_lettered="
            + deadLettered.get()
            + " filtered="
            + filtered.get()
            + " dropped="
            + dropped.get()
            + " paused_ms="
            + pausedMillis.get();
    SpoolGauges g = spoolGauges();
    if (g != null) {
      s +=
          " spool_records="
              + g.records()
              + " spool_bytes="
              + g.bytes()
              + " spool_oldest_age_secs="
              + g.oldestAge().toSeconds()
              + " spool_quarantined_bytes="
              + g.quarantined();
    }
    return s;
  }
}
