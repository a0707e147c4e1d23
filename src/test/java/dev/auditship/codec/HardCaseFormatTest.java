package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.testutil.Golden;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole-event hard cases beyond the golden lines: multi-line rules, zones, fraction digits, unknown
 * fields.
 */
class HardCaseFormatTest {
  private static final Format JSON = new JsonFormat(EnvelopeDefaults.CODER);
  private static final Format HUMAN = new HumanFormat(false);
  private static final String HEAD =
      "{\"ts\":\"TS\",\"level\":\"INFO\",\"msg\":\"connection_log\",\"caller\":\"c.go:1\","
          + "\"func\":\"f\",\"logger_names\":[\"coderd\"],\"fields\":{";
  private static final String IDS =
      "\"ID\":\"ca5dfc63-dc43-463a-bb3e-38526866fd4b\",\"OrganizationID\":"
          + "\"0665a54f-0b77-4a58-94aa-59646fa38a74\",\"WorkspaceOwnerID\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\","
          + "\"WorkspaceID\":\"3c0b37c8-e58c-4980-b9a1-2732410480a5\",";
  private static final String HUMAN_IDS =
      "ID=ca5dfc63-dc43-463a-bb3e-38526866fd4b  OrganizationID="
          + "0665a54f-0b77-4a58-94aa-59646fa38a74  WorkspaceOwnerID=6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa  "
          + "WorkspaceID=3c0b37c8-e58c-4980-b9a1-2732410480a5  ";

  private static String conn(String ts, String name, String reason, String time) {
    return HEAD.replace("TS", ts)
        + IDS
        + "\"WorkspaceName\":"
        + name
        + ",\"AgentName\":\"main\",\"Type\":\"ssh\","
        + "\"Code\":0,\"Ip\":\"\\u003cnil\\u003e\",\"UserAgent\":\"\",\"UserID\":null,\"SlugOrPort\":\"\","
        + "\"ConnectionID\":\"7a6fafdc-e3d0-43cb-a1b7-1f19802d7908\",\"DisconnectReason\":"
        + reason
        + ",\"Time\":\""
        + time
        + "\",\"ConnectionStatus\":\"disconnected\"}}";
  }

  private static String humanTail(String time) {
    return "Time=\"" + time + "\"  ConnectionStatus=disconnected";
  }

  @Test
  void twoMultiLineFieldsOnlyTheFirstMovesToTheBlock() {
    String line =
        conn("2025-07-10T11:00:00Z", "\"ws\\none\"", "\"r1\\nr2\"", "2025-07-10T11:00:00Z");
    Event e = Golden.decodeOne(line);
    assertThat(JSON.format(e)).isEqualTo(line);
    assertThat(HUMAN.format(e))
        .isEqualTo(
            "2025-07-10 11:00:00.000 [info]  coderd: connection_log  "
                + HUMAN_IDS
                + "AgentName=main  Type=ssh  Code=0  Ip=<nil>  UserAgent=\"\"  UserID=<nil>  SlugOrPort=\"\"  "
                + "ConnectionID=7a6fafdc-e3d0-43cb-a1b7-1f19802d7908  DisconnectReason=\"r1\\nr2\"  "
                + humanTail("2025-07-10T11:00:00Z")
                + " ...\n"
                + "    WorkspaceName= ws\n"
                + "                   one");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // JSON value of DisconnectReason | human rendering when it stays inline ("" = moves to the
        // block)
        "newline at start   | \"\\nabc\"          | DisconnectReason=\"\\nabc\"",
        "newline at end     | \"abc\\n\"          | DisconnectReason=\"abc\\n\"",
        "only a newline     | \"\\n\"             | DisconnectReason=\"\\n\"",
        "spaces and newline | \" \\n \"           | DisconnectReason=\" \\n \"",
        "U+2028 is no break | \"a\\u2028b\"       | DisconnectReason=\"a\\u2028b\"",
        "nbsp               | \"a\u00a0b\"        | DisconnectReason=\"a\\u00a0b\"",
        "tab                | \"a\\tb\"           | DisconnectReason=\"a\\tb\"",
      })
  void valuesThatStayInline(String what, String json, String human) {
    String line = conn("2025-07-10T11:00:00Z", "\"dev\"", json.strip(), "2025-07-10T11:00:00Z");
    Event e = Golden.decodeOne(line);
    assertThat(JSON.format(e)).isEqualTo(line);
    assertThat(HUMAN.format(e)).contains("  " + human.strip() + "  Time=").doesNotContain(" ...\n");
  }

  @Test
  void multiLineBlockKeepsCarriageReturnsAndEmptyLinesAndIsTrimmed() {
    String line =
        conn(
            "2025-07-10T11:00:00Z",
            "\"dev\"",
            "\"\\n  first\\r\\n\\nthird \\n\"",
            "2025-07-10T11:00:00Z");
    Event e = Golden.decodeOne(line);
    assertThat(HUMAN.format(e))
        .endsWith(
            humanTail("2025-07-10T11:00:00Z")
                + " ...\n"
                + "    DisconnectReason= first\r\n"
                + "\n"
                + "                      third");
  }

  @Test
  void humanMultiLineBlockDecodesBackIntoItsPlaceWithEmptyLines() {
    String line =
        conn("2025-07-10T11:00:00Z", "\"dev\"", "\"first\\n\\nthird\"", "2025-07-10T11:00:00Z");
    Event e = Golden.decodeOne(line);
    String human = HUMAN.format(e);
    Event back = Golden.decodeOne(human + "\n");
    assertThat(HUMAN.format(back)).isEqualTo(human);
    // caller/func are not in the human line: the configured defaults are used.
    assertThat(JSON.format(back))
        .isEqualTo(
            line.replace(
                "\"caller\":\"c.go:1\",\"func\":\"f\"",
                "\"caller\":\""
                    + EnvelopeDefaults.CODER_CALLER
                    + "\",\"func\":\""
                    + EnvelopeDefaults.CODER_FUNC
                    + "\""));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2025-07-03T07:12:44Z, 2025-07-03 07:12:44.000",
    "2025-07-03T07:12:44.1Z, 2025-07-03 07:12:44.100",
    "2025-07-03T07:12:44.12Z, 2025-07-03 07:12:44.120",
    "2025-07-03T07:12:44.123Z, 2025-07-03 07:12:44.123",
    "2025-07-03T07:12:44.1239Z, 2025-07-03 07:12:44.123",
    "2025-07-03T07:12:44.12399Z, 2025-07-03 07:12:44.123",
    "2025-07-03T07:12:44.999999Z, 2025-07-03 07:12:44.999",
    "2025-07-03T07:12:44.9999999Z, 2025-07-03 07:12:44.999",
    "2025-07-03T07:12:44.99999999Z, 2025-07-03 07:12:44.999",
    "2025-07-03T07:12:44.999999999Z, 2025-07-03 07:12:44.999",
    "2025-07-03T09:12:44.5+02:00, 2025-07-03 07:12:44.500",
    "2025-07-02T23:42:44.123456-07:30, 2025-07-03 07:12:44.123",
  })
  void tsWithZeroToNineFractionDigitsAndOffsets(String ts, String human) {
    String line = conn(ts, "\"dev\"", "\"\"", ts);
    Event e = Golden.decodeOne(line);
    assertThat(JSON.format(e)).isEqualTo(line);
    assertThat(HUMAN.format(e))
        .startsWith(human + " [info]  coderd: connection_log  ")
        .endsWith("DisconnectReason=\"\"  " + humanTail(ts));
  }

  @Test
  void nonUtcTimeKeepsItsZoneAndV3PrintsGoTimeString() {
    String line =
        conn(
            "2025-07-03T06:57:16.157402211Z",
            "\"dev\"",
            "\"\"",
            "2025-07-03T08:57:16.144719+02:00");
    Event e = Golden.decodeOne(line);
    assertThat(JSON.format(e)).isEqualTo(line);
    assertThat(HUMAN.format(e))
        .endsWith("Time=\"2025-07-03T08:57:16.144719+02:00\"  ConnectionStatus=disconnected");
    assertThat(new HumanFormat(true).format(e))
        .endsWith("Time=\"2025-07-03 08:57:16.144719 +0200 +0200\"  ConnectionStatus=disconnected");
  }

  @Test
  void v3TimeForUtcMatchesTheReferenceLine() {
    Event e = Golden.decodeOne(Golden.line("audit_user_login").json());
    assertThat(new HumanFormat(true).format(e))
        .contains("  Time=\"2025-07-03 06:55:02.117803 +0000 UTC\"  ");
  }

  @Test
  void unknownFieldsOfNewerCoderVersionsKeepTheirPlaceInBothFormats() {
    String line =
        conn("2025-07-10T11:00:00Z", "\"dev\"", "\"\"", "2025-07-10T11:00:00Z")
            .replace(
                "\"AgentName\":\"main\",",
                "\"AgentName\":\"main\",\"AgentID\":null,\"OS\":\"linux\","
                    + "\"Extra\":{\"a\": [1, 2.50]},\"Flag\":true,");
    Event e = Golden.decodeOne(line);
    assertThat(JSON.format(e)).isEqualTo(line.replace("{\"a\": [1, 2.50]}", "{\"a\":[1,2.50]}"));
    assertThat(HUMAN.format(e))
        .contains(
            "  AgentName=main  AgentID=<nil>  OS=linux  Extra=\"{\\\"a\\\": [1, 2.50]}\"  "
                + "Flag=true  Type=ssh  ");
  }

  @Test
  void unknownEnumValuesPassThrough() {
    String line =
        conn("2025-07-10T11:00:00Z", "\"dev\"", "\"\"", "2025-07-10T11:00:00Z")
            .replace("\"Type\":\"ssh\"", "\"Type\":\"file_transfer\"");
    Event e = Golden.decodeOne(line);
    assertThat(JSON.format(e)).isEqualTo(line);
    assertThat(HUMAN.format(e)).contains("  Type=file_transfer  ");
  }

  @Test
  void legacyFieldOrderIsKept() {
    // Older Coder releases printed Time second and CloseReason (docs/coder-reference.md §3):
    // whatever order came
    // in goes out.
    String line =
        HEAD.replace("TS", "2025-07-10T11:00:00Z")
            + "\"ID\":\"ca5dfc63-dc43-463a-bb3e-38526866fd4b\","
            + "\"Time\":\"2025-07-10T11:00:00Z\",\"CloseReason\":\"\",\"ConnectionStatus\":\"connected\"}}";
    Event e = Golden.decodeOne(line);
    assertThat(JSON.format(e)).isEqualTo(line);
    assertThat(HUMAN.format(e))
        .endsWith(
            "connection_log  ID=ca5dfc63-dc43-463a-bb3e-38526866fd4b  "
                + "Time=\"2025-07-10T11:00:00Z\"  CloseReason=\"\"  ConnectionStatus=connected");
  }

  @Test
  void invalidUtf8InAValueIsReplacedInJsonAndEscapedInHuman() {
    byte[] raw =
        conn("2025-07-10T11:00:00Z", "\"dev\"", "\"bad XX byte\"", "2025-07-10T11:00:00Z")
            .getBytes(StandardCharsets.UTF_8);
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    int at = s.indexOf("XX");
    raw[at] = (byte) 0xff;
    raw[at + 1] = (byte) 0xfe;
    Event e = Golden.decodeOne(dev.auditship.text.Utf8.decode(raw, 0, raw.length));
    assertThat(JSON.format(e)).contains("\"DisconnectReason\":\"bad \\ufffd\\ufffd byte\"");
    assertThat(HUMAN.format(e)).contains("  DisconnectReason=\"bad \\xff\\xfe byte\"  ");
  }
}
