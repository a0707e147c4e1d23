package dev.auditship.sink;

import dev.auditship.config.RetryConfig;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.SinkState;
import dev.auditship.metrics.SinkStats;
import dev.auditship.text.GoTime;
import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry wrapper around a {@link Sink} (docs/design.md §4): sends a batch until every record
 * is delivered or dead-lettered. Transient failures back off exponentially with jitter
 * (resilience4j's {@link IntervalFunction}), and a destination's {@code Retry-After} is honoured
 * when it asks for longer. A configuration fault pauses the sink: one ERROR, then a probe every
 * {@code pause_probe_secs}, and an INFO when it works again. Nothing is ever dropped because of a
 * failure: the caller is held back (back-pressure) until delivery, or until it is interrupted at
 * shutdown, when the batch stays uncommitted (or in the spool).
 *
 * <p>Used from one thread at a time (the pipeline or the spool drainer of this sink), or, when the
 * sink takes more than one batch at once ({@link Sink#batchesInFlight()}), from that many: each
 * delivery then retries on its own, and the state the health endpoint shows adds them up.
 */
public final class RetryingSink implements Target {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingSink.class);

  /** Longest Retry-After honoured, so a bogus header cannot stall a sink for days. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private final Sink sink;
  private final RetryConfig retry;
  private final DeadLetters deadLetters;
  private final SinkStats stats;
  private final Sleeper sleeper;
  private final IntervalFunction backoff;
  private final Clock clock;

  /** Guarded by {@code this} (deliveries may run at once). */
  private boolean paused;

  /** While paused: the last instant counted into {@code paused_ms}. Guarded by {@code this}. */
  private Instant pausedMark;

  /** What each delivery in progress holds undelivered, by delivery. Guarded by {@code this}. */
  private final Map<Object, Held> held = new IdentityHashMap<>();

  /**
   * One delivery's undelivered events, the oldest event Time among them (epoch µs, {@code
   * Long.MAX_VALUE} when none has one), and how its last attempt went.
   */
  private static final class Held {
    long events;
    long oldest = Long.MAX_VALUE;
    SinkState.Mode mode = SinkState.Mode.OK;
    String reason;
  }

  public RetryingSink(
      Sink sink, RetryConfig retry, DeadLetters deadLetters, SinkStats stats, Sleeper sleeper) {
    this(sink, retry, deadLetters, stats, sleeper, Clock.systemUTC());
  }

  /**
   * @param clock tells the time of state changes and measures pauses ({@code paused_ms} counts the
   *     time actually spent paused)
   */
  public RetryingSink(
      Sink sink,
      RetryConfig retry,
      DeadLetters deadLetters,
      SinkStats stats,
      Sleeper sleeper,
      Clock clock) {
    this.clock = clock;
    this.sink = sink;
    this.retry = retry;
    this.deadLetters = deadLetters;
    this.stats = stats;
    this.sleeper = sleeper;
    // Every report of paused_ms (Progress and Stopped lines, /metrics) first counts the pause in
    // progress: otherwise it would show only at a probe (every pause_probe_secs) or when the pause
    // ends, and never for a pause that a shutdown cuts short.
    stats.pauseClock(this::countPause);
    // jitter_percent 0 means none: the exact exponential steps. (A tiny randomization factor in its
    // place still moved a step by a millisecond now and then: resilience4j draws from
    // [step - f*step, step + f*step + 1) and truncates.)
    this.backoff =
        retry.jitter() > 0
            ? IntervalFunction.ofExponentialRandomBackoff(
                retry.initial(), retry.multiplier(), retry.jitter(), retry.max())
            : IntervalFunction.ofExponentialBackoff(
                retry.initial(), retry.multiplier(), retry.max());
  }

  public Sink sink() {
    return sink;
  }

  @Override
  public SinkStats stats() {
    return stats;
  }

  @Override
  public String name() {
    return sink.name();
  }

  @Override
  public int batchesInFlight() {
    return sink.batchesInFlight();
  }

  @Override
  public void accept(List<SinkRecord> records) throws InterruptedException {
    deliver(records);
  }

  @Override
  public void close() {
    sink.close();
  }

  /** Delivers {@code batch}; returns once every record is delivered or dead-lettered. */
  public void deliver(List<SinkRecord> batch) throws InterruptedException {
    List<SinkRecord> pending = batch;
    // The oldest and newest event Time of the batch in one pass (sinks that touch every record
    // anyway make this the only extra pass): the newest is what a batch delivered in full reports.
    long[] range = timeRange(batch);
    long oldest = range[0];
    long newest = range[1];
    Object delivery = new Object();
    hold(delivery, pending.size(), oldest, null);
    int attempt = 0;
    try {
      while (!pending.isEmpty()) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("delivery to sink " + sink.name() + " interrupted");
        }
        long t0 = System.nanoTime();
        Outcome o = sink.send(pending);
        stats.requestDuration.record(System.nanoTime() - t0);
        int failed = o.retry().size();
        stats.delivered.addAndGet(pending.size() - failed - o.rejected().size());
        if (pending == batch && failed == 0 && o.rejected().isEmpty()) {
          hold(delivery, 0, Long.MAX_VALUE, newest == GoTime.NO_TIME ? null : instant(newest));
        } else {
          hold(
              delivery,
              failed + o.rejected().size(),
              oldestMicros(o.retry()),
              newestDelivered(pending, o));
        }
        deadLetter(o.rejected());
        if (o.done()) {
          resumed(delivery);
          return;
        }
        if (failed < pending.size()) {
          attempt = 0; // progress was made
        }
        attempt++;
        stats.retried.addAndGet(failed);
        Duration wait;
        if (o.configFault()) {
          paused(delivery, o.reason());
          wait = retry.pauseProbe();
        } else {
          retrying(delivery, o.reason());
          wait = Duration.ofMillis(backoff.apply(Math.min(attempt, 30)));
          if (o.retryAfter() != null && o.retryAfter().compareTo(wait) > 0) {
            wait = o.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : o.retryAfter();
          }
          if (attempt == 1 || attempt % 10 == 0) {
            LOG.warn(
                "Delivery failed; retrying. sink={} events={} attempt={} wait_ms={} reason=\"{}\"",
                sink.name(),
                failed,
                attempt,
                wait.toMillis(),
                Logfmt.q(o.reason()));
          }
        }
        sleeper.sleep(wait);
        countPause();
        pending = o.retry();
      }
    } finally {
      hold(delivery, 0, Long.MAX_VALUE, null);
      endAbandonedPause();
    }
  }

  /**
   * Records what {@code delivery} still holds ({@code n} events, the oldest at {@code oldest} µs)
   * and, when not null, the newest event Time it delivered; the state shows every delivery's sum.
   */
  private synchronized void hold(Object delivery, long n, long oldest, Instant newestDelivered) {
    if (n == 0) {
      held.remove(delivery);
    } else {
      Held h = held.computeIfAbsent(delivery, d -> new Held());
      h.events = n;
      h.oldest = oldest;
    }
    long total = 0;
    long min = Long.MAX_VALUE;
    for (Held h : held.values()) {
      total += h.events;
      min = Math.min(min, h.oldest);
    }
    stats.state.progress(total, min == Long.MAX_VALUE ? null : instant(min), newestDelivered);
  }

  /**
   * The delivery in progress whose last attempt went worst (a pause above a retry above success),
   * or null when none failed: with several batches at once, one delivered in full does not make a
   * sink that another still retries look healthy.
   */
  private Held worst() {
    Held w = null;
    for (Held h : held.values()) {
      if (h.mode != SinkState.Mode.OK && (w == null || h.mode.ordinal() > w.mode.ordinal())) {
        w = h;
      }
    }
    return w;
  }

  /**
   * A delivery was accepted in full: the sink works (again), unless another delivery still fails.
   */
  private synchronized void resumed(Object delivery) {
    Held mine = held.get(delivery);
    if (mine != null) {
      mine.mode = SinkState.Mode.OK;
    }
    Held w = worst();
    if (w != null) {
      stats.state.mode(w.mode, clock.instant(), w.reason);
      return;
    }
    countPause();
    if (paused) {
      LOG.info("Sink works again; delivery resumed. sink={}", sink.name());
      paused = false;
      pausedMark = null;
    }
    stats.state.mode(SinkState.Mode.OK, clock.instant(), null);
  }

  /**
   * A delivery ended without success (interrupted at shutdown, or by a reload that replaces this
   * sink): with no delivery left, nothing is paused any more, so the pause is counted up to now and
   * its clock stops. (A delivery that succeeded has already ended the pause in {@link #resumed}.)
   */
  private synchronized void endAbandonedPause() {
    countPause();
    if (held.isEmpty()) {
      pausedMark = null;
    }
  }

  /** A configuration fault: paused (one ERROR when it begins), probing until it works. */
  private synchronized void paused(Object delivery, String reason) {
    Held mine = held.computeIfAbsent(delivery, d -> new Held());
    mine.mode = SinkState.Mode.PAUSED;
    mine.reason = reason;
    if (!paused) {
      LOG.error(
          "Sink paused by a configuration fault; events are kept and retried every {}. "
              + "sink={} reason=\"{}\"",
          retry.pauseProbe(),
          sink.name(),
          Logfmt.q(reason));
      paused = true;
    }
    if (pausedMark == null) {
      pausedMark = clock.instant();
    }
    stats.state.mode(SinkState.Mode.PAUSED, clock.instant(), reason);
  }

  /**
   * A transient failure: retrying with back-off (a pause is over unless another delivery is still
   * paused).
   */
  private synchronized void retrying(Object delivery, String reason) {
    Held mine = held.computeIfAbsent(delivery, d -> new Held());
    mine.mode = SinkState.Mode.RETRYING;
    mine.reason = reason;
    Held w = worst();
    if (w.mode != SinkState.Mode.PAUSED) {
      countPause();
      if (paused) {
        paused = false; // the fault is gone; what is left is a transient failure
        pausedMark = null;
      }
    }
    stats.state.mode(w.mode, clock.instant(), w.reason);
  }

  /**
   * The oldest and newest event Time (epoch µs) of {@code batch}: {@code Long.MAX_VALUE} and {@link
   * GoTime#NO_TIME} when no event has one. A method of its own so that the JIT compiles this
   * per-event loop alone, not the whole of {@link #deliver} around it (once on-stack, once whole).
   */
  private static long[] timeRange(List<SinkRecord> batch) {
    long oldest = Long.MAX_VALUE;
    long newest = GoTime.NO_TIME;
    for (int i = 0, n = batch.size(); i < n; i++) {
      long t = batch.get(i).event().timeMicros();
      if (t != GoTime.NO_TIME) {
        oldest = Math.min(oldest, t);
        newest = Math.max(newest, t);
      }
    }
    return new long[] {oldest, newest};
  }

  /** Adds the time paused since the last mark to {@code paused_ms} (the real time, not a plan). */
  private synchronized void countPause() {
    if (pausedMark != null) {
      Instant now = clock.instant();
      long ms = Duration.between(pausedMark, now).toMillis();
      if (ms > 0) {
        stats.pausedMillis.addAndGet(ms);
        pausedMark = pausedMark.plusMillis(ms);
      }
    }
  }

  /**
   * The event Time of the oldest record (epoch µs), or {@code Long.MAX_VALUE} when none has one.
   */
  private static long oldestMicros(List<SinkRecord> records) {
    long min = Long.MAX_VALUE;
    for (int i = 0, n = records.size(); i < n; i++) {
      long t = records.get(i).event().timeMicros();
      if (t != GoTime.NO_TIME && t < min) {
        min = t;
      }
    }
    return min;
  }

  /** The newest event Time among the records of {@code sent} that {@code o} says were delivered. */
  private static Instant newestDelivered(List<SinkRecord> sent, Outcome o) {
    if (o.retry().size() + o.rejected().size() == sent.size()) {
      return null;
    }
    Set<SinkRecord> notDelivered = null;
    if (!o.retry().isEmpty() || !o.rejected().isEmpty()) {
      notDelivered = Collections.newSetFromMap(new IdentityHashMap<>());
      notDelivered.addAll(o.retry());
      for (Outcome.Rejection r : o.rejected()) {
        notDelivered.add(r.record());
      }
    }
    long max = GoTime.NO_TIME;
    for (int i = 0, n = sent.size(); i < n; i++) {
      SinkRecord r = sent.get(i);
      if (notDelivered == null || !notDelivered.contains(r)) {
        max = Math.max(max, r.event().timeMicros());
      }
    }
    return max == GoTime.NO_TIME ? null : instant(max);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /**
   * Writes {@code records} to the dead-letter file with {@code reason}, counted as dead-lettered:
   * for records this sink held when a reload removed it (no sink of its name is left to take them;
   * {@code replay --to} sends them to another).
   */
  public void deadLetterAll(List<SinkRecord> records, String reason) throws InterruptedException {
    List<Outcome.Rejection> r = new ArrayList<>(records.size());
    for (SinkRecord x : records) {
      r.add(new Outcome.Rejection(x, reason));
    }
    deadLetter(r);
  }

  private void deadLetter(List<Outcome.Rejection> rejected) throws InterruptedException {
    List<Outcome.Rejection> left = new ArrayList<>(rejected);
    while (!left.isEmpty()) {
      Outcome.Rejection r = left.get(0);
      try {
        deadLetters.write(sink.name(), r.record(), r.reason());
        stats.deadLettered.incrementAndGet();
        LOG.warn(
            "Event refused by the destination; written to the dead-letter file. sink={} id={} "
                + "reason=\"{}\" file={}",
            sink.name(),
            r.record().event().id(),
            Logfmt.q(r.reason()),
            deadLetters.path());
        left.remove(0);
      } catch (IOException e) {
        // The event is neither delivered nor safely dead-lettered: keep trying, never drop it.
        LOG.error(
            "Cannot write the dead-letter file; retrying. file={} error=\"{}\"",
            deadLetters.path(),
            Logfmt.q(e.toString()));
        sleeper.sleep(retry.pauseProbe());
      }
    }
  }
}
