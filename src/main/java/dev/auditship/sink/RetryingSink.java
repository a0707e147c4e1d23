package dev.auditship.sink;

import dev.auditship.config.RetryConfig;
import dev.auditship.metrics.SinkStats;
import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Used from one thread at a time (the pipeline or the spool drainer of this sink).
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
  private boolean paused;

  public RetryingSink(
      Sink sink, RetryConfig retry, DeadLetters deadLetters, SinkStats stats, Sleeper sleeper) {
    this.sink = sink;
    this.retry = retry;
    this.deadLetters = deadLetters;
    this.stats = stats;
    this.sleeper = sleeper;
    this.backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            retry.initial(), retry.multiplier(), Math.max(retry.jitter(), 0.000001), retry.max());
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
    int attempt = 0;
    while (!pending.isEmpty()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("delivery to sink " + sink.name() + " interrupted");
      }
      Outcome o = sink.send(pending);
      int failed = o.retry().size();
      stats.delivered.addAndGet(pending.size() - failed - o.rejected().size());
      deadLetter(o.rejected());
      if (o.done()) {
        if (paused) {
          LOG.info("Sink works again; delivery resumed. sink={}", sink.name());
          paused = false;
        }
        return;
      }
      if (failed < pending.size()) {
        attempt = 0; // progress was made
      }
      attempt++;
      stats.retried.addAndGet(failed);
      Duration wait;
      if (o.configFault()) {
        if (!paused) {
          LOG.error(
              "Sink paused by a configuration fault; events are kept and retried every {}. "
                  + "sink={} reason=\"{}\"",
              retry.pauseProbe(),
              sink.name(),
              o.reason());
          paused = true;
        }
        wait = retry.pauseProbe();
        stats.pausedMillis.addAndGet(wait.toMillis());
      } else {
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
              o.reason());
        }
      }
      sleeper.sleep(wait);
      pending = o.retry();
    }
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
            r.reason(),
            deadLetters.path());
        left.remove(0);
      } catch (IOException e) {
        // The event is neither delivered nor safely dead-lettered: keep trying, never drop it.
        LOG.error(
            "Cannot write the dead-letter file; retrying. file={} error=\"{}\"",
            deadLetters.path(),
            e.toString());
        sleeper.sleep(retry.pauseProbe());
      }
    }
  }
}
