package dev.auditship.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.event.AuditView;
import dev.auditship.event.ConnectionView;
import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The event values the filter compares, read the same way for every term. A value an event does not
 * carry (or cannot be read) is {@code null}, and a term on it does not match.
 */
final class EventReads {
  private EventReads() {}

  /** The instant of the event's {@code Time} (RFC 3339, any offset, up to nine fraction digits). */
  static Instant time(Event e) {
    String text = e.time();
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException ex) {
      return null;
    }
  }

  /**
   * The {@code build_reason} of a workspace build, from the audit event's {@code AdditionalFields}
   * (docs/coder-reference.md §1: BackgroundAudit writes {@code workspace_name, build_number,
   * build_reason, workspace_owner, workspace_id}).
   */
  static String buildReason(ObjectMapper json, Event e) {
    String raw = new AuditView(e).additionalFields();
    if (raw == null || raw.indexOf("build_reason") < 0) {
      return null;
    }
    try {
      JsonNode n = json.readTree(raw);
      JsonNode r = n == null ? null : n.get("build_reason");
      return r != null && r.isTextual() ? r.asText() : null;
    } catch (IOException ex) {
      return null;
    }
  }

  /**
   * Whether a connection event belongs to a session with a connect and a disconnect, the only
   * events Coder's {@code status} filter applies to (docs/coder-reference.md §7.3, §8). Coder
   * excludes the point-in-time types {@code workspace_app}, {@code port_forwarding} and {@code
   * tunnel}. The agent's session types ({@code ssh}, {@code vscode}, {@code jetbrains}, {@code
   * reconnecting_pty}) qualify. The type set is open: a type this exporter does not know qualifies
   * when the event carries a {@code ConnectionID}, because agent-reported sessions always have one
   * and coderd's point-in-time web events never do (§3, §8). Coder instead lets every unlisted type
   * through, which would show a new point-in-time type as "ongoing" forever.
   */
  static boolean sessionEvent(Event e) {
    ConnectionView v = new ConnectionView(e);
    String type = lower(v.type());
    if (type == null || CoderEnums.POINT_IN_TIME_TYPES.contains(type)) {
      return false;
    }
    if (CoderEnums.SESSION_TYPES.contains(type)) {
      return true;
    }
    String cid = v.connectionId();
    return cid != null && !cid.isEmpty();
  }

  /** The connection event's {@code ConnectionStatus}: {@code connected} or {@code disconnected}. */
  static String connectionStatus(Event e) {
    return e.kind() == Kind.CONNECTION ? lower(new ConnectionView(e).connectionStatus()) : null;
  }

  static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
