package dev.auditship.sink;

import java.time.Duration;

/**
 * How a sink waits between attempts ({@link RetryingSink}'s back-off, the HEC acknowledgement
 * poll). Tests substitute one that records the waits and advances a test clock instead.
 */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps for {@code d}; a negative duration does not sleep. */
  void sleep(Duration d) throws InterruptedException;

  /** Sleeps on the current thread. */
  Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));
}
