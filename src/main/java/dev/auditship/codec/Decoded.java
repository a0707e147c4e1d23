package dev.auditship.codec;

import dev.auditship.event.Event;

/** What one input record (a line, or a human multi-line block) decoded to. */
public sealed interface Decoded {

  /** 1-based number of the first input line of the record. */
  long line();

  /** An audit or connection event. */
  record Ok(Event event, long line) implements Decoded {}

  /**
   * Any other log line (other messages, plain text, blank lines): skipped and counted, not an
   * error.
   */
  record Skipped(long line) implements Decoded {}

  /** A line that claims to be an audit or connection event but is broken. */
  record Rejected(long line, String reason, String original) implements Decoded {}
}
