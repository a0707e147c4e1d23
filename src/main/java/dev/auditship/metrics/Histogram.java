package dev.auditship.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A distribution of durations (request latencies). It keeps a count and a sum for logs, and hands
 * every observation to its observers, so an exporter can keep buckets in its own format (the
 * Prometheus endpoint turns them into a histogram with {@code _bucket}, {@code _sum} and {@code
 * _count}). Thread-safe.
 */
public final class Histogram {
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong sumNanos = new AtomicLong();
  private final List<LongConsumer> observers = new CopyOnWriteArrayList<>();

  /** Records one duration in nanoseconds. */
  public void record(long nanos) {
    count.incrementAndGet();
    sumNanos.addAndGet(nanos);
    for (LongConsumer o : observers) {
      o.accept(nanos);
    }
  }

  /** Calls {@code observer} with every duration recorded from now on (nanoseconds). */
  public void observe(LongConsumer observer) {
    observers.add(observer);
  }

  public long count() {
    return count.get();
  }

  public long sumNanos() {
    return sumNanos.get();
  }
}
