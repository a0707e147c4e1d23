package dev.auditship.config;

/**
 * The type-specific options of one sink ({@code type: stdout}, {@code file}, {@code syslog}, {@code
 * splunk_hec}, ...). Each implementation is a record with a static {@code parse(Section)} named in
 * the sink type's registration ({@code dev.auditship.registry.Registry}).
 */
public interface SinkSettings {
  /** True for sinks that deliver over a network (they get retries and may have a spool). */
  default boolean network() {
    return false;
  }
}
