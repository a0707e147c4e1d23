package dev.auditship.format.siem;

import dev.auditship.event.AuditView;
import dev.auditship.event.ConnectionView;
import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;

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

  private final String ocsfVersion;
  private final String productName;
  private final String vendorName;

  OcsfMapping(String ocsfVersion, String productName, String vendorName) {
    this.ocsfVersion = ocsfVersion;
    this.productName = productName;
    this.vendorName = vendorName;
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
    JsonOut j = new JsonOut(out);
    j.beginRecord();
    if (e.kind() == Kind.AUDIT) {
      audit(new AuditView(e), j);
    } else {
      connection(new ConnectionView(e), j);
    }
    j.endRecord();
  }

  private void head(JsonOut j, Event e, Klass k, int activityId, String activityName) {
    j.num("activity_id", activityId);
    j.str("activity_name", activityName);
    j.num("category_uid", k.category());
    j.str("category_name", k.categoryName());
    j.num("class_uid", k.uid());
    j.str("class_name", k.name());
    j.num("type_uid", k.uid() * 100L + activityId);
    j.str("type_name", k.name() + ": " + activityName);
    Result r = Result.of(e);
    int severity = r == Result.FAILURE ? 3 : 1;
    j.num("severity_id", severity);
    j.str("severity", severity == 3 ? "Medium" : "Informational");
    switch (r) {
      case SUCCESS -> j.num("status_id", 1).str("status", "Success");
      case FAILURE -> j.num("status_id", 2).str("status", "Failure");
      default -> j.num("status_id", 0).str("status", "Unknown");
    }
    String time = Coder.time(e);
    long ms = Coder.epochMillis(time);
    j.num("time", ms == Long.MIN_VALUE ? 0 : ms);
  }

  private void metadata(JsonOut j, Event e, String correlation, boolean hostProfile) {
    j.obj("metadata");
    j.str("version", ocsfVersion);
    j.strIf("uid", e.id());
    j.obj("product").str("name", productName).str("vendor_name", vendorName).end();
    j.str("log_name", e.kind().message());
    j.strIf("original_time", e.time());
    long logged = Coder.epochMillis(e.envelope().ts());
    if (logged != Long.MIN_VALUE) {
      j.num("logged_time", logged);
    }
    j.strIf("correlation_uid", correlation);
    if (hostProfile) {
      j.arr("profiles").item("host").endArr();
    }
    j.end();
  }

  private void audit(AuditView a, JsonOut j) {
    Event e = a.event();
    String action = a.action() == null ? "" : a.action();
    String resource = a.resourceType();
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
    head(j, e, k, activity, activityName);
    Integer status = a.statusCode();
    if (status != null) {
      j.str("status_code", Integer.toString(status));
    }
    String requestId = Coder.nonEmpty(a.requestId());
    metadata(j, e, requestId, false);

    Value.Actor actor = a.actor();
    j.obj("actor").obj("user");
    j.strIf("uid", a.userId());
    if (actor != null) {
      j.strIf("name", Coder.nonEmpty(actor.username()));
      j.strIf("email_addr", Coder.nonEmpty(actor.email()));
    }
    j.end().end();
    if (k == AUTHENTICATION) {
      j.obj("user");
      j.strIf("uid", a.userId());
      if (actor != null) {
        j.strIf("name", Coder.nonEmpty(actor.username()));
        j.strIf("email_addr", Coder.nonEmpty(actor.email()));
      }
      j.end();
    } else if (k == ACCOUNT_CHANGE) {
      // The account changed: the audited resource (a user).
      j.obj("user");
      j.strIf("uid", a.resourceId());
      j.strIf("name", Coder.nonEmpty(a.resourceTarget()));
      j.end();
    } else {
      j.obj("api").str("operation", action);
      if (requestId != null) {
        j.obj("request").str("uid", requestId).end();
      }
      j.end();
      j.arr("resources").itemObj();
      j.strIf("uid", a.resourceId());
      j.strIf("name", Coder.nonEmpty(a.resourceTarget()));
      j.strIf("type", resource);
      j.end().endArr();
    }
    srcEndpoint(j, a.ip());
    String ua = Coder.nonEmpty(a.userAgent());
    if (ua != null || (requestId != null && k != API_ACTIVITY)) {
      j.obj("http_request");
      j.strIf("user_agent", ua);
      if (k != API_ACTIVITY) {
        j.strIf("uid", requestId);
      }
      j.end();
    }
    if (status != null) {
      j.obj("http_response").num("code", status).end();
    }

    j.obj("unmapped");
    j.strIf("OrganizationID", a.organizationId());
    if (k != API_ACTIVITY) {
      j.strIf("ResourceType", resource);
      if (k == AUTHENTICATION) {
        j.strIf("ResourceID", a.resourceId());
        j.strIf("ResourceTarget", a.resourceTarget());
      }
    }
    j.strIf("Action", k == API_ACTIVITY ? null : action);
    j.strIf("ResourceIcon", Coder.nonEmpty(a.resourceIcon()));
    if (e.get("Diff") != null) {
      j.valueAt("Diff", e.get("Diff"));
    }
    if (e.get("AdditionalFields") != null) {
      j.valueAt("AdditionalFields", e.get("AdditionalFields"));
    }
    if (actor != null) {
      j.str("actor_id", actor.id());
    }
    envelope(j, e.envelope());
    extra(j, e);
    j.end();
  }

  private void connection(ConnectionView c, JsonOut j) {
    Event e = c.event();
    String type = c.type();
    String status = c.connectionStatus();
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
    head(j, e, k, activity, activityName);
    Integer code = c.code();
    if (code != null) {
      j.str("status_code", Integer.toString(code));
    }
    j.strIf("status_detail", Coder.nonEmpty(c.disconnectReason()));
    String requestId = Coder.nonEmpty(c.requestId());
    String userId = Coder.nonEmpty(c.userId());
    metadata(j, e, requestId, userId != null);
    if (userId != null) {
      j.obj("actor").obj("user").str("uid", userId).end().end();
    }
    srcEndpoint(j, c.ip());
    j.obj("dst_endpoint");
    j.strIf("uid", c.workspaceId());
    j.strIf("name", c.workspaceName());
    if (c.workspaceOwnerId() != null) {
      j.obj("owner").str("uid", c.workspaceOwnerId()).end();
    }
    j.end();
    String connectionId = Coder.nonEmpty(c.connectionId());
    if (k != HTTP_ACTIVITY) {
      j.obj("connection_info");
      j.strIf("uid", connectionId);
      j.num("direction_id", 1);
      j.str("direction", "Inbound");
      j.end();
    }
    String ua = Coder.nonEmpty(c.userAgent());
    if (k == HTTP_ACTIVITY) {
      if (ua != null) {
        j.obj("http_request").str("user_agent", ua).end();
      }
      if (code != null) {
        j.obj("http_response").num("code", code).end();
        j.num("http_status", code);
      }
    }
    j.obj("unmapped");
    j.strIf("OrganizationID", c.organizationId());
    j.strIf("AgentName", c.agentName());
    j.strIf("Type", type);
    j.strIf("ConnectionStatus", status);
    j.strIf("SlugOrPort", Coder.nonEmpty(c.slugOrPort()));
    if (k == HTTP_ACTIVITY) {
      j.strIf("ConnectionID", connectionId);
    } else {
      j.strIf("UserAgent", ua);
      if (code != null && Coder.isWeb(type)) {
        j.num("http_status", code);
      }
    }
    envelope(j, e.envelope());
    extra(j, e);
    j.end();
  }

  /**
   * {@code src_endpoint} (required by API Activity, at least one attribute): the IP, or Coder's
   * text for an unknown address ({@code <nil>}) as the endpoint's name.
   */
  private static void srcEndpoint(JsonOut j, String raw) {
    String ip = Coder.ip(raw);
    j.obj("src_endpoint");
    if (ip != null) {
      j.str("ip", ip);
    } else {
      j.str("name", raw == null || raw.isEmpty() ? "<nil>" : raw);
    }
    j.end();
  }

  private static void envelope(JsonOut j, Envelope env) {
    j.str("level", env.level());
    j.strIf("caller", env.caller());
    j.strIf("func", env.func());
    if (!env.loggerNames().isEmpty()) {
      j.arr("logger_names");
      for (String n : env.loggerNames()) {
        j.item(n);
      }
      j.endArr();
    }
    j.strIf("trace", env.trace());
    j.strIf("span", env.span());
  }

  private static void extra(JsonOut j, Event e) {
    for (Field f : e.fields()) {
      if (!Coder.isKnown(e.kind(), f.key())) {
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
