package dev.auditship.cli;

import java.nio.file.Path;

/**
 * Where an installed exporter finds its files. The launcher ({@code bin/auditship}) passes the
 * installation directory as {@code -Dauditship.home}; then the default config is {@code
 * config/auditship.yaml} there and relative paths inside a config resolve against it, so the
 * working directory does not matter (docs/operations.md). Without it (plain {@code java -jar}),
 * both are relative to the working directory, as before.
 */
record Install(Path home) {

  static final String HOME_PROPERTY = "auditship.home";

  /** From the system property the launcher sets. */
  static Install fromSystem() {
    String h = System.getProperty(HOME_PROPERTY);
    return new Install(h == null || h.isBlank() ? null : Path.of(h).toAbsolutePath().normalize());
  }

  /** The config used when {@code --config} is not given. */
  Path defaultConfig() {
    Path rel = Path.of("config", "auditship.yaml");
    return home == null ? rel : home.resolve(rel);
  }
}
