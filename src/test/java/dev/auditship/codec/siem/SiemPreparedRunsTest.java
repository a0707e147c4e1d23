package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Format;
import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runs the formats prepare once and the shortcuts they take (docs/benchmarks.md, "SIEM
 * formats"), byte for byte against the record the general path writes: LEEF's devTime copied from
 * Coder's text, the first pair when a record has no time, events without the fields a prepared run
 * ends with (ID, UserID, OrganizationID, Action), envelopes other than the release build's, and
 * ECS's category and type of each kind of event.
 */
class SiemPreparedRunsTest {
  private static final Event LOGIN = golden("audit_user_login");
  private static final Event SSH_END = golden("conn_ssh_disconnect_exit");

  private static Event golden(String name) {
    Event e = Golden.decodeOne(Golden.line(name).json());
    return new Event(e.kind(), e.envelope(), e.fields());
  }

  private static String render(String format, Event e) {
    Format f = SiemFormats.withDefaults(format);
    ByteBuf b = new ByteBuf(16);
    f.write(e, b);
    return b.toString();
  }

  /** {@code e} with fields replaced ({@code null}: removed). */
  private static Event with(Event e, Map<String, Value> changes) {
    List<Field> out = new ArrayList<>();
    for (Field f : e.fields()) {
      if (!changes.containsKey(f.key())) {
        out.add(f);
      } else if (changes.get(f.key()) != null) {
        out.add(new Field(f.key(), changes.get(f.key())));
      }
    }
    return new Event(e.kind(), e.envelope(), out);
  }

  private static Event withTs(Event e, String ts) {
    Envelope v = e.envelope();
    return new Event(
        e.kind(),
        new Envelope(ts, v.level(), v.caller(), v.func(), v.loggerNames(), v.trace(), v.span()),
        e.fields());
  }

  private static String devTime(String leef) {
    int at = leef.indexOf("devTime=") + "devTime=".length();
    return leef.substring(at, leef.indexOf('\t', at));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2025-07-03T06:55:02.117803Z",
        "2025-07-03T06:55:02.123456789Z",
        "2025-07-03T06:55:02.123Z",
        "2025-07-03T06:55:02.12Z",
        "2025-07-03T06:55:02.1Z",
        "2025-07-03T06:55:02Z",
        "2025-07-03T06:55:02.123z",
        "2025-07-03t06:55:02.123Z",
        "2025-07-03T06:55:02.123456+02:00",
        "2025-07-03T06:55:02.999-11:30",
        "2025-07-03T23:59:60.500Z",
        "2025-02-30T06:55:02.123Z",
        "2024-02-29T23:59:59.999Z",
        "1969-12-31T23:59:59.999Z",
        "2025-07-03T06:55:02.1234567891Z"
      })
  void leefDevTimeIsTheInstantOfTimeHoweverItIsWritten(String time) {
    Event e = with(LOGIN, Map.of("Time", new Value.Time(time)));
    long ms = Coder.epochMillis(time);
    assertThat(ms).isNotEqualTo(Long.MIN_VALUE);
    assertThat(devTime(render("leef", e))).isEqualTo(LeefMapping.devTime(ms));
  }

  @Test
  void withoutAnyTimeTheFirstPairHasNoSeparator() {
    Event e = withTs(with(LOGIN, Collections.singletonMap("Time", null)), "not a time");
    assertThat(render("cef", e))
        .startsWith(
            "CEF:0|Coder|coderd|2|audit:api_key:login|login api_key|3|cat=coder:audit act=login"
                + " outcome=success externalId=95f7c392-da3e-480c-a579-8909f145fbe2 suid=");
    assertThat(render("leef", e))
        .startsWith(
            "LEEF:2.0|Coder|coderd|2|audit:api_key:login|\t|cat=audit\tsev=3\toutcome=success"
                + "\tusrName=alice\t");
    assertThat(render("ocsf", e)).contains("\"status\":\"Success\",\"time\":0,");
  }

  @Test
  void aTimeOnlyInTheEnvelopeStillGivesRtAndDevTime() {
    Event e = with(LOGIN, Map.of("Time", new Value.Time("not a time")));
    assertThat(render("cef", e))
        .contains("|3|rt=1751525702118 coderTime=not a time cat=coder:audit act=login ");
    assertThat(render("leef", e))
        .contains("|\t|devTime=2025-07-03T06:55:02.118+0000\tdevTimeFormat=");
  }

  @Test
  void withoutTheFieldsAPreparedRunEndsWithTheirKeysAreLeftOut() {
    Map<String, Value> gone = new HashMap<>();
    for (String k : new String[] {"ID", "UserID", "OrganizationID", "Action", "ResourceType"}) {
      gone.put(k, null);
    }
    Event e = with(LOGIN, gone);
    assertThat(render("cef", e))
        .startsWith(
            "CEF:0|Coder|coderd|2|audit::|audit_log|3|rt=1751525702117"
                + " coderTime=2025-07-03T06:55:02.117803Z cat=coder:audit outcome=success"
                + " suser=alice src=");
    String ocsf = render("ocsf", e);
    assertThat(ocsf)
        .contains("\"metadata\":{\"version\":\"1.2.0\",\"product\":")
        .contains("\"actor\":{\"user\":{\"name\":\"alice\",\"email_addr\":\"alice@example.com\"}}")
        .contains("\"unmapped\":{\"Diff\":{},");
    String ecs = render("ecs", e);
    assertThat(ecs)
        .contains("\"type\":[\"info\"],\"outcome\":\"success\",\"created\":")
        .contains("\"user\":{\"name\":\"alice\",\"email\":\"alice@example.com\"}")
        .contains("\"coder\":{\"log_type\":\"audit\",\"resource\":{\"id\":");
    Event conn = with(SSH_END, Map.of("WorkspaceID", Value.str(""), "ID", Value.str("")));
    assertThat(render("ecs", conn))
        .contains("\"workspace\":{\"id\":\"\",\"name\":\"dev\"")
        .contains("\"outcome\":\"failure\",\"id\":\"\",\"created\":");
  }

  @Test
  void anEnvelopeOtherThanTheReleaseBuildsIsWrittenInFull() {
    Envelope v = LOGIN.envelope();
    Event debug =
        new Event(
            LOGIN.kind(),
            new Envelope(v.ts(), "DEBUG", "x.go:1", "f", List.of("coderd", "audit"), "t|1", "s=2"),
            LOGIN.fields());
    assertThat(render("cef", debug))
        .endsWith(
            " coderTs=2025-07-03T06:55:02.118406421Z coderLevel=DEBUG coderCaller=x.go:1"
                + " coderFunc=f coderLoggerNames=coderd.audit coderTrace=t|1 coderSpan=s\\=2");
    assertThat(render("leef", debug))
        .endsWith(
            "\tts=2025-07-03T06:55:02.118406421Z\tlevel=DEBUG\tcaller=x.go:1\tfunc=f"
                + "\tlogger_names=coderd.audit\ttrace=t|1\tspan=s=2");
    assertThat(render("cef", LOGIN))
        .endsWith(
            " coderTs=2025-07-03T06:55:02.118406421Z coderLevel=INFO coderLoggerNames=coderd");
    assertThat(render("leef", LOGIN))
        .endsWith("\tts=2025-07-03T06:55:02.118406421Z\tlevel=INFO\tlogger_names=coderd");
  }

  @Test
  void cefCustomStringsCarryTheirLabels() {
    assertThat(render("cef", LOGIN))
        .contains(
            " cs1=api_key cs1Label=ResourceType cs2=6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa"
                + " cs2Label=ResourceID cs4=00000000-0000-0000-0000-000000000000"
                + " cs4Label=OrganizationID cs5=9682b1b5-7b9f-4bf2-9a39-9463f8e41cd6"
                + " cs5Label=RequestID cs6={} cs6Label=Diff ");
    assertThat(render("cef", SSH_END))
        .contains(
            " cs1=ssh cs1Label=Type cs2=3c0b37c8-e58c-4980-b9a1-2732410480a5 cs2Label=WorkspaceID"
                + " cs3=dev cs3Label=WorkspaceName cs4=0665a54f-0b77-4a58-94aa-59646fa38a74"
                + " cs4Label=OrganizationID cs5=916ad077-e120-4861-8640-f449d56d2bae"
                + " cs5Label=request_id cs6=7a6fafdc-e3d0-43cb-a1b7-1f19802d7908"
                + " cs6Label=ConnectionID ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "login|api_key|authentication|start",
        "logout|api_key|authentication|end",
        "connect|workspace|session|start",
        "open|workspace|session|start",
        "disconnect|workspace|session|end",
        "close|workspace|session|end",
        "register|user|iam|user\",\"creation",
        "delete|user|iam|user\",\"deletion",
        "write|group|iam|group\",\"change",
        "create|group|iam|group\",\"creation",
        "request_password_reset|license|iam|change",
        "write|api_key|iam|change",
        "delete|git_ssh_key|iam|deletion",
        "start|workspace_build|configuration|change",
        "create|template|configuration|creation",
        "delete|template|configuration|deletion",
        "|template|configuration|info"
      })
  void ecsCategoryAndTypeOfEachAuditAction(String row) {
    String[] c = row.split("\\|", -1);
    Event e =
        with(
            LOGIN,
            c[0].isEmpty()
                ? Collections.singletonMap("Action", null)
                : Map.of("Action", Value.str(c[0]), "ResourceType", Value.str(c[1])));
    if (c[0].isEmpty()) {
      e = with(e, Map.of("ResourceType", Value.str(c[1])));
    }
    assertThat(render("ecs", e))
        .contains(
            "\"event\":{\"kind\":\"event\",\"category\":[\""
                + c[2]
                + "\"],\"type\":[\""
                + c[3]
                + "\"],");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "workspace_app|connected|\"web\"],\"type\":[\"access\"]",
        "port_forwarding|connected|\"network\",\"web\"],\"type\":[\"access\"]",
        "tunnel|disconnected|\"network\",\"web\"],\"type\":[\"access\"]",
        "ssh|connected|\"network\",\"session\"],\"type\":[\"start\"]",
        "vscode|disconnected|\"network\",\"session\"],\"type\":[\"end\"]",
        "reconnecting_pty|other|\"network\",\"session\"],\"type\":[\"info\"]"
      })
  void ecsCategoryAndTypeOfEachConnection(String row) {
    String[] c = row.split("\\|", 3);
    Event e = with(SSH_END, Map.of("Type", Value.str(c[0]), "ConnectionStatus", Value.str(c[1])));
    assertThat(render("ecs", e)).contains("\"category\":[" + c[2] + ",\"action\":\"" + c[1]);
  }
}
