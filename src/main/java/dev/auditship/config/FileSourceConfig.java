package dev.auditship.config;

import java.nio.file.Path;

/**
 * {@code type: file}: Coder server log lines (JSON or human) from a file, read to its end.
 *
 * @param path the log file
 */
public record FileSourceConfig(Path path) implements SourceSettings {
    static FileSourceConfig parse(Section s) {
        String p = s.requiredString("path", "set path: to Coder's server log file, e.g. /var/log/coder/coderd.log");
        return new FileSourceConfig(p == null ? null : Path.of(p));
    }
}
