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
import java.util.Arrays;

/**
 * Coder events as OCSF 1.x events (schema.ocsf.io): one class per kind of event, the base event
 * attributes every class requires, and the Coder fields without an OCSF attribute in {@code
 * unmapped} under their Coder names. The table is docs/formats.md, "ocsf".
 */
final class OcsfMapping implements Mapping {
  // Categories and classes (OCSF 1.x: categories.json, events/*).
  private static final int IAM = 3;
  private static final int NETWORK = 4;
  private static final int APPLICATION = 6;

  /** The keys, each prepared once with its punctuation ({@link JsonOut#key}). */
  private static final class K {
    static final Chunk ACTION = JsonOut.key("Action");
    static final Chunk ACTIVITY_ID = JsonOut.key("activity_id");
    static final Chunk ACTIVITY_NAME = JsonOut.key("activity_name");
    static final Chunk ACTOR = JsonOut.key("actor");
    static final Chunk ACTOR_ID = JsonOut.key("actor_id");
    static final Chunk ADDITIONAL_FIELDS = JsonOut.key("AdditionalFields");
    static final Chunk AGENT_NAME = JsonOut.key("AgentName");
    static final Chunk API = JsonOut.key("api");
    static final Chunk CALLER = JsonOut.key("caller");
    static final Chunk CATEGORY_NAME = JsonOut.key("category_name");
    static final Chunk CATEGORY_UID = JsonOut.key("category_uid");
    static final Chunk CLASS_NAME = JsonOut.key("class_name");
    static final Chunk CLASS_UID = JsonOut.key("class_uid");
    static final Chunk CODER_TYPE = JsonOut.key("Type");
    static final Chunk CODER_USER_AGENT = JsonOut.key("UserAgent");
    static final Chunk CONNECTION_ID = JsonOut.key("ConnectionID");
    static final Chunk CONNECTION_STATUS = JsonOut.key("ConnectionStatus");
    static final Chunk CORRELATION_UID = JsonOut.key("correlation_uid");
    static final Chunk DIFF = JsonOut.key("Diff");
    static final Chunk EMAIL_ADDR = JsonOut.key("email_addr");
    static final Chunk FUNC = JsonOut.key("func");
    static final Chunk HTTP_REQUEST = JsonOut.key("http_request");
    static final Chunk HTTP_STATUS = JsonOut.key("http_status");
    static final Chunk IP = JsonOut.key("ip");
    static final Chunk LEVEL = JsonOut.key("level");
    static final Chunk LOGGED_TIME = JsonOut.key("logged_time");
    static final Chunk LOGGER_NAMES = JsonOut.key("logger_names");
    static final Chunk LOG_NAME = JsonOut.key("log_name");
    static final Chunk METADATA = JsonOut.key("metadata");
    static final Chunk NAME = JsonOut.key("name");
    static final Chunk OPERATION = JsonOut.key("operation");
    static final Chunk ORGANIZATION_ID = JsonOut.key("OrganizationID");
    static final Chunk ORIGINAL_TIME = JsonOut.key("original_time");
    static final Chunk PRODUCT = JsonOut.key("product");
    static final Chunk PROFILES = JsonOut.key("profiles");
    static final Chunk RESOURCES = JsonOut.key("resources");
    static final Chunk RESOURCE_ICON = JsonOut.key("ResourceIcon");
    static final Chunk RESOURCE_ID = JsonOut.key("ResourceID");
    static final Chunk RESOURCE_TARGET = JsonOut.key("ResourceTarget");
    static final Chunk RESOURCE_TYPE = JsonOut.key("ResourceType");
    static final Chunk SERVICE = JsonOut.key("service");
    static final Chunk SLUG_OR_PORT = JsonOut.key("SlugOrPort");
    static final Chunk SPAN = JsonOut.key("span");
    static final Chunk SRC_ENDPOINT = JsonOut.key("src_endpoint");
    static final Chunk STATUS_CODE = JsonOut.key("status_code");
    static final Chunk STATUS_DETAIL = JsonOut.key("status_detail");
    static final Chunk TIME = JsonOut.key("time");
    static final Chunk TRACE = JsonOut.key("trace");
    static final Chunk TYPE = JsonOut.key("type");
    static final Chunk TYPE_NAME = JsonOut.key("type_name");
    static final Chunk TYPE_UID = JsonOut.key("type_uid");
    static final Chunk UID = JsonOut.key("uid");
    static final Chunk UNMAPPED = JsonOut.key("unmapped");
    static final Chunk USER = JsonOut.key("user");
    static final Chunk USER_AGENT = JsonOut.key("user_agent");
    static final Chunk VENDOR_NAME = JsonOut.key("vendor_name");
    static final Chunk VERSION = JsonOut.key("version");
  }

  /** Objects of one member, each written in one piece ({@link JsonOut#nest}). */
  private static final class N {
    static final JsonOut.Nest HTTP_REQUEST_USER_AGENT = JsonOut.nest("http_request", "user_agent");
    static final JsonOut.Nest HTTP_RESPONSE_CODE = JsonOut.nest("http_response", "code");
    static final JsonOut.Nest OWNER_UID = JsonOut.nest("owner", "uid");
    static final JsonOut.Nest REQUEST_UID = JsonOut.nest("request", "uid");
    static final JsonOut.Nest SRC_ENDPOINT_IP = JsonOut.nest("src_endpoint", "ip");
  }

  OcsfMapping(String ocsfVersion, String productName, String vendorName) {
    TextOut t = new TextOut(64);
    new JsonOut(t).obj(K.METADATA).str(K.VERSION, ocsfVersion);
    this.metadataHead = JsonOut.chunk(t.bytes());
    t.ascii(",\"uid\":");
    this.metadataHeadUid = JsonOut.chunk(t.bytes());
    this.auditProduct = product(productName, vendorName, Kind.AUDIT);
    this.connectionProduct = product(productName, vendorName, Kind.CONNECTION);
    this.auditProductTime = withOriginalTime(auditProduct);
    this.connectionProductTime = withOriginalTime(connectionProduct);
    TextOut t2 = new TextOut(64);
    new JsonOut(t2).obj(K.SERVICE).str(K.NAME, productName).end();
    this.authService = JsonOut.chunk(t2.bytes());
  }

  /** {@code "service":{"name":…}} of Authentication: the product (option {@code product}). */
  private final Chunk authService;

  private static Chunk product(String productName, String vendorName, Kind kind) {
    TextOut t = new TextOut(64);
    new JsonOut(t)
        .obj(K.PRODUCT)
        .str(K.NAME, productName)
        .str(K.VENDOR_NAME, vendorName)
        .end()
        .lit(K.LOG_NAME, kind.message());
    return JsonOut.chunk(t.bytes());
  }

  /**
   * {@code "metadata":{"version":"…"}: the object opened and its first member, escaped once.
   */
  private final Chunk metadataHead;

  /** {@link #metadataHead} and the key of {@code uid}. */
  private final Chunk metadataHeadUid;

  /** {@code "product":{…},"log_name":"…"} of metadata for each kind, escaped once. */
  private final Chunk auditProduct;

  private final Chunk connectionProduct;

  /** {@link #auditProduct} (or connection's) and the key of {@code original_time}. */
  private final Chunk auditProductTime;

  private final Chunk connectionProductTime;

  private static Chunk withOriginalTime(Chunk product) {
    byte[] key = K.ORIGINAL_TIME.bytes();
    byte[] b = Arrays.copyOf(product.bytes(), product.length() + key.length);
    System.arraycopy(key, 0, b, product.length(), key.length);
    return Chunk.of(b);
  }

  /** The class an event lands in, and its activity. */
  record Klass(int uid, String name, int category, String categoryName) {}

  static final Klass ACCOUNT_CHANGE =
      new Klass(3001, "Account Change", IAM, "Identity & Access Management");
  static final Klass AUTHENTICATION =
      new Klass(3002, "Authentication", IAM, "Identity & Access Management");
  static final Klass NETWORK_ACTIVITY =
      new Klass(4001, "Network Activity", NETWORK, "Network Activity");
  static final Klass HTTP_ACTIVITY = new Klass(4002, "HTTP Activity", NETWORK, "Network Activity");
  static final Klass SSH_ACTIVITY = new Klass(4007, "SSH Activity", NETWORK, "Network Activity");
  static final Klass API_ACTIVITY =
      new Klass(6003, "API Activity", APPLICATION, "Application Activity");

  @Override
  public void write(Event e, TextOut out) {
    int start = out.mark();
    record(e, out);
    // Only a record longer than OCSF's string limit can hold a string over it (rare): then again
    // with the long values cut, and kept whole in unmapped.
    if (out.mark() - start > OcsfLimits.MAX_STRING) {
      Event cut = OcsfLimits.cut(e);
      if (cut != e) {
        out.rewind(start);
        record(cut, out);
      }
    }
  }

  private void record(Event e, TextOut out) {
    JsonOut j = new JsonOut(out);
    j.beginRecord();
    Slots s = new Slots(e);
    if (e.kind() == Kind.AUDIT) {
      audit(s, j);
    } else {
      connection(s, j);
    }
    j.endRecord();
  }

  /**
   * severity_id, severity, status_id and status of each {@link Result}, in its order: a failure is
   * of Medium severity, the rest Informational.
   */
  private static final String[] OUTCOMES_TEXT = {
    "\"severity_id\":1,\"severity\":\"Informational\",\"status_id\":1,\"status\":\"Success\"",
    "\"severity_id\":3,\"severity\":\"Medium\",\"status_id\":2,\"status\":\"Failure\"",
    "\"severity_id\":1,\"severity\":\"Informational\",\"status_id\":0,\"status\":\"Unknown\""
  };

  /** {@link #OUTCOMES_TEXT}, each followed by the key of {@code time}. */
  private static final Chunk[] OUTCOMES_TIME = withKey(OUTCOMES_TEXT, "time");

  private static Chunk[] withKey(String[] members, String key) {
    Chunk[] r = new Chunk[members.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = JsonOut.chunk(members[i] + ",\"" + key + "\":");
    }
    return r;
  }

  /**
   * A class and activity. One with a fixed name has its class-and-activity members ({@code
   * activity_id} to {@code type_name}) prepared with the outcome members and the key of {@code
   * time} after them, one run per {@link Result} ({@code json}, by ordinal): most of what every
   * record starts with, picked by the mapping without a look-up. Null {@code json} for an activity
   * named after an action Coder may add (written member by member).
   */
  private record Head(Klass klass, int activity, String name, Chunk[] json) {
    Head(Klass klass, int activity, String name) {
      this(klass, activity, name, prepared(klass, activity, name));
    }

    private static Chunk[] prepared(Klass k, int activity, String name) {
      Chunk[] r = new Chunk[OUTCOMES_TEXT.length];
      for (int i = 0; i < r.length; i++) {
        TextOut t = new TextOut(256);
        classMembers(new JsonOut(t), k, activity, name);
        t.ascii("," + OUTCOMES_TEXT[i] + ",\"time\":");
        r[i] = JsonOut.chunk(t.bytes());
      }
      return r;
    }
  }

  private static final Head LOGON = new Head(AUTHENTICATION, 1, "Logon");
  private static final Head LOGOFF = new Head(AUTHENTICATION, 2, "Logoff");
  private static final Head ACCOUNT_CREATE = new Head(ACCOUNT_CHANGE, 1, "Create");
  private static final Head ACCOUNT_PASSWORD_RESET = new Head(ACCOUNT_CHANGE, 4, "Password Reset");
  private static final Head ACCOUNT_DELETE = new Head(ACCOUNT_CHANGE, 6, "Delete");
  private static final Head ACCOUNT_UPDATE = new Head(ACCOUNT_CHANGE, 99, "Update");
  private static final Head API_CREATE = new Head(API_ACTIVITY, 1, "Create");
  private static final Head API_UPDATE = new Head(API_ACTIVITY, 3, "Update");
  private static final Head API_DELETE = new Head(API_ACTIVITY, 4, "Delete");
  // Coder's other audit actions (database.AuditAction) on resources other than users.
  private static final Head API_START = new Head(API_ACTIVITY, 99, "Start");
  private static final Head API_STOP = new Head(API_ACTIVITY, 99, "Stop");
  private static final Head API_CONNECT = new Head(API_ACTIVITY, 99, "Connect");
  private static final Head API_DISCONNECT = new Head(API_ACTIVITY, 99, "Disconnect");
  private static final Head API_OPEN = new Head(API_ACTIVITY, 99, "Open");
  private static final Head API_CLOSE = new Head(API_ACTIVITY, 99, "Close");
  private static final Head HTTP_ACCESS = new Head(HTTP_ACTIVITY, 99, "Access");
  private static final Head SSH_OPEN = new Head(SSH_ACTIVITY, 1, "Open");
  private static final Head SSH_CLOSE = new Head(SSH_ACTIVITY, 2, "Close");
  private static final Head SSH_OTHER = new Head(SSH_ACTIVITY, 99, "Other");
  private static final Head NETWORK_OPEN = new Head(NETWORK_ACTIVITY, 1, "Open");
  private static final Head NETWORK_CLOSE = new Head(NETWORK_ACTIVITY, 2, "Close");
  private static final Head NETWORK_OTHER = new Head(NETWORK_ACTIVITY, 99, "Other");

  private static void classMembers(JsonOut j, Klass k, int activityId, String activityName) {
    j.num(K.ACTIVITY_ID, activityId);
    j.str(K.ACTIVITY_NAME, activityName);
    j.num(K.CATEGORY_UID, k.category());
    j.lit(K.CATEGORY_NAME, k.categoryName());
    j.num(K.CLASS_UID, k.uid());
    j.lit(K.CLASS_NAME, k.name());
    j.num(K.TYPE_UID, k.uid() * 100L + activityId);
    j.str(K.TYPE_NAME, k.name(), ": ", activityName);
  }

  private static void head(JsonOut j, Slots s, Head h) {
    int r = Result.of(s).ordinal();
    if (h.json() != null) {
      j.members(h.json()[r]);
    } else {
      classMembers(j, h.klass(), h.activity(), h.name());
      j.members(OUTCOMES_TIME[r]);
    }
    long ms = s.fileMillis();
    j.number(ms == Long.MIN_VALUE ? 0 : ms);
  }

  private void metadata(JsonOut j, Slots s, Value.Str correlation, boolean hostProfile) {
    Event e = s.event;
    Value.Str id = s.str(Slots.ID);
    if (id != null) {
      j.members(metadataHeadUid, id);
    } else {
      j.members(metadataHead);
    }
    String time = s.time();
    if (time != null && s.timePlain()) {
      // The product, log name and original_time's key in one piece, then the time as it is.
      j.lit(e.kind() == Kind.AUDIT ? auditProductTime : connectionProductTime, time);
    } else {
      j.members(e.kind() == Kind.AUDIT ? auditProduct : connectionProduct);
      if (time != null) {
        j.time(K.ORIGINAL_TIME, time, false);
      }
    }
    long logged = s.tsMillis();
    if (logged != Long.MIN_VALUE) {
      j.num(K.LOGGED_TIME, logged);
    }
    j.strIf(K.CORRELATION_UID, correlation);
    if (hostProfile) {
      j.arr(K.PROFILES).litItem("host").endArr();
    }
    j.end();
  }

  private void audit(Slots s, JsonOut j) {
    String action = s.text(ACTION) == null ? "" : s.text(ACTION);
    String resource = s.text(RESOURCE_TYPE);
    Head h;
    if (action.equals("login")) {
      h = LOGON;
    } else if (action.equals("logout")) {
      h = LOGOFF;
    } else if (action.equals("register")
        || action.equals("request_password_reset")
        || "user".equals(resource)) {
      h =
          switch (action) {
            case "register", "create" -> ACCOUNT_CREATE;
            case "request_password_reset" -> ACCOUNT_PASSWORD_RESET;
            case "delete" -> ACCOUNT_DELETE;
            case "write" -> ACCOUNT_UPDATE;
            default -> new Head(ACCOUNT_CHANGE, 99, capitalized(action), null);
          };
    } else {
      h =
          switch (action) {
            case "create" -> API_CREATE;
            case "write" -> API_UPDATE;
            case "delete" -> API_DELETE;
            case "start" -> API_START;
            case "stop" -> API_STOP;
            case "connect" -> API_CONNECT;
            case "disconnect" -> API_DISCONNECT;
            case "open" -> API_OPEN;
            case "close" -> API_CLOSE;
            default -> new Head(API_ACTIVITY, 99, capitalized(action), null);
          };
    }
    Klass k = h.klass();
    head(j, s, h);
    long status = s.number(STATUS_CODE);
    if (status != Long.MIN_VALUE) {
      j.numText(K.STATUS_CODE, status);
    }
    Value.Str requestId = s.nonEmpty(REQUEST_ID);
    metadata(j, s, requestId, false);

    Value.Actor actor = s.actor();
    // actor is required by API Activity only: left out of the other classes when the event names
    // no user at all (an older Coder line without UserID and actor).
    if (k == API_ACTIVITY || s.str(USER_ID) != null || hasUser(actor)) {
      user(j, s, actor, ACTOR_USER, ACTOR_USER_UID);
      j.raw(END_OBJECT);
    }
    if (k == AUTHENTICATION) {
      user(j, s, actor, USER, USER_UID);
      // Authentication requires service or dst_endpoint: the service logged on to is Coder.
      j.members(authService);
    } else if (k == ACCOUNT_CHANGE) {
      // The account changed: the audited resource (a user).
      j.obj(K.USER);
      resourceUid(j, s);
      j.strIf(K.NAME, s.nonEmpty(RESOURCE_TARGET));
      j.end();
    } else {
      j.obj(K.API).str(K.OPERATION, action);
      if (requestId != null) {
        j.str(N.REQUEST_UID, requestId);
      }
      j.end();
      // resources is optional: left out when the event has no resource field to put in it.
      if (s.str(RESOURCE_ID) != null
          || s.nonEmpty(RESOURCE_TARGET) != null
          || s.nonEmpty(RESOURCE_TYPE) != null) {
        j.arr(K.RESOURCES).itemObj();
        resourceUid(j, s);
        j.strIf(K.NAME, s.nonEmpty(RESOURCE_TARGET));
        j.strIf(K.TYPE, s.nonEmpty(RESOURCE_TYPE));
        j.end().endArr();
      }
    }
    srcEndpoint(j, s.str(IP));
    Value.Str ua = s.nonEmpty(USER_AGENT);
    if (ua != null || (requestId != null && k != API_ACTIVITY)) {
      j.obj(K.HTTP_REQUEST);
      j.strIf(K.USER_AGENT, ua);
      if (k != API_ACTIVITY) {
        j.strIf(K.UID, requestId);
      }
      j.end();
    }
    // No http_response: OCSF 1.2.0 defines it for none of these classes (StatusCode is in
    // status_code).
    auditUnmapped(s, j, k);
  }

  // The unmapped object is written by a method of its own: the JIT compiler inlines the writer's
  // small methods into each compiled method up to a budget, and one method for the whole record
  // ran past it (docs/benchmarks.md, "SIEM formats").

  private static void auditUnmapped(Slots s, JsonOut j, Klass k) {
    unmapped(j, s);
    if (k != API_ACTIVITY) {
      j.strIf(K.RESOURCE_TYPE, s.nonEmpty(RESOURCE_TYPE));
      if (k == AUTHENTICATION) {
        j.strIf(K.RESOURCE_ID, s.str(RESOURCE_ID));
        j.strIf(K.RESOURCE_TARGET, s.nonEmpty(RESOURCE_TARGET));
      }
      j.strIf(K.ACTION, s.nonEmpty(ACTION));
    }
    j.strIf(K.RESOURCE_ICON, s.nonEmpty(RESOURCE_ICON));
    if (s.get(DIFF) != null) {
      j.valueAt(K.DIFF, s.get(DIFF));
    }
    if (s.get(ADDITIONAL_FIELDS) != null) {
      j.valueAt(K.ADDITIONAL_FIELDS, s.get(ADDITIONAL_FIELDS));
    }
    Value.Actor actor = s.actor();
    if (actor != null) {
      j.actorStr(K.ACTOR_ID, actor.idStr(), actor.id(), true);
    }
    envelopeExtraEnd(j, s);
  }

  // The openings of actor.user and user, with and without the key of the first member (uid).
  private static final Chunk ACTOR_USER = JsonOut.chunk("\"actor\":{\"user\":{");
  private static final Chunk ACTOR_USER_UID = JsonOut.chunk("\"actor\":{\"user\":{\"uid\":");
  private static final Chunk USER = JsonOut.chunk("\"user\":{");
  private static final Chunk USER_UID = JsonOut.chunk("\"user\":{\"uid\":");
  private static final byte[] END_OBJECT = JsonOut.ascii("}");
  private static final byte[] END_OBJECTS = JsonOut.ascii("}}");
  private static final Chunk UNMAPPED = JsonOut.chunk("\"unmapped\":{");
  private static final Chunk UNMAPPED_ORGANIZATION_ID =
      JsonOut.chunk("\"unmapped\":{\"OrganizationID\":");

  /** Opens {@code unmapped} with its first member, OrganizationID, when the event has one. */
  private static void unmapped(JsonOut j, Slots s) {
    Value.Str org = s.str(ORGANIZATION_ID);
    if (org != null) {
      j.members(UNMAPPED_ORGANIZATION_ID, org);
    } else {
      j.open(UNMAPPED);
    }
  }

  /**
   * Coder's all-zero UUID (Go's {@code uuid.Nil}), what Coder prints in a UUID field for "none" (an
   * audit event without a user has it as {@code UserID} and actor id): the {@code uid} of a user,
   * resource or endpoint object when the event has nothing that names it, and the object is
   * required or must keep a field it holds. OCSF's {@code at_least_one} constraints (user: account,
   * name or uid; resource_details: name or uid; network_endpoint: ip, uid, name, …) admit no
   * "unknown" value; this one says "none" the way Coder does and names no one (docs/formats.md,
   * "ocsf").
   */
  private static final String NIL_UUID = "00000000-0000-0000-0000-000000000000";

  /** True when the actor names a user: an id, user name or e-mail. */
  private static boolean hasUser(Value.Actor actor) {
    return actor != null
        && !(actor.id().isEmpty() && actor.username().isEmpty() && actor.email().isEmpty());
  }

  /**
   * {@code uid} of the audited resource: {@code ResourceID}; without it, {@link #NIL_UUID} unless
   * {@code ResourceTarget} names the resource.
   */
  private static void resourceUid(JsonOut j, Slots s) {
    Value.Str id = s.str(RESOURCE_ID);
    if (id != null) {
      j.str(K.UID, id);
    } else if (s.nonEmpty(RESOURCE_TARGET) == null) {
      j.lit(K.UID, NIL_UUID);
    }
  }

  /**
   * {@code user} (opened by {@code open}): Coder's UserID and the actor's name and e-mail. Without
   * UserID and the actor's name (an older Coder line), the uid is the actor's id, else {@link
   * #NIL_UUID}: OCSF's user needs an account, name or uid.
   */
  private static void user(JsonOut j, Slots s, Value.Actor actor, Chunk open, Chunk openUid) {
    Value.Str uid = s.str(USER_ID);
    if (uid != null) {
      j.members(openUid, uid);
    } else {
      j.open(open);
      if (actor == null || actor.username().isEmpty()) {
        if (actor != null && !actor.id().isEmpty()) {
          j.actorStr(K.UID, actor.idStr(), actor.id(), false);
        } else {
          j.lit(K.UID, NIL_UUID);
        }
      }
    }
    if (actor != null) {
      j.actorStr(K.NAME, actor.usernameStr(), actor.username(), true);
      j.actorStr(K.EMAIL_ADDR, actor.emailStr(), actor.email(), true);
    }
    j.end();
  }

  private void connection(Slots s, JsonOut j) {
    String type = s.text(TYPE);
    String status = s.text(CONNECTION_STATUS);
    boolean disconnected = "disconnected".equals(status);
    boolean connected = "connected".equals(status);
    long code = s.number(CODE);
    boolean hasCode = code != Long.MIN_VALUE;
    Head h;
    if (Coder.isWeb(type) && !"tunnel".equals(type) && hasCode) {
      // Coder logs a web connection when the request is done and does not record its method.
      // HTTP Activity requires http_response, whose code is required: without the status, the
      // connection is a Network Activity.
      h = HTTP_ACCESS;
    } else if (Coder.isSsh(type)) {
      h = connected ? SSH_OPEN : disconnected ? SSH_CLOSE : SSH_OTHER;
    } else {
      h = connected ? NETWORK_OPEN : disconnected ? NETWORK_CLOSE : NETWORK_OTHER;
    }
    Klass k = h.klass();
    head(j, s, h);
    if (hasCode) {
      j.numText(K.STATUS_CODE, code);
    }
    j.strIf(K.STATUS_DETAIL, s.nonEmpty(DISCONNECT_REASON));
    Value.Str userId = s.nonEmpty(USER_ID);
    metadata(j, s, s.nonEmpty(CONTEXT_REQUEST_ID), userId != null);
    if (userId != null) {
      j.members(ACTOR_USER_UID, userId).raw(END_OBJECTS);
    }
    srcEndpoint(j, s.str(IP));
    Value.Str workspaceId = s.str(WORKSPACE_ID);
    if (workspaceId != null) {
      j.members(DST_ENDPOINT_UID, workspaceId);
    } else if (s.nonEmpty(WORKSPACE_NAME) == null) {
      // dst_endpoint is required, and needs an ip, uid, name, …: without the workspace's id and
      // name (an older Coder line), the uid that names none (the owner and the agent name, when
      // present, stay where they go: owner.uid and unmapped.AgentName).
      j.members(DST_ENDPOINT_NIL_UID);
    } else {
      j.open(DST_ENDPOINT);
    }
    j.strIf(K.NAME, s.nonEmpty(WORKSPACE_NAME));
    if (s.str(WORKSPACE_OWNER_ID) != null) {
      j.str(N.OWNER_UID, s.str(WORKSPACE_OWNER_ID));
    }
    j.end();
    Value.Str connectionId = s.nonEmpty(CONNECTION_ID);
    if (k != HTTP_ACTIVITY) {
      if (connectionId != null) {
        j.members(CONNECTION_INFO_UID, connectionId).members(INBOUND_END);
      } else {
        j.members(CONNECTION_INFO_INBOUND);
      }
    }
    Value.Str ua = s.nonEmpty(USER_AGENT);
    if (k == HTTP_ACTIVITY) {
      // http_request is required: written empty when Coder has no user agent.
      if (ua != null) {
        j.str(N.HTTP_REQUEST_USER_AGENT, ua);
      } else {
        j.members(EMPTY_HTTP_REQUEST);
      }
      // Not http_status too: deprecated since OCSF 1.1.0 for http_response.code.
      j.num(N.HTTP_RESPONSE_CODE, code);
    }
    connectionUnmapped(s, j, k, type, code, connectionId, ua);
  }

  private static void connectionUnmapped(
      Slots s, JsonOut j, Klass k, String type, long code, Value.Str connectionId, Value.Str ua) {
    boolean hasCode = code != Long.MIN_VALUE;
    unmapped(j, s);
    j.strIf(K.AGENT_NAME, s.str(AGENT_NAME));
    j.strIf(K.CODER_TYPE, s.str(TYPE));
    j.strIf(K.CONNECTION_STATUS, s.str(CONNECTION_STATUS));
    j.strIf(K.SLUG_OR_PORT, s.nonEmpty(SLUG_OR_PORT));
    if (k == HTTP_ACTIVITY) {
      j.strIf(K.CONNECTION_ID, connectionId);
    } else {
      j.strIf(K.CODER_USER_AGENT, ua);
      if (hasCode && Coder.isWeb(type)) {
        j.num(K.HTTP_STATUS, code);
      }
    }
    envelopeExtraEnd(j, s);
  }

  /**
   * {@code src_endpoint} (required by API Activity, at least one attribute): the IP, or Coder's
   * text for an unknown address ({@code <nil>}) as the endpoint's name.
   */
  private static void srcEndpoint(JsonOut j, Value.Str raw) {
    Value.Str ip = Coder.ip(raw);
    if (ip != null) {
      j.str(N.SRC_ENDPOINT_IP, ip);
      return;
    }
    j.obj(K.SRC_ENDPOINT);
    if (raw == null || raw.value().isEmpty()) {
      j.lit(K.NAME, "<nil>");
    } else {
      j.str(K.NAME, raw);
    }
    j.end();
  }

  // dst_endpoint and connection_info, opened with the key of their first member (uid) or without;
  // connection_info's direction closes it.
  private static final Chunk DST_ENDPOINT = JsonOut.chunk("\"dst_endpoint\":{");
  private static final Chunk DST_ENDPOINT_UID = JsonOut.chunk("\"dst_endpoint\":{\"uid\":");
  private static final Chunk DST_ENDPOINT_NIL_UID =
      JsonOut.chunk("\"dst_endpoint\":{\"uid\":\"" + NIL_UUID + "\"");
  private static final Chunk EMPTY_HTTP_REQUEST = JsonOut.chunk("\"http_request\":{}");
  private static final Chunk CONNECTION_INFO_UID = JsonOut.chunk("\"connection_info\":{\"uid\":");
  private static final Chunk INBOUND_END =
      JsonOut.chunk("\"direction_id\":1,\"direction\":\"Inbound\"}");
  private static final Chunk CONNECTION_INFO_INBOUND =
      JsonOut.chunk("\"connection_info\":{\"direction_id\":1,\"direction\":\"Inbound\"}");

  /** What every Coder release build logs: level INFO, logger coderd, in one piece. */
  private static final Chunk CODERD_LOG =
      JsonOut.chunk("\"level\":\"INFO\",\"logger_names\":[\"coderd\"]");

  /**
   * {@link #CODERD_LOG} and the end of unmapped, for the envelope every Coder release build logs.
   */
  private static final Chunk CODERD_LOG_END =
      JsonOut.chunk("\"level\":\"INFO\",\"logger_names\":[\"coderd\"]}");

  /** The envelope, the fields this version does not know, and the end of unmapped. */
  private static void envelopeExtraEnd(JsonOut j, Slots s) {
    Envelope env = s.event.envelope();
    if (!s.extra && env.trace() == null && env.span() == null && Coder.isReleaseBuild(env)) {
      j.members(CODERD_LOG_END);
      return;
    }
    envelope(j, env);
    extra(j, s);
    j.end();
  }

  private static void envelope(JsonOut j, Envelope env) {
    if (Coder.isReleaseBuild(env)) {
      j.members(CODERD_LOG);
      j.strIf(K.TRACE, env.trace());
      j.strIf(K.SPAN, env.span());
      return;
    }
    if ("INFO".equals(env.level())) {
      j.lit(K.LEVEL, "INFO");
    } else {
      j.str(K.LEVEL, env.level());
    }
    j.strIf(K.CALLER, Coder.unusualCaller(env));
    j.strIf(K.FUNC, Coder.unusualFunc(env));
    if (!env.loggerNames().isEmpty()) {
      j.arr(K.LOGGER_NAMES);
      for (String n : env.loggerNames()) {
        if ("coderd".equals(n)) {
          j.litItem("coderd");
        } else {
          j.item(n);
        }
      }
      j.endArr();
    }
    j.strIf(K.TRACE, env.trace());
    j.strIf(K.SPAN, env.span());
  }

  private static void extra(JsonOut j, Slots s) {
    if (!s.extra) {
      return;
    }
    for (Field f : s.event.fields()) {
      if (!s.isKnown(f.key())) {
        j.value(f.key(), f.value());
      }
    }
  }

  private static String capitalized(String s) {
    if (s.isEmpty()) {
      return "Other";
    }
    StringBuilder sb = new StringBuilder(s.length());
    boolean up = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_') {
        sb.append(' ');
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
