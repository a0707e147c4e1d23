package dev.auditship.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A secret (token) given inline or as a file. The value is never printed: {@link #toString()} and
 * every error message name only where it comes from. {@link #value()} re-reads a file each time, so
 * a rotated token is picked up without a restart.
 */
public final class Secret {
  private final String inline;
  private final Path file;

  private Secret(String inline, Path file) {
    this.inline = inline;
    this.file = file;
  }

  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value), null);
  }

  public static Secret fromFile(Path file) {
    return new Secret(null, Objects.requireNonNull(file));
  }

  /** The file the secret is read from, or {@code null} for an inline secret. */
  public Path file() {
    return file;
  }

  /** The secret, trimmed of surrounding white space (files usually end with a newline). */
  public String value() throws IOException {
    if (inline != null) {
      return inline;
    }
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  /** Where the secret comes from, safe to print. */
  public String describe() {
    return file != null ? "token file " + file : "inline token";
  }

  /** Same source and, inline, same value (a reload keeps a sink whose token did not change). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s
        && Objects.equals(inline, s.inline)
        && Objects.equals(file, s.file);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inline, file);
  }

  @Override
  public String toString() {
    return "Secret[" + (file != null ? "file=" + file : "inline, redacted") + "]";
  }
}
