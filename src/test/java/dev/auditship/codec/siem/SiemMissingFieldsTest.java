package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluenda.parcefone.event.CommonEvent;
import com.fluenda.parcefone.parser.CEFParser;
import dev.auditship.event.Event;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LineVariants;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A line without fields Coder always prints (an older release printed fewer; {@link
 * LineVariants#missingFields()}) gives a whole record in every SIEM format: no empty object, no
 * empty value, no blank CEF name, nothing of what the line has dropped; in OCSF the objects a class
 * requires get the uid that names none, and optional ones are left out (docs/formats.md, "ocsf").
 * The OCSF schema check of the same lines is {@link OcsfSchemaTest}, the independent parsers' is
 * {@link SiemCheckersTest} and {@link CefParcefoneTest}, and {@link SiemLazyLineTest} renders them
 * from the line and from decoded values alike.
 */
class SiemMissingFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NIL = "00000000-0000-0000-0000-000000000000";

  private static Event event(String name) {
    return LineVariants.missingFields().stream()
        .filter(m -> m.name().equals(name))
        .map(m -> Golden.decodeOne(m.json()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no variant " + name));
  }

  private static JsonNode ocsf(String name) throws Exception {
    return JSON.readTree(SiemFormats.withDefaults("ocsf").format(event(name)));
  }

  private static JsonNode ecs(String name) throws Exception {
    return JSON.readTree(SiemFormats.withDefaults("ecs").format(event(name)));
  }

  @Test
  void noFormatWritesAnEmptyObjectAnEmptyValueOrABlankName() throws Exception {
    // The lines, and events of no field at all (no line decodes to one: the reader needs ID and
    // Time; made here from each golden line's envelope).
    Map<String, Event> events = new LinkedHashMap<>();
    for (LineVariants.Named m : LineVariants.missingFields()) {
      events.put(m.name(), Golden.decodeOne(m.json()));
    }
    for (Golden.Line l : Golden.lines()) {
      Event g = Golden.decodeOne(l.json());
      events.put(l.name() + " with no field at all", new Event(g.kind(), g.envelope(), List.of()));
    }
    List<String> problems = new ArrayList<>();
    int records = 0;
    for (Map.Entry<String, Event> named : events.entrySet()) {
      String name = named.getKey();
      Event e = named.getValue();
      boolean noAction =
          e.get("Action") == null || e.get("Action") instanceof Value.Str a && a.value().isEmpty();
      for (String format : List.of("ocsf", "ecs")) {
        JsonNode n = JSON.readTree(SiemFormats.withDefaults(format).format(e));
        empties(name + " " + format, "", n, noAction && format.equals("ocsf"), problems);
      }
      String cef = SiemFormats.withDefaults("cef").format(e);
      CommonEvent parsed = new CEFParser().parse(cef, false, true, Locale.ENGLISH);
      assertThat(parsed).as("ParCEFone parses %s", cef).isNotNull();
      assertThat((String) parsed.getHeader().get("name")).as(cef).isNotBlank();
      for (Map.Entry<String, Object> pair : parsed.getExtension(true, true).entrySet()) {
        if (String.valueOf(pair.getValue()).isEmpty()) {
          problems.add(name + " cef: " + pair.getKey() + " is empty");
        }
      }
      String leef = SiemFormats.withDefaults("leef").format(e);
      String[] attributes = leef.substring(leef.indexOf("|\t|") + 3).split("\t");
      for (String a : attributes) {
        int eq = a.indexOf('=');
        if (eq <= 0 || eq == a.length() - 1) {
          problems.add(name + " leef: attribute \"" + a + "\" has an empty key or value");
        }
      }
      records++;
    }
    assertThat(problems).isEmpty();
    assertThat(records).isEqualTo(LineVariants.missingFields().size() + Golden.lines().size());
  }

  /**
   * Every object and array of {@code n} has something in it and every string is not empty, but
   * where the format says otherwise: OCSF's {@code http_request} of HTTP Activity (required, {@code
   * {}} without a user agent), {@code api.operation} (required, Coder's empty text without an
   * Action), and Coder's stored JSON ({@code unmapped.Diff}, {@code unmapped.AdditionalFields}).
   */
  private static void empties(
      String record, String path, JsonNode n, boolean noAction, List<String> problems) {
    if (path.equals("unmapped.Diff") || path.equals("unmapped.AdditionalFields")) {
      return;
    }
    if (n.isObject()) {
      if (n.isEmpty() && !path.equals("http_request")) {
        problems.add(record + ": " + path + " is an empty object");
      }
      for (Map.Entry<String, JsonNode> f : n.properties()) {
        String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        empties(record, p, f.getValue(), noAction, problems);
      }
    } else if (n.isArray()) {
      if (n.isEmpty()) {
        problems.add(record + ": " + path + " is an empty array");
      }
      for (int i = 0; i < n.size(); i++) {
        empties(record, path + "[" + i + "]", n.get(i), noAction, problems);
      }
    } else if (n.isTextual() && n.asText().isEmpty()) {
      if (!(noAction && path.equals("api.operation"))) {
        problems.add(record + ": " + path + " is an empty string");
      }
    }
  }

  @Test
  void ocsfNamesNoOneForAUserItDoesNotHaveAndLeavesOutWhatIsOptional() throws Exception {
    // API Activity requires actor: the uid that names none; resources is optional: left out.
    JsonNode only = ocsf("audit_workspace_build_start with only ID and Time");
    assertThat(only.get("class_uid").asInt()).isEqualTo(6003);
    assertThat(only.get("actor").toString()).isEqualTo("{\"user\":{\"uid\":\"" + NIL + "\"}}");
    assertThat(only.has("resources")).isFalse();
    assertThat(only.get("api").toString()).isEqualTo("{\"operation\":\"\"}");
    // Authentication requires user, not actor.
    JsonNode login = ocsf("audit_user_login without UserID and actor");
    assertThat(login.get("class_uid").asInt()).isEqualTo(3002);
    assertThat(login.has("actor")).isFalse();
    assertThat(login.get("user").toString()).isEqualTo("{\"uid\":\"" + NIL + "\"}");
    // The account changed, without ResourceID and ResourceTarget.
    JsonNode account = ocsf("audit_user_password_secret without ResourceID and ResourceTarget");
    assertThat(account.get("class_uid").asInt()).isEqualTo(3001);
    assertThat(account.get("user").toString()).isEqualTo("{\"uid\":\"" + NIL + "\"}");
    assertThat(account.at("/actor/user/name").asText()).isEqualTo("alice");
    JsonNode account2 = ocsf("audit_user_password_secret without UserID and actor");
    assertThat(account2.has("actor")).isFalse();
    assertThat(account2.at("/user/name").asText()).isEqualTo("alice");
    // A resource with its type but neither id nor name.
    assertThat(
            ocsf("audit_workspace_build_start without ResourceID and ResourceTarget")
                .get("resources")
                .toString())
        .isEqualTo("[{\"uid\":\"" + NIL + "\",\"type\":\"workspace_build\"}]");
    // Without UserID, the actor's id names the user; a user name needs no uid.
    assertThat(
            ocsf("audit_workspace_build_start without UserID, with an actor of only an id")
                .get("actor")
                .toString())
        .isEqualTo("{\"user\":{\"uid\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\"}}");
    assertThat(
            ocsf("audit_workspace_build_start without UserID, with an actor of only an e-mail")
                .get("actor")
                .toString())
        .isEqualTo("{\"user\":{\"uid\":\"" + NIL + "\",\"email_addr\":\"someone@example.com\"}}");
    assertThat(ocsf("audit_workspace_build_start without UserID").get("actor").toString())
        .isEqualTo("{\"user\":{\"name\":\"alice\",\"email_addr\":\"alice@example.com\"}}");
    // dst_endpoint is required by every network class: the owner stays beside the uid.
    assertThat(
            ocsf("conn_workspace_app without WorkspaceID and WorkspaceName")
                .get("dst_endpoint")
                .toString())
        .isEqualTo(
            "{\"uid\":\""
                + NIL
                + "\",\"owner\":{\"uid\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\"}}");
    JsonNode conn = ocsf("conn_ssh_connect with only ID and Time");
    assertThat(conn.get("dst_endpoint").toString()).isEqualTo("{\"uid\":\"" + NIL + "\"}");
    assertThat(conn.has("actor")).isFalse();
  }

  @Test
  void ecsLeavesOutTheCoderObjectsALineHasNothingFor() throws Exception {
    JsonNode audit = ecs("audit_workspace_build_start with only ID and Time");
    assertThat(audit.get("coder").toString()).isEqualTo("{\"log_type\":\"audit\"}");
    assertThat(audit.at("/event/type").toString()).isEqualTo("[\"info\"]");
    JsonNode conn = ecs("conn_ssh_connect with only ID and Time");
    assertThat(conn.get("coder").toString()).isEqualTo("{\"log_type\":\"connection\"}");
    // Neither connected nor disconnected: not a session start.
    assertThat(conn.at("/event/category").toString()).isEqualTo("[\"network\",\"session\"]");
    assertThat(conn.at("/event/type").toString()).isEqualTo("[\"info\"]");
    assertThat(ecs("conn_ssh_connect without WorkspaceID and WorkspaceName").at("/coder/workspace"))
        .hasToString(
            "{\"owner_id\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",\"agent_name\":\"main\"}");
  }

  @Test
  void theCefNameIsNeverBlank() {
    assertThat(cefHeader("audit_workspace_build_start with only ID and Time"))
        .isEqualTo("CEF:0|Coder|coderd|2|audit::|audit_log|5|");
    assertThat(cefHeader("conn_ssh_connect with only ID and Time"))
        .isEqualTo("CEF:0|Coder|coderd|2|connection::|connection_log|5|");
    assertThat(cefHeader("audit_workspace_build_start without ResourceID and ResourceTarget"))
        .isEqualTo("CEF:0|Coder|coderd|2|audit:workspace_build:start|start workspace_build|3|");
  }

  private static String cefHeader(String name) {
    String r = SiemFormats.withDefaults("cef").format(event(name));
    return r.substring(0, r.indexOf("|rt=") + 1);
  }

  /**
   * Every Coder value the line has is in the OCSF and ECS records (CEF, LEEF: SiemCheckersTest).
   */
  @Test
  void nothingTheLineHasIsDropped() throws Exception {
    for (LineVariants.Named m : LineVariants.missingFields()) {
      Event e = Golden.decodeOne(m.json());
      for (String format : List.of("ocsf", "ecs")) {
        List<JsonNode> values = new ArrayList<>();
        values(JSON.readTree(SiemFormats.withDefaults(format).format(e)), values);
        for (String v : SiemCheckersTest.coderValues(e)) {
          if (format.equals("ocsf") && v.equals(e.envelope().ts())) {
            continue; // OCSF keeps the log line's time as metadata.logged_time, in milliseconds
          }
          // Coder's stored JSON (Diff, AdditionalFields) compared as JSON, the rest as text.
          JsonNode want =
              v.startsWith("{") || v.startsWith("[")
                  ? JSON.readTree(v)
                  : JSON.getNodeFactory().textNode(v);
          assertThat(values).as("%s %s keeps %s", m.name(), format, v).contains(want);
        }
      }
    }
  }

  /**
   * Every value in {@code n}: objects and arrays as they are (OCSF embeds Coder's stored JSON),
   * JSON text parsed (ECS carries it as text), everything else as text.
   */
  private static void values(JsonNode n, List<JsonNode> out) throws Exception {
    if (n.isContainerNode()) {
      out.add(n);
      for (JsonNode c : n) {
        values(c, out);
      }
    } else {
      String t = n.asText();
      out.add(
          t.startsWith("{") || t.startsWith("[")
              ? JSON.readTree(t)
              : JSON.getNodeFactory().textNode(t));
    }
  }
}
