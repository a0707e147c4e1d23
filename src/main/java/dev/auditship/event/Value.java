package dev.auditship.event;

/**
 * One field value, typed by how Coder's slog sinks render it. The variants exist because the JSON and
 * human sinks render the same Go value differently (reference coder-events.md §4.3, §5.4):
 *
 * <ul>
 *   <li>{@link Str}: a Go string, uuid.UUID, named enum string or a value converted to string (inet,
 *       NullString). JSON: a string; human: {@code quote()}.</li>
 *   <li>{@link Num}: an integer or other JSON number, kept as its original spelling.</li>
 *   <li>{@link Bool}: a boolean.</li>
 *   <li>{@link Null}: a NULL {@code uuid.NullUUID} / {@code sql.NullInt32}. JSON {@code null}, human {@code <nil>}.</li>
 *   <li>{@link Time}: a {@code time.Time}, kept as its original RFC 3339 text (precision and zone).
 *       JSON: a string; human: the JSON-quoted text, {@code Time="..."}.</li>
 *   <li>{@link Raw}: a {@code json.RawMessage}, kept as the bytes Coder stored (or {@code null} for a nil
 *       RawMessage). JSON: compacted and HTML-escaped; human: Go {@code %q} of the stored bytes.</li>
 *   <li>{@link Actor}: the audit {@code *audit.Actor}. JSON: {@code {"id","email","username"}};
 *       human: {@code quote("&{ID:… Email:… Username:…}")}.</li>
 * </ul>
 *
 * Strings may hold lone surrogates U+DC80..U+DCFF: each stands for one byte of invalid UTF-8 in the input
 * (the "surrogate escape" convention, see {@code source.Utf8}), so invalid bytes survive to the output the
 * way Go would print them ({@code \xNN} in human, U+FFFD in JSON).
 */
public sealed interface Value {

    /** A Go string-like value. */
    record Str(String value) implements Value {
        public Str {
            java.util.Objects.requireNonNull(value, "value");
        }
    }

    /** A JSON number, with its original spelling (for example {@code 127} or {@code 28800000000000}). */
    record Num(String text) implements Value {
        public Num {
            java.util.Objects.requireNonNull(text, "text");
        }

        public static Num of(long n) {
            return new Num(Long.toString(n));
        }
    }

    /** A boolean. */
    record Bool(boolean value) implements Value {
    }

    /** A NULL nullable value ({@code uuid.NullUUID}, {@code sql.NullInt32}). */
    record Null() implements Value {
        public static final Null INSTANCE = new Null();
    }

    /** A {@code time.Time}, as the original RFC 3339 text. */
    record Time(String text) implements Value {
        public Time {
            java.util.Objects.requireNonNull(text, "text");
        }
    }

    /** A {@code json.RawMessage}: the stored JSON text, or {@code null} for a nil RawMessage. */
    record Raw(String json) implements Value {
        public static final Raw NIL = new Raw(null);
    }

    /** The audit actor ({@code *audit.Actor}); zero values when the user was not found. */
    record Actor(String id, String email, String username) implements Value {
        public Actor {
            java.util.Objects.requireNonNull(id, "id");
            java.util.Objects.requireNonNull(email, "email");
            java.util.Objects.requireNonNull(username, "username");
        }
    }

    static Str str(String s) {
        return new Str(s);
    }
}
