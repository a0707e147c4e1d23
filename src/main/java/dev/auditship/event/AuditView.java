package dev.auditship.event;

/**
 * Typed, read-only access to the fields of an audit event ({@code database.AuditLog} + {@code
 * actor}). Accessors return {@code null} when the line did not carry the field.
 */
public record AuditView(Event event) {
  public AuditView {
    if (event.kind() != Kind.AUDIT) {
      throw new IllegalArgumentException("not an audit event: " + event);
    }
  }

  public String id() {
    return event.string("ID");
  }

  public String time() {
    return event.time();
  }

  public String userId() {
    return event.string("UserID");
  }

  public String organizationId() {
    return event.string("OrganizationID");
  }

  public String ip() {
    return event.string("Ip");
  }

  public String userAgent() {
    return event.string("UserAgent");
  }

  public String resourceType() {
    return event.string("ResourceType");
  }

  public String resourceId() {
    return event.string("ResourceID");
  }

  public String resourceTarget() {
    return event.string("ResourceTarget");
  }

  public String action() {
    return event.string("Action");
  }

  public String requestId() {
    return event.string("RequestID");
  }

  public String resourceIcon() {
    return event.string("ResourceIcon");
  }

  /** Raw stored JSON of {@code Diff}, or {@code null} for nil/absent. */
  public String diff() {
    return event.get("Diff") instanceof Value.Raw r ? r.json() : null;
  }

  /** Raw stored JSON of {@code AdditionalFields}, or {@code null} for nil/absent. */
  public String additionalFields() {
    return event.get("AdditionalFields") instanceof Value.Raw r ? r.json() : null;
  }

  /** HTTP status of the audited request, or {@code null} when absent or not an integer. */
  public Integer statusCode() {
    return Values.intOrNull(event.get("StatusCode"));
  }

  public Value.Actor actor() {
    return event.get("actor") instanceof Value.Actor a ? a : null;
  }
}
