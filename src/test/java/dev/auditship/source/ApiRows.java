package dev.auditship.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Rows as Coder's REST API returns them ({@code codersdk.AuditLog}, {@code codersdk.ConnectionLog},
 * docs/coder-reference.md §6), built from the values of the golden lines in
 * src/test/resources/golden.
 */
final class ApiRows {
  static final ObjectMapper M = new ObjectMapper();
  static final String ALICE = "6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa";
  static final String ORG = "0665a54f-0b77-4a58-94aa-59646fa38a74";
  static final String WORKSPACE = "3c0b37c8-e58c-4980-b9a1-2732410480a5";
  static final String ZERO = "00000000-0000-0000-0000-000000000000";
  static final String BROWSER =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          + "Chrome/126.0.0.0 Safari/537.36";

  private ApiRows() {}

  /** The full codersdk.User the API embeds. */
  static ObjectNode alice() {
    ObjectNode u = M.createObjectNode();
    u.put("id", ALICE);
    u.put("username", "alice");
    u.put("name", "Alice Example");
    u.put("email", "alice@example.com");
    u.put("created_at", "2025-01-02T10:00:00.123456Z");
    u.put("updated_at", "2025-07-01T09:00:00.5Z");
    u.put("last_seen_at", "2025-07-03T06:55:02.117803Z");
    u.put("status", "active");
    u.put("login_type", "password");
    u.put("avatar_url", "");
    u.put("theme_preference", "");
    u.putArray("organization_ids").add(ORG);
    u.putArray("roles").addObject().put("name", "auditor").put("display_name", "Auditor");
    return u;
  }

  static ObjectNode organization() {
    ObjectNode o = M.createObjectNode();
    o.put("id", ORG);
    o.put("name", "coder");
    o.put("display_name", "Coder");
    o.put("icon", "");
    return o;
  }

  /** A2: user login (api_key / login, 201), site-wide so "organization" is left out. */
  static ObjectNode login(String id, String time, String requestId) {
    ObjectNode r = M.createObjectNode();
    r.put("id", id);
    r.put("request_id", requestId);
    r.put("time", time);
    r.put("ip", "203.0.113.45");
    r.put("user_agent", BROWSER);
    r.put("resource_type", "api_key");
    r.put("resource_id", ALICE);
    r.put("resource_target", "");
    r.put("resource_icon", "");
    r.put("action", "login");
    r.putObject("diff");
    r.put("status_code", 201);
    r.putObject("additional_fields");
    r.put("description", "{user} logged in");
    r.put("resource_link", "");
    r.put("is_deleted", false);
    r.put("organization_id", ZERO);
    r.set("user", alice());
    return r;
  }

  /**
   * A numbered audit row (a login) at {@code base + i} seconds, with a UUID derived from {@code i}.
   */
  static ObjectNode audit(int i, Instant base) {
    return login(uuid("a", i), base.plusSeconds(i).toString(), uuid("r", i));
  }

  /** C1: an ssh connection, open (no disconnect fields yet). */
  static ObjectNode ssh(String id, String connectTime, String connectionId) {
    ObjectNode r = M.createObjectNode();
    r.put("id", id);
    r.put("connect_time", connectTime);
    r.set("organization", organization());
    r.put("workspace_owner_id", ALICE);
    r.put("workspace_owner_username", "alice");
    r.put("workspace_id", WORKSPACE);
    r.put("workspace_name", "dev");
    r.put("agent_name", "main");
    r.put("ip", "fd7a:115c:a1e0:4b86:9046:80e:6c70:33b7");
    r.put("type", "ssh");
    r.putObject("ssh_info").put("connection_id", connectionId);
    return r;
  }

  /**
   * What Coder's upsert does when the disconnect arrives: the row gains the ssh_info disconnect
   * fields.
   */
  static ObjectNode close(ObjectNode ssh, String disconnectTime, int exitCode, String reason) {
    ObjectNode s = (ObjectNode) ssh.get("ssh_info");
    s.put("disconnect_time", disconnectTime);
    s.put("disconnect_reason", reason);
    s.put("exit_code", exitCode);
    return ssh;
  }

  /** C3/C4: a web connection (workspace_app or port_forwarding). */
  static ObjectNode web(
      String id, String time, String type, String slugOrPort, int status, String userAgent) {
    ObjectNode r = M.createObjectNode();
    r.put("id", id);
    r.put("connect_time", time);
    r.set("organization", organization());
    r.put("workspace_owner_id", ALICE);
    r.put("workspace_owner_username", "alice");
    r.put("workspace_id", WORKSPACE);
    r.put("workspace_name", "dev");
    r.put("agent_name", "main");
    r.put("ip", type.equals("port_forwarding") ? "198.51.100.23" : "127.0.0.1");
    r.put("type", type);
    ObjectNode w = r.putObject("web_info");
    w.put("user_agent", userAgent);
    w.set("user", alice());
    w.put("slug_or_port", slugOrPort);
    w.put("status_code", status);
    return r;
  }

  /** A stable UUID for test row {@code i} of a series. */
  static String uuid(String series, int i) {
    return UUID.nameUUIDFromBytes((series + i).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
