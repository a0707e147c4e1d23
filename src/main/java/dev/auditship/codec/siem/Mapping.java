package dev.auditship.codec.siem;

import dev.auditship.event.Event;

/**
 * One SIEM format's mapping of an event to its output syntax, written to a {@link TextOut}.
 * Stateless after construction and thread-safe. The record has no final newline.
 */
interface Mapping {
  void write(Event event, TextOut out);
}
