package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import dev.auditship.source.ApiMapper.Line;
import dev.auditship.testutil.Golden;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * API rows built from the golden fixtures must give the fixture's slog lines, byte for byte, except
 * for what the API cannot carry, each substitution spelled out (docs/coder-api-source.md): ts is
 * the event's Time, no request_id context field, µs Time precision, the derived ID of a disconnect,
 * jsonb key order.
 */
class ApiMapperTest {
  private static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);
  private static final HumanFormat HUMAN = new HumanFormat(false);
  private final ApiMapper mapper = new ApiMapper(List.of("coderd"));

  private Event map(Kind kind, Line line, ObjectNode row) throws Exception {
    ApiJson.J j = ApiJson.parse(row.toString());
    assertThat(mapper.check(kind, j)).isInstanceOf(ApiMapper.Good.class);
    return mapper.event(line, (ApiJson.Obj) j);
  }

  /**
   * Replaces {@code from} by {@code to}, failing when {@code from} is not there (so the test cannot
   * drift).
   */
  private static String sub(String s, String from, String to) {
    assertThat(s).contains(from);
    return s.replace(from, to);
  }

  private static String strip(String line) {
    return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
  }

  @Test
  void loginRowGivesTheLiveLineWithTsFromTime() throws Exception {
    Golden.Line g = Golden.line("audit_user_login");
    Event e =
        map(
            Kind.AUDIT,
            Line.AUDIT,
            ApiRows.login(
                "95f7c392-da3e-480c-a579-8909f145fbe2",
                "2025-07-03T06:55:02.117803Z",
                "9682b1b5-7b9f-4bf2-9a39-9463f8e41cd6"));
    assertThat(JSON.format(e))
        .isEqualTo(
            sub(
                strip(g.json()),
                "\"ts\":\"2025-07-03T06:55:02.118406421Z\"",
                "\"ts\":\"2025-07-03T06:55:02.117803Z\""));
    assertThat(HUMAN.format(e))
        .isEqualTo(sub(strip(g.human()), "2025-07-03 06:55:02.118 ", "2025-07-03 06:55:02.117 "));
  }

  @Test
  void diffIsRebuiltSortedWithCapitalisedKeys() throws Exception {
    Golden.Line g = Golden.line("audit_template_write_diff");
    ObjectNode row =
        ApiRows.login(
            "033a9ffa-b54d-4c10-8ec3-2aaf9e6d741a",
            "2025-07-03T08:01:17.49906Z",
            "266ea41d-adf5-480b-af50-15b940c2b846");
    row.put("ip", "2001:db8::7");
    row.put("user_agent", "coder/v2.24.1 (linux/amd64)");
    row.put("resource_type", "template");
    row.put("resource_id", "4d5215ed-38bb-48ed-879a-fdb9ca58522f");
    row.put("resource_target", "docker");
    row.put("resource_icon", "/icon/docker.png");
    row.put("action", "write");
    row.put("status_code", 200);
    row.set("organization", ApiRows.organization());
    row.put("organization_id", ApiRows.ORG);
    ObjectNode diff = row.putObject("diff");
    // The API's order is not the stored one; the stored one is sorted.
    diff.putObject("display_name")
        .put("old", "Docker")
        .put("new", "Docker Containers")
        .put("secret", false);
    diff.putObject("default_ttl").put("old", 0).put("new", 28800000000000L).put("secret", false);
    Event e = map(Kind.AUDIT, Line.AUDIT, row);
    assertThat(JSON.format(e))
        .isEqualTo(
            sub(
                strip(g.json()),
                "\"ts\":\"2025-07-03T08:01:17.5Z\"",
                "\"ts\":\"2025-07-03T08:01:17.49906Z\""));
    assertThat(HUMAN.format(e))
        .isEqualTo(sub(strip(g.human()), "2025-07-03 08:01:17.500 ", "2025-07-03 08:01:17.499 "));
  }

  @Test
  void secretDiffWithoutOldAndNewAndUnknownIp() throws Exception {
    Golden.Line g = Golden.line("audit_user_password_secret");
    ObjectNode row =
        ApiRows.login(
            "62d38dfe-895a-40f1-9a2e-0d7a3c5b4e11",
            "2025-07-03T09:30:00Z",
            "c2f233f9-3e48-414d-af94-0f8e0fb93624");
    row.put("ip", "");
    row.put("resource_type", "user");
    row.put("resource_target", "alice");
    row.put("action", "write");
    row.put("status_code", 200);
    row.putObject("diff").putObject("hashed_password").put("secret", true);
    Event e = map(Kind.AUDIT, Line.AUDIT, row);
    assertThat(JSON.format(e))
        .isEqualTo(
            sub(
                strip(g.json()),
                "\"ts\":\"2025-07-03T09:30:00.000801Z\"",
                "\"ts\":\"2025-07-03T09:30:00Z\""));
    assertThat(HUMAN.format(e)).isEqualTo(strip(g.human()));
  }

  @Test
  void additionalFieldsKeepTheApisJsonbKeyOrder() throws Exception {
    Golden.Line g = Golden.line("audit_workspace_build_start");
    ObjectNode row =
        ApiRows.login(
            "b4f043e3-2010-4dd2-a1fe-a7c2c923e236",
            "2025-07-03T07:12:44.381926Z",
            "bb791ac3-f6ee-4da8-8ec2-f54e87013e93");
    row.put("user_agent", "");
    row.put("resource_type", "workspace_build");
    row.put("resource_id", "ca5647e0-ef50-4202-a246-717e04447380");
    row.put("action", "start");
    row.put("status_code", 200);
    row.set("organization", ApiRows.organization());
    row.put("organization_id", ApiRows.ORG);
    // Postgres jsonb orders keys by length, then bytes (docs/coder-reference.md §12).
    ObjectNode af = row.putObject("additional_fields");
    af.put("build_number", "7")
        .put("build_reason", "initiator")
        .put("workspace_id", ApiRows.WORKSPACE)
        .put("workspace_name", "dev")
        .put("workspace_owner", "");
    Event e = map(Kind.AUDIT, Line.AUDIT, row);
    String live =
        "{\"workspace_name\":\"dev\",\"build_number\":\"7\",\"build_reason\":\"initiator\","
            + "\"workspace_owner\":\"\",\"workspace_id\":\"3c0b37c8-e58c-4980-b9a1-2732410480a5\"}";
    String api =
        "{\"build_number\":\"7\",\"build_reason\":\"initiator\",\"workspace_id\":"
            + "\"3c0b37c8-e58c-4980-b9a1-2732410480a5\",\"workspace_name\":\"dev\",\"workspace_owner\":\"\"}";
    String json =
        sub(
            strip(g.json()),
            "\"ts\":\"2025-07-03T07:12:44.390512107Z\"",
            "\"ts\":\"2025-07-03T07:12:44.381926Z\"");
    assertThat(JSON.format(e)).isEqualTo(sub(json, live, api));
    String human = sub(strip(g.human()), "2025-07-03 07:12:44.390 ", "2025-07-03 07:12:44.381 ");
    assertThat(HUMAN.format(e))
        .isEqualTo(sub(human, live.replace("\"", "\\\""), api.replace("\"", "\\\"")));
  }

  @Test
  void sshRowGivesConnectAndDisconnectLines() throws Exception {
    String rowId = "ca5dfc63-dc43-463a-bb3e-38526866fd4b";
    ObjectNode row =
        ApiRows.ssh(rowId, "2025-07-10T10:14:38.942776Z", "7a6fafdc-e3d0-43cb-a1b7-1f19802d7908");
    Golden.Line c1 = Golden.line("conn_ssh_connect");
    Event connect = map(Kind.CONNECTION, Line.CONNECTED, row);
    String json =
        sub(
            strip(c1.json()),
            "\"ts\":\"2025-07-10T10:14:38.951024833Z\"",
            "\"ts\":\"2025-07-10T10:14:38.942776Z\"");
    json = sub(json, "\"request_id\":\"916ad077-e120-4861-8640-f449d56d2bae\",", "");
    json = sub(json, "2025-07-10T10:14:38.942776145Z", "2025-07-10T10:14:38.942776Z");
    assertThat(JSON.format(connect)).isEqualTo(json);
    String human = sub(strip(c1.human()), "2025-07-10 10:14:38.951 ", "2025-07-10 10:14:38.942 ");
    human = sub(human, "  request_id=916ad077-e120-4861-8640-f449d56d2bae", "");
    assertThat(HUMAN.format(connect)).isEqualTo(sub(human, "38.942776145Z", "38.942776Z"));

    // The upsert keeps the first row's id; the API shows the merged row once the disconnect
    // arrived.
    ApiRows.close(row, "2025-07-10T10:31:05.199314Z", 127, "process exited with error status: 127");
    Golden.Line c2 = Golden.line("conn_ssh_disconnect_exit");
    Event disconnect = map(Kind.CONNECTION, Line.DISCONNECTED, row);
    // uuid.uuid5(UUID("ca5dfc63-dc43-463a-bb3e-38526866fd4b"), "disconnected") in Python.
    String derived = "ab97dc46-24f3-5180-9cf4-c442560ce990";
    assertThat(ApiMapper.disconnectId(rowId)).isEqualTo(derived);
    String dj =
        sub(
            strip(c2.json()),
            "\"ts\":\"2025-07-10T10:31:05.20871Z\"",
            "\"ts\":\"2025-07-10T10:31:05.199314Z\"");
    dj = sub(dj, "\"request_id\":\"916ad077-e120-4861-8640-f449d56d2bae\",", "");
    dj = sub(dj, "5b0d3c7e-8f2a-4c1e-9d6b-2e7f4a9c1b30", derived);
    dj = sub(dj, "2025-07-10T10:31:05.199314562Z", "2025-07-10T10:31:05.199314Z");
    assertThat(JSON.format(disconnect)).isEqualTo(dj);
    String dh = sub(strip(c2.human()), "2025-07-10 10:31:05.208 ", "2025-07-10 10:31:05.199 ");
    dh = sub(dh, "  request_id=916ad077-e120-4861-8640-f449d56d2bae", "");
    dh = sub(dh, "5b0d3c7e-8f2a-4c1e-9d6b-2e7f4a9c1b30", derived);
    assertThat(HUMAN.format(disconnect)).isEqualTo(sub(dh, "05.199314562Z", "05.199314Z"));
    // The connect line of the closed row is unchanged.
    assertThat(JSON.format(map(Kind.CONNECTION, Line.CONNECTED, row))).isEqualTo(json);
  }

  @Test
  void webRowsGiveOneLine() throws Exception {
    Golden.Line c3 = Golden.line("conn_workspace_app");
    Event app =
        map(
            Kind.CONNECTION,
            Line.WEB,
            ApiRows.web(
                "f0249951-d454-48f6-9504-e73340fa07b7",
                "2025-07-03T06:57:16.144719Z",
                "workspace_app",
                "code-server",
                200,
                ApiRows.BROWSER));
    String json =
        sub(
            strip(c3.json()),
            "\"ts\":\"2025-07-03T06:57:16.157402211Z\"",
            "\"ts\":\"2025-07-03T06:57:16.144719Z\"");
    assertThat(JSON.format(app))
        .isEqualTo(sub(json, "\"request_id\":\"de3f6004-6cc1-4880-a296-d7c6ca1abf75\",", ""));

    Golden.Line c4 = Golden.line("conn_port_forwarding");
    Event pf =
        map(
            Kind.CONNECTION,
            Line.WEB,
            ApiRows.web(
                "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968",
                "2025-07-03T07:03:41.59821Z",
                "port_forwarding",
                "8080",
                502,
                ApiRows.BROWSER));
    String human = sub(strip(c4.human()), "2025-07-03 07:03:41.602 ", "2025-07-03 07:03:41.598 ");
    assertThat(HUMAN.format(pf))
        .isEqualTo(sub(human, "  request_id=1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", ""));
  }

  @Test
  void goneUserGivesZeroActorAndIpv4MappedPrintsDotted() throws Exception {
    ObjectNode row =
        ApiRows.login(
            "00000000-0000-0000-0000-000000000003", "2025-07-10T11:00:00.1Z", ApiRows.ZERO);
    row.putNull("user");
    row.put("ip", "::ffff:10.1.2.3");
    row.putNull("additional_fields");
    Event e = map(Kind.AUDIT, Line.AUDIT, row);
    assertThat(JSON.format(e))
        .contains(
            "\"UserID\":\"00000000-0000-0000-0000-000000000000\"",
            "\"Ip\":\"10.1.2.3\"",
            "\"AdditionalFields\":null",
            "\"actor\":{\"id\":\"00000000-0000-0000-0000-000000000000\",\"email\":\"\",\"username\":\"\"}");
    assertThat(HUMAN.format(e))
        .contains(
            "  AdditionalFields=\"\"  ",
            "  actor=\"&{ID:00000000-0000-0000-0000-000000000000 Email: Username:}\"");
  }

  @Test
  void stringsInTheRebuiltDiffAreEscapedAsGoStoredThem() throws Exception {
    ObjectNode row = ApiRows.login(ApiRows.uuid("x", 1), "2025-07-10T11:00:00Z", ApiRows.ZERO);
    row.putObject("diff")
        .putObject("name")
        .put("old", "<b>&</b>")
        .put("new", "é\u2028")
        .put("secret", false);
    Event e = map(Kind.AUDIT, Line.AUDIT, row);
    // json.Marshal HTML-escapes; the human sink prints those stored bytes with %q.
    assertThat(HUMAN.format(e))
        .contains(
            "Diff=\"{\\\"name\\\":{\\\"Old\\\":\\\"\\\\u003cb\\\\u003e\\\\u0026"
                + "\\\\u003c/b\\\\u003e\\\",\\\"New\\\":\\\"é\\\\u2028\\\",\\\"Secret\\\":false}}\"");
  }

  @Test
  void malformedRowsAreRefusedWithAReason() throws Exception {
    ObjectNode badId = ApiRows.login("not-a-uuid", "2025-07-10T11:00:00Z", ApiRows.ZERO);
    ObjectNode badTime = ApiRows.login(ApiRows.uuid("x", 2), "yesterday", ApiRows.ZERO);
    ObjectNode badStatus =
        ApiRows.login(ApiRows.uuid("x", 3), "2025-07-10T11:00:00Z", ApiRows.ZERO);
    badStatus.put("status_code", "201");
    ObjectNode badDiff = ApiRows.login(ApiRows.uuid("x", 4), "2025-07-10T11:00:00Z", ApiRows.ZERO);
    badDiff.putObject("diff").put("name", "changed");
    ObjectNode noType =
        ApiRows.ssh(ApiRows.uuid("x", 5), "2025-07-10T11:00:00Z", ApiRows.uuid("c", 5));
    noType.remove("type");
    ObjectNode badCid =
        ApiRows.ssh(ApiRows.uuid("x", 6), "2025-07-10T11:00:00Z", "00000000-0000-0000-0000");
    assertThat(reason(Kind.AUDIT, badId)).isEqualTo("\"id\" must be a UUID, got \"not-a-uuid\"");
    assertThat(reason(Kind.AUDIT, badTime))
        .isEqualTo("\"time\" must be an RFC 3339 time, got \"yesterday\"");
    assertThat(reason(Kind.AUDIT, badStatus))
        .isEqualTo("\"status_code\" must be a 32-bit integer, got \"201\"");
    assertThat(reason(Kind.AUDIT, badDiff))
        .isEqualTo("\"diff.name\" must be an object, got a string");
    assertThat(reason(Kind.CONNECTION, noType)).isEqualTo("\"type\" is missing");
    assertThat(reason(Kind.CONNECTION, badCid))
        .isEqualTo("\"connection_id\" must be a UUID, got \"00000000-0000-0000-0000\"");
    assertThat(mapper.check(Kind.AUDIT, ApiJson.parse("[1]")))
        .isEqualTo(new ApiMapper.Bad("the row is an array, " + "not an object"));
  }

  private String reason(Kind kind, ObjectNode row) throws Exception {
    ApiMapper.Checked c = mapper.check(kind, ApiJson.parse(row.toString()));
    assertThat(c).isInstanceOf(ApiMapper.Bad.class);
    return ((ApiMapper.Bad) c).reason();
  }

  @Test
  void numbersKeepTheirSpellingAndKeysTheirOrder() throws Exception {
    String text = "{\"b\":1e+21,\"a\":[28800000000000,0.95,-0],\"c\":{\"z\":null,\"y\":true}}";
    assertThat(ApiJson.write(ApiJson.parse(text))).isEqualTo(text);
  }
}
