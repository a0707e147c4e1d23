package dev.auditship.event;

import java.util.Objects;

/** One key=value pair of a slog line, in the order slog printed it. */
public record Field(String key, Value value) {
  public Field {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
