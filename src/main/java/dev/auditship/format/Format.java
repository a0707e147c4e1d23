package dev.auditship.format;

import dev.auditship.event.Event;

/**
 * Turns one Event into one record. Pure: no I/O, no clock. Implementations are stateless and
 * thread-safe.
 *
 * <p>The record is the text slog would print for the event <em>without</em> the final newline;
 * sinks that write lines add it. A human record may span several lines (slog's multi-line block).
 */
public interface Format {

  /** The name used in config ({@code json}, {@code human}). */
  String name();

  /** Appends the record for {@code event} to {@code out}. */
  void append(Event event, StringBuilder out);

  /** The record for {@code event} as a new string. */
  default String format(Event event) {
    StringBuilder sb = new StringBuilder(1024);
    append(event, sb);
    return sb.toString();
  }
}
