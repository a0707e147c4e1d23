package dev.auditship.event;

import dev.auditship.text.ByteBuf;
import java.util.List;

/**
 * The fields of an event that are decoded only when something asks for them (a filter, a format
 * other than the event's own JSON line, a sink's routing field): a decoder that has already checked
 * the line keeps its bytes and an index instead of building every value. Implementations are
 * immutable and thread-safe; every call gives the same answer.
 */
public interface LazyFields {

  /** Every field in the order slog printed them. */
  List<Field> fields();

  /** The value of the first field named {@code key}, or {@code null}; decodes only that value. */
  Value get(String key);

  /**
   * How many fields there are when {@link #key(int)} and {@link #value(int)} read them one at a
   * time without decoding the others, else -1 (then read {@link #fields()}). A SIEM format reads
   * every field this way, without the list of {@link Field}s (docs/benchmarks.md, "SIEM formats").
   */
  default int count() {
    return -1;
  }

  /** The key of field {@code i} (0 to {@link #count()} - 1), as in {@link #fields()}. */
  default String key(int i) {
    return fields().get(i).key();
  }

  /**
   * The value of field {@code i}, decoded afresh (not kept), equal to that in {@link #fields()}.
   */
  default Value value(int i) {
    return fields().get(i).value();
  }

  /**
   * The first {@code Time} field in microseconds since the epoch when the decoder worked it out
   * already ({@code GoTime.epochMicrosOf}), else 0 (the event works it out when asked).
   */
  default long timeMicros() {
    return 0;
  }

  /** {@link #appendAscii}: the value's text was appended. */
  int WRITTEN = 1;

  /** {@link #appendAscii}: no such field, or its value is JSON {@code null}; nothing appended. */
  int ABSENT = 0;

  /** {@link #appendAscii}: the value must be decoded ({@link #get}); nothing appended. */
  int DECODE = -1;

  /**
   * Appends the text of the first field named {@code key} straight from the input when nothing
   * needs decoding: a string of ASCII characters with nothing escaped (its characters, without
   * quotes) or an integer (its digits), exactly what {@link #get} would give as {@code Value.Str}
   * or {@code Value.Num} text. Sinks that copy a few fields into every record (syslog structured
   * data) use it to skip building a value per field.
   *
   * @return {@link #WRITTEN}, {@link #ABSENT} or {@link #DECODE}
   */
  default int appendAscii(String key, ByteBuf out) {
    return DECODE;
  }

  /** Bytes of input the fields are decoded from (for memory accounting). */
  int size();
}
