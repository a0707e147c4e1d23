package dev.auditship.pipeline;

import dev.auditship.event.Event;
import dev.auditship.filter.EventFilter;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.SinkRecord;
import dev.auditship.source.Source;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run loop (docs/design.md §1): take a batch from the source, filter it, format it for each
 * sink, hand it to every sink at once, and commit the source position only when every sink has
 * accepted its records (delivered, spooled, filtered out or dead-lettered). A slow sink therefore
 * holds the source back (back-pressure) with at most one batch in memory per sink.
 *
 * <p>Threads: {@link #run} runs on the caller's thread; each batch is handed to the sinks on a
 * small pool (one thread per sink). {@link #stop()} may be called from any thread (the shutdown
 * hook).
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final Source source;
  private final EventFilter globalFilter;
  private final List<SinkRuntime> sinks;
  private final int batchMax;
  private final Duration linger;
  private final Duration statsInterval;
  private final Duration shutdownTimeout;
  private final ExecutorService pool;
  private volatile boolean stopping;

  /**
   * {@link System#nanoTime()} of the first {@link #stop()}; the shutdown deadline counts from it.
   */
  private volatile long stopRequestedAt;

  private volatile boolean readingSource;
  private volatile boolean aborted;

  /**
   * Orders {@link #stop()}'s interrupt with the end of a source read, so that it can only wake a
   * read.
   */
  private final Object readLock = new Object();

  private volatile Thread runner;
  private long globallyFiltered;

  Pipeline(
      Source source,
      EventFilter globalFilter,
      List<SinkRuntime> sinks,
      int batchMax,
      Duration linger,
      Duration statsInterval,
      Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
    this.source = source;
    this.globalFilter = globalFilter;
    this.sinks = List.copyOf(sinks);
    this.batchMax = batchMax;
    this.linger = linger;
    this.statsInterval = statsInterval;
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, sinks.size()),
            r -> {
              Thread t = new Thread(r, "auditship-sink");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs until the source ends or {@link #stop()} is called. Returns normally when everything read
   * was accepted; throws {@link InterruptedException} when shutdown cut delivery short (the last
   * batch stays uncommitted).
   */
  public void run() throws IOException, InterruptedException {
    runner = Thread.currentThread();
    long nextStats =
        statsInterval.isZero() ? Long.MAX_VALUE : System.nanoTime() + statsInterval.toNanos();
    try {
      while (!stopping) {
        readingSource = true;
        Source.Batch batch;
        try {
          if (stopping) {
            break;
          }
          batch = source.next(batchMax, linger);
        } catch (InterruptedException e) {
          if (stopping) {
            break; // interrupted while waiting for input: nothing was read, nothing is lost
          }
          throw e;
        } finally {
          synchronized (readLock) {
            readingSource = false;
            if (stopping && !aborted) {
              // stop() interrupted the read to wake it, but the read returned a batch anyway: that
              // batch is delivered and committed as usual, so the interrupt must not cut it short.
              Thread.interrupted();
            }
          }
        }
        if (batch == null) {
          break;
        }
        if (!batch.events().isEmpty()) {
          deliver(batch.events());
        }
        source.commit(batch);
        if (System.nanoTime() >= nextStats) {
          logStats("Progress.");
          nextStats = System.nanoTime() + statsInterval.toNanos();
        }
      }
      drain();
    } finally {
      Thread.interrupted(); // a late interrupt from stop() must not leak into the caller
    }
  }

  private void deliver(List<Event> events) throws InterruptedException {
    List<Event> passed = new ArrayList<>(events.size());
    for (Event e : events) {
      if (globalFilter.matches(e)) {
        passed.add(e);
      } else {
        globallyFiltered++;
      }
    }
    List<Future<?>> futures = new ArrayList<>(sinks.size());
    for (SinkRuntime s : sinks) {
      futures.add(
          pool.submit(
              () -> {
                deliverTo(s, passed);
                return null;
              }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof InterruptedException ie) {
        throw ie;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }

  private static void deliverTo(SinkRuntime s, List<Event> events) throws InterruptedException {
    List<SinkRecord> records = new ArrayList<>(events.size());
    StringBuilder sb = new StringBuilder(2048);
    long filtered = 0;
    for (Event e : events) {
      if (!s.filter().matches(e)) {
        filtered++;
        continue;
      }
      sb.setLength(0);
      s.format().append(e, sb);
      records.add(new SinkRecord(e, sb.toString()));
    }
    if (filtered > 0) {
      s.target().stats().filtered.addAndGet(filtered);
      LOG.debug("Events filtered out. sink={} count={}", s.name(), filtered);
    }
    if (!records.isEmpty()) {
      s.target().accept(records);
    }
  }

  /**
   * Lets spooled sinks deliver until the shutdown deadline (counted from the stop request, or from
   * now when the input ended), all at once: each drains in the background, so waiting for them one
   * after the other costs no time. Interrupted (the deadline watchdog or a second signal), the
   * remaining sinks stop at once; what they hold stays in their spools, which each logs, so the run
   * still ends normally: everything read was accepted.
   */
  private void drain() {
    long from = stopping ? stopRequestedAt : System.nanoTime();
    // End a little before the shutdown watchdog (which starts with the stop request) so that the
    // sinks log
    // what they left before it interrupts anything.
    long margin = Math.min(shutdownTimeout.toNanos() / 10, Duration.ofMillis(250).toNanos());
    long deadline = from + shutdownTimeout.toNanos() - margin;
    boolean cut = false;
    for (SinkRuntime s : sinks) {
      try {
        s.target().drain(Duration.ofNanos(cut ? 0 : Math.max(0, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        cut = true;
      }
    }
  }

  /** Asks the loop to stop after the current batch; wakes it when it is only waiting for input. */
  public void stop() {
    if (!stopping) {
      stopRequestedAt = System.nanoTime();
    }
    synchronized (readLock) {
      stopping = true;
      Thread t = runner;
      if (t != null && readingSource) {
        t.interrupt();
      }
    }
  }

  /** Interrupts delivery in progress (the shutdown deadline passed). */
  public void abort() {
    aborted = true;
    stopping = true;
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }

  /** Logs source and per-sink counters. */
  public void logStats(String what) {
    LOG.info(
        "{} source: {} filtered_globally={}", what, source.stats().summary(), globallyFiltered);
    for (SinkRuntime s : sinks) {
      SinkStats st = s.target().stats();
      LOG.info("{} sink={} {}", what, s.name(), st.summary());
    }
  }

  public void close() {
    pool.shutdownNow();
    for (SinkRuntime s : sinks) {
      try {
        s.target().close();
      } catch (RuntimeException e) {
        LOG.warn("Error while closing a sink. sink={} error=\"{}\"", s.name(), e.toString());
      }
    }
    try {
      source.close();
    } catch (IOException e) {
      LOG.debug("Error while closing the source: {}", e.toString());
    }
  }

  Source source() {
    return source;
  }

  List<SinkRuntime> sinks() {
    return sinks;
  }
}
