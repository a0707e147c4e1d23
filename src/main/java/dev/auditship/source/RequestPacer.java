package dev.auditship.source;

import java.time.Duration;

/**
 * Spaces requests to Coder's API evenly so that at most {@code perMinute} start in any minute.
 * Coder limits API requests per user and endpoint ({@code --api-rate-limit}, default 512 a minute,
 * {@code coderd/httpmw/ratelimit.go}) and answers 429 beyond; pacing below it keeps the exporter
 * from being refused and from starving the dashboard of the same user. Single-threaded use.
 */
final class RequestPacer {
  private final long intervalNanos;
  private long next = Long.MIN_VALUE;

  RequestPacer(int perMinute) {
    this.intervalNanos = Duration.ofMinutes(1).toNanos() / Math.max(1, perMinute);
  }

  /** Waits until the next request may start (interruptible), and reserves that slot. */
  void await() throws InterruptedException {
    long now = System.nanoTime();
    if (next != Long.MIN_VALUE && next - now > 0) {
      long wait = next - now;
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      now = System.nanoTime();
    }
    next = now + intervalNanos;
  }
}
