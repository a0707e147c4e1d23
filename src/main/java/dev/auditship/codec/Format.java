package dev.auditship.codec;

import dev.auditship.event.Event;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.Utf8;

/**
 * Turns one Event into one record, written as UTF-8 bytes into a buffer the caller reuses. Pure: no
 * I/O, no clock. Implementations are stateless and thread-safe. The contract in full is in this
 * package's {@code package-info}.
 *
 * <p>The record is the text without the final newline; sinks that write lines add it. A human
 * record may span several lines (slog's multi-line block).
 */
public interface Format {

  /** The name used in config ({@code json}, {@code human}). */
  String name();

  /**
   * Appends the record for {@code event} to {@code out} as UTF-8. Must not touch the bytes already
   * in {@code out} and must not keep a reference to it.
   */
  void write(Event event, ByteBuf out);

  /**
   * The record for {@code event} as an array the caller may keep and nobody changes; written
   * through {@code scratch}. A format may return an array it shares with the event (the json format
   * returns the input line when it already is the record), so callers never write into it.
   */
  default byte[] record(Event event, ByteBuf scratch) {
    scratch.reset();
    write(event, scratch);
    return scratch.toByteArray();
  }

  /** The record for {@code event} as a new string (tests, the CLI, error messages). */
  default String format(Event event) {
    ByteBuf b = new ByteBuf(1024);
    write(event, b);
    return Utf8.decode(b.array(), 0, b.length());
  }

  /** The record for {@code event} as a new byte array. */
  default byte[] bytes(Event event) {
    ByteBuf b = new ByteBuf(1024);
    write(event, b);
    return b.toByteArray();
  }

  /**
   * Appends the record to a {@code StringBuilder}; for callers that build text (slower than {@link
   * #write}).
   */
  default void append(Event event, StringBuilder out) {
    out.append(format(event));
  }
}
