package dev.auditship.filter;

import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The filter of a valid query: the event is of a selected kind and every term matches (Coder's
 * terms are joined with AND). Immutable; safe to share between threads.
 */
final class CompiledFilter implements EventFilter {
  private final Set<Kind> kinds;
  private final List<Condition> conditions;

  CompiledFilter(Set<Kind> kinds, List<Condition> conditions) {
    this.kinds = EnumSet.copyOf(kinds);
    this.conditions = List.copyOf(conditions);
  }

  @Override
  public boolean matches(Event e) {
    if (!kinds.contains(e.kind())) {
      return false;
    }
    for (Condition c : conditions) {
      if (!c.test(e)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The normal form, e.g. {@code kind:connection type:ssh status:completed}; for logs and
   * debugging.
   */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (kinds.size() == 1) {
      parts.add("kind:" + kinds.iterator().next().label());
    }
    for (Condition c : conditions) {
      parts.add(c.text());
    }
    return String.join(" ", parts);
  }
}
