package dev.auditship.config;

/** {@code type: stdin}: Coder server log lines (JSON or human) from standard input, to its end. */
public record StdinSourceConfig() implements SourceSettings {
  static StdinSourceConfig parse(Section s) {
    return new StdinSourceConfig();
  }
}
