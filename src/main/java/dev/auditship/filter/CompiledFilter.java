package dev.auditship.filter;

import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import dev.auditship.io.Logfmt;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter of a valid query: the event is of a selected kind and every term matches (Coder's
 * terms are joined with AND). A term that reads a field the event does not carry (a Coder release
 * that renamed or dropped it) does not match, and says so once per field and kind of event at WARN,
 * so that events are never dropped in silence. Safe to share between threads.
 */
final class CompiledFilter implements EventFilter {
  private static final Logger LOG = LoggerFactory.getLogger(CompiledFilter.class);
  private final Set<Kind> kinds;
  private final List<Condition> conditions;

  /** "field msg" pairs already warned about. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  CompiledFilter(Set<Kind> kinds, List<Condition> conditions) {
    this.kinds = EnumSet.copyOf(kinds);
    this.conditions = List.copyOf(conditions);
  }

  @Override
  public Set<Kind> kinds() {
    return EnumSet.copyOf(kinds);
  }

  @Override
  public boolean matches(Event e) {
    if (!kinds.contains(e.kind())) {
      return false;
    }
    for (Condition c : conditions) {
      if (!c.test(e)) {
        missing(c, e);
        return false;
      }
    }
    return true;
  }

  private void missing(Condition c, Event e) {
    for (String f : c.fields(e)) {
      if (e.get(f) == null && warned.add(f + " " + e.kind().message())) {
        LOG.warn(
            "A filter term reads a field this kind of event does not carry, so it matches none of "
                + "them (a Coder release with other field names?). field={} msg={} term={} filter=\"{}\"",
            f,
            e.kind().message(),
            c.text(),
            Logfmt.q(this));
      }
    }
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
