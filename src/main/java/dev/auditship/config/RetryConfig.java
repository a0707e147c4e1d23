package dev.auditship.config;

import java.time.Duration;

/**
 * Back-off for transient delivery failures (docs/design.md §4): exponential from {@code initial} to
 * {@code max} with jitter; {@code Retry-After} from the destination wins when it asks for longer.
 * Retries never give up on their own (audit data is not dropped); {@code pauseProbe} is how often a
 * sink paused by a configuration fault (bad token, wrong URL) is tried again.
 */
public record RetryConfig(
    Duration initial, Duration max, double multiplier, double jitter, Duration pauseProbe) {
  public static final RetryConfig DEFAULT =
      new RetryConfig(
          Duration.ofMillis(500), Duration.ofSeconds(60), 2.0, 0.2, Duration.ofSeconds(30));

  static RetryConfig parse(Section s) {
    if (s == null) {
      return DEFAULT;
    }
    Duration initial =
        s.duration(
            "initial_backoff_ms", DEFAULT.initial(), Duration.ofMillis(1), Duration.ofMinutes(10));
    Duration max =
        s.duration("max_backoff_secs", DEFAULT.max(), Duration.ofMillis(1), Duration.ofHours(1));
    Duration probe =
        s.duration(
            "pause_probe_secs", DEFAULT.pauseProbe(), Duration.ofMillis(10), Duration.ofHours(1));
    long jitterPct = s.integer("jitter_percent", 20, 0, 100);
    s.finish();
    if (max.compareTo(initial) < 0) {
      s.problem(
          "max_backoff_secs",
          "is shorter than initial_backoff_ms",
          "make max_backoff_secs at least initial_backoff_ms");
    }
    return new RetryConfig(initial, max, 2.0, jitterPct / 100.0, probe);
  }
}
