package dev.auditship.filter;

import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import java.util.List;
import java.util.function.Predicate;

/**
 * One compiled {@code key:value} term: what it checks on each kind of event it applies to. A
 * predicate is {@code null} for a kind the term does not apply to; the compiler only builds filters
 * in which every term applies to every selected kind.
 *
 * @param text the term in normal form, for logs ({@code type:ssh}, {@code organization:<id>})
 * @param audit the check on audit events, or {@code null}
 * @param connection the check on connection events, or {@code null}
 * @param auditFields the fields of an audit event the check reads (for the missing-field warning)
 * @param connectionFields the fields of a connection event the check reads
 */
record Condition(
    String text,
    Predicate<Event> audit,
    Predicate<Event> connection,
    List<String> auditFields,
    List<String> connectionFields) {

  Condition(String text, Predicate<Event> audit, Predicate<Event> connection) {
    this(text, audit, connection, List.of(), List.of());
  }

  Condition withFields(List<String> audit, List<String> connection) {
    return new Condition(text, this.audit, this.connection, audit, connection);
  }

  /** The fields this term reads on {@code e}'s kind. */
  List<String> fields(Event e) {
    return e.kind() == Kind.AUDIT ? auditFields : connectionFields;
  }

  boolean test(Event e) {
    Predicate<Event> p = e.kind() == Kind.AUDIT ? audit : connection;
    return p != null && p.test(e);
  }
}
