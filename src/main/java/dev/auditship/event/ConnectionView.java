package dev.auditship.event;

/**
 * Typed, read-only access to the fields of a connection event ({@code
 * database.UpsertConnectionLogParams} + {@code ConnectionStatus}). Accessors return {@code null}
 * when the line did not carry the field or it was NULL.
 */
public record ConnectionView(Event event) {
  public ConnectionView {
    if (event.kind() != Kind.CONNECTION) {
      throw new IllegalArgumentException("not a connection event: " + event);
    }
  }

  public String id() {
    return event.string("ID");
  }

  public String organizationId() {
    return event.string("OrganizationID");
  }

  public String workspaceOwnerId() {
    return event.string("WorkspaceOwnerID");
  }

  public String workspaceId() {
    return event.string("WorkspaceID");
  }

  public String workspaceName() {
    return event.string("WorkspaceName");
  }

  public String agentName() {
    return event.string("AgentName");
  }

  public String type() {
    return event.string("Type");
  }

  public String ip() {
    return event.string("Ip");
  }

  public String userAgent() {
    return event.string("UserAgent");
  }

  public String userId() {
    return event.string("UserID");
  }

  public String slugOrPort() {
    return event.string("SlugOrPort");
  }

  public String connectionId() {
    return event.string("ConnectionID");
  }

  public String disconnectReason() {
    return event.string("DisconnectReason");
  }

  public String time() {
    return event.time();
  }

  public String connectionStatus() {
    return event.string("ConnectionStatus");
  }

  /**
   * Exit code (agent events, on disconnect) or HTTP status (web events); {@code null} when NULL.
   */
  public Integer code() {
    return Values.intOrNull(event.get("Code"));
  }

  /** The {@code request_id} context field, when the line carried one. */
  public String requestId() {
    return event.string("request_id");
  }
}
