package dev.auditship.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.event.Event;
import dev.auditship.testutil.Golden;

/**
 * Real events for filter tests: a golden slog JSON line (as Coder prints it), with some fields
 * changed, decoded by the project's own decoder. Every builder starts from a fresh copy.
 */
final class TestEvents {
  private static final ObjectMapper OM = new ObjectMapper();

  static final String ORG = "0665a54f-0b77-4a58-94aa-59646fa38a74";
  static final String OTHER_ORG = "11111111-2222-4333-8444-555555555555";
  static final String ALICE = "6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa";
  static final String BOB = "7b0e3c1d-2f4a-4b5c-8d6e-9f0a1b2c3d4e";
  static final String ZERO = "00000000-0000-0000-0000-000000000000";

  private final ObjectNode root;

  private TestEvents(String goldenName) {
    try {
      root = (ObjectNode) OM.readTree(Golden.line(goldenName).json());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Audit: template {@code write} of {@code docker} by alice, in org {@link #ORG}. */
  static TestEvents templateWrite() {
    return new TestEvents("audit_template_write_diff");
  }

  /**
   * Audit: workspace_build {@code start} by alice, AdditionalFields with build_reason initiator.
   */
  static TestEvents buildStart() {
    return new TestEvents("audit_workspace_build_start");
  }

  /** Audit: api_key {@code login} by alice, site-wide (all-zero org). */
  static TestEvents login() {
    return new TestEvents("audit_user_login");
  }

  /** Connection: ssh connect of alice's workspace. */
  static TestEvents sshConnect() {
    return new TestEvents("conn_ssh_connect");
  }

  /** Connection: ssh disconnect, exit 127. */
  static TestEvents sshDisconnect() {
    return new TestEvents("conn_ssh_disconnect_exit");
  }

  /** Connection: workspace_app (code-server) opened by alice. */
  static TestEvents workspaceApp() {
    return new TestEvents("conn_workspace_app");
  }

  /** Connection: port_forwarding to 8080 by alice. */
  static TestEvents portForward() {
    return new TestEvents("conn_port_forwarding");
  }

  private ObjectNode fields() {
    return (ObjectNode) root.get("fields");
  }

  /** Sets a string field (keeps its place). */
  TestEvents with(String field, String value) {
    if (value == null) {
      fields().putNull(field);
    } else {
      fields().put(field, value);
    }
    return this;
  }

  /** Removes a field, as a Coder release that renamed or dropped it would. */
  TestEvents without(String field) {
    fields().remove(field);
    return this;
  }

  /** Sets a number field. */
  TestEvents with(String field, int value) {
    fields().put(field, value);
    return this;
  }

  /** Sets a raw JSON field such as {@code AdditionalFields}. */
  TestEvents withJson(String field, String json) {
    try {
      fields().set(field, OM.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** Sets the audit actor. */
  TestEvents actor(String id, String email, String username) {
    ObjectNode a = fields().putObject("actor");
    a.put("id", id);
    a.put("email", email);
    a.put("username", username);
    return this;
  }

  /** Sets the event {@code Time} (the slog {@code ts} stays as it was). */
  TestEvents at(String rfc3339) {
    return with("Time", rfc3339);
  }

  Event event() {
    try {
      return Golden.decodeOne(OM.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
