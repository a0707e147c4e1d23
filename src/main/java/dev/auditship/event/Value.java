package dev.auditship.event;

import java.util.Objects;

/**
 * One field value, typed by how Coder's slog sinks render it. The variants exist because the JSON
 * and human sinks render the same Go value differently (docs/coder-reference.md §4.3, §5.4):
 *
 * <ul>
 *   <li>{@link Str}: a Go string, uuid.UUID, named enum string or a value converted to string
 *       (inet, NullString). JSON: a string; human: {@code quote()}.
 *   <li>{@link Num}: an integer or other JSON number, kept as its original spelling.
 *   <li>{@link Bool}: a boolean.
 *   <li>{@link Null}: a NULL {@code uuid.NullUUID} / {@code sql.NullInt32}. JSON {@code null},
 *       human {@code <nil>}.
 *   <li>{@link Time}: a {@code time.Time}, kept as its original RFC 3339 text (precision and zone).
 *       JSON: a string; human: the JSON-quoted text, {@code Time="..."}.
 *   <li>{@link Raw}: a {@code json.RawMessage}, kept as the bytes Coder stored (or {@code null} for
 *       a nil RawMessage). JSON: compacted and HTML-escaped; human: Go {@code %q} of the stored
 *       bytes.
 *   <li>{@link Actor}: the audit {@code *audit.Actor}. JSON: {@code {"id","email","username"}};
 *       human: {@code quote("&{ID:… Email:… Username:…}")}.
 * </ul>
 *
 * Strings may hold lone surrogates U+DC80..U+DCFF: each stands for one byte of invalid UTF-8 in the
 * input (the "surrogate escape" convention, see {@code source.Utf8}), so invalid bytes survive to
 * the output the way Go would print them ({@code \xNN} in human, U+FFFD in JSON).
 */
public sealed interface Value {

  /**
   * A Go string-like value. How the formats must treat the text (is it JSON-safe as is, is it
   * printed bare by slog's quote(), does it hold a newline) is worked out once here, when the event
   * is decoded, instead of in every render of every sink.
   */
  final class Str implements Value {
    private static final byte JSON_SAFE = 1;
    private static final byte HUMAN_BARE = 2;
    private static final byte NEWLINE = 4;
    private static final byte ASCII = 8;
    private static final byte NO_EQUALS_OR_BAR = 16;

    private final String value;
    private final byte flags;

    public Str(String value) {
      this.value = Objects.requireNonNull(value, "value");
      this.flags = Texts.classify(value);
    }

    private Str(String value, byte flags) {
      this.value = value;
      this.flags = flags;
    }

    /**
     * A string a decoder has already classified while scanning it (it saw every character), so the
     * text is not scanned a second time. A wrong {@code true} breaks the output; a wrong {@code
     * false} only costs speed.
     */
    public static Str classified(
        String value, boolean jsonSafe, boolean humanBare, boolean hasNewline, boolean ascii) {
      return classified(value, jsonSafe, humanBare, hasNewline, ascii, false);
    }

    /**
     * {@link #classified(String, boolean, boolean, boolean, boolean)}, and whether the decoder saw
     * that the text holds neither {@code =} nor {@code |} (the characters CEF and LEEF escape in a
     * value or header that a JSON-safe string may still hold).
     */
    public static Str classified(
        String value,
        boolean jsonSafe,
        boolean humanBare,
        boolean hasNewline,
        boolean ascii,
        boolean noEqualsOrBar) {
      Objects.requireNonNull(value, "value");
      return new Str(
          value,
          (byte)
              ((jsonSafe ? JSON_SAFE : 0)
                  | (humanBare ? HUMAN_BARE : 0)
                  | (hasNewline ? NEWLINE : 0)
                  | (ascii ? ASCII : 0)
                  | (noEqualsOrBar ? NO_EQUALS_OR_BAR : 0)));
    }

    public String value() {
      return value;
    }

    /** True when Go's JSON encoder would write the text unchanged between quotes. */
    public boolean jsonSafe() {
      return (flags & JSON_SAFE) != 0;
    }

    /**
     * True when slog's human quote() prints the text bare (non-empty, no space, nothing to escape).
     */
    public boolean humanBare() {
      return (flags & HUMAN_BARE) != 0;
    }

    /** True when every character is ASCII (the text is its own UTF-8, one byte a character). */
    public boolean ascii() {
      return (flags & ASCII) != 0;
    }

    /**
     * True when the decoder saw that the text holds neither {@code =} nor {@code |}; false when it
     * does or nobody looked.
     */
    public boolean noEqualsOrBar() {
      return (flags & NO_EQUALS_OR_BAR) != 0;
    }

    /** True when the text holds a line feed. */
    public boolean hasNewline() {
      return (flags & NEWLINE) != 0;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Str s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
      return value.hashCode();
    }

    @Override
    public String toString() {
      return "Str[value=" + value + "]";
    }
  }

  /**
   * A JSON number, with its original spelling (for example {@code 127} or {@code 28800000000000}).
   */
  record Num(String text) implements Value {
    public Num {
      Objects.requireNonNull(text, "text");
    }

    public static Num of(long n) {
      return new Num(Long.toString(n));
    }
  }

  /** A boolean. */
  record Bool(boolean value) implements Value {}

  /** A NULL nullable value ({@code uuid.NullUUID}, {@code sql.NullInt32}). */
  record Null() implements Value {
    public static final Null INSTANCE = new Null();
  }

  /** A {@code time.Time}, as the original RFC 3339 text. */
  record Time(String text) implements Value {
    public Time {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * A {@code json.RawMessage}: the stored JSON text, or {@code null} for a nil RawMessage. A
   * decoder that saw every byte of the text may say that it is already compact and holds nothing
   * any format escapes ({@link #compactPlain()}), so the formats copy it whole; built from a string
   * alone it claims nothing, and the formats look at the text themselves.
   */
  final class Raw implements Value {
    public static final Raw NIL = new Raw(null);

    private static final byte COMPACT_PLAIN = 1;
    private static final byte NO_EQUALS = 2;

    private final String json;
    private final byte flags;

    public Raw(String json) {
      this(json, (byte) 0);
    }

    private Raw(String json, byte flags) {
      this.json = json;
      this.flags = flags;
    }

    /**
     * Raw JSON a decoder has looked at whole. {@code compactPlain}: the text is printable ASCII
     * (U+0020 to U+007E) without a backslash, {@code <}, {@code >} or {@code &}, and every space is
     * inside a string (so it is compact: Go's compactor and HTML escaping give it back unchanged);
     * {@code noEquals}: it also holds no {@code =} (which CEF escapes). A wrong {@code true} breaks
     * the output; a wrong {@code false} only costs speed.
     */
    public static Raw classified(String json, boolean compactPlain, boolean noEquals) {
      Objects.requireNonNull(json, "json");
      return compactPlain
          ? new Raw(json, (byte) (COMPACT_PLAIN | (noEquals ? NO_EQUALS : 0)))
          : new Raw(json);
    }

    public String json() {
      return json;
    }

    /** True when a decoder saw that the text is compact printable ASCII with nothing to escape. */
    public boolean compactPlain() {
      return (flags & COMPACT_PLAIN) != 0;
    }

    /** True when {@link #compactPlain()} and the text holds no {@code =}; false when unknown. */
    public boolean compactPlainNoEquals() {
      return flags == (COMPACT_PLAIN | NO_EQUALS);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Raw r && Objects.equals(r.json, json);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(json);
    }

    @Override
    public String toString() {
      return "Raw[json=" + json + "]";
    }
  }

  /**
   * The audit actor ({@code *audit.Actor}); zero values when the user was not found. A decoder that
   * classified the three strings as it classifies Coder's other strings keeps them as {@link Str}s
   * ({@link #classified}), so the formats copy them without another look; built from plain strings
   * the actor has none ({@link #idStr()} is null) and the formats look at the text themselves.
   */
  final class Actor implements Value {
    private final String id;
    private final String email;
    private final String username;
    private final Str idStr;
    private final Str emailStr;
    private final Str usernameStr;

    public Actor(String id, String email, String username) {
      this.id = Objects.requireNonNull(id, "id");
      this.email = Objects.requireNonNull(email, "email");
      this.username = Objects.requireNonNull(username, "username");
      this.idStr = null;
      this.emailStr = null;
      this.usernameStr = null;
    }

    private Actor(Str id, Str email, Str username) {
      this.id = id.value();
      this.email = email.value();
      this.username = username.value();
      this.idStr = id;
      this.emailStr = email;
      this.usernameStr = username;
    }

    /** An actor of strings a decoder classified ({@link Str#classified}). */
    public static Actor classified(Str id, Str email, Str username) {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(email, "email");
      Objects.requireNonNull(username, "username");
      return new Actor(id, email, username);
    }

    public String id() {
      return id;
    }

    public String email() {
      return email;
    }

    public String username() {
      return username;
    }

    /** The id as a decoder classified it, or null when the actor was built from plain strings. */
    public Str idStr() {
      return idStr;
    }

    /** The e-mail as a decoder classified it, or null (see {@link #idStr()}). */
    public Str emailStr() {
      return emailStr;
    }

    /** The user name as a decoder classified it, or null (see {@link #idStr()}). */
    public Str usernameStr() {
      return usernameStr;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Actor a
          && a.id.equals(id)
          && a.email.equals(email)
          && a.username.equals(username);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, email, username);
    }

    @Override
    public String toString() {
      return "Actor[id=" + id + ", email=" + email + ", username=" + username + "]";
    }
  }

  static Str str(String s) {
    return new Str(s);
  }
}
