package dev.auditship.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One registered counter or gauge, as an exporter sees it: read {@link #value()} whenever it
 * scrapes.
 *
 * @param name the metric name, e.g. {@code auditship_sink_delivered_total}
 * @param help one sentence for the exporter's HELP line
 * @param type counter or gauge
 * @param labels label names to values, e.g. {@code sink=splunk}; insertion-ordered
 * @param value reads the current value; cheap and thread-safe
 */
public record Meter(
    String name, String help, Type type, Map<String, String> labels, LongSupplier value) {

  /** What the value means to an exporter. */
  public enum Type {
    /** Only grows; reset only by a restart. */
    COUNTER,
    /** Goes up and down. */
    GAUGE
  }

  public Meter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  /** The value now. */
  public long read() {
    return value.getAsLong();
  }
}
