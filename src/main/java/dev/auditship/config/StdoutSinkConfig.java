package dev.auditship.config;

/** {@code type: stdout}: one record per line on standard output. No options. */
public record StdoutSinkConfig() implements SinkSettings {
  public static StdoutSinkConfig parse(Section s) {
    return new StdoutSinkConfig();
  }
}
