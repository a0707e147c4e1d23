package dev.auditship.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counters of one sink, logged periodically and at shutdown and exported by name. Every drop has a
 * counter (docs/design.md, "Nothing is dropped silently"). The retry wrapper reports deliveries,
 * retries, dead letters and pauses; the pipeline reports filtered events; the spool reports drops
 * and its gauges. Thread-safe.
 */
public final class SinkStats {
  public final Counter delivered = new Counter();
  public final Counter retried = new Counter();
  public final Counter deadLettered = new Counter();
  public final Counter filtered = new Counter();

  /**
   * Pauses that are over, in ms; {@link #pausedMillis()} adds the one in progress. Read the method,
   * not this field, to report it.
   */
  public final Counter pausedMillis = new Counter();

  /**
   * Brings {@link #pausedMillis} up to now while a pause is in progress (set by the retry wrapper);
   * a no-op otherwise.
   */
  private volatile Runnable pauseCatchUp = () -> {};

  /**
   * Events dropped by an explicit operator choice (spool {@code when_full: drop_newest}, spool
   * max_age).
   */
  public final Counter dropped = new Counter();

  /** What the sink is doing now: delivering, retrying or paused; what waits; the lag. */
  public final SinkState state = new SinkState();

  /** Duration of each send to the destination (one call of the sink, answered or failed). */
  public final Histogram requestDuration = new Histogram();

  /** The spool's gauges, read when logged; {@code null} for a sink without a spool. */
  private volatile Supplier<SpoolGauges> spool;

  /**
   * Called by the retry wrapper: {@code catchUp} adds the time paused so far, while a pause is in
   * progress, to {@link #pausedMillis}, so that every report of it includes the pause in progress.
   */
  public void pauseClock(Runnable catchUp) {
    this.pauseCatchUp = catchUp;
  }

  /**
   * The time spent paused by a configuration fault, in ms, up to now: the pauses that are over and
   * the one in progress (docs/operations.md: "the time actually spent paused").
   */
  public long pausedMillis() {
    pauseCatchUp.run();
    return pausedMillis.get();
  }

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
   * Registers these counters (and the spool's gauges, when the sink has a spool by now) in {@code
   * metrics}, labelled {@code sink=<name>}.
   */
  public void register(Metrics metrics, String sink) {
    register(metrics, sink, Clock.systemUTC());
  }

  /** As {@link #register(Metrics, String)}, with the clock that ages the oldest waiting event. */
  public void register(Metrics metrics, String sink, Clock clock) {
    Map<String, String> l = Map.of("sink", sink);
    metrics.counter(
        "auditship_sink_delivered_total", "Events the destination accepted.", l, delivered);
    metrics.counter(
        "auditship_sink_retried_total",
        "Event sends that failed and were tried again.",
        l,
        retried);
    metrics.counter(
        "auditship_sink_dead_lettered_total",
        "Events the destination refused for good (written to the dead-letter file).",
        l,
        deadLettered);
    metrics.counter(
        "auditship_sink_filtered_total", "Events this sink's filter left out.", l, filtered);
    metrics.counter(
        "auditship_sink_paused_milliseconds_total",
        "Time the sink spent paused by a configuration fault.",
        l,
        this::pausedMillis);
    metrics.counter(
        "auditship_sink_dropped_total",
        "Events dropped by the operator's choice (spool when_full: drop_newest, spool max_age).",
        l,
        dropped);
    if (spool != null) {
      metrics.gauge(
          "auditship_spool_records",
          "Records in the spool not yet delivered.",
          l,
          () -> spoolGauges().records());
      metrics.gauge(
          "auditship_spool_bytes",
          "Bytes of those records on disk.",
          l,
          () -> spoolGauges().bytes());
      metrics.gauge(
          "auditship_spool_oldest_age_seconds",
          "Age of the oldest record in the spool.",
          l,
          () -> spoolGauges().oldestAge().toSeconds());
      metrics.gauge(
          "auditship_spool_quarantined_bytes",
          "Bytes found damaged and moved to the spool's quarantine directory.",
          l,
          () -> spoolGauges().quarantined());
    }
    registerState(metrics, sink, clock);
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
            + pausedMillis();
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

  private void registerState(Metrics metrics, String sink, Clock clock) {
    Map<String, String> l = Map.of("sink", sink);
    metrics.gauge(
        "auditship_sink_in_flight_events",
        "Events handed to the sink and not yet delivered or dead-lettered.",
        l,
        () -> state.get().waiting());
    for (SinkState.Mode m : List.of(SinkState.Mode.PAUSED, SinkState.Mode.RETRYING)) {
      Map<String, String> ml = new LinkedHashMap<>(l);
      ml.put("reason", m == SinkState.Mode.PAUSED ? "configuration_fault" : "transient_failure");
      metrics.gauge(
          "auditship_sink_paused",
          "1 while the sink is not delivering: paused by a configuration fault (probing), or"
              + " retrying after a transient failure.",
          ml,
          () -> state.get().mode() == m ? 1 : 0);
    }
    metrics.gauge(
        "auditship_sink_newest_delivered_event_timestamp_seconds",
        "The event Time of the newest event delivered (Unix seconds; 0 before the first).",
        l,
        () -> {
          Instant t = state.get().newestDelivered();
          return t == null ? 0 : t.getEpochSecond();
        });
    metrics.gauge(
        "auditship_sink_oldest_undelivered_event_age_seconds",
        "Age (now minus event Time) of the oldest event the sink holds undelivered: the lag; 0"
            + " when it holds none.",
        l,
        () -> {
          Instant t = state.get().oldestWaiting();
          return t == null ? 0 : Math.max(0, clock.instant().getEpochSecond() - t.getEpochSecond());
        });
    metrics.histogram(
        "auditship_sink_request_duration_seconds",
        "Duration of each send to the destination, answered or failed.",
        l,
        requestDuration);
  }
}
