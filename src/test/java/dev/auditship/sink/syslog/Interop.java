package dev.auditship.sink.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.event.Value;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestEvents;
import dev.auditship.text.GoTime;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Shared steps of the interop tests: unique records, sending, and what the receiver must have
 * parsed.
 */
final class Interop {
  private Interop() {}

  /** A fresh copy of a golden record (json or human) with a unique ID, so tests can find it. */
  static SinkRecord unique(String golden, boolean human) {
    SinkRecord base = human ? TestEvents.human(golden) : TestEvents.json(golden);
    var e = TestEvents.with(base.event(), "ID", Value.str(UUID.randomUUID().toString()));
    return new SinkRecord(e, human ? TestEvents.HUMAN.format(e) : TestEvents.JSON.format(e));
  }

  /**
   * The records every stream test sends: JSON and human, audit and connection, multi-line,
   * non-ASCII.
   */
  static List<SinkRecord> mix() {
    return List.of(
        unique("audit_workspace_build_start", false),
        unique("conn_ssh_disconnect_exit", false),
        unique("edge_escaping", false),
        unique("edge_multiline_reason", true),
        unique("edge_escaping", true),
        unique("conn_port_forwarding", true));
  }

  /**
   * Records whose structured-data values need escaping ({@code " \\ ]}) and hold non-ASCII text.
   */
  static List<SinkRecord> awkwardStructuredData() {
    SinkRecord audit = unique("audit_user_login", false);
    var a = TestEvents.with(audit.event(), "Action", Value.str("a \"quoted\" \\back\\slash [x] é"));
    SinkRecord conn = unique("conn_ssh_disconnect_exit", true);
    var w = TestEvents.with(conn.event(), "WorkspaceName", Value.str("dev]\"\\ 🚀"));
    return List.of(
        new SinkRecord(a, TestEvents.JSON.format(a)),
        new SinkRecord(w, TestEvents.HUMAN.format(w)));
  }

  static void sendAll(SyslogSink sink, List<SinkRecord> records) throws InterruptedException {
    Outcome o = sink.send(records);
    assertThat(o.reason()).as("outcome reason").isNull();
    assertThat(o.done()).isTrue();
  }

  /** Sends {@code records} and checks that {@code receiver} parsed each one as sent, in order. */
  static void roundTrip(ReceiverDaemon receiver, Configs c, List<SinkRecord> records)
      throws Exception {
    try (SyslogSink sink = c.sink()) {
      sendAll(sink, records);
    }
    List<String> ids = new ArrayList<>();
    for (SinkRecord r : records) {
      ids.add(r.event().id());
    }
    List<ReceiverDaemon.Received> got =
        receiver.await(m -> ids.stream().anyMatch(m.raw()::contains), records.size());
    assertThat(got).hasSize(records.size());
    for (int i = 0; i < records.size(); i++) {
      assertParsed(got.get(i), c, records.get(i), receiver instanceof Rsyslog);
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Compares what the receiver parsed with what was sent. */
  static void assertParsed(ReceiverDaemon.Received got, Configs c, SinkRecord r, boolean rsyslog) {
    MessageEncoder.Encoded encoded = c.encoder().encode(r);
    byte[] sent = encoded.message();
    String sentText = new String(sent, StandardCharsets.UTF_8);
    // MSG as sent: what follows the header (and the BOM); the record itself unless truncated.
    int head = c.encoder().encode(new SinkRecord(r.event(), "")).message().length;
    String text = new String(sent, head, sent.length - head, StandardCharsets.UTF_8);
    if (!encoded.truncated()) {
      assertThat(text)
          .isEqualTo(
              c.build().framing() == Framing.LF
                  ? r.text().replace("\n", "#012").replace("\r", "#015")
                  : r.text());
    }
    assertThat(got.raw()).as("raw message").isEqualTo(sentText);
    assertThat(got.host()).as("hostname").isEqualTo(Configs.HOSTNAME);
    assertThat(got.app()).as("app-name").isEqualTo("coderd");
    assertThat(got.pri())
        .as("PRI")
        .isEqualTo(Integer.toString(new Priority(10, 6, 4).of(r.event())));
    String nil = rsyslog ? "-" : "";
    if (c.protocol == Protocol.RFC3164) {
      assertThat(got.msgid()).as("msgid").isEqualTo(nil);
      // rsyslog keeps the space after "TAG:" as the first character of msg.
      assertThat(got.msg()).as("msg").isEqualTo((rsyslog ? " " : "") + text);
      return;
    }
    assertThat(GoTime.parse(got.time()).toInstant())
        .as("time")
        .isEqualTo(GoTime.parse(r.event().time()).toInstant().truncatedTo(ChronoUnit.MICROS));
    assertThat(got.procid()).as("procid").isEqualTo(nil);
    assertThat(got.msgid()).as("msgid").isEqualTo(r.event().kind().message());
    StringBuilder sd = new StringBuilder();
    if (c.sd) {
      StructuredData.append(r.event(), "coder@32473", sd);
    }
    assertThat(got.sd()).as("structured data").isEqualTo(c.sd ? sd.toString() : nil);
    if (!rsyslog && c.sd) { // syslog-ng parsed the values: they must be the event's, unescaped
      assertThat(got.sd_id()).as("SD id").isEqualTo(r.event().id());
      assertThat(got.sd_action())
          .as("SD action")
          .isEqualTo(nullToEmpty(r.event().string("Action")));
      assertThat(got.sd_workspace_name())
          .as("SD workspace_name")
          .isEqualTo(nullToEmpty(r.event().string("WorkspaceName")));
    }
    // rsyslog passes a BOM on as part of msg; syslog-ng takes it as the encoding mark it is.
    assertThat(got.msg()).as("msg").isEqualTo((c.bom && rsyslog ? "\uFEFF" : "") + text);
  }
}
