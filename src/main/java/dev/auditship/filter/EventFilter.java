package dev.auditship.filter;

import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import java.util.EnumSet;
import java.util.Set;

/**
 * Decides whether an event passes a filter. Implementations are immutable and safe to share between
 * threads; {@link #matches} does no I/O (names were resolved to IDs when the query was compiled).
 */
@FunctionalInterface
public interface EventFilter {
  /** True when the event passes. */
  boolean matches(Event e);

  /** The filter of an absent or empty query: every event passes. */
  EventFilter ALL = e -> true;

  /** The kinds of event this filter can pass (a query's keys may allow only one). */
  default Set<Kind> kinds() {
    return EnumSet.allOf(Kind.class);
  }
}
