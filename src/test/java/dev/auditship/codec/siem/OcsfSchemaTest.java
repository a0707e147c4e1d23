package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.codec.Format;
import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.testutil.Cli;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LineVariants;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every OCSF record auditship renders in the tests is valid against the published OCSF 1.2.0 schema
 * (vendored under src/test/resources/ocsf-schema-1.2.0, compiled and checked by {@link OcsfSchema};
 * docs/formats.md, "How the formats are checked"). The validator itself is shown to fail, naming
 * the record, the JSON path and the rule, on each kind of violation.
 */
class OcsfSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Loaded once: compiling the schema reads about 190 files. */
  private static final OcsfSchema SCHEMA = OcsfSchema.load("ocsf-schema-1.2.0");

  /** The option sets the ocsf format has: the defaults, and every option changed. */
  private static final Map<String, SiemOptions.Ocsf> OPTIONS =
      Map.of(
          "defaults",
          SiemOptions.Ocsf.DEFAULT,
          "custom",
          new SiemOptions.Ocsf("1.1.0", "Coder \"Enterprise\" | 2.24 🚀", "Acme\\Corp = x"));

  /** Every golden and hostile event, named. */
  private static Map<String, Event> events() {
    Map<String, Event> out = new LinkedHashMap<>();
    for (Golden.Line l : Golden.lines()) {
      out.put("golden " + l.name(), Golden.decodeOne(l.json()));
    }
    for (HostileEvents.Case c : HostileEvents.cases()) {
      out.put("hostile " + c.name() + " audit", c.audit());
      out.put("hostile " + c.name() + " connection", c.connection());
    }
    return out;
  }

  @Test
  void theVendoredSchemaIsOcsf120AndCompiles() {
    assertThat(SCHEMA.version()).isEqualTo(SiemOptions.OCSF_VERSION);
    OcsfSchema.Item ssh = SCHEMA.classByUid(4007);
    assertThat(ssh.name()).isEqualTo("ssh_activity");
    assertThat(ssh.caption()).isEqualTo("SSH Activity");
    assertThat(ssh.categoryUid()).isEqualTo(4);
    // From base_event (via network), network_activities.json, and the host profile.
    assertThat(ssh.attributes().get("metadata").requirement()).isEqualTo("required");
    assertThat(ssh.attributes().get("activity_id").enumCaptions())
        .containsEntry("1", "Open")
        .containsEntry("2", "Close")
        .containsEntry("99", "Other");
    assertThat(ssh.attributes().get("actor").profile()).isEqualTo("host");
    assertThat(ssh.attributes().get("dst_endpoint").requirement()).isEqualTo("required");
    // API Activity defines api itself ("profile": null), not through the cloud profile.
    assertThat(SCHEMA.classByUid(6003).attributes().get("api").profile()).isNull();
    assertThat(SCHEMA.classByUid(3002).attributes().get("actor").profile()).isNull();
    // user extends _entity; file clears _entity's constraints.
    assertThat(SCHEMA.object("user").constraints())
        .containsEntry("at_least_one", List.of("account", "name", "uid"));
    assertThat(SCHEMA.object("file").constraints()).isEmpty();
    assertThat(SCHEMA.object("endpoint").attributes().get("ip").primitive()).isEqualTo("string_t");
  }

  @Test
  void everyOcsfRecordIsValidAgainstThePublishedSchema() throws Exception {
    TreeSet<Integer> classes = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    int records = 0;
    for (Map.Entry<String, SiemOptions.Ocsf> o : OPTIONS.entrySet()) {
      Format f = SiemFormats.ocsf(o.getValue());
      for (Map.Entry<String, Event> e : events().entrySet()) {
        JsonNode n = JSON.readTree(f.format(e.getValue()));
        problems.addAll(SCHEMA.validate(e.getKey() + " (" + o.getKey() + ")", n));
        classes.add(n.path("class_uid").asInt());
        records++;
      }
    }
    assertThat(problems).as("OCSF 1.2.0 violations").isEmpty();
    assertThat(records).isEqualTo(2 * (Golden.lines().size() + 2 * HostileEvents.TEXTS.size()));
    // Every class the mapping uses (docs/formats.md, "ocsf").
    assertThat(classes).containsExactly(3001, 3002, 4001, 4002, 4007, 6003);
  }

  /**
   * Every path of the mapping's class and activity choice (docs/formats.md, "ocsf"): each Coder
   * audit action on a user and on another resource, each connection type with each status, the
   * fields Coder may leave NULL (Code, UserID, Ip, UserAgent) left out, and the fields Coder always
   * prints left out ({@link LineVariants#missingFields()}, and no field at all).
   */
  private static Map<String, Event> variants() {
    Map<String, Event> out = new LinkedHashMap<>();
    Event audit = Golden.decodeOne(Golden.line("audit_workspace_build_start").json());
    for (String action :
        List.of(
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
            "close",
            "some_new_action",
            "")) {
      for (String resource : List.of("workspace_build", "user")) {
        out.put(
            "audit " + action + " " + resource,
            with(audit, Map.of("Action", str(action), "ResourceType", str(resource))));
      }
    }
    out.put(
        "audit without UserID, Ip, UserAgent, StatusCode",
        with(
            audit,
            Map.of(
                "UserID",
                Value.Null.INSTANCE,
                "Ip",
                str("<nil>"),
                "UserAgent",
                str(""),
                "StatusCode",
                Value.Null.INSTANCE)));
    Envelope debug =
        new Envelope(
            "2025-07-03T06:55:02.118406421Z",
            "DEBUG",
            "x.go:1",
            "f",
            List.of("coderd", "audit"),
            "t|1",
            "s=2");
    for (Golden.Line l : Golden.lines()) {
      Event g = Golden.decodeOne(l.json());
      List<Field> newer = new ArrayList<>(g.fields());
      newer.add(new Field("AgentID", str("a1")));
      newer.add(new Field("OS", new Value.Raw("{\"name\":\"linux\"}")));
      newer.add(new Field("Count", Value.Num.of(3)));
      out.put(
          l.name() + " from a debug build with newer fields", new Event(g.kind(), debug, newer));
      out.put(
          l.name() + " without a valid Time",
          with(g, Map.of("Time", new Value.Time("not a time"))));
      out.put(l.name() + " with no field at all", new Event(g.kind(), g.envelope(), List.of()));
      Map<String, Value> empty = new LinkedHashMap<>();
      for (Field f : g.fields()) {
        if (f.value() instanceof Value.Str) {
          empty.put(f.key(), str(""));
        } else if (f.value() instanceof Value.Actor) {
          empty.put(f.key(), new Value.Actor("", "", ""));
        } else {
          empty.put(f.key(), Value.Null.INSTANCE);
        }
      }
      out.put(l.name() + " with every field empty", with(g, empty));
    }
    // The lines without fields Coder always prints, as the decoder reads them (docs/formats.md,
    // "ocsf": the objects OCSF requires get the uid that names none, optional ones are left out).
    for (LineVariants.Named m : LineVariants.missingFields()) {
      out.put(m.name(), Golden.decodeOne(m.json()));
    }
    Event conn = Golden.decodeOne(Golden.line("conn_workspace_app").json());
    for (String type :
        List.of(
            "ssh",
            "vscode",
            "jetbrains",
            "reconnecting_pty",
            "workspace_app",
            "port_forwarding",
            "tunnel",
            "some_new_type")) {
      for (String status : List.of("connected", "disconnected", "some_new_status")) {
        out.put(
            "connection " + type + " " + status,
            with(conn, Map.of("Type", str(type), "ConnectionStatus", str(status))));
        out.put(
            "connection " + type + " " + status + " without Code, UserID, Ip, UserAgent",
            with(
                conn,
                Map.of(
                    "Type",
                    str(type),
                    "ConnectionStatus",
                    str(status),
                    "Code",
                    Value.Null.INSTANCE,
                    "UserID",
                    Value.Null.INSTANCE,
                    "Ip",
                    str("not an address"),
                    "UserAgent",
                    str(""))));
      }
    }
    return out;
  }

  private static Value str(String s) {
    return new Value.Str(s);
  }

  private static Event with(Event e, Map<String, Value> values) {
    List<Field> fields = new ArrayList<>();
    for (Field f : e.fields()) {
      fields.add(values.containsKey(f.key()) ? new Field(f.key(), values.get(f.key())) : f);
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  @Test
  void everyClassAndActivityTheMappingChoosesIsValid() throws Exception {
    Format f = SiemFormats.withDefaults("ocsf");
    List<String> problems = new ArrayList<>();
    TreeSet<String> types = new TreeSet<>();
    for (Map.Entry<String, Event> e : variants().entrySet()) {
      JsonNode n = JSON.readTree(f.format(e.getValue()));
      problems.addAll(SCHEMA.validate(e.getKey(), n));
      types.add(n.path("type_uid").asText());
    }
    assertThat(problems).as("OCSF 1.2.0 violations").isEmpty();
    assertThat(types)
        .containsExactlyInAnyOrder(
            "300101", "300104", "300106", "300199", "300201", "300202", "400101", "400102",
            "400199", "400299", "400701", "400702", "400799", "600301", "600303", "600304",
            "600399");
  }

  @Test
  void everyRecordRenderPrintsForTheSampleIsValid() throws Exception {
    Cli.Result r =
        Cli.run(Cli.repoRoot(), null, "render", "--format", "ocsf", "samples/coder-server.log");
    assertThat(r.exit()).as(r.stderr()).isZero();
    List<String> problems = new ArrayList<>();
    String[] lines = r.out().split("\n");
    for (int i = 0; i < lines.length; i++) {
      problems.addAll(SCHEMA.validate("sample event " + (i + 1), JSON.readTree(lines[i])));
    }
    assertThat(lines).hasSize(11);
    assertThat(problems).isEmpty();
  }

  @Test
  void aValueOverTheStringLimitIsCutAndKeptWholeInUnmapped() throws Exception {
    HostileEvents.Case big =
        HostileEvents.cases().stream().filter(c -> c.name().equals("64KiB")).findFirst().get();
    String x = big.text();
    String cut = x.substring(0, 65_535);
    Format f = SiemFormats.withDefaults("ocsf");
    JsonNode audit = JSON.readTree(f.format(big.audit()));
    assertThat(SCHEMA.validate("64KiB audit", audit)).isEmpty();
    assertThat(audit.at("/actor/user/name").asText()).isEqualTo(cut);
    assertThat(audit.at("/user/name").asText()).isEqualTo(cut);
    assertThat(audit.at("/http_request/user_agent").asText()).isEqualTo(cut);
    assertThat(audit.at("/unmapped/untruncated/actor_username").asText()).isEqualTo(x);
    assertThat(audit.at("/unmapped/untruncated/UserAgent").asText()).isEqualTo(x);
    assertThat(audit.at("/unmapped/untruncated/ResourceTarget").asText()).isEqualTo(x);
    assertThat(audit.at("/unmapped/untruncated").size()).isEqualTo(3);
    JsonNode conn = JSON.readTree(f.format(big.connection()));
    assertThat(SCHEMA.validate("64KiB connection", conn)).isEmpty();
    assertThat(conn.at("/status_detail").asText()).isEqualTo(cut);
    assertThat(conn.at("/dst_endpoint/name").asText()).isEqualTo(cut);
    assertThat(conn.at("/unmapped/untruncated/DisconnectReason").asText()).isEqualTo(x);
    assertThat(conn.at("/unmapped/untruncated/WorkspaceName").asText()).isEqualTo(x);
    assertThat(conn.at("/unmapped/untruncated/UserAgent").asText()).isEqualTo(x);
    // A value at the limit is written whole, and a pair of surrogates is never split.
    String emoji = "x".repeat(65_534) + "🚀🚀";
    Event e = HostileEvents.cases().get(0).connection();
    List<Field> fields = new ArrayList<>();
    for (Field fl : e.fields()) {
      fields.add(
          fl.key().equals("WorkspaceName") ? new Field("WorkspaceName", new Value.Str(emoji)) : fl);
    }
    JsonNode n = JSON.readTree(f.format(new Event(e.kind(), e.envelope(), fields)));
    assertThat(n.at("/dst_endpoint/name").asText()).isEqualTo("x".repeat(65_534) + "🚀");
    assertThat(n.at("/unmapped/untruncated/WorkspaceName").asText()).isEqualTo(emoji);
    assertThat(SCHEMA.validate("emoji at the limit", n)).isEmpty();
  }

  // The validator fails, naming the record, the path and the rule.

  private static ObjectNode ssh() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            SiemFormats.withDefaults("ocsf")
                .format(Golden.decodeOne(Golden.line("conn_ssh_disconnect_exit").json())));
  }

  private static ObjectNode login() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            SiemFormats.withDefaults("ocsf")
                .format(Golden.decodeOne(Golden.line("audit_user_login").json())));
  }

  private static List<String> check(ObjectNode n) {
    return SCHEMA.validate("rec", n);
  }

  @Test
  void aValidRecordHasNoProblems() throws Exception {
    assertThat(check(ssh())).isEmpty();
    assertThat(check(login())).isEmpty();
  }

  @Test
  void aValueOfTheWrongTypeIsNamed() throws Exception {
    ObjectNode n = ssh();
    n.put("time", "1752143465199");
    ((ObjectNode) n.get("connection_info")).put("direction_id", 1.0);
    assertThat(check(n))
        .containsExactlyInAnyOrder(
            "rec: time: attribute_wrong_type: expected timestamp_t (long_t), got string",
            "rec: connection_info.direction_id: attribute_wrong_type: expected integer_t, got"
                + " float 1.0");
  }

  @Test
  void aMissingRequiredAttributeIsNamed() throws Exception {
    ObjectNode n = ssh();
    n.remove("severity_id");
    ((ObjectNode) n.get("metadata")).remove("product");
    n.remove("dst_endpoint");
    assertThat(check(n))
        .containsExactlyInAnyOrder(
            "rec: severity_id: attribute_required_missing: required by class ssh_activity is"
                + " missing",
            "rec: metadata.product: attribute_required_missing: required by object metadata is"
                + " missing",
            "rec: dst_endpoint: attribute_required_missing: required by class ssh_activity is"
                + " missing");
  }

  @Test
  void anUndefinedAttributeIsNamedAndOnlyUnmappedHoldsAnything() throws Exception {
    ObjectNode n = ssh();
    n.put("workspace", "dev");
    ((ObjectNode) n.get("dst_endpoint")).put("workspace_name", "dev");
    ((ObjectNode) n.get("unmapped")).putObject("anything").put("goes", 1);
    assertThat(check(n))
        .containsExactlyInAnyOrder(
            "rec: workspace: attribute_unknown: not defined in class ssh_activity",
            "rec: dst_endpoint.workspace_name: attribute_unknown: not defined in object"
                + " network_endpoint");
  }

  @Test
  void aProfileAttributeNeedsItsProfileInMetadata() throws Exception {
    ObjectNode n = ssh();
    n.putObject("actor").putObject("user").put("uid", "u1");
    assertThat(check(n))
        .containsExactly(
            "rec: actor: attribute_unknown: defined in class ssh_activity only by profile"
                + " \"host\", which metadata.profiles does not name");
    ((ObjectNode) n.get("metadata")).putArray("profiles").add("host");
    assertThat(check(n)).isEmpty();
    ((ArrayNode) n.get("metadata").get("profiles")).add("hosts");
    assertThat(check(n))
        .singleElement()
        .asString()
        .startsWith(
            "rec: metadata.profiles[1]: profile_unknown: no profile is defined for \"hosts\"");
  }

  @Test
  void aBadEnumValueOrCaptionIsNamed() throws Exception {
    ObjectNode n = ssh();
    n.put("activity_id", 8);
    n.put("type_uid", 400708);
    n.put("status", "Failed");
    n.put("category_uid", 3);
    assertThat(check(n))
        .containsExactlyInAnyOrder(
            "rec: activity_id: attribute_enum_value_unknown: 8 is not defined for enum activity_id"
                + " [0, 1, 2, 3, 4, 5, 6, 99]",
            "rec: status: attribute_enum_sibling_incorrect: expected \"Failure\" (the caption of"
                + " status_id 2), got \"Failed\"",
            "rec: category_uid: attribute_enum_value_unknown: 3 is not defined for enum"
                + " category_uid [4]");
    ObjectNode other = ssh();
    other.put("activity_id", 99).put("type_uid", 400799).put("activity_name", "Resume");
    other.put("type_name", "SSH Activity: Resume");
    assertThat(check(other)).as("99 Other takes the source's caption").isEmpty();
  }

  @Test
  void theUidArithmeticAndCaptionsAreChecked() throws Exception {
    ObjectNode n = ssh();
    n.put("type_uid", 400701);
    n.put("type_name", "SSH Activity: Open");
    n.put("class_name", "SSH");
    assertThat(check(n))
        .containsExactlyInAnyOrder(
            "rec: type_uid: type_uid_incorrect: expected class_uid 4007 * 100 + activity_id 2 ="
                + " 400702, got 400701",
            "rec: type_name: type_name_incorrect: expected \"SSH Activity: Close\", got \"SSH"
                + " Activity: Open\"",
            "rec: class_name: attribute_enum_sibling_incorrect: expected \"SSH Activity\" (the"
                + " caption of class_uid 4007), got \"SSH\"");
    ObjectNode unknown = ssh();
    unknown.put("class_uid", 4099);
    assertThat(check(unknown))
        .containsExactly("rec: class_uid: class_uid_unknown: no class is defined for 4099");
  }

  @Test
  void objectsArraysConstraintsAndTypeLimitsAreChecked() throws Exception {
    ObjectNode n = login();
    ((ObjectNode) n.get("src_endpoint")).put("ip", "203.0.113.999");
    ((ObjectNode) n.get("user")).removeAll();
    ((ObjectNode) n.get("actor").get("user")).put("email_addr", "not an address");
    n.put("status_detail", "x".repeat(65536));
    ((ObjectNode) n.get("metadata")).put("version", "1.3.0");
    assertThat(check(n))
        .containsExactlyInAnyOrder(
            "rec: src_endpoint.ip: attribute_value_regex_not_matched: does not match the regex of"
                + " type ip_t",
            "rec: user: constraint_failed: object user needs at least one of [account, name, uid]",
            "rec: actor.user.email_addr: attribute_value_regex_not_matched: does not match the"
                + " regex of type email_t",
            "rec: status_detail: attribute_value_exceeds_max_len: length 65536 exceeds type"
                + " string_t max_len 65535",
            "rec: metadata.version: version_incompatible: \"1.3.0\" is outside 1.0.0 to 1.2.0, the"
                + " schema's version");
    ObjectNode api =
        (ObjectNode)
            JSON.readTree(
                SiemFormats.withDefaults("ocsf")
                    .format(Golden.decodeOne(Golden.line("audit_workspace_build_start").json())));
    ((ObjectNode) api.get("resources").get(0)).put("size", 3);
    assertThat(check(api))
        .containsExactly(
            "rec: resources[0].size: attribute_unknown: not defined in object resource_details");
    api.set("resources", api.get("resources").get(0));
    assertThat(check(api))
        .containsExactly(
            "rec: resources: attribute_wrong_type: expected an array of resource_details, got"
                + " object");
  }
}
