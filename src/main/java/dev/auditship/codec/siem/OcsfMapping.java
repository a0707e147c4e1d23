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
import java.util.ArrayList;
import java.util.List;

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

  OcsfMapping(String ocsfVersion, String productName, String vendorName) {
    TextOut t = new TextOut(64);
    new JsonOut(t).str("version", ocsfVersion);
    this.versionMember = t.bytes();
    t = new TextOut(64);
    new JsonOut(t).obj("product").str("name", productName).str("vendor_name", vendorName).end();
    this.productMember = t.bytes();
  }

  /** {@code "version":"…"} and {@code "product":{…}} of metadata, escaped once. */
  private final byte[] versionMember;

  private final byte[] productMember;

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

  /** A class and activity whose members are written in one piece (see {@link #HEADS}). */
  private record Head(Klass klass, int activity, String name, byte[] json) {}

  /**
   * The class-and-activity members ({@code activity_id} to {@code type_name}) of every class and
   * activity with a fixed name, made once: they are most of what every record starts with.
   */
  private static final List<Head> HEADS = heads();

  private static List<Head> heads() {
    Object[][] fixed = {
      {AUTHENTICATION, 1, "Logon"},
      {AUTHENTICATION, 2, "Logoff"},
      {ACCOUNT_CHANGE, 1, "Create"},
      {ACCOUNT_CHANGE, 4, "Password Reset"},
      {ACCOUNT_CHANGE, 6, "Delete"},
      {ACCOUNT_CHANGE, 99, "Update"},
      {API_ACTIVITY, 1, "Create"},
      {API_ACTIVITY, 3, "Update"},
      {API_ACTIVITY, 4, "Delete"},
      {HTTP_ACTIVITY, 99, "Access"},
      {SSH_ACTIVITY, 1, "Open"},
      {SSH_ACTIVITY, 2, "Close"},
      {SSH_ACTIVITY, 99, "Other"},
      {NETWORK_ACTIVITY, 1, "Open"},
      {NETWORK_ACTIVITY, 2, "Close"},
      {NETWORK_ACTIVITY, 99, "Other"},
    };
    List<Head> out = new ArrayList<>();
    for (Object[] f : fixed) {
      TextOut t = new TextOut(256);
      JsonOut j = new JsonOut(t);
      classMembers(j, (Klass) f[0], (Integer) f[1], (String) f[2]);
      out.add(new Head((Klass) f[0], (Integer) f[1], (String) f[2], t.bytes()));
    }
    return List.copyOf(out);
  }

  private static void classMembers(JsonOut j, Klass k, int activityId, String activityName) {
    j.num("activity_id", activityId);
    j.str("activity_name", activityName);
    j.num("category_uid", k.category());
    j.lit("category_name", k.categoryName());
    j.num("class_uid", k.uid());
    j.lit("class_name", k.name());
    j.num("type_uid", k.uid() * 100L + activityId);
    j.str("type_name", k.name(), ": ", activityName);
  }

  private void head(JsonOut j, Slots s, Klass k, int activityId, String activityName) {
    byte[] prepared = null;
    for (int i = 0, n = HEADS.size(); i < n; i++) {
      Head h = HEADS.get(i);
      if (h.klass() == k && h.activity() == activityId && h.name().equals(activityName)) {
        prepared = h.json();
        break;
      }
    }
    if (prepared != null) {
      j.members(prepared);
    } else {
      classMembers(j, k, activityId, activityName);
    }
    Result r = Result.of(s);
    int severity = r == Result.FAILURE ? 3 : 1;
    j.num("severity_id", severity);
    j.lit("severity", severity == 3 ? "Medium" : "Informational");
    switch (r) {
      case SUCCESS -> j.num("status_id", 1).lit("status", "Success");
      case FAILURE -> j.num("status_id", 2).lit("status", "Failure");
      default -> j.num("status_id", 0).lit("status", "Unknown");
    }
    long ms = s.fileMillis();
    j.num("time", ms == Long.MIN_VALUE ? 0 : ms);
  }

  private void metadata(JsonOut j, Slots s, Value.Str correlation, boolean hostProfile) {
    Event e = s.event;
    j.obj("metadata");
    j.members(versionMember);
    j.strIf("uid", s.str(Slots.ID));
    j.members(productMember);
    j.lit("log_name", e.kind().message());
    if (s.time() != null) {
      j.time("original_time", s.time(), s.timePlain());
    }
    long logged = Coder.epochMillis(e.envelope().ts());
    if (logged != Long.MIN_VALUE) {
      j.num("logged_time", logged);
    }
    j.strIf("correlation_uid", correlation);
    if (hostProfile) {
      j.arr("profiles").litItem("host").endArr();
    }
    j.end();
  }

  private void audit(Slots s, JsonOut j) {
    String action = s.text(ACTION) == null ? "" : s.text(ACTION);
    String resource = s.text(RESOURCE_TYPE);
    Klass k;
    int activity;
    String activityName;
    if (action.equals("login") || action.equals("logout")) {
      k = AUTHENTICATION;
      activity = action.equals("login") ? 1 : 2;
      activityName = action.equals("login") ? "Logon" : "Logoff";
    } else if (action.equals("register")
        || action.equals("request_password_reset")
        || "user".equals(resource)) {
      k = ACCOUNT_CHANGE;
      switch (action) {
        case "register", "create" -> {
          activity = 1;
          activityName = "Create";
        }
        case "request_password_reset" -> {
          activity = 4;
          activityName = "Password Reset";
        }
        case "delete" -> {
          activity = 6;
          activityName = "Delete";
        }
        default -> {
          activity = 99;
          activityName = action.equals("write") ? "Update" : capitalized(action);
        }
      }
    } else {
      k = API_ACTIVITY;
      switch (action) {
        case "create" -> {
          activity = 1;
          activityName = "Create";
        }
        case "write" -> {
          activity = 3;
          activityName = "Update";
        }
        case "delete" -> {
          activity = 4;
          activityName = "Delete";
        }
        default -> {
          activity = 99;
          activityName = capitalized(action);
        }
      }
    }
    head(j, s, k, activity, activityName);
    long status = s.number(STATUS_CODE);
    if (status != Long.MIN_VALUE) {
      j.numText("status_code", status);
    }
    Value.Str requestId = s.nonEmpty(REQUEST_ID);
    metadata(j, s, requestId, false);

    Value.Actor actor = s.actor();
    j.obj("actor");
    user(j, s, actor);
    j.end();
    if (k == AUTHENTICATION) {
      user(j, s, actor);
    } else if (k == ACCOUNT_CHANGE) {
      // The account changed: the audited resource (a user).
      j.obj("user");
      j.strIf("uid", s.str(RESOURCE_ID));
      j.strIf("name", s.nonEmpty(RESOURCE_TARGET));
      j.end();
    } else {
      j.obj("api").str("operation", action);
      if (requestId != null) {
        j.obj("request").str("uid", requestId).end();
      }
      j.end();
      j.arr("resources").itemObj();
      j.strIf("uid", s.str(RESOURCE_ID));
      j.strIf("name", s.nonEmpty(RESOURCE_TARGET));
      j.strIf("type", s.str(RESOURCE_TYPE));
      j.end().endArr();
    }
    srcEndpoint(j, s.str(IP));
    Value.Str ua = s.nonEmpty(USER_AGENT);
    if (ua != null || (requestId != null && k != API_ACTIVITY)) {
      j.obj("http_request");
      j.strIf("user_agent", ua);
      if (k != API_ACTIVITY) {
        j.strIf("uid", requestId);
      }
      j.end();
    }
    if (status != Long.MIN_VALUE) {
      j.obj("http_response").num("code", status).end();
    }

    j.obj("unmapped");
    j.strIf("OrganizationID", s.str(ORGANIZATION_ID));
    if (k != API_ACTIVITY) {
      j.strIf("ResourceType", s.str(RESOURCE_TYPE));
      if (k == AUTHENTICATION) {
        j.strIf("ResourceID", s.str(RESOURCE_ID));
        j.strIf("ResourceTarget", s.nonEmpty(RESOURCE_TARGET));
      }
      j.strIf("Action", s.str(ACTION));
    }
    j.strIf("ResourceIcon", s.nonEmpty(RESOURCE_ICON));
    if (s.get(DIFF) != null) {
      j.valueAt("Diff", s.get(DIFF));
    }
    if (s.get(ADDITIONAL_FIELDS) != null) {
      j.valueAt("AdditionalFields", s.get(ADDITIONAL_FIELDS));
    }
    if (actor != null) {
      j.str("actor_id", actor.id());
    }
    envelope(j, s.event.envelope());
    extra(j, s);
    j.end();
  }

  /** {@code user}: Coder's UserID and the actor's name and e-mail. */
  private static void user(JsonOut j, Slots s, Value.Actor actor) {
    j.obj("user");
    j.strIf("uid", s.str(USER_ID));
    if (actor != null) {
      j.strIf("name", actor.username().isEmpty() ? null : actor.username());
      j.strIf("email_addr", actor.email().isEmpty() ? null : actor.email());
    }
    j.end();
  }

  private void connection(Slots s, JsonOut j) {
    String type = s.text(TYPE);
    String status = s.text(CONNECTION_STATUS);
    boolean disconnected = "disconnected".equals(status);
    boolean connected = "connected".equals(status);
    Klass k;
    int activity;
    String activityName;
    if (Coder.isWeb(type) && !"tunnel".equals(type)) {
      k = HTTP_ACTIVITY;
      // Coder logs a web connection when the request is done and does not record its method.
      activity = 99;
      activityName = "Access";
    } else {
      k = Coder.isSsh(type) ? SSH_ACTIVITY : NETWORK_ACTIVITY;
      activity = connected ? 1 : disconnected ? 2 : 99;
      activityName = connected ? "Open" : disconnected ? "Close" : "Other";
    }
    head(j, s, k, activity, activityName);
    long code = s.number(CODE);
    boolean hasCode = code != Long.MIN_VALUE;
    if (hasCode) {
      j.numText("status_code", code);
    }
    j.strIf("status_detail", s.nonEmpty(DISCONNECT_REASON));
    Value.Str userId = s.nonEmpty(USER_ID);
    metadata(j, s, s.nonEmpty(CONTEXT_REQUEST_ID), userId != null);
    if (userId != null) {
      j.obj("actor").obj("user").str("uid", userId).end().end();
    }
    srcEndpoint(j, s.str(IP));
    j.obj("dst_endpoint");
    j.strIf("uid", s.str(WORKSPACE_ID));
    j.strIf("name", s.str(WORKSPACE_NAME));
    if (s.str(WORKSPACE_OWNER_ID) != null) {
      j.obj("owner").str("uid", s.str(WORKSPACE_OWNER_ID)).end();
    }
    j.end();
    Value.Str connectionId = s.nonEmpty(CONNECTION_ID);
    if (k != HTTP_ACTIVITY) {
      j.obj("connection_info");
      j.strIf("uid", connectionId);
      j.num("direction_id", 1);
      j.lit("direction", "Inbound");
      j.end();
    }
    Value.Str ua = s.nonEmpty(USER_AGENT);
    if (k == HTTP_ACTIVITY) {
      if (ua != null) {
        j.obj("http_request").str("user_agent", ua).end();
      }
      if (hasCode) {
        j.obj("http_response").num("code", code).end();
        j.num("http_status", code);
      }
    }
    j.obj("unmapped");
    j.strIf("OrganizationID", s.str(ORGANIZATION_ID));
    j.strIf("AgentName", s.str(AGENT_NAME));
    j.strIf("Type", s.str(TYPE));
    j.strIf("ConnectionStatus", s.str(CONNECTION_STATUS));
    j.strIf("SlugOrPort", s.nonEmpty(SLUG_OR_PORT));
    if (k == HTTP_ACTIVITY) {
      j.strIf("ConnectionID", connectionId);
    } else {
      j.strIf("UserAgent", ua);
      if (hasCode && Coder.isWeb(type)) {
        j.num("http_status", code);
      }
    }
    envelope(j, s.event.envelope());
    extra(j, s);
    j.end();
  }

  /**
   * {@code src_endpoint} (required by API Activity, at least one attribute): the IP, or Coder's
   * text for an unknown address ({@code <nil>}) as the endpoint's name.
   */
  private static void srcEndpoint(JsonOut j, Value.Str raw) {
    Value.Str ip = Coder.ip(raw);
    j.obj("src_endpoint");
    if (ip != null) {
      j.str("ip", ip);
    } else if (raw == null || raw.value().isEmpty()) {
      j.lit("name", "<nil>");
    } else {
      j.str("name", raw);
    }
    j.end();
  }

  private static void envelope(JsonOut j, Envelope env) {
    if ("INFO".equals(env.level())) {
      j.lit("level", "INFO");
    } else {
      j.str("level", env.level());
    }
    j.strIf("caller", Coder.unusualCaller(env));
    j.strIf("func", Coder.unusualFunc(env));
    if (!env.loggerNames().isEmpty()) {
      j.arr("logger_names");
      for (String n : env.loggerNames()) {
        if ("coderd".equals(n)) {
          j.litItem("coderd");
        } else {
          j.item(n);
        }
      }
      j.endArr();
    }
    j.strIf("trace", env.trace());
    j.strIf("span", env.span());
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
