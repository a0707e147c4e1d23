package dev.auditship.testutil;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.codec.Decoded;
import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Real events for tests, all made from the golden slog lines (as Coder prints them) and decoded by
 * the project's own decoder:
 *
 * <ul>
 *   <li>numbered events for delivery tests ({@link #event(long)}, {@link #id}, {@link #index});
 *   <li>golden events and the records the pipeline would make of them ({@link #event(String)},
 *       {@link #json}, {@link #human}), and copies with a field changed ({@link #with(Event,
 *       String, Value)}, {@link #without});
 *   <li>a builder for filter tests: start from a named golden event ({@link #templateWrite()},
 *       {@link #sshConnect()} …), change fields, then {@link #event()}. Every builder starts from a
 *       fresh copy.
 * </ul>
 */
public final class TestEvents {
  private static final String GOLDEN_ID = "b4f043e3-2010-4dd2-a1fe-a7c2c923e236";
  private static final String TEMPLATE = Golden.line("audit_workspace_build_start").json().strip();

  // ---------------------------------------------------------------- numbered events

  /** A UUID that carries {@code i}. */
  public static String id(long i) {
    return String.format("00000000-0000-4000-8000-%012d", i);
  }

  /** The number carried by an event made by {@link #event(long)}. */
  public static long index(Event e) {
    return Long.parseLong(e.id().substring(24));
  }

  /** Audit event number {@code i}. */
  public static Event event(long i) {
    Decoded d = LogDecoder.decodeJsonLine(TEMPLATE.replace(GOLDEN_ID, id(i)));
    return ((Decoded.Ok) d).event();
  }

  // ---------------------------------------------------------------- golden events and records

  public static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);
  public static final HumanFormat HUMAN = new HumanFormat(false);

  public static Event event(String golden) {
    return Golden.decodeOne(Golden.line(golden).json());
  }

  public static SinkRecord json(String golden) {
    Event e = event(golden);
    return new SinkRecord(e, JSON.format(e));
  }

  public static SinkRecord human(String golden) {
    Event e = event(golden);
    return new SinkRecord(e, HUMAN.format(e));
  }

  /** {@code e} with field {@code key} set to {@code value} (added at the end when absent). */
  public static Event with(Event e, String key, Value value) {
    List<Field> fields = new ArrayList<>();
    boolean found = false;
    for (Field f : e.fields()) {
      if (f.key().equals(key)) {
        fields.add(new Field(key, value));
        found = true;
      } else {
        fields.add(f);
      }
    }
    if (!found) {
      fields.add(new Field(key, value));
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  /** {@code e} without field {@code key}. */
  public static Event without(Event e, String key) {
    return new Event(
        e.kind(), e.envelope(), e.fields().stream().filter(f -> !f.key().equals(key)).toList());
  }

  // ---------------------------------------------------------------- builder for filter tests

  private static final ObjectMapper OM = new ObjectMapper();

  public static final String ORG = "0665a54f-0b77-4a58-94aa-59646fa38a74";
  public static final String OTHER_ORG = "11111111-2222-4333-8444-555555555555";
  public static final String ALICE = "6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa";
  public static final String BOB = "7b0e3c1d-2f4a-4b5c-8d6e-9f0a1b2c3d4e";
  public static final String ZERO = "00000000-0000-0000-0000-000000000000";

  private final ObjectNode root;

  private TestEvents(String goldenName) {
    try {
      root = (ObjectNode) OM.readTree(Golden.line(goldenName).json());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Audit: template {@code write} of {@code docker} by alice, in org {@link #ORG}. */
  public static TestEvents templateWrite() {
    return new TestEvents("audit_template_write_diff");
  }

  /**
   * Audit: workspace_build {@code start} by alice, AdditionalFields with build_reason initiator.
   */
  public static TestEvents buildStart() {
    return new TestEvents("audit_workspace_build_start");
  }

  /** Audit: api_key {@code login} by alice, site-wide (all-zero org). */
  public static TestEvents login() {
    return new TestEvents("audit_user_login");
  }

  /** Connection: ssh connect of alice's workspace. */
  public static TestEvents sshConnect() {
    return new TestEvents("conn_ssh_connect");
  }

  /** Connection: ssh disconnect, exit 127. */
  public static TestEvents sshDisconnect() {
    return new TestEvents("conn_ssh_disconnect_exit");
  }

  /** Connection: workspace_app (code-server) opened by alice. */
  public static TestEvents workspaceApp() {
    return new TestEvents("conn_workspace_app");
  }

  /** Connection: port_forwarding to 8080 by alice. */
  public static TestEvents portForward() {
    return new TestEvents("conn_port_forwarding");
  }

  private ObjectNode fields() {
    return (ObjectNode) root.get("fields");
  }

  /** Sets a string field (keeps its place). */
  public TestEvents with(String field, String value) {
    if (value == null) {
      fields().putNull(field);
    } else {
      fields().put(field, value);
    }
    return this;
  }

  /** Removes a field, as a Coder release that renamed or dropped it would. */
  public TestEvents without(String field) {
    fields().remove(field);
    return this;
  }

  /** Sets a number field. */
  public TestEvents with(String field, int value) {
    fields().put(field, value);
    return this;
  }

  /** Sets a raw JSON field such as {@code AdditionalFields}. */
  public TestEvents withJson(String field, String json) {
    try {
      fields().set(field, OM.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** Sets the audit actor. */
  public TestEvents actor(String id, String email, String username) {
    ObjectNode a = fields().putObject("actor");
    a.put("id", id);
    a.put("email", email);
    a.put("username", username);
    return this;
  }

  /** Sets the event {@code Time} (the slog {@code ts} stays as it was). */
  public TestEvents at(String rfc3339) {
    return with("Time", rfc3339);
  }

  public Event event() {
    try {
      return Golden.decodeOne(OM.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
