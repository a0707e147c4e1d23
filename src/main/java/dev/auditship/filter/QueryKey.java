package dev.auditship.filter;

import dev.auditship.event.Kind;
import java.util.EnumSet;
import java.util.Set;

/**
 * Every key a query may use, with the kinds of event it applies to. The keys are Coder's audit-log
 * keys (docs/coder-reference.md §7.2) and connection-log keys (§7.3); {@code organization} and
 * {@code username} exist on both pages and so apply to both kinds; {@code kind} is the exporter's
 * own. A key that applies to one kind only selects that kind.
 */
enum QueryKey {
  RESOURCE_TYPE("resource_type", Kind.AUDIT),
  RESOURCE_ID("resource_id", Kind.AUDIT),
  RESOURCE_TARGET("resource_target", Kind.AUDIT),
  ACTION("action", Kind.AUDIT),
  EMAIL("email", Kind.AUDIT),
  DATE_FROM("date_from", Kind.AUDIT),
  DATE_TO("date_to", Kind.AUDIT),
  BUILD_REASON("build_reason", Kind.AUDIT),
  REQUEST_ID("request_id", Kind.AUDIT),

  WORKSPACE_OWNER("workspace_owner", Kind.CONNECTION),
  WORKSPACE_OWNER_EMAIL("workspace_owner_email", Kind.CONNECTION),
  TYPE("type", Kind.CONNECTION),
  USER_EMAIL("user_email", Kind.CONNECTION),
  CONNECTED_AFTER("connected_after", Kind.CONNECTION),
  CONNECTED_BEFORE("connected_before", Kind.CONNECTION),
  WORKSPACE_ID("workspace_id", Kind.CONNECTION),
  CONNECTION_ID("connection_id", Kind.CONNECTION),
  STATUS("status", Kind.CONNECTION),

  ORGANIZATION("organization", Kind.AUDIT, Kind.CONNECTION),
  USERNAME("username", Kind.AUDIT, Kind.CONNECTION),
  KIND("kind", Kind.AUDIT, Kind.CONNECTION);

  private final String key;
  private final Set<Kind> kinds;

  QueryKey(String key, Kind first, Kind... rest) {
    this.key = key;
    this.kinds = EnumSet.of(first, rest);
  }

  /** The key as written in a query (lower case). */
  String key() {
    return key;
  }

  /** The only kind the key applies to, or {@code null} when it applies to both. */
  Kind onlyKind() {
    return kinds.size() == 1 ? kinds.iterator().next() : null;
  }

  /** The key named {@code key} (already lower-cased), or {@code null}. */
  static QueryKey of(String key) {
    for (QueryKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }
}
