package dev.auditship.config;

import java.util.Objects;

/**
 * One entry under {@code sinks:}: the options every sink has, and its type-specific {@link
 * SinkSettings}.
 *
 * @param name the operator's name for the sink (the key under {@code sinks:})
 * @param type {@code stdout}, {@code file}, {@code syslog} or {@code splunk_hec}
 * @param format {@code json} or {@code human}
 * @param filter a per-sink filter, or {@code null}
 * @param retry back-off for transient failures
 * @param spool the sink's disk spool, or {@code null} for none (only network sinks may have one)
 * @param settings the type-specific options
 */
public record SinkConfig(
    String name,
    String type,
    String format,
    FilterRef filter,
    RetryConfig retry,
    SpoolConfig spool,
    SinkSettings settings) {
  public SinkConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
