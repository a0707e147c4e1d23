package dev.auditship.sink.syslog;

import dev.auditship.event.AuditView;
import dev.auditship.event.ConnectionView;
import dev.auditship.event.Event;
import java.util.Set;

/**
 * PRI of a message (RFC 5424 §6.2.1): facility &times; 8 + severity, where the severity says
 * whether the audited action failed.
 */
final class Priority {
  private final int facility;
  private final int severity;
  private final int failureSeverity;

  Priority(int facility, int severity, int failureSeverity) {
    if (facility < 0
        || facility > 23
        || severity < 0
        || severity > 7
        || failureSeverity < 0
        || failureSeverity > 7) {
      throw new IllegalArgumentException("facility 0..23 and severities 0..7 expected");
    }
    this.facility = facility;
    this.severity = severity;
    this.failureSeverity = failureSeverity;
  }

  /** The event fields {@link #failed} reads. */
  static final Set<String> FIELDS = Set.of("StatusCode", "Code", "ConnectionStatus");

  /** PRIVAL of {@code e}: 0 to 191. */
  int of(Event e) {
    return facility * 8 + (failed(e) ? failureSeverity : severity);
  }

  /**
   * Whether the event records a failed action: an audited request answered with HTTP status 400 or
   * more; a connection that ended with a non-zero exit code; a web connection (workspace app, port
   * forwarding) answered with HTTP status 400 or more. Coder puts the exit code of agent
   * connections and the HTTP status of web connections in the same {@code Code} field
   * (docs/coder-reference.md §3, §8): agent events carry it only on disconnect, web events only as
   * {@code connected}.
   */
  static boolean failed(Event e) {
    return switch (e.kind()) {
      case AUDIT -> {
        Integer status = new AuditView(e).statusCode();
        yield status != null && status >= 400;
      }
      case CONNECTION -> {
        ConnectionView c = new ConnectionView(e);
        Integer code = c.code();
        if (code == null) {
          yield false;
        }
        yield "disconnected".equals(c.connectionStatus()) ? code != 0 : code >= 400;
      }
    };
  }
}
