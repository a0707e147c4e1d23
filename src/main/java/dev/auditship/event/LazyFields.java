package dev.auditship.event;

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
   * The first {@code Time} field in microseconds since the epoch when the decoder worked it out
   * already ({@code GoTime.epochMicrosOf}), else 0 (the event works it out when asked).
   */
  default long timeMicros() {
    return 0;
  }

  /** Bytes of input the fields are decoded from (for memory accounting). */
  int size();
}
