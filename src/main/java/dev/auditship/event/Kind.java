package dev.auditship.event;

import java.util.List;

/**
 * The two kinds of Coder security event, with the slog message that carries each and the fields of
 * the Go struct Coder exports, in declaration order (docs/coder-reference.md §2 and §3).
 */
public enum Kind {
  AUDIT(
      "audit_log",
      List.of(
          "ID",
          "Time",
          "UserID",
          "OrganizationID",
          "Ip",
          "UserAgent",
          "ResourceType",
          "ResourceID",
          "ResourceTarget",
          "Action",
          "Diff",
          "StatusCode",
          "AdditionalFields",
          "RequestID",
          "ResourceIcon",
          "actor")),
  CONNECTION(
      "connection_log",
      List.of(
          "ID",
          "OrganizationID",
          "WorkspaceOwnerID",
          "WorkspaceID",
          "WorkspaceName",
          "AgentName",
          "Type",
          "Code",
          "Ip",
          "UserAgent",
          "UserID",
          "SlugOrPort",
          "ConnectionID",
          "DisconnectReason",
          "Time",
          "ConnectionStatus"));

  private final String message;
  private final List<String> fields;

  Kind(String message, List<String> fields) {
    this.message = message;
    this.fields = fields;
  }

  /** The slog message: {@code audit_log} or {@code connection_log}. */
  public String message() {
    return message;
  }

  /** The exported struct fields in Coder's order (audit: plus the extra {@code actor}). */
  public List<String> fields() {
    return fields;
  }

  /** The kind whose slog message is {@code msg}, or {@code null}. */
  public static Kind ofMessage(String msg) {
    if ("audit_log".equals(msg)) {
      return AUDIT;
    }
    if ("connection_log".equals(msg)) {
      return CONNECTION;
    }
    return null;
  }

  /** Lower-case name used in config and output ({@code audit}, {@code connection}). */
  public String label() {
    return this == AUDIT ? "audit" : "connection";
  }
}
