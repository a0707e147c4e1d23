package dev.auditship.metrics;

import java.util.Map;

/** What a source read: lines, events, skipped lines and rejected lines. Thread-safe. */
public final class SourceStats {
  public final Counter lines = new Counter();
  public final Counter events = new Counter();
  public final Counter skipped = new Counter();
  public final Counter rejected = new Counter();

  /** Registers these counters in {@code metrics}, labelled {@code source=<source>}. */
  public void register(Metrics metrics, String source) {
    Map<String, String> l = Map.of("source", source);
    metrics.counter("auditship_source_lines_total", "Lines (or API rows) read.", l, lines);
    metrics.counter("auditship_source_events_total", "Events read.", l, events);
    metrics.counter(
        "auditship_source_skipped_total",
        "Lines skipped: not audit or connection events.",
        l,
        skipped);
    metrics.counter(
        "auditship_source_rejected_total",
        "Lines that claim to be events but are broken (written to the rejects file).",
        l,
        rejected);
  }

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
