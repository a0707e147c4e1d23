package dev.auditship.source;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.format.GoTime;
import dev.auditship.source.ApiJson.J;
import dev.auditship.source.ApiJson.Obj;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Maps rows of Coder's REST API ({@code codersdk.AuditLog}, {@code codersdk.ConnectionLog}) to the
 * events Coder's slog exporter would have printed for them (docs/coder-reference.md §2, §3, §6,
 * §8). Pure and deterministic: the same row always gives the same event, byte for byte, so
 * re-exporting a row repeats its record exactly. What the API cannot carry is filled in the same
 * way every time (docs/coder-api-source.md):
 *
 * <ul>
 *   <li>{@code ts} is the event's {@code Time} in UTC (the live line's ts is the moment of logging,
 *       which the API does not keep); {@code caller}/{@code func} are left to the configured
 *       envelope defaults.
 *   <li>The {@code request_id} context field of connection lines is omitted: the API has no
 *       per-event request ID for connections.
 *   <li>The disconnect event's own {@code ID} is never stored by Coder; it is the name-based UUID
 *       (version 5, RFC 9562 §5.5) with the row's ID as namespace and {@code "disconnected"} as
 *       name.
 *   <li>An audit row whose user is gone ({@code user: null}) gets the all-zero {@code UserID} and a
 *       zero actor, as Coder's exporter prints when the user lookup finds nothing.
 *   <li>{@code Diff} is rebuilt in its stored shape: keys sorted, {@code Old}/{@code New} {@code
 *       null} when the API left them out, {@code Secret} always present. {@code AdditionalFields}
 *       is kept as the API returned it (Postgres jsonb key order, which can differ from the live
 *       line).
 * </ul>
 */
final class ApiMapper {
  static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";
  static final String NIL_IP = "<nil>";

  /** Which slog line a row yields. */
  enum Line {
    /** An audit row: one {@code audit_log} line. */
    AUDIT,
    /** A web connection (workspace_app, port_forwarding) or any row without ssh_info: one line. */
    WEB,
    /** The connect line of an SSH-like row (ssh, vscode, jetbrains, reconnecting_pty). */
    CONNECTED,
    /** The disconnect line of an SSH-like row, once {@code ssh_info.disconnect_time} is set. */
    DISCONNECTED
  }

  /** What the poller needs to know about a row, checked. */
  record RowInfo(
      Kind kind,
      String id,
      Instant time,
      boolean sshLike,
      String connectionId,
      Instant disconnectTime) {
    boolean closed() {
      return disconnectTime != null;
    }
  }

  /** The outcome of checking a row. */
  sealed interface Checked {}

  record Good(RowInfo info) implements Checked {}

  record Bad(String reason) implements Checked {}

  private final List<String> loggerNames;

  ApiMapper(List<String> loggerNames) {
    this.loggerNames = List.copyOf(loggerNames);
  }

  /**
   * Checks a row by mapping every line it can yield; a row that fails is quarantined, not shipped.
   */
  Checked check(Kind kind, J row) {
    try {
      if (!(row instanceof Obj o)) {
        return new Bad("the row is " + ApiJson.typeOf(row) + ", not an object");
      }
      RowInfo info = info(kind, o);
      List<Line> lines =
          kind == Kind.AUDIT
              ? List.of(Line.AUDIT)
              : !info.sshLike()
                  ? List.of(Line.WEB)
                  : info.closed()
                      ? List.of(Line.CONNECTED, Line.DISCONNECTED)
                      : List.of(Line.CONNECTED);
      for (Line l : lines) {
        String bad = EventChecks.check(event(l, o));
        if (bad != null) {
          return new Bad(bad);
        }
      }
      return new Good(info);
    } catch (BadRow e) {
      return new Bad(e.getMessage());
    }
  }

  private static RowInfo info(Kind kind, Obj o) {
    String id = uuid(o, "id");
    if (kind == Kind.AUDIT) {
      return new RowInfo(kind, id, instant(o, "time"), false, null, null);
    }
    Instant connect = instant(o, "connect_time");
    string(o, "type", null, true);
    Obj ssh = object(o, "ssh_info");
    if (ssh == null) {
      return new RowInfo(kind, id, connect, false, null, null);
    }
    String cid = uuid(ssh, "connection_id");
    Instant disconnect =
        ssh.get("disconnect_time") == null || ssh.get("disconnect_time") instanceof ApiJson.Null
            ? null
            : instant(ssh, "disconnect_time");
    return new RowInfo(kind, id, connect, true, cid, disconnect);
  }

  /** The event for one line of a row that {@link #check} accepted. */
  Event event(Line line, Obj row) {
    return switch (line) {
      case AUDIT -> audit(row);
      case WEB, CONNECTED -> connection(row, false);
      case DISCONNECTED -> connection(row, true);
    };
  }

  private Event audit(Obj o) {
    String timeText = timeText(o, "time");
    Obj user = object(o, "user");
    String userId = user == null ? ZERO_UUID : uuid(user, "id");
    List<Field> f = new ArrayList<>(16);
    f.add(str("ID", uuid(o, "id")));
    f.add(new Field("Time", new Value.Time(timeText)));
    f.add(str("UserID", userId));
    f.add(str("OrganizationID", organizationId(o)));
    f.add(str("Ip", ip(o)));
    f.add(str("UserAgent", string(o, "user_agent", "", false)));
    f.add(str("ResourceType", string(o, "resource_type", "", false)));
    f.add(str("ResourceID", optionalUuid(o, "resource_id")));
    f.add(str("ResourceTarget", string(o, "resource_target", "", false)));
    f.add(str("Action", string(o, "action", "", false)));
    f.add(new Field("Diff", new Value.Raw(diff(o.get("diff")))));
    f.add(new Field("StatusCode", integer(o, "status_code", true)));
    J af = o.get("additional_fields");
    f.add(
        new Field(
            "AdditionalFields",
            af == null || af instanceof ApiJson.Null
                ? Value.Raw.NIL
                : new Value.Raw(ApiJson.write(af))));
    f.add(str("RequestID", optionalUuid(o, "request_id")));
    f.add(str("ResourceIcon", string(o, "resource_icon", "", false)));
    f.add(
        new Field(
            "actor",
            user == null
                ? new Value.Actor(ZERO_UUID, "", "")
                : new Value.Actor(
                    userId,
                    string(user, "email", "", false),
                    string(user, "username", "", false))));
    return new Event(Kind.AUDIT, envelope(timeText), f);
  }

  private Event connection(Obj o, boolean disconnect) {
    Obj ssh = object(o, "ssh_info");
    Obj web = object(o, "web_info");
    String rowId = uuid(o, "id");
    String timeText = disconnect ? timeText(ssh, "disconnect_time") : timeText(o, "connect_time");
    Value code;
    if (ssh != null) {
      // Agent events: Code is NULL on connect and the exit code on disconnect
      // (docs/coder-reference.md §8).
      code = disconnect ? nullableInteger(ssh, "exit_code") : Value.Null.INSTANCE;
    } else if (web != null) {
      code = integer(web, "status_code", true);
    } else {
      code = Value.Null.INSTANCE;
    }
    Obj webUser = web == null ? null : object(web, "user");
    List<Field> f = new ArrayList<>(16);
    f.add(str("ID", disconnect ? disconnectId(rowId) : rowId));
    f.add(str("OrganizationID", organizationId(o)));
    f.add(str("WorkspaceOwnerID", optionalUuid(o, "workspace_owner_id")));
    f.add(str("WorkspaceID", optionalUuid(o, "workspace_id")));
    f.add(str("WorkspaceName", string(o, "workspace_name", "", false)));
    f.add(str("AgentName", string(o, "agent_name", "", false)));
    f.add(str("Type", string(o, "type", null, true)));
    f.add(new Field("Code", code));
    f.add(str("Ip", ip(o)));
    f.add(str("UserAgent", web == null ? "" : string(web, "user_agent", "", false)));
    f.add(
        new Field(
            "UserID", webUser == null ? Value.Null.INSTANCE : new Value.Str(uuid(webUser, "id"))));
    f.add(str("SlugOrPort", web == null ? "" : string(web, "slug_or_port", "", false)));
    f.add(
        new Field(
            "ConnectionID",
            ssh == null ? Value.Null.INSTANCE : new Value.Str(uuid(ssh, "connection_id"))));
    f.add(str("DisconnectReason", disconnect ? string(ssh, "disconnect_reason", "", false) : ""));
    f.add(new Field("Time", new Value.Time(timeText)));
    f.add(str("ConnectionStatus", disconnect ? "disconnected" : "connected"));
    return new Event(Kind.CONNECTION, envelope(timeText), f);
  }

  private Envelope envelope(String timeText) {
    // ts: the event's own time in UTC, the closest deterministic stand-in for the moment of
    // logging.
    String ts = GoTime.rfc3339Nano(GoTime.parse(timeText).toInstant());
    return new Envelope(ts, "INFO", null, null, loggerNames, null, null);
  }

  /**
   * The ID of a disconnect event, which Coder never stores: UUID version 5 (SHA-1, RFC 9562 §5.5)
   * of the name {@code "disconnected"} in the namespace of the row's ID. Python: {@code
   * uuid.uuid5(UUID(row_id), "disconnected")}.
   */
  static String disconnectId(String rowId) {
    UUID ns = UUID.fromString(rowId);
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(
          ByteBuffer.allocate(16)
              .putLong(ns.getMostSignificantBits())
              .putLong(ns.getLeastSignificantBits())
              .array());
      sha1.update("disconnected".getBytes(StandardCharsets.UTF_8));
      byte[] h = sha1.digest();
      h[6] = (byte) ((h[6] & 0x0f) | 0x50); // version 5
      h[8] = (byte) ((h[8] & 0x3f) | 0x80); // RFC variant
      ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
      return new UUID(b.getLong(), b.getLong()).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }

  /**
   * The stored Diff from the API's {@code codersdk.AuditDiff}: Coder stores {@code json.Marshal} of
   * a Go map of {@code OldNew} structs without json tags, so keys are sorted and each entry is
   * {@code {"Old":…,"New":…,"Secret":…}}; the API lower-cases them and drops absent old/new
   * (docs/coder-reference.md §10).
   */
  private static String diff(J d) {
    if (d == null || d instanceof ApiJson.Null) {
      return "{}";
    }
    if (!(d instanceof Obj o)) {
      throw new BadRow("\"diff\" must be an object, got " + ApiJson.typeOf(d));
    }
    TreeMap<String, J> sorted = new TreeMap<>(ApiMapper::goStringOrder);
    sorted.putAll(o.fields());
    StringBuilder sb = new StringBuilder(64);
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, J> e : sorted.entrySet()) {
      if (!(e.getValue() instanceof Obj entry)) {
        throw new BadRow(
            "\"diff." + e.getKey() + "\" must be an object, got " + ApiJson.typeOf(e.getValue()));
      }
      J secret = entry.get("secret");
      if (secret != null
          && !(secret instanceof ApiJson.Bool)
          && !(secret instanceof ApiJson.Null)) {
        throw new BadRow("\"diff." + e.getKey() + ".secret\" must be a boolean");
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      dev.auditship.format.GoText.appendJsonString(sb, e.getKey());
      sb.append(":{\"Old\":");
      ApiJson.write(entry.get("old") == null ? ApiJson.Null.INSTANCE : entry.get("old"), sb);
      sb.append(",\"New\":");
      ApiJson.write(entry.get("new") == null ? ApiJson.Null.INSTANCE : entry.get("new"), sb);
      sb.append(",\"Secret\":").append(secret instanceof ApiJson.Bool b && b.value()).append('}');
    }
    return sb.append('}').toString();
  }

  /** Go sorts map keys by their UTF-8 bytes; for UTF-16 strings that is code point order. */
  private static int goStringOrder(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static String organizationId(Obj o) {
    Obj org = object(o, "organization");
    if (org != null) {
      return uuid(org, "id");
    }
    // The API leaves "organization" out for the all-zero organization (site-wide resources).
    return optionalUuid(o, "organization_id");
  }

  /**
   * The API's netip.Addr text, as slog prints the inet: {@code <nil>} when unknown, IPv4-mapped as
   * IPv4.
   */
  private static String ip(Obj o) {
    String ip = string(o, "ip", "", false);
    if (ip.isEmpty()) {
      return NIL_IP;
    }
    // netip keeps "::ffff:1.2.3.4"; Go's net.IP.String(), which slog used, prints it dotted
    // (docs/coder-reference.md §2).
    if (ip.regionMatches(true, 0, "::ffff:", 0, 7)
        && ip.indexOf('.') > 0
        && ip.indexOf(':', 7) < 0) {
      return ip.substring(7);
    }
    return ip;
  }

  private static Field str(String key, String value) {
    return new Field(key, new Value.Str(value));
  }

  private static String timeText(Obj o, String key) {
    J v = o.get(key);
    if (!(v instanceof ApiJson.Str s) || !GoTime.isRfc3339(s.value())) {
      throw new BadRow("\"" + key + "\" must be an RFC 3339 time" + got(v));
    }
    OffsetDateTime t = GoTime.parse(s.value());
    return GoTime.rfc3339Nano(t);
  }

  private static Instant instant(Obj o, String key) {
    return GoTime.parse(timeText(o, key)).toInstant();
  }

  private static String string(Obj o, String key, String def, boolean required) {
    J v = o.get(key);
    if (v == null || v instanceof ApiJson.Null) {
      if (required) {
        throw new BadRow("\"" + key + "\" is missing");
      }
      return def;
    }
    if (!(v instanceof ApiJson.Str s)) {
      throw new BadRow("\"" + key + "\" must be a string" + got(v));
    }
    return s.value();
  }

  private static String uuid(Obj o, String key) {
    String s = string(o, key, null, true);
    if (!EventChecks.isUuid(s)) {
      throw new BadRow("\"" + key + "\" must be a UUID, got \"" + cut(s) + "\"");
    }
    return s;
  }

  /** A UUID field the API may leave out: the zero UUID, as Go prints an unset uuid.UUID. */
  private static String optionalUuid(Obj o, String key) {
    J v = o.get(key);
    if (v == null || v instanceof ApiJson.Null) {
      return ZERO_UUID;
    }
    return uuid(o, key);
  }

  private static Obj object(Obj o, String key) {
    J v = o.get(key);
    if (v == null || v instanceof ApiJson.Null) {
      return null;
    }
    if (!(v instanceof Obj ob)) {
      throw new BadRow("\"" + key + "\" must be an object" + got(v));
    }
    return ob;
  }

  private static Value integer(Obj o, String key, boolean required) {
    J v = o.get(key);
    if (v == null || v instanceof ApiJson.Null) {
      if (required) {
        throw new BadRow("\"" + key + "\" is missing");
      }
      return Value.Null.INSTANCE;
    }
    if (!(v instanceof ApiJson.Num n) || !isInt32(n.text())) {
      throw new BadRow("\"" + key + "\" must be a 32-bit integer" + got(v));
    }
    return new Value.Num(n.text());
  }

  private static Value nullableInteger(Obj o, String key) {
    return integer(o, key, false);
  }

  private static boolean isInt32(String s) {
    try {
      Integer.parseInt(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String got(J v) {
    if (v == null) {
      return ", but it is missing";
    }
    if (v instanceof ApiJson.Str s) {
      return ", got \"" + cut(s.value()) + "\"";
    }
    return ", got " + ApiJson.typeOf(v);
  }

  private static String cut(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  /** A row that cannot be mapped; caught in {@link #check}, never thrown out of this class. */
  private static final class BadRow extends RuntimeException {
    BadRow(String reason) {
      super(reason, null, false, false);
    }
  }
}
