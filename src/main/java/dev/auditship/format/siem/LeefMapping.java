package dev.auditship.format.siem;

import dev.auditship.event.AuditView;
import dev.auditship.event.ConnectionView;
import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;

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

  private final String vendor;
  private final String product;
  private final String version;
  private final char delimiter;
  private final Severities severities;

  LeefMapping(String vendor, String product, String version, char delimiter, Severities sev) {
    this.vendor = vendor;
    this.product = product;
    this.version = version;
    this.delimiter = delimiter;
    this.severities = sev;
  }

  @Override
  public void write(Event e, TextOut out) {
    KvOut k = KvOut.leef(out, delimiter);
    k.raw("LEEF:2.0|").header(vendor).header(product).header(version);
    Result r = Result.of(e);
    if (e.kind() == Kind.AUDIT) {
      AuditView a = new AuditView(e);
      k.header("audit:" + orEmpty(a.resourceType()) + ":" + orEmpty(a.action()));
      k.raw(String.valueOf(delimiter)).raw("|");
      common(e, r, k);
      audit(a, k);
    } else {
      ConnectionView c = new ConnectionView(e);
      k.header("connection:" + orEmpty(c.type()) + ":" + orEmpty(c.connectionStatus()));
      k.raw(String.valueOf(delimiter)).raw("|");
      common(e, r, k);
      connection(c, k);
    }
    envelope(e.envelope(), k);
    extra(e, k);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private void common(Event e, Result r, KvOut k) {
    long ms = Coder.epochMillis(Coder.time(e));
    if (ms != Long.MIN_VALUE) {
      k.pair("devTime", devTime(ms)).pair("devTimeFormat", DEV_TIME_FORMAT);
    }
    k.pair("cat", e.kind().label());
    k.pair("sev", severities.of(r));
    k.pair("outcome", r.label());
  }

  private static void address(String raw, KvOut k) {
    String ip = Coder.ip(raw);
    if (ip != null) {
      k.pair("src", ip);
    } else if (raw != null && !raw.isEmpty() && !"<nil>".equals(raw)) {
      k.pair("Ip", raw);
    }
  }

  private static void audit(AuditView a, KvOut k) {
    Event e = a.event();
    String action = a.action();
    Value.Actor actor = a.actor();
    if (actor != null) {
      k.pair("usrName", Coder.nonEmpty(actor.username()));
    }
    address(a.ip(), k);
    k.pair("resource", Coder.nonEmpty(a.resourceTarget()));
    if ("login".equals(action)) {
      k.pair("isLoginEvent", "true");
    } else if ("logout".equals(action)) {
      k.pair("isLogoutEvent", "true");
    }
    k.pair("ID", a.id());
    k.pair("Time", a.time());
    k.pair("UserID", a.userId());
    k.pair("OrganizationID", a.organizationId());
    k.pair("UserAgent", Coder.nonEmpty(a.userAgent()));
    k.pair("ResourceType", a.resourceType());
    k.pair("ResourceID", a.resourceId());
    k.pair("Action", action);
    k.pair("Diff", CefMapping.jsonText(e.get("Diff")));
    Integer status = a.statusCode();
    if (status != null) {
      k.pair("StatusCode", status);
    }
    k.pair("AdditionalFields", CefMapping.jsonText(e.get("AdditionalFields")));
    k.pair("RequestID", a.requestId());
    k.pair("ResourceIcon", Coder.nonEmpty(a.resourceIcon()));
    if (actor != null) {
      k.pair("actorId", actor.id());
      k.pair("actorEmail", Coder.nonEmpty(actor.email()));
    }
  }

  private static void connection(ConnectionView c, KvOut k) {
    address(c.ip(), k);
    k.pair("request_id", Coder.nonEmpty(c.requestId()));
    k.pair("ID", c.id());
    k.pair("OrganizationID", c.organizationId());
    k.pair("WorkspaceOwnerID", c.workspaceOwnerId());
    k.pair("WorkspaceID", c.workspaceId());
    k.pair("WorkspaceName", c.workspaceName());
    k.pair("AgentName", c.agentName());
    k.pair("Type", c.type());
    Integer code = c.code();
    if (code != null) {
      k.pair("Code", code);
    }
    k.pair("UserAgent", Coder.nonEmpty(c.userAgent()));
    k.pair("UserID", Coder.nonEmpty(c.userId()));
    k.pair("SlugOrPort", Coder.nonEmpty(c.slugOrPort()));
    k.pair("ConnectionID", Coder.nonEmpty(c.connectionId()));
    k.pair("DisconnectReason", Coder.nonEmpty(c.disconnectReason()));
    k.pair("Time", c.time());
    k.pair("ConnectionStatus", c.connectionStatus());
  }

  private static void envelope(Envelope env, KvOut k) {
    k.pair("ts", env.ts());
    k.pair("level", env.level());
    k.pair("caller", env.caller());
    k.pair("func", env.func());
    if (!env.loggerNames().isEmpty()) {
      k.pair("logger_names", String.join(".", env.loggerNames()));
    }
    k.pair("trace", env.trace());
    k.pair("span", env.span());
  }

  private static void extra(Event e, KvOut k) {
    if (!Coder.hasExtra(e)) {
      return;
    }
    for (Field f : e.fields()) {
      if (!Coder.isKnown(e.kind(), f.key())) {
        k.pair(CefMapping.alnum(f.key()), CefMapping.jsonText(f.value()));
      }
    }
  }

  /** {@code ms} as {@link #DEV_TIME_FORMAT} in UTC: {@code 2025-07-03T06:55:02.117+0000}. */
  static String devTime(long ms) {
    long secs = Math.floorDiv(ms, 1000L);
    int millis = (int) Math.floorMod(ms, 1000L);
    long days = Math.floorDiv(secs, 86400L);
    int sod = (int) Math.floorMod(secs, 86400L);
    // H. Hinnant's civil_from_days.
    long z = days + 719468;
    long era = Math.floorDiv(z, 146097);
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int) (doy - (153 * mp + 2) / 5 + 1);
    int m = (int) (mp < 10 ? mp + 3 : mp - 9);
    if (m <= 2) {
      y++;
    }
    char[] b = new char[28];
    put(b, 0, (int) y, 4);
    b[4] = '-';
    put(b, 5, m, 2);
    b[7] = '-';
    put(b, 8, d, 2);
    b[10] = 'T';
    put(b, 11, sod / 3600, 2);
    b[13] = ':';
    put(b, 14, (sod / 60) % 60, 2);
    b[16] = ':';
    put(b, 17, sod % 60, 2);
    b[19] = '.';
    put(b, 20, millis, 3);
    b[23] = '+';
    b[24] = '0';
    b[25] = '0';
    b[26] = '0';
    b[27] = '0';
    return new String(b);
  }

  private static void put(char[] b, int at, int v, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (char) ('0' + v % 10);
      v /= 10;
    }
  }
}
