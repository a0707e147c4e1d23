package dev.auditship.sink.syslog;

import static dev.auditship.testutil.TestEvents.event;
import static dev.auditship.testutil.TestEvents.with;
import static dev.auditship.testutil.TestEvents.without;
import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Decoded;
import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.event.Event;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.TestEvents;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageEncoderTest {
  private static final Priority AUTHPRIV = new Priority(10, 6, 4);

  private static MessageEncoder rfc5424(Framing framing, boolean sd, boolean bom, int max) {
    return new MessageEncoder(
        Protocol.RFC5424,
        framing,
        AUTHPRIV,
        "host.example.com",
        "coderd",
        sd ? "coder@32473" : null,
        bom,
        max);
  }

  private static MessageEncoder rfc5424() {
    return rfc5424(Framing.OCTET_COUNTING, true, false, 65_536);
  }

  private static String text(MessageEncoder.Encoded e) {
    return new String(e.message(), StandardCharsets.UTF_8);
  }

  @Test
  void rfc5424AuditHeaderStructuredDataAndJsonRecord() {
    SinkRecord r = TestEvents.json("audit_workspace_build_start");
    assertThat(text(rfc5424().encode(r)))
        .isEqualTo(
            "<86>1 2025-07-03T07:12:44.381926Z host.example.com coderd - "
                + "audit_log [coder@32473 id=\"b4f043e3-2010-4dd2-a1fe-a7c2c923e236\" action=\"start\" "
                + "resource_type=\"workspace_build\" resource_id=\"ca5647e0-ef50-4202-a246-717e04447380\" "
                + "status_code=\"200\"] "
                + r.text());
  }

  @Test
  void rfc5424ConnectionFailureHasWarningSeverityAndMicrosecondUtcTime() {
    SinkRecord r =
        TestEvents.json("conn_ssh_disconnect_exit"); // Time has nanoseconds: cut to microseconds
    assertThat(text(rfc5424().encode(r)))
        .isEqualTo(
            "<84>1 2025-07-10T10:31:05.199314Z host.example.com coderd - "
                + "connection_log [coder@32473 id=\"5b0d3c7e-8f2a-4c1e-9d6b-2e7f4a9c1b30\" type=\"ssh\" "
                + "status=\"disconnected\" workspace_id=\"3c0b37c8-e58c-4980-b9a1-2732410480a5\" workspace_name=\"dev\" "
                + "agent_name=\"main\" code=\"127\"] "
                + r.text());
  }

  @Test
  void nullCodeIsLeftOutOfStructuredDataAndTimeGetsSixDigits() {
    SinkRecord r = TestEvents.json("conn_ssh_connect");
    assertThat(text(rfc5424().encode(r)))
        .startsWith(
            "<86>1 2025-07-10T10:14:38.942776Z host.example.com coderd "
                + "- connection_log [coder@32473 id=\"ca5dfc63-dc43-463a-bb3e-38526866fd4b\" type=\"ssh\" "
                + "status=\"connected\" workspace_id=\"3c0b37c8-e58c-4980-b9a1-2732410480a5\" "
                + "workspace_name=\"dev\" agent_name=\"main\"] {");
    SinkRecord whole = TestEvents.json("edge_multiline_reason"); // Time 2025-07-10T11:00:00Z
    assertThat(text(rfc5424().encode(whole))).startsWith("<86>1 2025-07-10T11:00:00.000000Z ");
  }

  @Test
  void timeWithAnOffsetIsConvertedToUtc() {
    Event e =
        with(
            event("conn_workspace_app"),
            "Time",
            new Value.Time("2025-07-03T08:57:16.144719+02:00"));
    assertThat(text(rfc5424().encode(new SinkRecord(e, "x"))))
        .startsWith("<86>1 2025-07-03T06:57:16.144719Z ");
  }

  @Test
  void withoutTimeTheLogEntryTimeIsUsed() {
    Event e = without(event("audit_user_login"), "Time"); // ts 2025-07-03T06:55:02.118406421Z
    assertThat(text(rfc5424().encode(new SinkRecord(e, "x"))))
        .startsWith("<86>1 2025-07-03T06:55:02.118406Z ");
  }

  @Test
  void structuredDataEscapesQuoteBackslashAndBracket() {
    Event e = with(event("audit_user_login"), "Action", Value.str("a\"b\\c]d[e=f"));
    e =
        with(
            e,
            "ResourceType",
            Value.str("x\uDCFFy")); // an invalid input byte: not UTF-8, so U+FFFD
    assertThat(text(rfc5424().encode(new SinkRecord(e, "m"))))
        .contains(" action=\"a\\\"b\\\\c\\]d[e=f\" resource_type=\"x\uFFFDy\" ");
    StringBuilder sb = new StringBuilder();
    StructuredData.escape("\"\\]", sb);
    assertThat(sb).hasToString("\\\"\\\\\\]");
  }

  /**
   * Structured data of an event read from a JSON line takes plain ASCII values straight from the
   * line and decodes the rest; both give what the values give (the StringBuilder path reads them
   * decoded).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"Action\":\"start\"|\"Action\":\"st]art\"",
        "\"Action\":\"start\"|\"Action\":\"st\\\"a\\\\rt\"",
        "\"Action\":\"start\"|\"Action\":\"\u00e9t\u00e9 \ud83d\ude00\"",
        "\"Action\":\"start\"|\"Action\":\"\\u00e9\\n\"",
        "\"Action\":\"start\"|\"Action\":\"\"",
        "\"StatusCode\":200|\"StatusCode\":-1",
        "\"StatusCode\":200|\"StatusCode\":0",
        "\"StatusCode\":200|\"StatusCode\":-2147483648",
        "\"ResourceType\":\"workspace_build\"|\"ResourceType\":\"\u007f<&>\"",
      })
  void structuredDataFromTheLineIsWhatTheValuesGive(String edit) {
    String[] e = edit.split("\\|", 2);
    String line = Golden.line("audit_workspace_build_start").json().strip();
    assertThat(line).contains(e[0]);
    Decoded d = Golden.decodeAll(line.replace(e[0], e[1]) + "\n").get(0);
    assertThat(d).isInstanceOf(Decoded.Ok.class);
    Event ev = ((Decoded.Ok) d).event();
    SinkRecord r = new SinkRecord(ev, TestEvents.JSON.bytes(ev));
    MessageEncoder enc = rfc5424();
    String framed = new String(enc.encodeFramed(r).message(), StandardCharsets.UTF_8);
    assertThat(framed)
        .isEqualTo(
            new String(
                Framer.frame(enc.encode(r).message(), Framing.OCTET_COUNTING),
                StandardCharsets.UTF_8));
    if (edit.contains("st]art")) {
      assertThat(ev.lazyFields()).isNotNull(); // the line's own path, not the decoded values
      assertThat(framed).contains(" action=\"st\\]art\" ");
    }
    if (edit.contains(":-1")) {
      assertThat(ev.lazyFields()).isNotNull();
      assertThat(framed).contains(" status_code=\"-1\"]");
    }
  }

  @Test
  void structuredDataOfAConnectionLineLeavesANullCodeOut() {
    String line = Golden.line("conn_ssh_connect").json().strip();
    Event ev = ((Decoded.Ok) Golden.decodeAll(line + "\n").get(0)).event();
    assertThat(ev.lazyFields()).isNotNull();
    ByteBuf out = new ByteBuf(64);
    assertThat(ev.appendAscii("Code", out)).isEqualTo(LazyFields.ABSENT);
    assertThat(ev.appendAscii("NoSuchField", out)).isEqualTo(LazyFields.ABSENT);
    assertThat(ev.appendAscii("WorkspaceName", out)).isEqualTo(LazyFields.WRITTEN);
    assertThat(out.toString()).isEqualTo("dev");
  }

  @Test
  void structuredDataCanBeTurnedOff() {
    SinkRecord r = TestEvents.json("audit_user_login");
    assertThat(text(rfc5424(Framing.OCTET_COUNTING, false, false, 65_536).encode(r)))
        .isEqualTo(
            "<86>1 2025-07-03T06:55:02.117803Z host.example.com coderd - audit_log - " + r.text());
  }

  @Test
  void bomPrecedesMsgWhenTurnedOn() {
    SinkRecord r = TestEvents.json("audit_user_login");
    byte[] m = rfc5424(Framing.OCTET_COUNTING, false, true, 65_536).encode(r).message();
    byte[] head =
        "<86>1 2025-07-03T06:55:02.117803Z host.example.com coderd - audit_log - "
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(Arrays.copyOfRange(m, 0, head.length)).isEqualTo(head);
    assertThat(Arrays.copyOfRange(m, head.length, head.length + 3))
        .containsExactly(0xEF, 0xBB, 0xBF);
    assertThat(new String(m, head.length + 3, m.length - head.length - 3, StandardCharsets.UTF_8))
        .isEqualTo(r.text());
  }

  @Test
  void msgKeepsInvalidInputBytesAsTheyCame() {
    SinkRecord r = new SinkRecord(event("audit_user_login"), "bad \uDCFF\uDC80 byte é");
    byte[] m = rfc5424().encode(r).message();
    byte[] tail = Arrays.copyOfRange(m, m.length - 14, m.length);
    assertThat(tail)
        .containsExactly('b', 'a', 'd', ' ', 0xFF, 0x80, ' ', 'b', 'y', 't', 'e', ' ', 0xC3, 0xA9);
  }

  @Test
  void multiLineHumanRecordStaysOneMessageWithOctetCounting() {
    SinkRecord r = TestEvents.human("edge_multiline_reason");
    assertThat(r.text()).contains("\n");
    String m = text(rfc5424().encode(r));
    assertThat(m).endsWith("] " + r.text()).contains("\n    DisconnectReason= line one\n");
  }

  @Test
  void lfFramingEscapesLineBreaks() {
    SinkRecord r = new SinkRecord(event("audit_user_login"), "one\ntwo\r\nthree");
    assertThat(text(rfc5424(Framing.LF, false, false, 65_536).encode(r)))
        .endsWith(" audit_log - one#012two#015#012three")
        .doesNotContain("\n")
        .doesNotContain("\r");
    SinkRecord human = TestEvents.human("edge_multiline_reason");
    assertThat(text(rfc5424(Framing.LF, true, false, 65_536).encode(human)))
        .contains("ConnectionStatus=disconnected ...#012    DisconnectReason= line one#012")
        .doesNotContain("\n");
  }

  @Test
  void rfc3164LineHasBsdTimestampHostnameAndTag() {
    MessageEncoder enc =
        new MessageEncoder(
            Protocol.RFC3164, Framing.NONE, AUTHPRIV, "host", "coderd", null, true, 2048);
    SinkRecord r = TestEvents.json("audit_workspace_build_start");
    assertThat(text(enc.encode(r))).isEqualTo("<86>Jul  3 07:12:44 host coderd: " + r.text());
    SinkRecord failed = TestEvents.json("edge_escaping");
    assertThat(text(enc.encode(failed)))
        .isEqualTo("<84>Jul 10 11:00:00 host coderd: " + failed.text());
    Event offset =
        with(event("conn_workspace_app"), "Time", new Value.Time("2025-12-31T23:30:00-01:00"));
    assertThat(text(enc.encode(new SinkRecord(offset, "x"))))
        .isEqualTo("<86>Jan  1 00:30:00 host coderd: x");
  }

  @Test
  void longMessageIsTruncatedWithAVisibleMarker() {
    SinkRecord r = new SinkRecord(event("audit_user_login"), "x".repeat(3000));
    MessageEncoder.Encoded e = rfc5424(Framing.NONE, true, false, 2048).encode(r);
    assertThat(e.message()).hasSize(2048);
    int full = rfc5424(Framing.NONE, true, false, 100_000).encode(r).message().length;
    assertThat(e.originalBytes()).isEqualTo(full);
    assertThat(text(e))
        .startsWith(
            "<86>1 2025-07-03T06:55:02.117803Z host.example.com coderd - audit_log "
                + "[coder@32473 id=\"95f7c392-da3e-480c-a579-8909f145fbe2\"")
        .endsWith("xxx [truncated by auditship: message was " + full + " bytes, limit 2048]");
    assertThat(e.truncated()).isTrue();
    assertThat(rfc5424().encode(r).truncated()).isFalse();
  }

  @Test
  void messageOfExactlyTheLimitIsNotTruncated() {
    SinkRecord r = new SinkRecord(event("audit_user_login"), "y".repeat(100));
    int len = rfc5424().encode(r).message().length;
    MessageEncoder.Encoded e = rfc5424(Framing.NONE, true, false, len).encode(r);
    assertThat(e.truncated()).isFalse();
    assertThat(e.message()).hasSize(len);
    assertThat(rfc5424(Framing.NONE, true, false, len - 1).encode(r).truncated()).isTrue();
  }

  /**
   * Cuts at every position through two- three- and four-byte characters: never a broken character.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"é", "€", "🚀", "aé€🚀"})
  void truncationNeverSplitsAUtf8Character(String unit) throws CharacterCodingException {
    SinkRecord r = new SinkRecord(event("audit_user_login"), unit.repeat(400));
    MessageEncoder plain = rfc5424(Framing.NONE, false, false, 100_000);
    int head = "<86>1 2025-07-03T06:55:02.117803Z host.example.com coderd - audit_log - ".length();
    for (int max = 600; max < 620; max++) {
      MessageEncoder.Encoded e = rfc5424(Framing.NONE, false, false, max).encode(r);
      String marker =
          " [truncated by auditship: message was "
              + plain.encode(r).message().length
              + " bytes, limit "
              + max
              + "]";
      assertThat(e.message().length).isLessThanOrEqualTo(max).isGreaterThan(max - 4);
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(e.message()))
              .toString(); // throws on a split character
      assertThat(s).endsWith(marker);
      String body = s.substring(head, s.length() - marker.length());
      assertThat(r.text()).startsWith(body);
      assertThat(Utf8.encode(body).length).isGreaterThan(max - head - marker.length() - 4);
    }
  }

  @Test
  void utf8BoundaryBacksUpToTheLeadByte() {
    byte[] b = "a🚀b".getBytes(StandardCharsets.UTF_8); // 61 F0 9F 9A 80 62
    assertThat(MessageEncoder.utf8Boundary(b, 1)).isEqualTo(1);
    assertThat(MessageEncoder.utf8Boundary(b, 2)).isEqualTo(1);
    assertThat(MessageEncoder.utf8Boundary(b, 3)).isEqualTo(1);
    assertThat(MessageEncoder.utf8Boundary(b, 4)).isEqualTo(1);
    assertThat(MessageEncoder.utf8Boundary(b, 5)).isEqualTo(5);
    byte[] stray = {'a', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80};
    assertThat(MessageEncoder.utf8Boundary(stray, 5))
        .isEqualTo(5); // invalid input: cut where asked
  }

  @Test
  void structuredDataIsDroppedOnlyWhenHeaderAndMarkerWouldNotFit() {
    Event e = with(event("audit_user_login"), "ResourceID", Value.str("r".repeat(600)));
    MessageEncoder.Encoded enc =
        rfc5424(Framing.NONE, true, false, 480).encode(new SinkRecord(e, "body"));
    assertThat(text(enc))
        .isEqualTo(
            "<86>1 2025-07-03T06:55:02.117803Z host.example.com coderd - audit_log - "
                + "body [truncated by auditship: message was 802 bytes, limit 480]");
    assertThat(enc.truncated()).isTrue();
    Event fits = with(event("audit_user_login"), "ResourceID", Value.str("r".repeat(200)));
    assertThat(
            text(
                rfc5424(Framing.NONE, true, false, 480)
                    .encode(new SinkRecord(fits, "b".repeat(100)))))
        .contains(" resource_id=\"rrr")
        .endsWith("bbb [truncated by auditship: message was 498 bytes, limit 480]")
        .hasSize(480);
  }

  /**
   * The octet-counted frame made in one step (what the sink sends) is byte for byte the frame of
   * {@link MessageEncoder#encode}: for every golden event, as json and human records, with and
   * without structured data and BOM, truncated or not, and for times and values the fast path must
   * hand back.
   */
  @Test
  void framedInOneStepIsTheFrameOfTheMessage() {
    List<SinkRecord> records = new ArrayList<>();
    for (Golden.Line g : Golden.lines()) {
      for (Decoded d : Golden.decodeAll(g.json() + "\n")) {
        if (d instanceof Decoded.Ok ok) {
          Event e = ok.event();
          records.add(new SinkRecord(e, TestEvents.JSON.bytes(e)));
          records.add(new SinkRecord(e, TestEvents.HUMAN.bytes(e)));
          records.add(
              new SinkRecord(
                  with(e, "Time", new Value.Time("2025-07-03T09:12:44.5+02:00")),
                  e.jsonLine() == null ? TestEvents.JSON.bytes(e) : e.jsonLine()));
          records.add(
              new SinkRecord(
                  with(e, "Time", new Value.Time("1969-12-31T23:59:55.000123Z")),
                  TestEvents.JSON.bytes(e)));
          records.add(
              new SinkRecord(
                  with(e, "Time", new Value.Time("0000-01-01T00:00:00-01:00")),
                  TestEvents.JSON.bytes(e)));
          records.add(new SinkRecord(without(e, "Time"), TestEvents.JSON.bytes(e)));
          records.add(
              new SinkRecord(
                  with(e, "ID", new Value.Str("a\"b]c\\d \ud800 \u00e9 \ud83d\ude00")),
                  TestEvents.JSON.bytes(e)));
        }
      }
    }
    assertThat(records).hasSizeGreaterThan(70);
    int fast = 0;
    for (boolean sd : new boolean[] {true, false}) {
      for (boolean bom : new boolean[] {true, false}) {
        for (int max : new int[] {65_536, 600}) {
          MessageEncoder enc = rfc5424(Framing.OCTET_COUNTING, sd, bom, max);
          for (SinkRecord r : records) {
            MessageEncoder.Encoded slow = enc.encode(r);
            MessageEncoder.Encoded framed = enc.encodeFramed(r);
            assertThat(framed.message())
                .as("%s sd=%s bom=%s max=%d", r.event(), sd, bom, max)
                .isEqualTo(Framer.frame(slow.message(), Framing.OCTET_COUNTING));
            assertThat(framed.originalBytes()).isEqualTo(slow.originalBytes());
            fast += slow.truncated() ? 0 : 1;
          }
        }
      }
    }
    assertThat(fast).isGreaterThan(records.size());
  }
}
