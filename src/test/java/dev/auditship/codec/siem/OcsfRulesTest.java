package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.codec.Format;
import dev.auditship.event.Event;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every OCSF event auditship writes for the golden and hostile events follows the rules of the OCSF
 * 1.x schema (github.com/ocsf/ocsf-schema: events/base_event.json, events/iam/*.json,
 * events/application/api_activity.json, events/network/*.json, objects/*.json, dictionary.json),
 * written down here by hand. The check against the published 1.2.0 schema itself is {@link
 * OcsfSchemaTest}; this one stays as a second, independent reading of the rules that also pins the
 * mapping's own choices (the metadata attributes it uses). docs/formats.md, "How the formats are
 * checked".
 */
class OcsfRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Attributes of base_event.json. */
  private static final Set<String> BASE =
      Set.of(
          "activity_id",
          "activity_name",
          "category_name",
          "category_uid",
          "class_name",
          "class_uid",
          "count",
          "duration",
          "end_time",
          "enrichments",
          "message",
          "metadata",
          "observables",
          "raw_data",
          "severity",
          "severity_id",
          "start_time",
          "status",
          "status_code",
          "status_detail",
          "status_id",
          "time",
          "timezone_offset",
          "type_name",
          "type_uid",
          "unmapped");

  /** A class: its category, activity enum (besides 0 Unknown and 99 Other), own attributes. */
  record Klass(
      int category, Set<Integer> activities, Set<String> attributes, Set<String> required) {}

  private static final Set<String> IAM =
      Set.of("actor", "http_request", "http_response", "src_endpoint");
  private static final Set<String> NETWORK =
      Set.of(
          "app_name", "connection_info", "dst_endpoint", "src_endpoint", "proxy", "tls", "traffic");

  private static Set<String> union(Set<String> a, String... more) {
    HashSet<String> s = new HashSet<>(a);
    s.addAll(List.of(more));
    return s;
  }

  private static final Map<Integer, Klass> CLASSES =
      Map.of(
          3001,
          new Klass(
              3,
              Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
              union(IAM, "user", "user_result", "policies", "policy", "auth_factors"),
              Set.of("user")),
          3002,
          new Klass(
              3,
              Set.of(1, 2, 3, 4, 5, 6, 7),
              union(
                  IAM,
                  "user",
                  "dst_endpoint",
                  "service",
                  "session",
                  "is_mfa",
                  "is_remote",
                  "logon_type",
                  "logon_type_id",
                  "auth_protocol",
                  "auth_protocol_id"),
              Set.of("user")),
          6003,
          new Klass(
              6,
              Set.of(1, 2, 3, 4),
              Set.of(
                  "actor",
                  "api",
                  "dst_endpoint",
                  "http_request",
                  "http_response",
                  "resources",
                  "src_endpoint"),
              Set.of("actor", "api", "src_endpoint")),
          4001,
          new Klass(
              4,
              Set.of(1, 2, 3, 4, 5, 6, 7),
              union(NETWORK, "url", "initiator", "initiator_id"),
              Set.of()),
          4002,
          new Klass(
              4,
              Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
              union(
                  NETWORK, "http_request", "http_response", "http_status", "http_cookies", "file"),
              Set.of()),
          4007,
          new Klass(
              4,
              Set.of(1, 2, 3, 4, 5, 6, 7),
              union(
                  NETWORK,
                  "auth_type",
                  "auth_type_id",
                  "client_hassh",
                  "server_hassh",
                  "protocol_ver",
                  "file"),
              Set.of()));

  @Test
  void everyEventFollowsTheOcsfSchemaRules() throws Exception {
    Format f = SiemFormats.withDefaults("ocsf");
    List<Event> events = SiemCheckersTest.everything();
    List<Integer> classes = new ArrayList<>();
    for (Event e : events) {
      JsonNode n = JSON.readTree(f.format(e));
      List<String> problems = new ArrayList<>();
      check(n, problems);
      assertThat(problems).as("%s: %s", e, n).isEmpty();
      classes.add(n.get("class_uid").asInt());
    }
    // Every class the mapping uses is exercised by the golden events.
    assertThat(classes).contains(3001, 3002, 6003, 4001, 4002, 4007);
  }

  private static void check(JsonNode n, List<String> p) {
    for (String req :
        List.of(
            "activity_id",
            "category_uid",
            "class_uid",
            "severity_id",
            "time",
            "type_uid",
            "metadata")) {
      if (!n.has(req)) {
        p.add("missing required " + req);
      }
    }
    int cls = n.path("class_uid").asInt();
    Klass k = CLASSES.get(cls);
    if (k == null) {
      p.add("unknown class " + cls);
      return;
    }
    int activity = n.path("activity_id").asInt();
    integer(n, "activity_id", p);
    integer(n, "category_uid", p);
    integer(n, "class_uid", p);
    integer(n, "type_uid", p);
    integer(n, "severity_id", p);
    integer(n, "time", p);
    if (n.path("category_uid").asInt() != k.category()) {
      p.add("category_uid " + n.path("category_uid") + " is not class " + cls + "'s");
    }
    if (!(k.activities().contains(activity) || activity == 0 || activity == 99)) {
      p.add("activity_id " + activity + " not in class " + cls + "'s enum");
    }
    if (n.path("type_uid").asLong() != cls * 100L + activity) {
      p.add("type_uid is not class_uid * 100 + activity_id");
    }
    if (!Set.of(0, 1, 2, 3, 4, 5, 6, 99).contains(n.path("severity_id").asInt())) {
      p.add("severity_id out of its enum");
    }
    if (n.has("status_id") && !Set.of(0, 1, 2, 99).contains(n.path("status_id").asInt())) {
      p.add("status_id out of its enum");
    }
    for (String s :
        List.of(
            "activity_name",
            "category_name",
            "class_name",
            "type_name",
            "severity",
            "status",
            "status_code",
            "status_detail")) {
      string(n, s, p);
    }
    boolean host = false;
    for (JsonNode prof : n.path("metadata").path("profiles")) {
      host |= prof.asText().equals("host");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String a = it.next();
      if (!BASE.contains(a) && !k.attributes().contains(a) && !(host && a.equals("actor"))) {
        p.add("attribute " + a + " is not defined for class " + cls);
      }
    }
    for (String req : k.required()) {
      if (!n.has(req)) {
        p.add("class " + cls + " requires " + req);
      }
    }
    metadata(n.path("metadata"), p);
    if (n.has("actor")) {
      JsonNode a = n.get("actor");
      if (!a.has("user") && !a.has("process") && !a.has("session") && !a.has("app_name")) {
        p.add("actor needs at least one of user, process, session, app_name ...");
      }
      user(a.path("user"), "actor.user", p);
    }
    if (n.has("user")) {
      user(n.get("user"), "user", p);
    }
    for (String ep : List.of("src_endpoint", "dst_endpoint")) {
      if (n.has(ep)) {
        endpoint(n.get(ep), ep, p);
      }
    }
    if (n.has("api")) {
      string(n.get("api"), "operation", p);
      if (!n.get("api").has("operation")) {
        p.add("api.operation is required");
      }
      if (n.get("api").has("request") && !n.get("api").get("request").has("uid")) {
        p.add("api.request.uid is required");
      }
    }
    if (n.has("http_response")) {
      integer(n.get("http_response"), "code", p);
      if (!n.get("http_response").has("code")) {
        p.add("http_response.code is required");
      }
    }
    if (n.has("http_status")) {
      integer(n, "http_status", p);
    }
    if (n.has("http_request")) {
      string(n.get("http_request"), "user_agent", p);
      string(n.get("http_request"), "uid", p);
    }
    if (n.has("connection_info")) {
      JsonNode c = n.get("connection_info");
      integer(c, "direction_id", p);
      if (!c.has("direction_id")) {
        p.add("connection_info.direction_id is required");
      }
      string(c, "uid", p);
    }
    if (n.has("resources")) {
      if (!n.get("resources").isArray()) {
        p.add("resources must be an array");
      }
      for (JsonNode r : n.get("resources")) {
        for (String s : List.of("uid", "name", "type")) {
          string(r, s, p);
        }
      }
    }
    if (n.has("unmapped") && !n.get("unmapped").isObject()) {
      p.add("unmapped must be an object");
    }
  }

  private static void metadata(JsonNode m, List<String> p) {
    if (!m.has("product") || !m.has("version")) {
      p.add("metadata.product and metadata.version are required");
    }
    for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
      String a = it.next();
      if (!Set.of(
              "version",
              "uid",
              "product",
              "log_name",
              "original_time",
              "logged_time",
              "correlation_uid",
              "profiles")
          .contains(a)) {
        p.add("metadata." + a + " is not used by this mapping's rules");
      }
    }
    for (String s : List.of("version", "uid", "log_name", "original_time", "correlation_uid")) {
      string(m, s, p);
    }
    integer(m, "logged_time", p);
    string(m.path("product"), "name", p);
    string(m.path("product"), "vendor_name", p);
  }

  private static void user(JsonNode u, String where, List<String> p) {
    if (u.isMissingNode()) {
      return;
    }
    if (!u.has("uid") && !u.has("name") && !u.has("account")) {
      p.add(where + " needs at least one of account, name, uid");
    }
    for (String s : List.of("uid", "name", "email_addr")) {
      string(u, s, p);
    }
  }

  private static void endpoint(JsonNode e, String where, List<String> p) {
    if (!e.has("ip") && !e.has("uid") && !e.has("name") && !e.has("hostname")) {
      p.add(where + " needs at least one of ip, uid, name, hostname ...");
    }
    if (e.has("ip")) {
      String ip = e.get("ip").asText();
      if (!ip.matches("[0-9a-fA-F:.]+")) {
        p.add(where + ".ip is not an address");
      } else {
        try {
          InetAddress.getByName(ip);
        } catch (UnknownHostException x) {
          p.add(where + ".ip is not an address");
        }
      }
    }
    string(e, "name", p);
    string(e, "uid", p);
    if (e.has("owner")) {
      user(e.get("owner"), where + ".owner", p);
    }
  }

  private static void integer(JsonNode n, String a, List<String> p) {
    if (n.has(a) && !n.get(a).isIntegralNumber()) {
      p.add(a + " must be an integer");
    }
  }

  private static void string(JsonNode n, String a, List<String> p) {
    if (n.has(a) && !n.get(a).isTextual()) {
      p.add(a + " must be a string");
    }
  }
}
