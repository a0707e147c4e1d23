package dev.auditship.codec;

import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.GoTime;
import java.util.Set;

/**
 * The checks that make a decoded event safe to ship: it has Coder's ID (the de-duplication key) and
 * a parseable {@code Time}, and every known field has the JSON type slog gives it. Unknown fields
 * (newer Coder versions) are not checked. Missing optional fields are allowed, because older Coder
 * releases printed fewer fields.
 */
public final class EventChecks {
  static final Set<String> UUIDS =
      Set.of(
          "ID",
          "UserID",
          "OrganizationID",
          "ResourceID",
          "RequestID",
          "WorkspaceOwnerID",
          "WorkspaceID");
  static final Set<String> NULLABLE_UUIDS = Set.of("ConnectionID");
  static final Set<String> AUDIT_STRINGS =
      Set.of("Ip", "UserAgent", "ResourceType", "ResourceTarget", "Action", "ResourceIcon");
  static final Set<String> CONNECTION_STRINGS =
      Set.of(
          "WorkspaceName",
          "AgentName",
          "Type",
          "Ip",
          "UserAgent",
          "SlugOrPort",
          "DisconnectReason",
          "ConnectionStatus");

  private EventChecks() {}

  /** A reason the event is broken, or {@code null} when it is fine. */
  public static String check(Event e) {
    Value id = e.get("ID");
    if (id == null) {
      return "missing \"ID\"";
    }
    if (!(id instanceof Value.Str ids) || !isUuid(ids.value())) {
      return "\"ID\" is not a UUID string";
    }
    Value time = e.get("Time");
    if (time == null) {
      return "missing \"Time\"";
    }
    if (!(time instanceof Value.Time t) || !GoTime.isRfc3339(t.text())) {
      return "\"Time\" is not an RFC 3339 time string";
    }
    boolean audit = e.kind() == Kind.AUDIT;
    for (Field f : e.fields()) {
      String bad = checkField(audit, f.key(), f.value());
      if (bad != null) {
        return bad;
      }
    }
    return null;
  }

  /**
   * The reason field {@code k} with value {@code v} is broken in an audit ({@code audit}) or
   * connection event, or {@code null}; what {@link #check} says of each field (a decoder that
   * checks fields as it reads them calls it).
   */
  static String checkField(boolean audit, String k, Value v) {
    String bad = null;
    if (UUIDS.contains(k)) {
      if (!(v instanceof Value.Str s) || !isUuid(s.value())) {
        // UserID of a connection event is a NullUUID.
        if (!(k.equals("UserID")
            && !audit
            && (v instanceof Value.Null || v instanceof Value.Str us && isUuid(us.value())))) {
          bad = "a UUID string";
        }
      }
    } else if (NULLABLE_UUIDS.contains(k) || (k.equals("UserID") && !audit)) {
      if (!(v instanceof Value.Null) && !(v instanceof Value.Str s && isUuid(s.value()))) {
        bad = "a UUID string or null";
      }
    } else if (audit ? AUDIT_STRINGS.contains(k) : CONNECTION_STRINGS.contains(k)) {
      if (!(v instanceof Value.Str)) {
        bad = "a string";
      }
    } else if (audit && k.equals("StatusCode")) {
      if (!isInt(v)) {
        bad = "an integer";
      }
    } else if (!audit && k.equals("Code")) {
      if (!(v instanceof Value.Null) && !isInt(v)) {
        bad = "an integer or null";
      }
    } else if (audit && k.equals("actor")) {
      if (!(v instanceof Value.Actor)) {
        bad = "an object with string \"id\", \"email\" and \"username\"";
      }
    }
    return bad == null ? null : "\"" + k + "\" must be " + bad;
  }

  private static boolean isInt(Value v) {
    if (!(v instanceof Value.Num n)) {
      return false;
    }
    String s = n.text();
    int i = s.startsWith("-") ? 1 : 0;
    if (i == s.length() || s.length() - i > 10) {
      return false;
    }
    for (; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Canonical 8-4-4-4-12 hex UUID text, as Go's uuid.UUID prints it. */
  public static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (c >= 128 || !HEX[c]) {
        return false;
      }
    }
    return true;
  }

  private static final boolean[] HEX = new boolean[128];

  static {
    for (char c : "0123456789abcdefABCDEF".toCharArray()) {
      HEX[c] = true;
    }
  }
}
