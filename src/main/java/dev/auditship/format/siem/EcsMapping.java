package dev.auditship.format.siem;

import dev.auditship.event.AuditView;
import dev.auditship.event.ConnectionView;
import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
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

  private final String ecsVersion;

  EcsMapping(String ecsVersion) {
    this.ecsVersion = ecsVersion;
  }

  @Override
  public void write(Event e, TextOut out) {
    JsonOut j = new JsonOut(out);
    j.beginRecord();
    j.str("@timestamp", Coder.time(e));
    j.obj("ecs").str("version", ecsVersion).end();
    if (e.kind() == Kind.AUDIT) {
      audit(new AuditView(e), j);
    } else {
      connection(new ConnectionView(e), j);
    }
    j.endRecord();
  }

  private void audit(AuditView a, JsonOut j) {
    Event e = a.event();
    String action = a.action();
    String resource = a.resourceType();
    j.obj("event");
    j.str("kind", "event");
    j.arr("category");
    String[] types;
    if ("login".equals(action) || "logout".equals(action)) {
      j.item("authentication");
      types = new String[] {"login".equals(action) ? "start" : "end"};
    } else if ("connect".equals(action) || "open".equals(action)) {
      j.item("session");
      types = new String[] {"start"};
    } else if ("disconnect".equals(action) || "close".equals(action)) {
      j.item("session");
      types = new String[] {"end"};
    } else if ("register".equals(action)
        || "request_password_reset".equals(action)
        || IAM_RESOURCES.contains(resource)) {
      j.item("iam");
      String change = changeType(action);
      if ("user".equals(resource) || "register".equals(action)) {
        types = new String[] {"user", change};
      } else if ("group".equals(resource)) {
        types = new String[] {"group", change};
      } else {
        types = new String[] {change};
      }
    } else {
      j.item("configuration");
      types = new String[] {changeType(action)};
    }
    j.endArr();
    j.arr("type");
    for (String t : types) {
      j.item(t);
    }
    j.endArr();
    j.strIf("action", action);
    j.str("outcome", Result.of(e).label());
    j.strIf("id", a.id());
    j.str("created", e.envelope().ts());
    j.str("dataset", "coder.audit");
    j.str("module", "coder");
    j.end();

    Value.Actor actor = a.actor();
    String userId = Coder.nonEmpty(a.userId());
    String userName = actor == null ? null : Coder.nonEmpty(actor.username());
    String email = actor == null ? null : Coder.nonEmpty(actor.email());
    if (userId != null || userName != null || email != null) {
      j.obj("user").strIf("id", userId).strIf("name", userName).strIf("email", email).end();
    }
    String ip = Coder.ip(a.ip());
    if (ip != null) {
      j.obj("source").str("ip", ip).end();
    }
    String ua = Coder.nonEmpty(a.userAgent());
    if (ua != null) {
      j.obj("user_agent").str("original", ua).end();
    }
    Integer status = a.statusCode();
    String requestId = Coder.nonEmpty(a.requestId());
    if (status != null || requestId != null) {
      j.obj("http");
      if (requestId != null) {
        j.obj("request").str("id", requestId).end();
      }
      if (status != null) {
        j.obj("response").num("status_code", status).end();
      }
      j.end();
    }
    String org = Coder.nonEmpty(a.organizationId());
    if (org != null) {
      j.obj("organization").str("id", org).end();
    }
    related(j, ip, userName, userId);
    envelope(e.envelope(), j);

    j.obj("coder");
    j.str("log_type", "audit");
    j.obj("resource");
    j.strIf("type", a.resourceType());
    j.strIf("id", a.resourceId());
    j.strIf("target", Coder.nonEmpty(a.resourceTarget()));
    j.strIf("icon", Coder.nonEmpty(a.resourceIcon()));
    j.end();
    // Diff and AdditionalFields vary in shape from one resource type to the next; as objects they
    // would give Elasticsearch conflicting dynamic mappings, so they travel as JSON text.
    if (e.get("Diff") != null) {
      j.str("diff", jsonText(e.get("Diff")));
    }
    if (e.get("AdditionalFields") != null) {
      j.str("additional_fields", jsonText(e.get("AdditionalFields")));
    }
    if (actor != null) {
      j.obj("actor").str("id", actor.id()).end();
    }
    extra(e, j);
    j.end();
  }

  private static String changeType(String action) {
    if (action == null) {
      return "info";
    }
    return switch (action) {
      case "create", "register" -> "creation";
      case "delete" -> "deletion";
      default -> "change";
    };
  }

  private void connection(ConnectionView c, JsonOut j) {
    Event e = c.event();
    String type = c.type();
    String status = c.connectionStatus();
    boolean web = Coder.isWeb(type);
    j.obj("event");
    j.str("kind", "event");
    j.arr("category");
    String eventType;
    if ("workspace_app".equals(type)) {
      j.item("web");
      eventType = "access";
    } else if (web) {
      j.item("network").item("web");
      eventType = "access";
    } else {
      j.item("network").item("session");
      eventType = "disconnected".equals(status) ? "end" : "start";
    }
    j.endArr();
    j.arr("type").item(eventType).endArr();
    j.strIf("action", status);
    j.str("outcome", Result.of(e).label());
    j.strIf("id", c.id());
    j.str("created", e.envelope().ts());
    j.str("dataset", "coder.connection");
    j.str("module", "coder");
    j.strIf("reason", Coder.nonEmpty(c.disconnectReason()));
    j.end();

    String userId = Coder.nonEmpty(c.userId());
    if (userId != null) {
      j.obj("user").str("id", userId).end();
    }
    String ip = Coder.ip(c.ip());
    if (ip != null) {
      j.obj("source").str("ip", ip).end();
    }
    String ua = Coder.nonEmpty(c.userAgent());
    if (ua != null) {
      j.obj("user_agent").str("original", ua).end();
    }
    Integer code = c.code();
    String requestId = Coder.nonEmpty(c.requestId());
    if ((web && code != null) || requestId != null) {
      j.obj("http");
      if (requestId != null) {
        j.obj("request").str("id", requestId).end();
      }
      if (web && code != null) {
        j.obj("response").num("status_code", code).end();
      }
      j.end();
    }
    if (!web && code != null) {
      j.obj("process").num("exit_code", code).end();
    }
    if (Coder.isSsh(type)) {
      j.obj("network").str("protocol", "ssh").end();
    } else if (web) {
      j.obj("network").str("protocol", "http").end();
    }
    String org = Coder.nonEmpty(c.organizationId());
    if (org != null) {
      j.obj("organization").str("id", org).end();
    }
    related(j, ip, null, userId);
    envelope(e.envelope(), j);

    j.obj("coder");
    j.str("log_type", "connection");
    j.obj("connection");
    j.strIf("type", type);
    j.strIf("status", status);
    j.strIf("id", Coder.nonEmpty(c.connectionId()));
    j.strIf("slug_or_port", Coder.nonEmpty(c.slugOrPort()));
    j.end();
    j.obj("workspace");
    j.strIf("id", c.workspaceId());
    j.strIf("name", c.workspaceName());
    j.strIf("owner_id", c.workspaceOwnerId());
    j.strIf("agent_name", c.agentName());
    j.end();
    if (c.ip() != null && ip == null && !"<nil>".equals(c.ip()) && !c.ip().isEmpty()) {
      j.str("ip", c.ip());
    }
    extra(e, j);
    j.end();
  }

  private static void related(JsonOut j, String ip, String userName, String userId) {
    if (ip == null && userName == null && userId == null) {
      return;
    }
    j.obj("related");
    if (ip != null) {
      j.arr("ip").item(ip).endArr();
    }
    if (userName != null || userId != null) {
      j.arr("user");
      if (userName != null) {
        j.item(userName);
      }
      if (userId != null) {
        j.item(userId);
      }
      j.endArr();
    }
    j.end();
  }

  /** The slog envelope: ECS log.* (the logger and call site), trace.id and span.id. */
  private static void envelope(Envelope env, JsonOut j) {
    j.obj("log");
    j.str("level", env.level().toLowerCase(java.util.Locale.ROOT));
    if (!env.loggerNames().isEmpty()) {
      j.str("logger", String.join(".", env.loggerNames()));
    }
    if (env.caller() != null || env.func() != null) {
      j.obj("origin");
      if (env.caller() != null) {
        String caller = env.caller();
        int colon = caller.lastIndexOf(':');
        long line = colon > 0 ? parseLine(caller.substring(colon + 1)) : -1;
        j.obj("file");
        if (line >= 0) {
          j.str("name", caller.substring(0, colon)).num("line", line);
        } else {
          j.str("name", caller);
        }
        j.end();
      }
      j.strIf("function", env.func());
      j.end();
    }
    j.end();
    if (env.trace() != null) {
      j.obj("trace").str("id", env.trace()).end();
    }
    if (env.span() != null) {
      j.obj("span").str("id", env.span()).end();
    }
  }

  private static long parseLine(String s) {
    if (s.isEmpty() || s.length() > 9) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static String jsonText(Value v) {
    if (v instanceof Value.Raw r) {
      if (r.json() == null) {
        return "null";
      }
      StringBuilder sb = new StringBuilder(r.json().length());
      dev.auditship.format.GoText.appendCompactJson(sb, r.json());
      return sb.toString();
    }
    if (v instanceof Value.Str s) {
      return s.value();
    }
    StringBuilder sb = new StringBuilder();
    JsonOut tmp = new JsonOut(TextOut.of(sb));
    tmp.beginRecord();
    tmp.valueAt("v", v);
    tmp.endRecord();
    return sb.substring(5, sb.length() - 1);
  }

  /**
   * Fields no mapping knows (newer Coder versions add some, reference §12) keep their name and
   * slog's JSON rendering under {@code coder.fields}.
   */
  private static void extra(Event e, JsonOut j) {
    if (!Coder.hasExtra(e)) {
      return;
    }
    j.obj("fields");
    for (Field f : e.fields()) {
      if (!Coder.isKnown(e.kind(), f.key())) {
        j.value(f.key(), f.value());
      }
    }
    j.end();
  }
}
