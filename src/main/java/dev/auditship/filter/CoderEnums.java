package dev.auditship.filter;

import java.util.Set;

/**
 * The enum values a query may name (docs/coder-reference.md §6.2). Events keep these sets open: an
 * unknown value in a log line passes through untouched. A query value, however, is checked against
 * these lists, as Coder's search does, so a typo is refused at validate time instead of silently
 * matching nothing.
 *
 * <p>When Coder adds a value (a new resource type, connection type, build reason or action), add it
 * here, or queries naming it are refused. The lists include values only seen in newer Coder code
 * (§6.2), so a query for them is accepted on every version.
 */
final class CoderEnums {
  private CoderEnums() {}

  /**
   * {@code database.AuditAction}, including the deprecated connection actions still valid in
   * search.
   */
  static final Set<String> AUDIT_ACTIONS =
      Set.of(
          "create",
          "write",
          "delete",
          "start",
          "stop",
          "login",
          "logout",
          "register",
          "request_password_reset",
          "connect",
          "disconnect",
          "open",
          "close");

  /** {@code database.ResourceType}, recent main plus the newer values of §6.2. */
  static final Set<String> RESOURCE_TYPES =
      Set.of(
          "organization",
          "template",
          "template_version",
          "user",
          "workspace",
          "git_ssh_key",
          "api_key",
          "group",
          "workspace_build",
          "license",
          "workspace_proxy",
          "convert_login",
          "health_settings",
          "oauth2_provider_app",
          "oauth2_provider_app_secret",
          "custom_role",
          "organization_member",
          "notifications_settings",
          "notification_template",
          "idp_sync_settings_organization",
          "idp_sync_settings_group",
          "idp_sync_settings_role",
          "workspace_agent",
          "workspace_app",
          "prebuilds_settings",
          "task",
          "ai_seat",
          "chat",
          // Newer or branch codersdk (§6.2).
          "oauth2_provider_settings",
          "ai_provider",
          "ai_provider_key",
          "ai_gateway_key",
          "group_ai_budget",
          "user_ai_budget_override",
          "chat_project",
          "mcp_server_config",
          "chat_model_config",
          "user_secret",
          "user_skill",
          "chat_instruction_settings",
          "chat_operational_settings",
          "experiment_rule");

  /** {@code database.BuildReason}. */
  static final Set<String> BUILD_REASONS =
      Set.of(
          "initiator",
          "autostart",
          "autostop",
          "dormancy",
          "failedstop",
          "autodelete",
          "dashboard",
          "cli",
          "ssh_connection",
          "vscode_connection",
          "jetbrains_connection",
          "task_auto_pause",
          "task_manual_pause",
          "task_resume");

  /** {@code database.ConnectionType}: the released values, then those seen in newer code (§6.2). */
  static final Set<String> CONNECTION_TYPES =
      Set.of(
          "ssh",
          "vscode",
          "jetbrains",
          "reconnecting_pty",
          "workspace_app",
          "port_forwarding",
          "tunnel",
          "file_transfer",
          "file_operation",
          "egress");

  /** {@code codersdk.ConnectionLogStatus}, the {@code status} search value. */
  static final Set<String> CONNECTION_LOG_STATUSES = Set.of("ongoing", "completed");

  /** The exporter's own {@code kind} key. */
  static final Set<String> KINDS = Set.of("audit", "connection");

  /**
   * Connection types reported by the workspace agent as a session with a connect and a disconnect
   * event (docs/coder-reference.md §8). {@code status} applies to them.
   */
  static final Set<String> SESSION_TYPES = Set.of("ssh", "vscode", "jetbrains", "reconnecting_pty");

  /**
   * Point-in-time connection types reported by coderd: they have no disconnect, so Coder's {@code
   * status} filter excludes them ({@code "type" NOT IN ('workspace_app', 'port_forwarding',
   * 'tunnel')} in {@code GetConnectionLogsOffset}, docs/coder-reference.md §7.3).
   */
  static final Set<String> POINT_IN_TIME_TYPES =
      Set.of("workspace_app", "port_forwarding", "tunnel");
}
