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
import dev.auditship.text.GoText;
import java.util.List;

/**
 * Coder events as ArcSight CEF:0 records: the seven header fields, then the extension with the CEF
 * dictionary keys where one fits, {@code cs1..cs6} (with their labels) and {@code cn1} for the
 * Coder identifiers, and custom {@code coder...} keys for the rest. The table is docs/formats.md,
 * "cef".
 */
final class CefMapping implements Mapping {
  private final Severities severities;

  /** The keys, each prepared once with its punctuation ({@link KvOut#key}). */
  private static final class K {
    static final Chunk ACT = KvOut.key("act");
    static final Chunk CAT = KvOut.key("cat");
    static final Chunk EXTERNAL_ID = KvOut.key("externalId");
    static final Chunk OUTCOME = KvOut.key("outcome");
    static final Chunk C6A2 = KvOut.key("c6a2");
    static final Chunk C6A2_LABEL = KvOut.key("c6a2Label");
    static final Chunk CN1 = KvOut.key("cn1");
    static final Chunk CN1_LABEL = KvOut.key("cn1Label");
    static final Chunk CODER_ACTOR_EMAIL = KvOut.key("coderActorEmail");
    static final Chunk CODER_ACTOR_ID = KvOut.key("coderActorId");
    static final Chunk CODER_ADDITIONAL_FIELDS = KvOut.key("coderAdditionalFields");
    static final Chunk CODER_AGENT_NAME = KvOut.key("coderAgentName");
    static final Chunk CODER_CALLER = KvOut.key("coderCaller");
    static final Chunk CODER_FUNC = KvOut.key("coderFunc");
    static final Chunk CODER_IP = KvOut.key("coderIp");
    static final Chunk CODER_LEVEL = KvOut.key("coderLevel");
    static final Chunk CODER_LOGGER_NAMES = KvOut.key("coderLoggerNames");
    static final Chunk CODER_RESOURCE_ICON = KvOut.key("coderResourceIcon");
    static final Chunk CODER_SLUG_OR_PORT = KvOut.key("coderSlugOrPort");
    static final Chunk CODER_SPAN = KvOut.key("coderSpan");
    static final Chunk CODER_TIME = KvOut.key("coderTime");
    static final Chunk CODER_TRACE = KvOut.key("coderTrace");
    static final Chunk CODER_TS = KvOut.key("coderTs");
    static final Chunk CS6 = KvOut.key("cs6");
    static final Chunk CS6_LABEL = KvOut.key("cs6Label");
    static final Chunk DUID = KvOut.key("duid");
    static final Chunk REASON = KvOut.key("reason");
    static final Chunk REQUEST_CLIENT_APPLICATION = KvOut.key("requestClientApplication");
    static final Chunk SRC = KvOut.key("src");
    static final Chunk SUID = KvOut.key("suid");
    static final Chunk SUSER = KvOut.key("suser");
  }

  CefMapping(String vendor, String product, String version, Severities severities) {
    this.severities = severities;
    byte[] prefix = KvOut.headerPrefix(true, "CEF:0|", vendor, product, version);
    this.auditPrefix = KvOut.concat(prefix, "audit:");
    this.connectionPrefix = KvOut.concat(prefix, "connection:");
    int results = Result.values().length;
    this.severityRt = new byte[results][];
    this.outcomeExternalId = new byte[results][];
    this.outcome = new byte[results][];
    for (Result r : Result.values()) {
      severityRt[r.ordinal()] = KvOut.concat(new byte[0], "|" + severities.of(r) + "|rt=");
      outcome[r.ordinal()] = KvOut.pairs(true, ' ', "outcome", r.label());
      outcomeExternalId[r.ordinal()] = KvOut.concat(outcome[r.ordinal()], " externalId=");
    }
  }

  /** {@code CEF:0|vendor|product|version|audit:} (or {@code connection:}), escaped once. */
  private final byte[] auditPrefix;

  private final byte[] connectionPrefix;

  /** {@code |severity|rt=} by {@link Result}: the header's end and the first pair's key. */
  private final byte[][] severityRt;

  /** {@code outcome=…} by {@link Result}, and the same followed by {@code externalId=}. */
  private final byte[][] outcome;

  private final byte[][] outcomeExternalId;

  private static final byte[] AUDIT_CAT_ACT = KvOut.pairs(true, ' ', "cat", "coder:audit");
  private static final byte[] AUDIT_CAT_ACT_KEY = KvOut.concat(AUDIT_CAT_ACT, " act=");
  private static final byte[] CONNECTION_CAT_ACT =
      KvOut.pairs(true, ' ', "cat", "coder:connection");
  private static final byte[] CONNECTION_CAT_ACT_KEY = KvOut.concat(CONNECTION_CAT_ACT, " act=");

  /** coderLevel and coderLoggerNames of what every Coder release build logs. */
  private static final byte[] RELEASE_BUILD =
      KvOut.pairs(true, ' ', "coderLevel", "INFO", "coderLoggerNames", "coderd");

  @Override
  public void write(Event e, TextOut out) {
    Slots s = new Slots(e);
    KvOut k = KvOut.cef(out);
    Result r = Result.of(s);
    if (e.kind() == Kind.AUDIT) {
      Value.Str action = s.str(ACTION);
      Value.Str resource = s.str(RESOURCE_TYPE);
      k.raw(auditPrefix).headerPart(resource).ascii(":").headerPart(action).ascii("|");
      name(k, s.nonEmpty(ACTION), s.nonEmpty(RESOURCE_TYPE), Kind.AUDIT);
      head(s, r, k);
      audit(s, r, k);
    } else {
      Value.Str type = s.str(TYPE);
      Value.Str status = s.str(CONNECTION_STATUS);
      k.raw(connectionPrefix).headerPart(type).ascii(":").headerPart(status).ascii("|");
      name(k, s.nonEmpty(TYPE), s.nonEmpty(CONNECTION_STATUS), Kind.CONNECTION);
      head(s, r, k);
      connection(s, r, k);
    }
  }

  /**
   * The header's Name: {@code a b} ({@code login api_key}, {@code ssh connected}); one of them
   * alone when the other is missing or empty, and Coder's message ({@code audit_log}, {@code
   * connection_log}) when both are (a line of an older Coder): never blank.
   */
  private static void name(KvOut k, Value.Str a, Value.Str b, Kind kind) {
    if (a != null && b != null) {
      k.headerPart(a).ascii(" ").headerPart(b);
    } else if (a != null || b != null) {
      k.headerPart(a != null ? a : b);
    } else {
      k.ascii(kind.message());
    }
  }

  /**
   * The header's end and severity, then {@code rt} in milliseconds and Coder's text of the time
   * (microseconds or nanoseconds, its zone).
   */
  private void head(Slots s, Result r, KvOut k) {
    long ms = s.fileMillis();
    if (ms != Long.MIN_VALUE) {
      k.pairs(severityRt[r.ordinal()]);
      k.number(ms);
    } else {
      k.ascii("|").ascii(SEVERITY[severities.of(r)]);
    }
    if (s.timePlain()) {
      k.lit(K.CODER_TIME, s.time());
    } else {
      k.pair(K.CODER_TIME, s.time());
    }
  }

  /** cat, act (when not empty), outcome and externalId (when present): mostly prepared runs. */
  private void catToId(Slots s, Result r, KvOut k, Value.Str act, boolean audit) {
    if (!k.started()) {
      // No time: cat is the first pair, without a separator before it.
      k.lit(K.CAT, audit ? "coder:audit" : "coder:connection");
      k.pair(K.ACT, act);
      k.lit(K.OUTCOME, r.label());
      k.pair(K.EXTERNAL_ID, s.str(ID));
      return;
    }
    if (act != null) {
      k.pairs(audit ? AUDIT_CAT_ACT_KEY : CONNECTION_CAT_ACT_KEY).valueOf(act);
    } else {
      k.pairs(audit ? AUDIT_CAT_ACT : CONNECTION_CAT_ACT);
    }
    Value.Str id = s.str(ID);
    if (id != null) {
      k.pairs(outcomeExternalId[r.ordinal()]).valueOf(id);
    } else {
      k.pairs(outcome[r.ordinal()]);
    }
  }

  /** {@code N|} for each severity 0..10. */
  private static final String[] SEVERITY = new String[11];

  static {
    for (int i = 0; i < SEVERITY.length; i++) {
      SEVERITY[i] = i + "|";
    }
  }

  /** {@code src} for IPv4, {@code c6a2} (Source IPv6 Address) for IPv6, else the raw text. */
  private static void address(Slots s, KvOut k) {
    String raw = s.text(IP);
    String ip = Coder.ip(raw);
    if (ip == null) {
      if (raw != null && !raw.isEmpty() && !"<nil>".equals(raw)) {
        k.pair(K.CODER_IP, s.str(IP));
      }
    } else if (Coder.isIpv6(ip)) {
      k.pair(K.C6A2, s.str(IP)).lit(K.C6A2_LABEL, "Source IPv6 Address");
    } else {
      k.pair(K.SRC, s.str(IP));
    }
  }

  private void audit(Slots s, Result r, KvOut k) {
    catToId(s, r, k, s.nonEmpty(ACTION), true);
    k.pair(K.SUID, s.str(USER_ID));
    Value.Actor actor = s.actor();
    if (actor != null) {
      k.actorPair(K.SUSER, actor.usernameStr(), actor.username(), true);
    }
    address(s, k);
    k.pair(K.REQUEST_CLIENT_APPLICATION, s.nonEmpty(USER_AGENT));
    long status = s.number(STATUS_CODE);
    if (status != Long.MIN_VALUE) {
      k.pair(K.CN1, status).lit(K.CN1_LABEL, "StatusCode");
    }
    auditCustom(s, k);
  }

  // A record is written in parts, one method each: the JIT compiler inlines the writer's small
  // methods into each compiled method up to a budget, and one method for the whole record ran past
  // it (docs/benchmarks.md, "SIEM formats").

  /** cs1..cs6 and the coder... keys of an audit event, the envelope, newer fields. */
  private static void auditCustom(Slots s, KvOut k) {
    label(k, RESOURCE_TYPE_LABEL, s.nonEmpty(RESOURCE_TYPE));
    label(k, RESOURCE_ID_LABEL, s.str(RESOURCE_ID));
    label(k, RESOURCE_TARGET_LABEL, s.nonEmpty(RESOURCE_TARGET));
    label(k, ORGANIZATION_ID_LABEL, s.str(ORGANIZATION_ID));
    label(k, REQUEST_ID_LABEL, s.str(REQUEST_ID));
    k.jsonText(K.CS6, s.get(DIFF));
    if (s.get(DIFF) != null) {
      k.lit(K.CS6_LABEL, "Diff");
    }
    k.jsonText(K.CODER_ADDITIONAL_FIELDS, s.get(ADDITIONAL_FIELDS));
    k.pair(K.CODER_RESOURCE_ICON, s.nonEmpty(RESOURCE_ICON));
    Value.Actor actor = s.actor();
    if (actor != null) {
      k.actorPair(K.CODER_ACTOR_ID, actor.idStr(), actor.id(), true);
      k.actorPair(K.CODER_ACTOR_EMAIL, actor.emailStr(), actor.email(), true);
    }
    envelope(s.event.envelope(), k);
    extra(s, k);
  }

  private void connection(Slots s, Result r, KvOut k) {
    catToId(s, r, k, s.nonEmpty(CONNECTION_STATUS), false);
    k.pair(K.SUID, s.nonEmpty(USER_ID));
    k.pair(K.DUID, s.str(WORKSPACE_OWNER_ID));
    address(s, k);
    k.pair(K.REQUEST_CLIENT_APPLICATION, s.nonEmpty(USER_AGENT));
    k.pair(K.REASON, s.nonEmpty(DISCONNECT_REASON));
    long code = s.number(CODE);
    if (code != Long.MIN_VALUE) {
      k.pair(K.CN1, code).lit(K.CN1_LABEL, "Code");
    }
    connectionCustom(s, k);
  }

  /** cs1..cs6 and the coder... keys of a connection event, the envelope, newer fields. */
  private static void connectionCustom(Slots s, KvOut k) {
    label(k, TYPE_LABEL, s.str(TYPE));
    label(k, WORKSPACE_ID_LABEL, s.str(WORKSPACE_ID));
    label(k, WORKSPACE_NAME_LABEL, s.nonEmpty(WORKSPACE_NAME));
    label(k, ORGANIZATION_ID_LABEL, s.str(ORGANIZATION_ID));
    label(k, CONTEXT_REQUEST_ID_LABEL, s.nonEmpty(CONTEXT_REQUEST_ID));
    label(k, CONNECTION_ID_LABEL, s.nonEmpty(CONNECTION_ID));
    k.pair(K.CODER_AGENT_NAME, s.str(AGENT_NAME));
    k.pair(K.CODER_SLUG_OR_PORT, s.nonEmpty(SLUG_OR_PORT));
    envelope(s.event.envelope(), k);
    extra(s, k);
  }

  /**
   * A custom string pair {@code csN} with its label: the key, and the label pair prepared after its
   * separator ({@code csNLabel=Name}).
   */
  private record Label(Chunk key, byte[] label) {}

  private static Label label(int i, String name) {
    return new Label(KvOut.key("cs" + i), KvOut.pairs(true, ' ', "cs" + i + "Label", name));
  }

  private static final Label RESOURCE_TYPE_LABEL = label(1, "ResourceType");
  private static final Label RESOURCE_ID_LABEL = label(2, "ResourceID");
  private static final Label RESOURCE_TARGET_LABEL = label(3, "ResourceTarget");
  private static final Label ORGANIZATION_ID_LABEL = label(4, "OrganizationID");
  private static final Label REQUEST_ID_LABEL = label(5, "RequestID");
  private static final Label TYPE_LABEL = label(1, "Type");
  private static final Label WORKSPACE_ID_LABEL = label(2, "WorkspaceID");
  private static final Label WORKSPACE_NAME_LABEL = label(3, "WorkspaceName");
  private static final Label CONTEXT_REQUEST_ID_LABEL = label(5, "request_id");
  private static final Label CONNECTION_ID_LABEL = label(6, "ConnectionID");

  private static void label(KvOut k, Label l, Value.Str value) {
    if (value != null) {
      k.pair(l.key(), value).pairs(l.label());
    }
  }

  private static final Chunk V = JsonOut.key("v");

  static String jsonText(Value v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Value.Raw r) {
      String json = r.json();
      if (json == null) {
        return "null";
      }
      if (json.length() <= 2 || isCompact(json)) {
        return json;
      }
      StringBuilder sb = new StringBuilder(r.json().length());
      GoText.appendCompactJson(sb, r.json());
      return sb.toString();
    }
    if (v instanceof Value.Str s) {
      return s.value();
    }
    if (v instanceof Value.Num n) {
      return n.text();
    }
    if (v instanceof Value.Time t) {
      return t.text();
    }
    if (v instanceof Value.Bool b) {
      return Boolean.toString(b.value());
    }
    if (v instanceof Value.Null) {
      return "null";
    }
    TextOut t = new TextOut(64);
    JsonOut tmp = new JsonOut(t);
    tmp.beginRecord();
    tmp.valueAt(V, v);
    tmp.endRecord();
    String all = t.toString();
    return all.substring(5, all.length() - 1);
  }

  /** True when raw JSON has no whitespace at all, so compacting it would not change it. */
  private static boolean isCompact(String json) {
    return json.indexOf(' ') < 0
        && json.indexOf('\n') < 0
        && json.indexOf('\t') < 0
        && json.indexOf('\r') < 0;
  }

  private static void envelope(Envelope env, KvOut k) {
    k.time(K.CODER_TS, env.ts(), env.tsKnown());
    if (Coder.isReleaseBuild(env)) {
      k.pairs(RELEASE_BUILD);
      k.pair(K.CODER_TRACE, env.trace());
      k.pair(K.CODER_SPAN, env.span());
      return;
    }
    String level = env.level();
    if ("INFO".equals(level)) {
      k.lit(K.CODER_LEVEL, "INFO");
    } else {
      k.pair(K.CODER_LEVEL, level);
    }
    k.pair(K.CODER_CALLER, Coder.unusualCaller(env));
    k.pair(K.CODER_FUNC, Coder.unusualFunc(env));
    List<String> names = env.loggerNames();
    if (names.size() == 1 && "coderd".equals(names.get(0))) {
      k.lit(K.CODER_LOGGER_NAMES, "coderd");
    } else if (!names.isEmpty()) {
      k.pair(K.CODER_LOGGER_NAMES, names.size() == 1 ? names.get(0) : String.join(".", names));
    }
    k.pair(K.CODER_TRACE, env.trace());
    k.pair(K.CODER_SPAN, env.span());
  }

  /** Fields of newer Coder versions: {@code coder} + the field's letters and digits. */
  private static void extra(Slots s, KvOut k) {
    if (!s.extra) {
      return;
    }
    for (Field f : s.event.fields()) {
      if (!s.isKnown(f.key())) {
        k.pair("coder" + alnum(f.key()), jsonText(f.value()));
      }
    }
  }

  static String alnum(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
