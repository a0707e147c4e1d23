package dev.auditship.source;

import java.util.concurrent.atomic.AtomicLong;

/** What a source read: lines, events, skipped lines and rejected lines. Thread-safe. */
public final class SourceStats {
  public final AtomicLong lines = new AtomicLong();
  public final AtomicLong events = new AtomicLong();
  public final AtomicLong skipped = new AtomicLong();
  public final AtomicLong rejected = new AtomicLong();

  public String summary() {
    return "read="
        + lines.get()
        + " events="
        + events.get()
        + " skipped="
        + skipped.get()
        + " rejected="
        + rejected.get();
  }
}
