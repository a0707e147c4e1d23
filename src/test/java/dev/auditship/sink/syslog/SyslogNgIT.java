package dev.auditship.sink.syslog;

import static dev.auditship.sink.syslog.Interop.mix;
import static dev.auditship.sink.syslog.Interop.roundTrip;
import static dev.auditship.sink.syslog.Interop.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.TlsSettings;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestPki;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against a real syslog-ng 3.38, started on loopback ports. Its {@code syslog()} TCP and
 * TLS sources accept only octet-counted frames, so they check RFC 6587 / 5425 framing strictly.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyslogNgIT {
  @TempDir static Path tmp;
  static TestPki pki;
  static SyslogNg syslogNg;

  @BeforeAll
  static void start() throws Exception {
    Receivers.require(SyslogNg.installed(), "syslog-ng (unpacked under SNG_ROOT)");
    pki = new TestPki(tmp.resolve("pki"));
    syslogNg = new SyslogNg(tmp.resolve("syslog-ng"), pki.dir);
    syslogNg.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (syslogNg != null) {
      syslogNg.close();
    }
  }

  private static TlsSettings trusting() {
    return new TlsSettings(pki.caPem, null, null, null, false);
  }

  @Test
  void udpRfc5424() throws Exception {
    roundTrip(
        syslogNg,
        Configs.udp(syslogNg.port),
        List.of(
            unique("audit_workspace_build_start", false),
            unique("conn_ssh_disconnect_exit", false),
            unique("edge_escaping", false)));
  }

  @Test
  void udpRfc3164() throws Exception {
    roundTrip(
        syslogNg,
        Configs.udp(syslogNg.port).rfc3164(),
        List.of(unique("audit_user_login", false), unique("conn_port_forwarding", false)));
  }

  @Test
  void tcpOctetCountingKeepsMultiLineRecordsWhole() throws Exception {
    roundTrip(syslogNg, Configs.tcp(syslogNg.port), mix());
  }

  @Test
  void tcpOctetCountingWithBomAndWithoutStructuredData() throws Exception {
    Configs c = Configs.tcp(syslogNg.port).bom();
    c.sd = false;
    roundTrip(syslogNg, c, mix());
  }

  @Test
  void structuredDataValuesAreEscaped() throws Exception {
    roundTrip(syslogNg, Configs.tcp(syslogNg.port), Interop.awkwardStructuredData());
  }

  @Test
  void tcpLfFramingEscapesLineBreaks() throws Exception {
    roundTrip(syslogNg, Configs.tcp(syslogNg.lf).framing(Framing.LF), mix());
  }

  @Test
  void tcpTruncatesAtTheLimitWithAMarker() throws Exception {
    SinkRecord big = unique("edge_multiline_reason", true);
    big = new SinkRecord(big.event(), big.text() + "\n" + "ü€🚀".repeat(300));
    Configs c = Configs.tcp(syslogNg.port).max(1000);
    try (SyslogSink sink = c.sink()) {
      Interop.sendAll(sink, List.of(big));
      assertThat(sink.truncated()).isEqualTo(1);
    }
    String id = big.event().id();
    ReceiverDaemon.Received got = syslogNg.await(m -> m.raw().contains(id), 1).get(0);
    Interop.assertParsed(got, c, big, false);
    assertThat(got.raw())
        .endsWith(
            " [truncated by auditship: message was "
                + c.encoder().encode(big).originalBytes()
                + " bytes, limit 1000]");
  }

  @Test
  void tls() throws Exception {
    roundTrip(syslogNg, Configs.tls(syslogNg.tlsPort, trusting()), mix());
  }

  @Test
  void mutualTls() throws Exception {
    roundTrip(
        syslogNg,
        Configs.tls(
            syslogNg.mtls,
            new TlsSettings(pki.caPem, pki.clientCertPem, pki.clientKeyPem, null, false)),
        mix());
  }

  @Test
  void mutualTlsWithoutAClientCertificateIsAConfigurationFaultNotADelivery() throws Exception {
    SinkRecord refused = unique("audit_user_login", false);
    try (SyslogSink sink = Configs.tls(syslogNg.mtls, trusting()).sink()) {
      Outcome o = sink.send(List.of(refused));
      assertThat(o.configFault()).isTrue();
      assertThat(o.retry()).containsExactly(refused);
      assertThat(sink.checkConnectivity())
          .startsWith("cannot connect to tls://127.0.0.1:" + syslogNg.mtls);
    }
    SinkRecord later = unique("audit_user_login", false);
    roundTrip(
        syslogNg,
        Configs.tls(
            syslogNg.mtls,
            new TlsSettings(pki.caPem, pki.clientCertPem, pki.clientKeyPem, null, false)),
        List.of(later));
    assertThat(syslogNg.received()).noneMatch(m -> m.raw().contains(refused.event().id()));
  }
}
