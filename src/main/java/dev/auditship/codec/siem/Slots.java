package dev.auditship.codec.siem;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.text.GoTime;
import java.util.List;

/**
 * An event's fields by name, collected in one pass (typed access like {@code AuditView} and {@code
 * ConnectionView}, which look each field up in turn): every mapping reads about twenty fields per
 * event, so one pass saves twenty scans of the field list (docs/benchmarks.md, "SIEM formats").
 * Strings stay {@link Value.Str}, whose JSON-safety was worked out when the event was decoded.
 */
final class Slots {
  // audit_log: database.AuditLog + actor (reference coder-events.md §2)
  static final int ID = 0;
  static final int TIME = 1;
  static final int USER_ID = 2;
  static final int ORGANIZATION_ID = 3;
  static final int IP = 4;
  static final int USER_AGENT = 5;
  static final int RESOURCE_TYPE = 6;
  static final int RESOURCE_ID = 7;
  static final int RESOURCE_TARGET = 8;
  static final int ACTION = 9;
  static final int DIFF = 10;
  static final int STATUS_CODE = 11;
  static final int ADDITIONAL_FIELDS = 12;
  static final int REQUEST_ID = 13;
  static final int RESOURCE_ICON = 14;
  static final int ACTOR = 15;
  // connection_log: database.UpsertConnectionLogParams + ConnectionStatus + request_id (§3); ID,
  // OrganizationID, Ip, UserAgent, UserID and Time share the audit slots.
  static final int WORKSPACE_OWNER_ID = 16;
  static final int WORKSPACE_ID = 17;
  static final int WORKSPACE_NAME = 18;
  static final int AGENT_NAME = 19;
  static final int TYPE = 20;
  static final int CODE = 21;
  static final int SLUG_OR_PORT = 22;
  static final int CONNECTION_ID = 23;
  static final int DISCONNECT_REASON = 24;
  static final int CONNECTION_STATUS = 25;
  static final int CONTEXT_REQUEST_ID = 26;
  private static final int N = 27;

  final Event event;
  final Kind kind;
  private final Value[] v = new Value[N];

  /** True when the event has fields this version does not know (newer Coder, reference §12). */
  final boolean extra;

  Slots(Event e) {
    this.event = e;
    this.kind = e.kind();
    boolean unknown = false;
    boolean audit = kind == Kind.AUDIT;
    String[] order = audit ? AUDIT_NAMES : CONNECTION_NAMES;
    int[] slots = audit ? AUDIT_ORDER : CONNECTION_ORDER;
    Value[] v = this.v;
    LazyFields lazy = e.lazyFields();
    int n = lazy == null ? -1 : lazy.count();
    List<Field> fields = n < 0 ? e.fields() : null;
    if (fields != null) {
      n = fields.size();
    }
    // Backwards, so that a field slog printed twice keeps its first value without a test per
    // field (the first is stored last); the expected name is tried first as below.
    int next = order.length - 1;
    for (int j = n - 1; j >= 0; j--) {
      // Fields still undecoded in their line: each value decoded straight into its slot, without
      // the list of Fields (docs/benchmarks.md, "SIEM formats"); an unknown field is not decoded
      // here (a mapping reads the list for those).
      Field f = fields == null ? null : fields.get(j);
      String key = f == null ? lazy.key(j) : f.key();
      int i;
      // Coder prints the fields in struct order: try the expected one first (the decoder's keys are
      // the same String instances, so usually one reference compare), and look the name up only
      // when the line differs.
      if (next >= 0 && (key == order[next] || key.equals(order[next]))) {
        i = slots[next--];
      } else if (!audit && j == 0 && CONTEXT_KEY.equals(key)) {
        // The request's context field, which slog prints before a connection's own fields.
        i = CONTEXT_REQUEST_ID;
      } else {
        i = audit ? audit(key) : connection(key);
      }
      if (i < 0) {
        unknown = true;
      } else {
        v[i] = f == null ? lazy.value(j) : f.value();
      }
    }
    this.extra = unknown;
  }

  private static final String CONTEXT_KEY = "request_id";

  /** {@link Kind#fields()} of each kind, as arrays. */
  private static final String[] AUDIT_NAMES = Kind.AUDIT.fields().toArray(new String[0]);

  private static final String[] CONNECTION_NAMES = Kind.CONNECTION.fields().toArray(new String[0]);

  /** The slot of each of {@link Kind#fields()}, in that order. */
  private static final int[] AUDIT_ORDER = order(Kind.AUDIT);

  private static final int[] CONNECTION_ORDER = order(Kind.CONNECTION);

  private static int[] order(Kind k) {
    List<String> names = k.fields();
    int[] r = new int[names.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = k == Kind.AUDIT ? audit(names.get(i)) : connection(names.get(i));
    }
    return r;
  }

  private static int audit(String key) {
    return switch (key) {
      case "ID" -> ID;
      case "Time" -> TIME;
      case "UserID" -> USER_ID;
      case "OrganizationID" -> ORGANIZATION_ID;
      case "Ip" -> IP;
      case "UserAgent" -> USER_AGENT;
      case "ResourceType" -> RESOURCE_TYPE;
      case "ResourceID" -> RESOURCE_ID;
      case "ResourceTarget" -> RESOURCE_TARGET;
      case "Action" -> ACTION;
      case "Diff" -> DIFF;
      case "StatusCode" -> STATUS_CODE;
      case "AdditionalFields" -> ADDITIONAL_FIELDS;
      case "RequestID" -> REQUEST_ID;
      case "ResourceIcon" -> RESOURCE_ICON;
      case "actor" -> ACTOR;
      default -> -1;
    };
  }

  private static int connection(String key) {
    return switch (key) {
      case "ID" -> ID;
      case "OrganizationID" -> ORGANIZATION_ID;
      case "WorkspaceOwnerID" -> WORKSPACE_OWNER_ID;
      case "WorkspaceID" -> WORKSPACE_ID;
      case "WorkspaceName" -> WORKSPACE_NAME;
      case "AgentName" -> AGENT_NAME;
      case "Type" -> TYPE;
      case "Code" -> CODE;
      case "Ip" -> IP;
      case "UserAgent" -> USER_AGENT;
      case "UserID" -> USER_ID;
      case "SlugOrPort" -> SLUG_OR_PORT;
      case "ConnectionID" -> CONNECTION_ID;
      case "DisconnectReason" -> DISCONNECT_REASON;
      case "Time" -> TIME;
      case "ConnectionStatus" -> CONNECTION_STATUS;
      case "request_id" -> CONTEXT_REQUEST_ID;
      default -> -1;
    };
  }

  /** True for a field a mapping places by name. */
  boolean isKnown(String key) {
    return (kind == Kind.AUDIT ? audit(key) : connection(key)) >= 0;
  }

  Value get(int i) {
    return v[i];
  }

  /** The string value, or null when absent or not a string. */
  Value.Str str(int i) {
    return v[i] instanceof Value.Str s ? s : null;
  }

  /** The string value when present and not empty (Coder prints NULL strings as ""), else null. */
  Value.Str nonEmpty(int i) {
    return v[i] instanceof Value.Str s && !s.value().isEmpty() ? s : null;
  }

  /** The text of a string value, or null. */
  String text(int i) {
    return v[i] instanceof Value.Str s ? s.value() : null;
  }

  /** {@code Time}'s RFC 3339 text, or null. */
  String time() {
    return v[TIME] instanceof Value.Time t ? t.text() : null;
  }

  /** An integer field ({@code StatusCode}, {@code Code}), or {@link Long#MIN_VALUE} for none. */
  long number(int i) {
    // Each record reads its status twice (Result.of and the mapping): parsed once.
    if (i == numberSlot) {
      return number;
    }
    long r = parse(v[i]);
    numberSlot = i;
    number = r;
    return r;
  }

  private int numberSlot = -1;
  private long number;

  private static long parse(Value value) {
    if (!(value instanceof Value.Num n)) {
      return Long.MIN_VALUE;
    }
    String t = n.text();
    int len = t.length();
    if (len == 0 || len > 10) {
      return Long.MIN_VALUE;
    }
    long r = 0;
    int start = t.charAt(0) == '-' ? 1 : 0;
    if (start == len) {
      return Long.MIN_VALUE;
    }
    for (int k = start; k < len; k++) {
      char c = t.charAt(k);
      if (c < '0' || c > '9') {
        return Long.MIN_VALUE;
      }
      r = r * 10 + (c - '0');
    }
    return start == 1 ? -r : r;
  }

  Value.Actor actor() {
    return v[ACTOR] instanceof Value.Actor a ? a : null;
  }

  private Value.Str actorId;
  private Value.Str actorEmail;
  private Value.Str actorName;

  /**
   * The actor's id as a classified string: as the decoder classified it ({@link
   * Value.Actor#idStr()}), else looked at once for this record ({@link #classify}), so that ECS
   * copies it, the e-mail and the user name (written twice) whole, as it copies Coder's other
   * strings; the other formats write each once, and write an actor without the decoder's strings as
   * text ({@link KvOut#actorPair}, {@link JsonOut#actorStr}). Null without an actor.
   */
  Value.Str actorId() {
    actorStrings();
    return actorId;
  }

  /** The actor's e-mail (as {@link #actorId()}), or null when there is none or it is empty. */
  Value.Str actorEmail() {
    actorStrings();
    return actorEmail;
  }

  /** The actor's user name (as {@link #actorId()}), or null when there is none or it is empty. */
  Value.Str actorName() {
    actorStrings();
    return actorName;
  }

  private void actorStrings() {
    if (actorId == null) {
      Value.Actor a = actor();
      if (a != null) {
        actorId = a.id().isEmpty() ? null : classified(a.idStr(), a.id());
        actorEmail = a.email().isEmpty() ? null : classified(a.emailStr(), a.email());
        actorName = a.username().isEmpty() ? null : classified(a.usernameStr(), a.username());
      }
    }
  }

  /** The decoder's classified string {@code s} of the text {@code text}, else {@link #classify}. */
  private static Value.Str classified(Value.Str s, String text) {
    return s != null ? s : classify(text);
  }

  /**
   * {@code s} as a Coder string classified for the SIEM writers only: JSON-safe and ASCII when
   * every character is printable ASCII other than {@code " \\ < > &}, and then free of {@code =}
   * and {@code |} when it is (one table look-up a character, no branch on it); otherwise nothing is
   * claimed, which sends the writers their general way (a conservative answer is always correct,
   * {@link Value.Str#classified}).
   */
  private static Value.Str classify(String s) {
    int m = 3;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return Value.Str.classified(s, false, false, false, false, false);
      }
      m &= PLAIN[c];
    }
    boolean json = (m & 1) != 0;
    return Value.Str.classified(s, json, false, false, json, (m & 2) != 0);
  }

  /** Bit 1: JSON-safe printable ASCII; bit 2: neither {@code =} nor {@code |}. */
  private static final byte[] PLAIN = new byte[128];

  static {
    for (char c = 0x20; c < 0x7f; c++) {
      boolean json = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
      PLAIN[c] = (byte) ((json ? 1 : 0) | (c != '=' && c != '|' ? 2 : 0));
    }
  }

  private String fileTime;
  private long fileMillis;

  /** The time every SIEM record is filed under: the event's, else the log line's. */
  String fileTime() {
    if (fileTime == null) {
      String t = time();
      long ms = t == null ? Long.MIN_VALUE : millis(t);
      if (ms == Long.MIN_VALUE) {
        t = event.envelope().ts();
        ms = tsMillis();
      }
      fileTime = t;
      fileMillis = ms;
    }
    return fileTime;
  }

  /**
   * {@link Coder#epochMillis} of the event's {@code Time} text {@code t}: from {@link
   * Event#timeMicros()} when that accepts it (the event works it out once, or its decoder did, and
   * every sink reads it), else parsed here ({@code GoTime} accepts only the times slog prints, a
   * subset of what {@code epochMillis} accepts, and gives the same instant for them).
   */
  private long millis(String t) {
    long us = event.timeMicros();
    return us != GoTime.NO_TIME ? Math.floorDiv(us, 1000L) : Coder.epochMillis(t);
  }

  /**
   * {@link Coder#epochMillis} of the envelope's {@code ts}: from {@link Envelope#tsMicros()} when
   * the decoder worked it out. Else: Coder prints it on the day of a UTC {@code Time} that {@link
   * Event#timeMicros()} accepted (a valid date): then only its time of day is read and the day is
   * taken from {@code Time}'s instant.
   */
  long tsMillis() {
    Envelope env = event.envelope();
    if (env.tsKnown()) {
      // The decoder worked its instant out (GoTime gives the instant epochMillis gives).
      return Math.floorDiv(env.tsMicros(), 1000L);
    }
    String ts = env.ts();
    String t = time();
    if (t != null && ts.regionMatches(0, t, 0, 11)) {
      char z = t.charAt(t.length() - 1);
      long us = event.timeMicros();
      if ((z == 'Z' || z == 'z') && us != GoTime.NO_TIME) {
        return Coder.epochMillisOnDay(ts, Math.floorDiv(us, 86_400_000_000L) * 86_400_000L);
      }
    }
    return Coder.epochMillis(ts);
  }

  /**
   * True when {@link #time()} is an RFC 3339 time as {@link Coder#epochMillis} parses it, so every
   * character is one of {@code 0-9 - : . T t Z z +}: written as it is in every format.
   */
  boolean timePlain() {
    return fileMillis() != Long.MIN_VALUE && fileTime == time();
  }

  /**
   * True when the event has a {@code Time} that {@link Event#timeMicros()} accepts: an RFC 3339
   * time as slog prints it, with valid ranges (no leap second, no 30 February), so every character
   * is ASCII and the text's fields are those of its instant.
   */
  boolean timeExact() {
    return time() != null && event.timeMicros() != GoTime.NO_TIME;
  }

  /**
   * {@link #fileTime()} in epoch milliseconds, or {@link Long#MIN_VALUE} when it is not RFC 3339.
   */
  long fileMillis() {
    fileTime();
    return fileMillis;
  }
}
