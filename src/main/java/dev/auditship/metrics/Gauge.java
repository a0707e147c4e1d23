package dev.auditship.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** A value that goes up and down (a Prometheus gauge), set by its owner. Thread-safe. */
public final class Gauge {
  private final AtomicLong value = new AtomicLong();

  public long incrementAndGet() {
    return value.incrementAndGet();
  }

  public long decrementAndGet() {
    return value.decrementAndGet();
  }

  public long addAndGet(long n) {
    return value.addAndGet(n);
  }

  public void set(long n) {
    value.set(n);
  }

  public long get() {
    return value.get();
  }

  @Override
  public String toString() {
    return Long.toString(get());
  }
}
