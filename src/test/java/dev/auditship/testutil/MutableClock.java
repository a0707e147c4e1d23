package dev.auditship.testutil;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests move by hand. Thread-safe. */
public final class MutableClock extends Clock {
  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  /** Starting at {@code instant} (RFC 3339, e.g. {@code 2025-07-03T06:55:02Z}). */
  public MutableClock(String instant) {
    this(Instant.parse(instant));
  }

  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /** Jumps to {@code instant} (RFC 3339). */
  public void set(String instant) {
    now = Instant.parse(instant);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
