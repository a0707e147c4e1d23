package dev.auditship.format.siem;

import dev.auditship.event.AuditView;
import dev.auditship.event.ConnectionView;
import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;

/**
 * Coder events as ArcSight CEF:0 records: the seven header fields, then the extension with the CEF
 * dictionary keys where one fits, {@code cs1..cs6} (with their labels) and {@code cn1} for the
 * Coder identifiers, and custom {@code coder...} keys for the rest. The table is docs/formats.md,
 * "cef".
 */
final class CefMapping implements Mapping {
  private final String vendor;
  private final String product;
  private final String version;
  private final Severities severities;

  CefMapping(String vendor, String product, String version, Severities severities) {
    this.vendor = vendor;
    this.product = product;
    this.version = version;
    this.severities = severities;
  }

  @Override
  public void write(Event e, TextOut out) {
    KvOut k = KvOut.cef(out);
    k.raw("CEF:0|").header(vendor).header(product).header(version);
    Result r = Result.of(e);
    if (e.kind() == Kind.AUDIT) {
      AuditView a = new AuditView(e);
      String action = orEmpty(a.action());
      String resource = orEmpty(a.resourceType());
      k.header("audit:" + resource + ":" + action).header(action + " " + resource);
      k.raw(Integer.toString(severities.of(r))).raw("|");
      audit(a, r, k);
    } else {
      ConnectionView c = new ConnectionView(e);
      String type = orEmpty(c.type());
      String status = orEmpty(c.connectionStatus());
      k.header("connection:" + type + ":" + status).header(type + " " + status);
      k.raw(Integer.toString(severities.of(r))).raw("|");
      connection(c, r, k);
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** {@code rt} in milliseconds; Coder's text (microseconds or nanoseconds, its zone) too. */
  private static void time(Event e, KvOut k) {
    long ms = Coder.epochMillis(Coder.time(e));
    if (ms != Long.MIN_VALUE) {
      k.pair("rt", ms);
    }
    k.pair("coderTime", e.time());
  }

  /** {@code src} for IPv4, {@code c6a2} (Source IPv6 Address) for IPv6, else the raw text. */
  private static void address(String raw, KvOut k) {
    String ip = Coder.ip(raw);
    if (ip == null) {
      if (raw != null && !raw.isEmpty() && !"<nil>".equals(raw)) {
        k.pair("coderIp", raw);
      }
    } else if (Coder.isIpv6(ip)) {
      k.pair("c6a2", ip).pair("c6a2Label", "Source IPv6 Address");
    } else {
      k.pair("src", ip);
    }
  }

  private static void audit(AuditView a, Result r, KvOut k) {
    Event e = a.event();
    time(e, k);
    k.pair("cat", "coder:audit");
    k.pair("act", Coder.nonEmpty(a.action()));
    k.pair("outcome", r.label());
    k.pair("externalId", a.id());
    k.pair("suid", a.userId());
    Value.Actor actor = a.actor();
    if (actor != null) {
      k.pair("suser", Coder.nonEmpty(actor.username()));
    }
    address(a.ip(), k);
    k.pair("requestClientApplication", Coder.nonEmpty(a.userAgent()));
    Integer status = a.statusCode();
    if (status != null) {
      k.pair("cn1", status).pair("cn1Label", "StatusCode");
    }
    label(k, 1, "ResourceType", a.resourceType());
    label(k, 2, "ResourceID", a.resourceId());
    label(k, 3, "ResourceTarget", Coder.nonEmpty(a.resourceTarget()));
    label(k, 4, "OrganizationID", a.organizationId());
    label(k, 5, "RequestID", a.requestId());
    label(k, 6, "Diff", jsonText(e.get("Diff")));
    k.pair("coderAdditionalFields", jsonText(e.get("AdditionalFields")));
    k.pair("coderResourceIcon", Coder.nonEmpty(a.resourceIcon()));
    if (actor != null) {
      k.pair("coderActorId", actor.id());
      k.pair("coderActorEmail", Coder.nonEmpty(actor.email()));
    }
    envelope(e.envelope(), k);
    extra(e, k);
  }

  private static void connection(ConnectionView c, Result r, KvOut k) {
    Event e = c.event();
    time(e, k);
    k.pair("cat", "coder:connection");
    k.pair("act", Coder.nonEmpty(c.connectionStatus()));
    k.pair("outcome", r.label());
    k.pair("externalId", c.id());
    k.pair("suid", Coder.nonEmpty(c.userId()));
    k.pair("duid", c.workspaceOwnerId());
    address(c.ip(), k);
    k.pair("requestClientApplication", Coder.nonEmpty(c.userAgent()));
    k.pair("reason", Coder.nonEmpty(c.disconnectReason()));
    Integer code = c.code();
    if (code != null) {
      k.pair("cn1", code).pair("cn1Label", "Code");
    }
    label(k, 1, "Type", c.type());
    label(k, 2, "WorkspaceID", c.workspaceId());
    label(k, 3, "WorkspaceName", c.workspaceName());
    label(k, 4, "OrganizationID", c.organizationId());
    label(k, 5, "request_id", Coder.nonEmpty(c.requestId()));
    label(k, 6, "ConnectionID", Coder.nonEmpty(c.connectionId()));
    k.pair("coderAgentName", c.agentName());
    k.pair("coderSlugOrPort", Coder.nonEmpty(c.slugOrPort()));
    envelope(e.envelope(), k);
    extra(e, k);
  }

  private static final String[] CS = {"", "cs1", "cs2", "cs3", "cs4", "cs5", "cs6"};
  private static final String[] CS_LABEL = {
    "", "cs1Label", "cs2Label", "cs3Label", "cs4Label", "cs5Label", "cs6Label"
  };

  private static void label(KvOut k, int i, String label, String value) {
    if (value != null) {
      k.pair(CS[i], value).pair(CS_LABEL[i], label);
    }
  }

  static String jsonText(Value v) {
    if (v == null) {
      return null;
    }
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
    StringBuilder sb = new StringBuilder();
    JsonOut tmp = new JsonOut(TextOut.of(sb));
    tmp.beginRecord();
    tmp.valueAt("v", v);
    tmp.endRecord();
    return sb.substring(5, sb.length() - 1);
  }

  private static void envelope(Envelope env, KvOut k) {
    k.pair("coderTs", env.ts());
    k.pair("coderLevel", env.level());
    k.pair("coderCaller", env.caller());
    k.pair("coderFunc", env.func());
    if (!env.loggerNames().isEmpty()) {
      k.pair("coderLoggerNames", String.join(".", env.loggerNames()));
    }
    k.pair("coderTrace", env.trace());
    k.pair("coderSpan", env.span());
  }

  /** Fields of newer Coder versions: {@code coder} + the field's letters and digits. */
  private static void extra(Event e, KvOut k) {
    if (!Coder.hasExtra(e)) {
      return;
    }
    for (Field f : e.fields()) {
      if (!Coder.isKnown(e.kind(), f.key())) {
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
