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
  private final Severities severities;

  LeefMapping(String vendor, String product, String version, char delimiter, Severities sev) {
    this.delimiter = delimiter;
    this.severities = sev;
    this.prefix = KvOut.headerPrefix(false, "LEEF:2.0|", vendor, product, version);
    TextOut t = new TextOut(8);
    t.put(delimiter);
    t.put('|');
    this.delimiterField = t.bytes();
  }

  /** {@code LEEF:2.0|vendor|product|version|}, escaped once. */
  private final byte[] prefix;

  /** The header's delimiter field and its closing bar, as UTF-8. */
  private final byte[] delimiterField;

  @Override
  public void write(Event e, TextOut out) {
    Slots s = new Slots(e);
    KvOut k = KvOut.leef(out, delimiter);
    k.raw(prefix);
    Result r = Result.of(s);
    if (e.kind() == Kind.AUDIT) {
      k.ascii("audit:").headerPart(s.str(RESOURCE_TYPE)).ascii(":").headerPart(s.str(ACTION));
      k.ascii("|").raw(delimiterField);
      common(s, r, k);
      audit(s, k);
    } else {
      k.ascii("connection:").headerPart(s.str(TYPE)).ascii(":");
      k.headerPart(s.str(CONNECTION_STATUS)).ascii("|").raw(delimiterField);
      common(s, r, k);
      connection(s, k);
    }
    envelope(e.envelope(), k);
    extra(s, k);
  }

  private void common(Slots s, Result r, KvOut k) {
    long ms = s.fileMillis();
    if (ms != Long.MIN_VALUE) {
      k.devTime("devTime", ms).lit("devTimeFormat", DEV_TIME_FORMAT);
    }
    k.lit("cat", s.kind.label());
    k.lit("sev", SEV[severities.of(r)]);
    k.lit("outcome", r.label());
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
      k.pair("src", s.str(IP));
    } else if (raw != null && !raw.isEmpty() && !"<nil>".equals(raw)) {
      k.pair("Ip", s.str(IP));
    }
  }

  private static void audit(Slots s, KvOut k) {
    String action = s.text(ACTION);
    Value.Actor actor = s.actor();
    if (actor != null) {
      k.pair("usrName", Coder.nonEmpty(actor.username()));
    }
    address(s, k);
    k.pair("resource", s.nonEmpty(RESOURCE_TARGET));
    if ("login".equals(action)) {
      k.lit("isLoginEvent", "true");
    } else if ("logout".equals(action)) {
      k.lit("isLogoutEvent", "true");
    }
    k.pair("ID", s.str(ID));
    time(s, k);
    k.pair("UserID", s.str(USER_ID));
    k.pair("OrganizationID", s.str(ORGANIZATION_ID));
    k.pair("UserAgent", s.nonEmpty(USER_AGENT));
    k.pair("ResourceType", s.str(RESOURCE_TYPE));
    k.pair("ResourceID", s.str(RESOURCE_ID));
    k.pair("Action", s.str(ACTION));
    k.pair("Diff", CefMapping.jsonText(s.get(DIFF)));
    long status = s.number(STATUS_CODE);
    if (status != Long.MIN_VALUE) {
      k.pair("StatusCode", status);
    }
    k.pair("AdditionalFields", CefMapping.jsonText(s.get(ADDITIONAL_FIELDS)));
    k.pair("RequestID", s.str(REQUEST_ID));
    k.pair("ResourceIcon", s.nonEmpty(RESOURCE_ICON));
    if (actor != null) {
      k.pair("actorId", actor.id());
      k.pair("actorEmail", Coder.nonEmpty(actor.email()));
    }
  }

  private static void connection(Slots s, KvOut k) {
    address(s, k);
    k.pair("request_id", s.nonEmpty(CONTEXT_REQUEST_ID));
    k.pair("ID", s.str(ID));
    k.pair("OrganizationID", s.str(ORGANIZATION_ID));
    k.pair("WorkspaceOwnerID", s.str(WORKSPACE_OWNER_ID));
    k.pair("WorkspaceID", s.str(WORKSPACE_ID));
    k.pair("WorkspaceName", s.str(WORKSPACE_NAME));
    k.pair("AgentName", s.str(AGENT_NAME));
    k.pair("Type", s.str(TYPE));
    long code = s.number(CODE);
    if (code != Long.MIN_VALUE) {
      k.pair("Code", code);
    }
    k.pair("UserAgent", s.nonEmpty(USER_AGENT));
    k.pair("UserID", s.nonEmpty(USER_ID));
    k.pair("SlugOrPort", s.nonEmpty(SLUG_OR_PORT));
    k.pair("ConnectionID", s.nonEmpty(CONNECTION_ID));
    k.pair("DisconnectReason", s.nonEmpty(DISCONNECT_REASON));
    time(s, k);
    k.pair("ConnectionStatus", s.str(CONNECTION_STATUS));
  }

  /** Coder's Time text: as it is when it is a valid RFC 3339 time (nothing to escape). */
  private static void time(Slots s, KvOut k) {
    if (s.timePlain()) {
      k.lit("Time", s.time());
    } else {
      k.pair("Time", s.time());
    }
  }

  private static void envelope(Envelope env, KvOut k) {
    k.pair("ts", env.ts());
    if ("INFO".equals(env.level())) {
      k.lit("level", "INFO");
    } else {
      k.pair("level", env.level());
    }
    k.pair("caller", Coder.unusualCaller(env));
    k.pair("func", Coder.unusualFunc(env));
    List<String> names = env.loggerNames();
    if (names.size() == 1 && "coderd".equals(names.get(0))) {
      k.lit("logger_names", "coderd");
    } else if (!names.isEmpty()) {
      k.pair("logger_names", names.size() == 1 ? names.get(0) : String.join(".", names));
    }
    k.pair("trace", env.trace());
    k.pair("span", env.span());
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
