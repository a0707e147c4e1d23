package dev.auditship.codec.siem;

import static dev.auditship.codec.siem.Slots.ACTION;
import static dev.auditship.codec.siem.Slots.ADDITIONAL_FIELDS;
import static dev.auditship.codec.siem.Slots.AGENT_NAME;
import static dev.auditship.codec.siem.Slots.CODE;
import static dev.auditship.codec.siem.Slots.CONNECTION_ID;
import static dev.auditship.codec.siem.Slots.CONNECTION_STATUS;
import static dev.auditship.codec.siem.Slots.CONTEXT_REQUEST_ID;
import static dev.auditship.codec.siem.Slots.DIFF;
import static dev.auditship.codec.siem.Slots.DISCONNECT_REASON;
import static dev.auditship.codec.siem.Slots.ID;
import static dev.auditship.codec.siem.Slots.IP;
import static dev.auditship.codec.siem.Slots.ORGANIZATION_ID;
import static dev.auditship.codec.siem.Slots.REQUEST_ID;
import static dev.auditship.codec.siem.Slots.RESOURCE_ICON;
import static dev.auditship.codec.siem.Slots.RESOURCE_ID;
import static dev.auditship.codec.siem.Slots.RESOURCE_TARGET;
import static dev.auditship.codec.siem.Slots.RESOURCE_TYPE;
import static dev.auditship.codec.siem.Slots.SLUG_OR_PORT;
import static dev.auditship.codec.siem.Slots.STATUS_CODE;
import static dev.auditship.codec.siem.Slots.TYPE;
import static dev.auditship.codec.siem.Slots.USER_AGENT;
import static dev.auditship.codec.siem.Slots.USER_ID;
import static dev.auditship.codec.siem.Slots.WORKSPACE_ID;
import static dev.auditship.codec.siem.Slots.WORKSPACE_NAME;
import static dev.auditship.codec.siem.Slots.WORKSPACE_OWNER_ID;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.GoTime;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coder events as IBM QRadar LEEF 2.0 records: the header with the delimiter, then the predefined
 * LEEF keys where one fits ({@code devTime}, {@code devTimeFormat}, {@code cat}, {@code sev},
 * {@code usrName}, {@code src}, {@code resource}, {@code isLoginEvent}, {@code isLogoutEvent}) and
 * every other Coder field under its Coder name (LEEF lets a source define its own keys). The table
 * is docs/formats.md, "leef".
 */
final class LeefMapping implements Mapping {
  /** Java SimpleDateFormat pattern of devTime, which QRadar parses with it. */
  static final String DEV_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

  private final char delimiter;

  /** {@link KvOut#leefPlain(char)} of the delimiter, made once. */
  private final boolean[] plain;

  private final Severities severities;

  /** The keys, each prepared once with its punctuation ({@link KvOut#key}). */
  private static final class K {
    static final Chunk ACTION = KvOut.key("Action");
    static final Chunk ACTOR_EMAIL = KvOut.key("actorEmail");
    static final Chunk ACTOR_ID = KvOut.key("actorId");
    static final Chunk ADDITIONAL_FIELDS = KvOut.key("AdditionalFields");
    static final Chunk AGENT_NAME = KvOut.key("AgentName");
    static final Chunk CALLER = KvOut.key("caller");
    static final Chunk CAT = KvOut.key("cat");
    static final Chunk CODE = KvOut.key("Code");
    static final Chunk CONNECTION_ID = KvOut.key("ConnectionID");
    static final Chunk CONNECTION_STATUS = KvOut.key("ConnectionStatus");
    static final Chunk CONTEXT_REQUEST_ID = KvOut.key("request_id");
    static final Chunk DIFF = KvOut.key("Diff");
    static final Chunk DISCONNECT_REASON = KvOut.key("DisconnectReason");
    static final Chunk FUNC = KvOut.key("func");
    static final Chunk ID = KvOut.key("ID");
    static final Chunk IP = KvOut.key("Ip");
    static final Chunk IS_LOGIN_EVENT = KvOut.key("isLoginEvent");
    static final Chunk IS_LOGOUT_EVENT = KvOut.key("isLogoutEvent");
    static final Chunk LEVEL = KvOut.key("level");
    static final Chunk LOGGER_NAMES = KvOut.key("logger_names");
    static final Chunk ORGANIZATION_ID = KvOut.key("OrganizationID");
    static final Chunk OUTCOME = KvOut.key("outcome");
    static final Chunk REQUEST_ID = KvOut.key("RequestID");
    static final Chunk RESOURCE = KvOut.key("resource");
    static final Chunk RESOURCE_ICON = KvOut.key("ResourceIcon");
    static final Chunk RESOURCE_ID = KvOut.key("ResourceID");
    static final Chunk RESOURCE_TYPE = KvOut.key("ResourceType");
    static final Chunk SEV = KvOut.key("sev");
    static final Chunk SLUG_OR_PORT = KvOut.key("SlugOrPort");
    static final Chunk SPAN = KvOut.key("span");
    static final Chunk SRC = KvOut.key("src");
    static final Chunk STATUS_CODE = KvOut.key("StatusCode");
    static final Chunk TIME = KvOut.key("Time");
    static final Chunk TRACE = KvOut.key("trace");
    static final Chunk TS = KvOut.key("ts");
    static final Chunk TYPE = KvOut.key("Type");
    static final Chunk USER_AGENT = KvOut.key("UserAgent");
    static final Chunk USER_ID = KvOut.key("UserID");
    static final Chunk USR_NAME = KvOut.key("usrName");
    static final Chunk WORKSPACE_ID = KvOut.key("WorkspaceID");
    static final Chunk WORKSPACE_NAME = KvOut.key("WorkspaceName");
    static final Chunk WORKSPACE_OWNER_ID = KvOut.key("WorkspaceOwnerID");
  }

  LeefMapping(String vendor, String product, String version, char delimiter, Severities sev) {
    this.delimiter = delimiter;
    this.plain = KvOut.leefPlain(delimiter);
    this.severities = sev;
    byte[] prefix = KvOut.headerPrefix(false, "LEEF:2.0|", vendor, product, version);
    this.auditPrefix = KvOut.concat(prefix, "audit:");
    this.connectionPrefix = KvOut.concat(prefix, "connection:");
    TextOut t = new TextOut(8);
    t.put('|');
    t.put(delimiter);
    t.put('|');
    this.delimiterField = t.bytes();
    this.delimiterFieldDevTime = KvOut.concat(delimiterField, "devTime=");
    this.tail = new byte[2][Result.values().length][];
    for (Kind kind : Kind.values()) {
      for (Result r : Result.values()) {
        tail[kind.ordinal()][r.ordinal()] =
            KvOut.pairs(
                false,
                delimiter,
                "devTimeFormat",
                DEV_TIME_FORMAT,
                "cat",
                kind.label(),
                "sev",
                SEV[sev.of(r)],
                "outcome",
                r.label());
      }
    }
    this.releaseBuild = KvOut.pairs(false, delimiter, "level", "INFO", "logger_names", "coderd");
  }

  /** {@code LEEF:2.0|vendor|product|version|audit:} (or {@code connection:}), escaped once. */
  private final byte[] auditPrefix;

  private final byte[] connectionPrefix;

  /** The end of the event id field, the header's delimiter field and its closing bar, as UTF-8. */
  private final byte[] delimiterField;

  /** {@link #delimiterField} and the first pair's key, {@code devTime=}. */
  private final byte[] delimiterFieldDevTime;

  /**
   * The pairs after devTime, constant per kind and outcome: devTimeFormat, cat, sev, outcome (by
   * [kind][result]).
   */
  private final byte[][][] tail;

  /** level and logger_names of what every Coder release build logs. */
  private final byte[] releaseBuild;

  @Override
  public void write(Event e, TextOut out) {
    Slots s = new Slots(e);
    KvOut k = KvOut.leef(out, delimiter, plain);
    Result r = Result.of(s);
    if (e.kind() == Kind.AUDIT) {
      k.raw(auditPrefix).headerPart(s.str(RESOURCE_TYPE)).ascii(":").headerPart(s.str(ACTION));
      common(s, r, k);
      audit(s, k);
    } else {
      k.raw(connectionPrefix).headerPart(s.str(TYPE)).ascii(":");
      k.headerPart(s.str(CONNECTION_STATUS));
      common(s, r, k);
      connection(s, k);
    }
    envelope(e.envelope(), k);
    extra(s, k);
  }

  /** The end of the header and the pairs every record starts with. */
  private void common(Slots s, Result r, KvOut k) {
    long ms = s.fileMillis();
    if (ms != Long.MIN_VALUE) {
      k.raw(delimiterFieldDevTime);
      String t = s.time();
      if (s.timeExact() && isUtcMillis(t)) {
        k.devTimeOf(t);
      } else {
        k.devTime(ms);
      }
      k.pairs(tail[s.kind.ordinal()][r.ordinal()]);
      return;
    }
    k.raw(delimiterField);
    k.lit(K.CAT, s.kind.label());
    k.lit(K.SEV, SEV[severities.of(r)]);
    k.lit(K.OUTCOME, r.label());
  }

  /**
   * True when {@code t}, an RFC 3339 time {@link Slots#timeExact()} accepted (so ASCII), is in UTC
   * with a {@code T} and at least three fraction digits: its first 23 characters are then devTime's
   * date, time and milliseconds as they are ({@link #devTime(long)} of its instant gives them).
   */
  private static boolean isUtcMillis(String t) {
    int n = t.length();
    char z = t.charAt(n - 1);
    return n >= 24 && t.charAt(10) == 'T' && t.charAt(19) == '.' && (z == 'Z' || z == 'z');
  }

  private static final String[] SEV = new String[11];

  static {
    for (int i = 0; i < SEV.length; i++) {
      SEV[i] = Integer.toString(i);
    }
  }

  private static void address(Slots s, KvOut k) {
    String raw = s.text(IP);
    Value.Str ip = Coder.ip(s.str(IP));
    if (ip != null) {
      k.pair(K.SRC, s.str(IP));
    } else if (raw != null && !raw.isEmpty() && !"<nil>".equals(raw)) {
      k.pair(K.IP, s.str(IP));
    }
  }

  private static void audit(Slots s, KvOut k) {
    String action = s.text(ACTION);
    Value.Actor actor = s.actor();
    if (actor != null) {
      k.actorPair(K.USR_NAME, actor.usernameStr(), actor.username(), true);
    }
    address(s, k);
    k.pair(K.RESOURCE, s.nonEmpty(RESOURCE_TARGET));
    if ("login".equals(action)) {
      k.lit(K.IS_LOGIN_EVENT, "true");
    } else if ("logout".equals(action)) {
      k.lit(K.IS_LOGOUT_EVENT, "true");
    }
    auditCoder(s, k);
  }

  // A record is written in parts, one method each: the JIT compiler inlines the writer's small
  // methods into each compiled method up to a budget, and one method for the whole record ran past
  // it (docs/benchmarks.md, "SIEM formats").

  /** The audit event's Coder fields under their Coder names. */
  private static void auditCoder(Slots s, KvOut k) {
    k.pair(K.ID, s.str(ID));
    time(s, k);
    k.pair(K.USER_ID, s.str(USER_ID));
    k.pair(K.ORGANIZATION_ID, s.str(ORGANIZATION_ID));
    k.pair(K.USER_AGENT, s.nonEmpty(USER_AGENT));
    k.pair(K.RESOURCE_TYPE, s.nonEmpty(RESOURCE_TYPE));
    k.pair(K.RESOURCE_ID, s.str(RESOURCE_ID));
    k.pair(K.ACTION, s.nonEmpty(ACTION));
    k.jsonText(K.DIFF, s.get(DIFF));
    long status = s.number(STATUS_CODE);
    if (status != Long.MIN_VALUE) {
      k.pair(K.STATUS_CODE, status);
    }
    k.jsonText(K.ADDITIONAL_FIELDS, s.get(ADDITIONAL_FIELDS));
    k.pair(K.REQUEST_ID, s.str(REQUEST_ID));
    k.pair(K.RESOURCE_ICON, s.nonEmpty(RESOURCE_ICON));
    Value.Actor actor = s.actor();
    if (actor != null) {
      k.actorPair(K.ACTOR_ID, actor.idStr(), actor.id(), true);
      k.actorPair(K.ACTOR_EMAIL, actor.emailStr(), actor.email(), true);
    }
  }

  private static void connection(Slots s, KvOut k) {
    address(s, k);
    k.pair(K.CONTEXT_REQUEST_ID, s.nonEmpty(CONTEXT_REQUEST_ID));
    k.pair(K.ID, s.str(ID));
    k.pair(K.ORGANIZATION_ID, s.str(ORGANIZATION_ID));
    k.pair(K.WORKSPACE_OWNER_ID, s.str(WORKSPACE_OWNER_ID));
    k.pair(K.WORKSPACE_ID, s.str(WORKSPACE_ID));
    k.pair(K.WORKSPACE_NAME, s.nonEmpty(WORKSPACE_NAME));
    k.pair(K.AGENT_NAME, s.str(AGENT_NAME));
    connectionRest(s, k);
  }

  /** The connection event's fields from Type on. */
  private static void connectionRest(Slots s, KvOut k) {
    k.pair(K.TYPE, s.str(TYPE));
    long code = s.number(CODE);
    if (code != Long.MIN_VALUE) {
      k.pair(K.CODE, code);
    }
    k.pair(K.USER_AGENT, s.nonEmpty(USER_AGENT));
    k.pair(K.USER_ID, s.nonEmpty(USER_ID));
    k.pair(K.SLUG_OR_PORT, s.nonEmpty(SLUG_OR_PORT));
    k.pair(K.CONNECTION_ID, s.nonEmpty(CONNECTION_ID));
    k.pair(K.DISCONNECT_REASON, s.nonEmpty(DISCONNECT_REASON));
    time(s, k);
    k.pair(K.CONNECTION_STATUS, s.str(CONNECTION_STATUS));
  }

  /** Coder's Time text: as it is when it is a valid RFC 3339 time (nothing to escape). */
  private static void time(Slots s, KvOut k) {
    if (s.timePlain()) {
      k.lit(K.TIME, s.time());
    } else {
      k.pair(K.TIME, s.time());
    }
  }

  private void envelope(Envelope env, KvOut k) {
    k.time(K.TS, env.ts(), env.tsKnown());
    if (Coder.isReleaseBuild(env)) {
      k.pairs(releaseBuild);
      k.pair(K.TRACE, env.trace());
      k.pair(K.SPAN, env.span());
      return;
    }
    if ("INFO".equals(env.level())) {
      k.lit(K.LEVEL, "INFO");
    } else {
      k.pair(K.LEVEL, env.level());
    }
    k.pair(K.CALLER, Coder.unusualCaller(env));
    k.pair(K.FUNC, Coder.unusualFunc(env));
    List<String> names = env.loggerNames();
    if (names.size() == 1 && "coderd".equals(names.get(0))) {
      k.lit(K.LOGGER_NAMES, "coderd");
    } else if (!names.isEmpty()) {
      k.pair(K.LOGGER_NAMES, names.size() == 1 ? names.get(0) : String.join(".", names));
    }
    k.pair(K.TRACE, env.trace());
    k.pair(K.SPAN, env.span());
  }

  private static void extra(Slots s, KvOut k) {
    if (!s.extra) {
      return;
    }
    for (Field f : s.event.fields()) {
      if (!s.isKnown(f.key())) {
        k.pair(CefMapping.alnum(f.key()), CefMapping.jsonText(f.value()));
      }
    }
  }

  /** {@code ms} as {@link #DEV_TIME_FORMAT} in UTC: {@code 2025-07-03T06:55:02.117+0000}. */
  static String devTime(long ms) {
    byte[] b = new byte[28];
    devTime(ms, b, 0);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** {@link #devTime(long)} as 28 ASCII bytes at {@code b[at]}, without a String. */
  static void devTime(long ms, byte[] b, int at) {
    long secs = Math.floorDiv(ms, 1000L);
    int millis = (int) Math.floorMod(ms, 1000L);
    long days = Math.floorDiv(secs, 86400L);
    int sod = (int) Math.floorMod(secs, 86400L);
    long ymd = GoTime.civilDate(days);
    long y = ymd / 10_000;
    int m = (int) (ymd / 100 % 100);
    int d = (int) (ymd % 100);
    put(b, at, (int) y, 4);
    b[at + 4] = '-';
    put(b, at + 5, m, 2);
    b[at + 7] = '-';
    put(b, at + 8, d, 2);
    b[at + 10] = 'T';
    put(b, at + 11, sod / 3600, 2);
    b[at + 13] = ':';
    put(b, at + 14, (sod / 60) % 60, 2);
    b[at + 16] = ':';
    put(b, at + 17, sod % 60, 2);
    b[at + 19] = '.';
    put(b, at + 20, millis, 3);
    b[at + 23] = '+';
    b[at + 24] = '0';
    b[at + 25] = '0';
    b[at + 26] = '0';
    b[at + 27] = '0';
  }

  private static void put(byte[] b, int at, int v, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
  }
}
