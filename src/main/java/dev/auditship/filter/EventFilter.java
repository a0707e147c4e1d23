package dev.auditship.filter;

import dev.auditship.event.Event;

/** Decides whether an event passes. Implementations are immutable and thread-safe. */
public interface EventFilter {
    boolean matches(Event e);

    EventFilter ALL = e -> true;
}
