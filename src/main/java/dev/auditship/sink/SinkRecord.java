package dev.auditship.sink;

import dev.auditship.event.Event;
import java.util.Objects;

/**
 * One event formatted for one sink.
 *
 * @param event the event (sinks read routing fields such as kind, ID and Time from it)
 * @param text the formatted record without a final newline ({@code Format})
 */
public record SinkRecord(Event event, String text) {
  public SinkRecord {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(text, "text");
  }
}
