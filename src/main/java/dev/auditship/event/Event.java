package dev.auditship.event;

import java.util.List;
import java.util.Objects;

/**
 * One Coder audit or connection event: the slog envelope and the fields in the order slog printed
 * them.
 *
 * <p>Design note (see docs/design.md §2): the fields are an ordered list of typed values rather
 * than one Java field per Go field, because the output must reproduce the input byte for byte, and
 * real lines differ from the current struct: context fields such as {@code request_id} come first,
 * newer Coder versions add fields (docs/coder-reference.md §12) that must be kept in place, older
 * ones lack some ({@code actor}, {@code ResourceIcon}) or order them differently. {@link
 * Kind#fields()} holds the canonical order; {@link AuditView} and {@link ConnectionView} give typed
 * access for filters and sinks.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Event {
  private final Kind kind;
  private final Envelope envelope;
  private final List<Field> fields;

  public Event(Kind kind, Envelope envelope, List<Field> fields) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.envelope = Objects.requireNonNull(envelope, "envelope");
    this.fields = List.copyOf(fields);
  }

  public Kind kind() {
    return kind;
  }

  public Envelope envelope() {
    return envelope;
  }

  public List<Field> fields() {
    return fields;
  }

  /** The value of field {@code key}, or {@code null} when the event does not have it. */
  public Value get(String key) {
    for (int i = 0, n = fields.size(); i < n; i++) {
      Field f = fields.get(i);
      if (f.key().equals(key)) {
        return f.value();
      }
    }
    return null;
  }

  /** The text of a string field, or {@code null} when absent or not a string. */
  public String string(String key) {
    Value v = get(key);
    return v instanceof Value.Str s ? s.value() : null;
  }

  /** Coder's event ID (every record carries it so a SIEM can de-duplicate). */
  public String id() {
    return string("ID");
  }

  /** The event's {@code Time} as its original RFC 3339 text. */
  public String time() {
    Value v = get("Time");
    return v instanceof Value.Time t ? t.text() : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e
        && e.kind == kind
        && e.envelope.equals(envelope)
        && e.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, envelope, fields);
  }

  @Override
  public String toString() {
    return "Event[" + kind.message() + " ID=" + id() + "]";
  }
}
