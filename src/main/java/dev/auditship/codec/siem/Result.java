package dev.auditship.codec.siem;

import dev.auditship.event.Kind;

/**
 * Whether the recorded action succeeded, derived the same way for every SIEM format (and agreeing
 * with the syslog sink's failure severity): an audited request answered with HTTP status 400 or
 * more failed, below 400 succeeded; an agent connection (ssh, vscode, jetbrains, reconnecting_pty)
 * succeeded when it opened and when it closed with exit code 0, failed on any other exit code; a
 * web connection (workspace_app, port_forwarding, tunnel) carries the HTTP status the same way as
 * an audit event. Anything without the code it needs is {@link #UNKNOWN}.
 */
enum Result {
  SUCCESS("success"),
  FAILURE("failure"),
  UNKNOWN("unknown");

  private final String label;

  Result(String label) {
    this.label = label;
  }

  /** {@code success}, {@code failure} or {@code unknown}: ECS event.outcome, CEF outcome. */
  String label() {
    return label;
  }

  static Result of(Slots s) {
    if (s.kind == Kind.AUDIT) {
      return ofStatus(s.number(Slots.STATUS_CODE));
    }
    long code = s.number(Slots.CODE);
    if (Coder.isWeb(s.text(Slots.TYPE))) {
      return ofStatus(code);
    }
    if (code == Long.MIN_VALUE) {
      return "connected".equals(s.text(Slots.CONNECTION_STATUS)) ? SUCCESS : UNKNOWN;
    }
    return code == 0 ? SUCCESS : FAILURE;
  }

  private static Result ofStatus(long status) {
    if (status == Long.MIN_VALUE) {
      return UNKNOWN;
    }
    return status >= 400 ? FAILURE : SUCCESS;
  }
}
