package dev.auditship.config;

import java.util.Objects;

/**
 * One entry under {@code sinks:}: the options every sink has, and its type-specific {@link
 * SinkSettings}.
 *
 * @param name the operator's name for the sink (the key under {@code sinks:})
 * @param type the sink type's registered name ({@code stdout}, {@code file}, ...)
 * @param format the format's registered name ({@code json}, {@code human}, ...)
 * @param formatOptions the options of {@code format: {name: ..., ...}}; {@link FormatOptions#NONE}
 *     for a plain {@code format: name}
 * @param filter a per-sink filter, or {@code null}
 * @param retry back-off for transient failures
 * @param spool the sink's disk spool, or {@code null} for none (only network sinks may have one)
 * @param settings the type-specific options
 */
public record SinkConfig(
    String name,
    String type,
    String format,
    FormatOptions formatOptions,
    FilterRef filter,
    RetryConfig retry,
    SpoolConfig spool,
    SinkSettings settings) {
  public SinkConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(formatOptions, "formatOptions");
  }
}
