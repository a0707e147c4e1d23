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
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Coder events as Elastic Common Schema documents: one JSON object per event, nested (not dotted)
 * field names, Coder's fields without an ECS home under {@code coder.*}. The table of every field
 * is docs/formats.md, "ecs".
 */
final class EcsMapping implements Mapping {
  /** Resource types whose audit events change identities and access (ECS category iam). */
  private static final Set<String> IAM_RESOURCES =
      Set.of(
          "user",
          "group",
          "organization_member",
          "custom_role",
          "api_key",
          "git_ssh_key",
          "convert_login",
          "oauth2_provider_app",
          "oauth2_provider_app_secret",
          "idp_sync_settings_organization",
          "idp_sync_settings_group",
          "idp_sync_settings_role",
          "user_secret");

  /** The keys, each prepared once with its punctuation ({@link JsonOut#key}). */
  private static final class K {
    static final Chunk ACTION = JsonOut.key("action");
    static final Chunk ADDITIONAL_FIELDS = JsonOut.key("additional_fields");
    static final Chunk AGENT_NAME = JsonOut.key("agent_name");
    static final Chunk CREATED = JsonOut.key("created");
    static final Chunk DIFF = JsonOut.key("diff");
    static final Chunk ECS = JsonOut.key("ecs");
    static final Chunk EMAIL = JsonOut.key("email");
    static final Chunk EVENT = JsonOut.key("event");
    static final Chunk FIELDS = JsonOut.key("fields");
    static final Chunk FILE = JsonOut.key("file");
    static final Chunk FUNCTION = JsonOut.key("function");
    static final Chunk HTTP = JsonOut.key("http");
    static final Chunk ICON = JsonOut.key("icon");
    static final Chunk ID = JsonOut.key("id");
    static final Chunk IP = JsonOut.key("ip");
    static final Chunk KIND = JsonOut.key("kind");
    static final Chunk LEVEL = JsonOut.key("level");
    static final Chunk LINE = JsonOut.key("line");
    static final Chunk LOG = JsonOut.key("log");
    static final Chunk LOGGER = JsonOut.key("logger");
    static final Chunk NAME = JsonOut.key("name");
    static final Chunk ORIGIN = JsonOut.key("origin");
    static final Chunk OUTCOME = JsonOut.key("outcome");
    static final Chunk OWNER_ID = JsonOut.key("owner_id");
    static final Chunk REASON = JsonOut.key("reason");
    static final Chunk RELATED = JsonOut.key("related");
    static final Chunk SLUG_OR_PORT = JsonOut.key("slug_or_port");
    static final Chunk STATUS = JsonOut.key("status");
    static final Chunk TARGET = JsonOut.key("target");
    static final Chunk TIMESTAMP = JsonOut.key("@timestamp");
    static final Chunk TYPE = JsonOut.key("type");
    static final Chunk USER = JsonOut.key("user");
    static final Chunk VERSION = JsonOut.key("version");
    static final Chunk WORKSPACE = JsonOut.key("workspace");
  }

  /** Objects of one member, each written in one piece ({@link JsonOut#nest}). */
  private static final class N {
    static final JsonOut.Nest ACTOR_ID = JsonOut.nest("actor", "id");
    static final JsonOut.Nest NETWORK_PROTOCOL = JsonOut.nest("network", "protocol");
    static final JsonOut.Nest ORGANIZATION_ID = JsonOut.nest("organization", "id");
    static final JsonOut.Nest PROCESS_EXIT_CODE = JsonOut.nest("process", "exit_code");
    static final JsonOut.Nest REQUEST_ID = JsonOut.nest("request", "id");
    static final JsonOut.Nest RESPONSE_STATUS_CODE = JsonOut.nest("response", "status_code");
    static final JsonOut.Nest SOURCE_IP = JsonOut.nest("source", "ip");
    static final JsonOut.Nest SPAN_ID = JsonOut.nest("span", "id");
    static final JsonOut.Nest TRACE_ID = JsonOut.nest("trace", "id");
    static final JsonOut.Nest USER_AGENT_ORIGINAL = JsonOut.nest("user_agent", "original");
    static final JsonOut.Nest USER_ID = JsonOut.nest("user", "id");
  }

  EcsMapping(String ecsVersion) {
    TextOut t = new TextOut(64);
    new JsonOut(t).obj(K.ECS).str(K.VERSION, ecsVersion).end().obj(K.EVENT).lit(K.KIND, "event");
    t.ascii(",\"category\":[");
    this.eventHead = JsonOut.chunk(t.bytes());
  }

  /**
   * {@code "ecs":{"version":"…"},"event":{"kind":"event","category":[}, escaped once: the
   * constant run of members every record starts with, written in one piece.
   */
  private final Chunk eventHead;

  // Other constant runs of members, each written in one piece.
  private static final Chunk AUDIT_DATASET_END =
      JsonOut.chunk("\"dataset\":\"coder.audit\",\"module\":\"coder\"}");
  private static final Chunk CONNECTION_DATASET_END =
      JsonOut.chunk("\"dataset\":\"coder.connection\",\"module\":\"coder\"}");
  private static final Chunk CONNECTION_DATASET =
      JsonOut.chunk("\"dataset\":\"coder.connection\",\"module\":\"coder\"");
  private static final Chunk AUDIT_CODER =
      JsonOut.chunk("\"coder\":{\"log_type\":\"audit\",\"resource\":{");
  private static final Chunk CONNECTION_CODER =
      JsonOut.chunk("\"coder\":{\"log_type\":\"connection\",\"connection\":{");
  // coder opened with log_type alone, for a line without the resource or connection fields.
  private static final Chunk AUDIT_CODER_ONLY = JsonOut.chunk("\"coder\":{\"log_type\":\"audit\"");
  private static final Chunk CONNECTION_CODER_ONLY =
      JsonOut.chunk("\"coder\":{\"log_type\":\"connection\"");
  private static final Chunk CODERD_LOG =
      JsonOut.chunk("\"log\":{\"level\":\"info\",\"logger\":\"coderd\"}");

  @Override
  public void write(Event e, TextOut out) {
    Slots s = new Slots(e);
    JsonOut j = new JsonOut(out);
    j.beginRecord();
    j.time(K.TIMESTAMP, s.fileTime(), s.fileMillis() != Long.MIN_VALUE);
    j.open(eventHead);
    if (e.kind() == Kind.AUDIT) {
      audit(s, j);
    } else {
      connection(s, j);
    }
    j.endRecord();
  }

  private void audit(Slots s, JsonOut j) {
    Event e = s.event;
    String action = s.text(ACTION);
    String resource = s.text(RESOURCE_TYPE);
    Chunk categoryType;
    if ("login".equals(action) || "logout".equals(action)) {
      categoryType = "login".equals(action) ? AUTHENTICATION_START : AUTHENTICATION_END;
    } else if ("connect".equals(action) || "open".equals(action)) {
      categoryType = SESSION_START;
    } else if ("disconnect".equals(action) || "close".equals(action)) {
      categoryType = SESSION_END;
    } else if ("register".equals(action)
        || "request_password_reset".equals(action)
        || (resource != null && IAM_RESOURCES.contains(resource))) {
      int change = changeType(action);
      if ("user".equals(resource) || "register".equals(action)) {
        categoryType = IAM_USER[change];
      } else if ("group".equals(resource)) {
        categoryType = IAM_GROUP[change];
      } else {
        categoryType = IAM[change];
      }
    } else {
      categoryType = CONFIGURATION[changeType(action)];
    }
    j.members(categoryType);
    j.strIf(K.ACTION, s.nonEmpty(ACTION));
    outcomeAndId(s, j);
    j.time(K.CREATED, e.envelope().ts(), e.envelope().tsKnown());
    j.members(AUDIT_DATASET_END);
    Value.Str ip = Coder.ip(s.str(IP));
    auditPeople(s, j, ip);
    auditCoder(s, j, ip);
  }

  // A record is written in parts of a few dozen members, one method each: the JIT compiler inlines
  // the writer's small methods into each part up to a budget per compiled method, and one method
  // for the whole record ran past it (docs/benchmarks.md, "SIEM formats").

  /** user, source, user_agent, http, organization, related, log, trace, span. */
  private static void auditPeople(Slots s, JsonOut j, Value.Str ip) {
    Value.Str userId = s.nonEmpty(USER_ID);
    Value.Str userName = s.actorName();
    Value.Str email = s.actorEmail();
    if (userId != null || userName != null || email != null) {
      openWith(j, USER, USER_ID_KEY, userId);
      j.strIf(K.NAME, userName).strIf(K.EMAIL, email).end();
    }
    if (ip != null) {
      j.str(N.SOURCE_IP, ip);
    }
    Value.Str ua = s.nonEmpty(USER_AGENT);
    if (ua != null) {
      j.str(N.USER_AGENT_ORIGINAL, ua);
    }
    long status = s.number(STATUS_CODE);
    Value.Str requestId = s.nonEmpty(REQUEST_ID);
    if (status != Long.MIN_VALUE || requestId != null) {
      j.obj(K.HTTP);
      if (requestId != null) {
        j.str(N.REQUEST_ID, requestId);
      }
      if (status != Long.MIN_VALUE) {
        j.num(N.RESPONSE_STATUS_CODE, status);
      }
      j.end();
    }
    Value.Str org = s.nonEmpty(ORGANIZATION_ID);
    if (org != null) {
      j.str(N.ORGANIZATION_ID, org);
    }
    related(j, ip, userName, userId);
    envelope(s.event.envelope(), j);
  }

  // Openings of objects, without and with the key of their first member.
  private static final Chunk AUDIT_CODER_TYPE =
      JsonOut.chunk("\"coder\":{\"log_type\":\"audit\",\"resource\":{\"type\":");
  private static final Chunk CONNECTION_CODER_TYPE =
      JsonOut.chunk("\"coder\":{\"log_type\":\"connection\",\"connection\":{\"type\":");
  private static final Chunk WORKSPACE = JsonOut.chunk("\"workspace\":{");
  private static final Chunk WORKSPACE_ID_KEY = JsonOut.chunk("\"workspace\":{\"id\":");
  private static final Chunk USER = JsonOut.chunk("\"user\":{");
  private static final Chunk USER_ID_KEY = JsonOut.chunk("\"user\":{\"id\":");

  /**
   * Opens an object ({@code open}) and writes its first member when there is one ({@code
   * openWithKey} then {@code first}).
   */
  private static void openWith(JsonOut j, Chunk open, Chunk openWithKey, Value.Str first) {
    if (first != null) {
      j.members(openWithKey, first);
    } else {
      j.open(open);
    }
  }

  /** coder.*: the audited resource, Diff, AdditionalFields, the actor's id. */
  private static void auditCoder(Slots s, JsonOut j, Value.Str ip) {
    Value.Str type = s.nonEmpty(RESOURCE_TYPE);
    Value.Str id = s.str(RESOURCE_ID);
    Value.Str target = s.nonEmpty(RESOURCE_TARGET);
    Value.Str icon = s.nonEmpty(RESOURCE_ICON);
    if (type != null || id != null || target != null || icon != null) {
      openWith(j, AUDIT_CODER, AUDIT_CODER_TYPE, type);
      j.strIf(K.ID, id);
      j.strIf(K.TARGET, target);
      j.strIf(K.ICON, icon);
      j.end();
    } else {
      // A line without the resource fields (an older Coder): no empty coder.resource.
      j.members(AUDIT_CODER_ONLY);
    }
    // Diff and AdditionalFields vary in shape from one resource type to the next; as objects they
    // would give Elasticsearch conflicting dynamic mappings, so they travel as JSON text.
    if (s.get(DIFF) != null) {
      j.jsonText(K.DIFF, s.get(DIFF));
    }
    if (s.get(ADDITIONAL_FIELDS) != null) {
      j.jsonText(K.ADDITIONAL_FIELDS, s.get(ADDITIONAL_FIELDS));
    }
    Value.Str actorId = s.actorId();
    if (actorId != null) {
      j.str(N.ACTOR_ID, actorId);
    }
    otherIp(s, ip, j);
    extra(s, j);
    j.end();
  }

  /** The ECS change type of an audit action, as an index into {@link #CHANGE_TYPES}. */
  private static int changeType(String action) {
    if (action == null || action.isEmpty()) { // Coder prints a NULL string as ""
      return 3;
    }
    return switch (action) {
      case "create", "register" -> 0;
      case "delete" -> 1;
      default -> 2;
    };
  }

  private static final String[] CHANGE_TYPES = {"creation", "deletion", "change", "info"};

  // event.category and event.type of each kind of event, each prepared as one run that follows
  // the opening of the category array: "authentication"],"type":["start"]
  private static final Chunk AUTHENTICATION_START = categoryType("authentication", "start");
  private static final Chunk AUTHENTICATION_END = categoryType("authentication", "end");
  private static final Chunk SESSION_START = categoryType("session", "start");
  private static final Chunk SESSION_END = categoryType("session", "end");
  private static final Chunk[] IAM_USER = byChangeType("iam", "user");
  private static final Chunk[] IAM_GROUP = byChangeType("iam", "group");
  private static final Chunk[] IAM = byChangeType("iam", null);
  private static final Chunk[] CONFIGURATION = byChangeType("configuration", null);
  private static final Chunk WEB_ACCESS = categoryType("web", "access");
  private static final Chunk NETWORK_WEB_ACCESS = categoryType("network\",\"web", "access");
  private static final Chunk NETWORK_SESSION_START = categoryType("network\",\"session", "start");
  private static final Chunk NETWORK_SESSION_END = categoryType("network\",\"session", "end");
  private static final Chunk NETWORK_SESSION_INFO = categoryType("network\",\"session", "info");

  private static Chunk[] byChangeType(String category, String type) {
    Chunk[] r = new Chunk[CHANGE_TYPES.length];
    for (int i = 0; i < r.length; i++) {
      r[i] =
          categoryType(category, type == null ? CHANGE_TYPES[i] : type + "\",\"" + CHANGE_TYPES[i]);
    }
    return r;
  }

  /** The items of the category array (opened before) and the type array, as JSON text. */
  private static Chunk categoryType(String categories, String types) {
    return JsonOut.chunk("\"" + categories + "\"],\"type\":[\"" + types + "\"]");
  }

  /** {@code ,"outcome":"…","id":} by {@link Result}, and the same without the id's key. */
  private static final Chunk[] OUTCOME_ID = new Chunk[Result.values().length];

  private static final Chunk[] OUTCOME = new Chunk[Result.values().length];

  static {
    for (Result r : Result.values()) {
      OUTCOME[r.ordinal()] = JsonOut.chunk("\"outcome\":\"" + r.label() + "\"");
      OUTCOME_ID[r.ordinal()] = JsonOut.chunk("\"outcome\":\"" + r.label() + "\",\"id\":");
    }
  }

  private static void outcomeAndId(Slots s, JsonOut j) {
    int r = Result.of(s).ordinal();
    Value.Str id = s.str(ID);
    if (id != null) {
      j.members(OUTCOME_ID[r], id);
    } else {
      j.members(OUTCOME[r]);
    }
  }

  private void connection(Slots s, JsonOut j) {
    Event e = s.event;
    String type = s.text(TYPE);
    String status = s.text(CONNECTION_STATUS);
    boolean web = Coder.isWeb(type);
    if ("workspace_app".equals(type)) {
      j.members(WEB_ACCESS);
    } else if (web) {
      j.members(NETWORK_WEB_ACCESS);
    } else {
      // A status other than these two (a newer one, or none on an older Coder's line) says
      // neither a start nor an end: info.
      j.members(
          "connected".equals(status)
              ? NETWORK_SESSION_START
              : "disconnected".equals(status) ? NETWORK_SESSION_END : NETWORK_SESSION_INFO);
    }
    j.strIf(K.ACTION, s.nonEmpty(CONNECTION_STATUS));
    outcomeAndId(s, j);
    j.time(K.CREATED, e.envelope().ts(), e.envelope().tsKnown());
    Value.Str reason = s.nonEmpty(DISCONNECT_REASON);
    if (reason == null) {
      j.members(CONNECTION_DATASET_END);
    } else {
      j.members(CONNECTION_DATASET);
      j.str(K.REASON, reason);
      j.end();
    }
    Value.Str ip = Coder.ip(s.str(IP));
    connectionPeople(s, j, ip, type, web);
    connectionCoder(s, j, ip);
  }

  /** user, source, user_agent, http, process, network, organization, related, log. */
  private static void connectionPeople(Slots s, JsonOut j, Value.Str ip, String type, boolean web) {
    Value.Str userId = s.nonEmpty(USER_ID);
    if (userId != null) {
      j.str(N.USER_ID, userId);
    }
    if (ip != null) {
      j.str(N.SOURCE_IP, ip);
    }
    Value.Str ua = s.nonEmpty(USER_AGENT);
    if (ua != null) {
      j.str(N.USER_AGENT_ORIGINAL, ua);
    }
    long code = s.number(CODE);
    boolean hasCode = code != Long.MIN_VALUE;
    Value.Str requestId = s.nonEmpty(CONTEXT_REQUEST_ID);
    if ((web && hasCode) || requestId != null) {
      j.obj(K.HTTP);
      if (requestId != null) {
        j.str(N.REQUEST_ID, requestId);
      }
      if (web && hasCode) {
        j.num(N.RESPONSE_STATUS_CODE, code);
      }
      j.end();
    }
    if (!web && hasCode) {
      j.num(N.PROCESS_EXIT_CODE, code);
    }
    if (Coder.isSsh(type)) {
      j.lit(N.NETWORK_PROTOCOL, "ssh");
    } else if (web) {
      j.lit(N.NETWORK_PROTOCOL, "http");
    }
    Value.Str org = s.nonEmpty(ORGANIZATION_ID);
    if (org != null) {
      j.str(N.ORGANIZATION_ID, org);
    }
    related(j, ip, null, userId);
    envelope(s.event.envelope(), j);
  }

  /** coder.*: the connection and the workspace. */
  private static void connectionCoder(Slots s, JsonOut j, Value.Str ip) {
    // coder.connection and coder.workspace are left out when a line (an older Coder) has none of
    // their fields: no empty objects.
    Value.Str type = s.str(TYPE);
    Value.Str status = s.str(CONNECTION_STATUS);
    Value.Str id = s.nonEmpty(CONNECTION_ID);
    Value.Str slugOrPort = s.nonEmpty(SLUG_OR_PORT);
    if (type != null || status != null || id != null || slugOrPort != null) {
      openWith(j, CONNECTION_CODER, CONNECTION_CODER_TYPE, type);
      j.strIf(K.STATUS, status);
      j.strIf(K.ID, id);
      j.strIf(K.SLUG_OR_PORT, slugOrPort);
      j.end();
    } else {
      j.members(CONNECTION_CODER_ONLY);
    }
    Value.Str workspaceId = s.str(WORKSPACE_ID);
    Value.Str name = s.nonEmpty(WORKSPACE_NAME);
    Value.Str owner = s.str(WORKSPACE_OWNER_ID);
    Value.Str agent = s.str(AGENT_NAME);
    if (workspaceId != null || name != null || owner != null || agent != null) {
      openWith(j, WORKSPACE, WORKSPACE_ID_KEY, workspaceId);
      j.strIf(K.NAME, name);
      j.strIf(K.OWNER_ID, owner);
      j.strIf(K.AGENT_NAME, agent);
      j.end();
    }
    otherIp(s, ip, j);
    extra(s, j);
    j.end();
  }

  /** {@code Ip} text that is neither an address nor Coder's {@code <nil>}: kept as coder.ip. */
  private static void otherIp(Slots s, Value.Str ip, JsonOut j) {
    String raw = s.text(IP);
    if (ip == null && raw != null && !raw.isEmpty() && !"<nil>".equals(raw)) {
      j.str(K.IP, raw);
    }
  }

  // related's pieces: {"ip":[…],"user":[…]}, written as few pieces.
  private static final Chunk RELATED_IP = JsonOut.chunk("\"related\":{\"ip\":[");
  private static final Chunk RELATED_USER = JsonOut.chunk("\"related\":{\"user\":[");
  private static final byte[] USER_AFTER_IP = JsonOut.ascii("],\"user\":[");
  private static final byte[] END_ARRAY_OBJECT = JsonOut.ascii("]}");

  private static void related(JsonOut j, Value.Str ip, Value.Str userName, Value.Str userId) {
    if (ip == null && userName == null && userId == null) {
      return;
    }
    boolean users = userName != null || userId != null;
    if (ip != null) {
      j.open(RELATED_IP).item(ip);
      j.raw(users ? USER_AFTER_IP : END_ARRAY_OBJECT);
    } else {
      j.open(RELATED_USER);
    }
    if (users) {
      if (userName != null) {
        j.item(userName);
      }
      if (userId != null) {
        j.item(userId);
      }
      j.raw(END_ARRAY_OBJECT);
    }
  }

  /** The slog envelope: ECS log.* (the logger and call site), trace.id and span.id. */
  private static void envelope(Envelope env, JsonOut j) {
    if (Coder.isReleaseBuild(env)) {
      // What every Coder release build logs: one piece.
      j.members(CODERD_LOG);
    } else {
      log(env, j);
    }
    if (env.trace() != null) {
      j.str(N.TRACE_ID, env.trace());
    }
    if (env.span() != null) {
      j.str(N.SPAN_ID, env.span());
    }
  }

  private static void log(Envelope env, JsonOut j) {
    j.obj(K.LOG);
    String level = env.level();
    if ("INFO".equals(level)) {
      j.lit(K.LEVEL, "info");
    } else {
      j.str(K.LEVEL, level.toLowerCase(Locale.ROOT));
    }
    List<String> names = env.loggerNames();
    if (names.size() == 1 && "coderd".equals(names.get(0))) {
      j.lit(K.LOGGER, "coderd");
    } else if (!names.isEmpty()) {
      j.str(K.LOGGER, names.size() == 1 ? names.get(0) : String.join(".", names));
    }
    String caller = Coder.unusualCaller(env);
    String func = Coder.unusualFunc(env);
    if (caller != null || func != null) {
      j.obj(K.ORIGIN);
      if (caller != null) {
        int colon = caller.lastIndexOf(':');
        long line = colon > 0 ? parseLine(caller, colon + 1) : -1;
        j.obj(K.FILE);
        if (line >= 0) {
          j.str(K.NAME, caller.substring(0, colon)).num(K.LINE, line);
        } else {
          j.str(K.NAME, caller);
        }
        j.end();
      }
      j.strIf(K.FUNCTION, func);
      j.end();
    }
    j.end();
  }

  private static long parseLine(String s, int from) {
    int n = s.length() - from;
    if (n == 0 || n > 9) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * Fields no mapping knows (newer Coder versions add some, reference §12) keep their name and
   * slog's JSON rendering under {@code coder.fields}.
   */
  private static void extra(Slots s, JsonOut j) {
    if (!s.extra) {
      return;
    }
    j.obj(K.FIELDS);
    for (Field f : s.event.fields()) {
      if (!s.isKnown(f.key())) {
        j.value(f.key(), f.value());
      }
    }
    j.end();
  }
}
