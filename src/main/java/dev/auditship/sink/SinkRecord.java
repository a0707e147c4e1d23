package dev.auditship.sink;

import dev.auditship.event.Event;
import dev.auditship.text.Utf8;
import java.util.Objects;

/**
 * One event formatted for one sink.
 *
 * @param event the event (sinks read routing fields such as kind, ID and Time from it)
 * @param bytes the formatted record as UTF-8, without a final newline ({@code codec.Format}). Never
 *     changed once made: it may be the event's own input line ({@link Event#jsonLine()}) shared by
 *     every json sink, so nobody writes into it.
 */
public record SinkRecord(Event event, byte[] bytes) {
  public SinkRecord {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(bytes, "bytes");
  }

  /** A record from text (tests, the API source's paths that build text). */
  public SinkRecord(Event event, String text) {
    this(event, Utf8.encode(Objects.requireNonNull(text, "text")));
  }

  /** The record as text (invalid UTF-8 kept as surrogate escapes, {@link Utf8}). */
  public String text() {
    return Utf8.decode(bytes, 0, bytes.length);
  }

  /** Size of the record in bytes. */
  public int size() {
    return bytes.length;
  }
}
