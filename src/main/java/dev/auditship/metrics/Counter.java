package dev.auditship.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A count that only grows (a Prometheus counter). Thread-safe. The method names are {@link
 * AtomicLong}'s so reporting code reads as before.
 */
public final class Counter {
  private final AtomicLong value = new AtomicLong();

  /** Adds one; returns the new count. */
  public long incrementAndGet() {
    return value.incrementAndGet();
  }

  /**
   * Adds {@code n}; returns the new count.
   *
   * @throws IllegalArgumentException if {@code n} is negative (a counter never goes down)
   */
  public long addAndGet(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a counter cannot go down: " + n);
    }
    return value.addAndGet(n);
  }

  /** The count now. */
  public long get() {
    return value.get();
  }

  @Override
  public String toString() {
    return Long.toString(get());
  }
}
