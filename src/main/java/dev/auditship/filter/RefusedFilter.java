package dev.auditship.filter;

import dev.auditship.event.Event;
import java.util.List;

/**
 * The filter of a query with errors. It must never be used: the caller checks {@link
 * QueryCompiler.Compiled#ok()} and refuses to start. Using it anyway is a programming error and
 * fails loudly, because both "match everything" and "match nothing" would silently ship or drop
 * events.
 */
final class RefusedFilter implements EventFilter {
  private final List<String> errors;

  RefusedFilter(List<String> errors) {
    this.errors = List.copyOf(errors);
  }

  @Override
  public boolean matches(Event e) {
    throw new IllegalStateException("this filter query has errors and cannot be used: " + errors);
  }

  @Override
  public String toString() {
    return "refused filter " + errors;
  }
}
