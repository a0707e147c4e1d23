package dev.auditship.event;

import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoTime;
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

  /**
   * The fields, or {@code null} until {@link #lazy} decoded them. Set at most once with an
   * immutable list of immutable values, so a racy first read only decodes twice: publication is
   * safe through the list's final fields.
   */
  private List<Field> fields;

  private final LazyFields lazy;
  private final byte[] jsonLine;
  private final byte[] humanLine;

  /** True for the summary a spool keeps beside a record (see {@link #summary}). */
  private final boolean summary;

  /** {@link #weight()}, once computed (0 before: a benign race recomputes the same value). */
  private int weight;

  public Event(Kind kind, Envelope envelope, List<Field> fields) {
    this(kind, envelope, fields, null);
  }

  /**
   * An event that also keeps the line it was read from.
   *
   * @param jsonLine the input line's UTF-8 bytes, only when they are exactly what slog's JSON sink
   *     prints for this event and valid UTF-8 (the decoder checks that once); {@code null}
   *     otherwise. Not copied: the caller hands it over and nobody changes it afterwards.
   */
  public Event(Kind kind, Envelope envelope, List<Field> fields, byte[] jsonLine) {
    this(kind, envelope, fields, jsonLine, null, false);
  }

  /**
   * An event that keeps the line it was read from, in either of slog's forms.
   *
   * @param humanLine the input line's UTF-8 bytes, only when they are exactly what slog's human
   *     sink prints for this event (checked once, at decode; docs/benchmarks.md); {@code null}
   *     otherwise. Not copied, as {@code jsonLine}.
   */
  public Event(
      Kind kind, Envelope envelope, List<Field> fields, byte[] jsonLine, byte[] humanLine) {
    this(kind, envelope, fields, jsonLine, humanLine, false);
  }

  private Event(
      Kind kind,
      Envelope envelope,
      List<Field> fields,
      byte[] jsonLine,
      byte[] humanLine,
      boolean summary) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.envelope = Objects.requireNonNull(envelope, "envelope");
    this.fields = List.copyOf(fields);
    this.lazy = null;
    this.jsonLine = jsonLine;
    this.humanLine = humanLine;
    this.summary = summary;
  }

  /**
   * Only part of an event: what a disk spool keeps beside a record it stores in full (kind, ID,
   * Time and the fields its sink reads when it sends), so that the record can be sent without the
   * whole event. Not the event Coder logged: {@link #isSummary()} tells writers of whole events
   * (the dead-letter file) to say so.
   */
  public static Event summary(Kind kind, Envelope envelope, List<Field> fields) {
    return new Event(kind, envelope, fields, null, null, true);
  }

  /** Whether this is only a {@link #summary} of the event. */
  public boolean isSummary() {
    return summary;
  }

  /**
   * An event whose fields are decoded on first use ({@link LazyFields}); a decoder that checked the
   * line already made sure they decode and pass its checks.
   */
  public Event(Kind kind, Envelope envelope, LazyFields fields, byte[] jsonLine) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.envelope = Objects.requireNonNull(envelope, "envelope");
    this.lazy = Objects.requireNonNull(fields, "fields");
    this.jsonLine = jsonLine;
    this.humanLine = null;
    this.summary = false;
    this.timeMicros = fields.timeMicros();
  }

  public Kind kind() {
    return kind;
  }

  public Envelope envelope() {
    return envelope;
  }

  public List<Field> fields() {
    List<Field> f = fields;
    if (f == null) {
      f = List.copyOf(lazy.fields());
      fields = f;
    }
    return f;
  }

  /** The value of field {@code key}, or {@code null} when the event does not have it. */
  public Value get(String key) {
    List<Field> fields = this.fields;
    if (fields == null) {
      return lazy.get(key);
    }
    for (int i = 0, n = fields.size(); i < n; i++) {
      Field f = fields.get(i);
      if (f.key().equals(key)) {
        return f.value();
      }
    }
    return null;
  }

  /**
   * {@link LazyFields#appendAscii} for this event: the field's text appended from the input line
   * when nothing needs decoding, else {@link LazyFields#DECODE} (read it with {@link #get}).
   */
  public int appendAscii(String key, ByteBuf out) {
    LazyFields l = lazy;
    return l != null && fields == null ? l.appendAscii(key, out) : LazyFields.DECODE;
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

  /**
   * The event's {@code Time} in microseconds since the epoch ({@code GoTime.epochMicrosOf}), or
   * {@code GoTime.NO_TIME} when it has none; computed once (sinks read it for every record).
   */
  public long timeMicros() {
    long t = timeMicros;
    if (t == 0) { // not computed yet (or exactly the epoch, which is merely computed again)
      t = GoTime.epochMicrosOf(time());
      timeMicros = t;
    }
    return t;
  }

  /**
   * {@link #timeMicros()}, once computed; 0 before (a benign race computes the same value).
   * Volatile only so the 64-bit value is never read torn.
   */
  private volatile long timeMicros;

  /**
   * The slog JSON line of this event as UTF-8 bytes (no newline) when the input line was already
   * exactly that and is valid UTF-8 throughout (so a sink may embed it in JSON as it is), else
   * {@code null}. The array is shared: read it, never change it. The json format copies it instead
   * of rendering, and a sink or spool can store it as the event.
   */
  public byte[] jsonLine() {
    return jsonLine;
  }

  /**
   * The slog human line of this event as UTF-8 bytes (no newline) when the input line was already
   * exactly that (the default, RFC 3339 {@code Time} form), else {@code null}. Shared, as {@link
   * #jsonLine()}: the human format copies it instead of rendering.
   */
  public byte[] humanLine() {
    return humanLine;
  }

  /**
   * The fields still held undecoded ({@link LazyFields}), or {@code null} for an event built from
   * decoded fields: a format may render straight from the line they keep.
   */
  public LazyFields lazyFields() {
    return fields == null ? lazy : null;
  }

  /**
   * About how many bytes of heap the event holds (its text, the kept line, object overhead): what
   * queues and batches count against their byte limits. An estimate, computed once.
   */
  public int weight() {
    int w = weight;
    if (w == 0 && fields == null) {
      w = 256 + 3 * lazy.size() + (jsonLine == null || lazy.size() == 0 ? 0 : 16);
      weight = w;
    }
    if (w == 0) {
      List<Field> fields = this.fields;
      long sum =
          256
              + (jsonLine == null ? 0 : jsonLine.length + 16)
              + (humanLine == null ? 0 : humanLine.length + 16);
      for (int i = 0, n = fields.size(); i < n; i++) {
        Field f = fields.get(i);
        sum += 72 + f.key().length() + valueChars(f.value());
      }
      w = (int) Math.min(Integer.MAX_VALUE, sum);
      weight = w;
    }
    return w;
  }

  private static long valueChars(Value v) {
    if (v instanceof Value.Str s) {
      return 2L * s.value().length();
    }
    if (v instanceof Value.Raw r) {
      return r.json() == null ? 0 : 2L * r.json().length();
    }
    if (v instanceof Value.Actor a) {
      return 2L * (a.id().length() + a.email().length() + a.username().length()) + 64;
    }
    return 16;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e
        && e.kind == kind
        && e.envelope.equals(envelope)
        && e.fields().equals(fields());
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, envelope, fields());
  }

  @Override
  public String toString() {
    return "Event[" + kind.message() + " ID=" + id() + "]";
  }
}
