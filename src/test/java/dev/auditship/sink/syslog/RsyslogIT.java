package dev.auditship.sink.syslog;

import static dev.auditship.sink.syslog.Interop.mix;
import static dev.auditship.sink.syslog.Interop.roundTrip;
import static dev.auditship.sink.syslog.Interop.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.TlsSettings;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against a real rsyslog (Debian's rsyslog 8 with its GnuTLS and OpenSSL drivers), started
 * on loopback ports: what rsyslog parsed must be what was sent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RsyslogIT {
  @TempDir static Path tmp;
  static TestPki pki;
  static Rsyslog rsyslog;

  @BeforeAll
  static void start() throws Exception {
    Receivers.require(Rsyslog.installed(), "rsyslog (rsyslogd)");
    pki = new TestPki(tmp.resolve("pki"));
    rsyslog = new Rsyslog(tmp.resolve("rsyslog"), pki.dir);
    rsyslog.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (rsyslog != null) {
      rsyslog.close();
    }
  }

  private static TlsSettings trusting() {
    return new TlsSettings(pki.caPem, null, null, null, false);
  }

  @Test
  void udpRfc5424() throws Exception {
    roundTrip(
        rsyslog,
        Configs.udp(rsyslog.udp),
        List.of(
            unique("audit_workspace_build_start", false),
            unique("conn_ssh_disconnect_exit", false),
            unique("edge_escaping", false)));
  }

  @Test
  void udpRfc3164() throws Exception {
    roundTrip(
        rsyslog,
        Configs.udp(rsyslog.udp).rfc3164(),
        List.of(unique("audit_user_login", false), unique("conn_port_forwarding", false)));
  }

  @Test
  void udpTruncatesAtTheLimitWithAMarker() throws Exception {
    SinkRecord big = unique("audit_user_login", false);
    big = new SinkRecord(big.event(), big.text() + " " + "é🚀".repeat(500));
    Configs c = Configs.udp(rsyslog.udp);
    try (SyslogSink sink = c.sink()) {
      Interop.sendAll(sink, List.of(big));
      assertThat(sink.truncated()).isEqualTo(1);
    }
    String id = big.event().id();
    ReceiverDaemon.Received got = rsyslog.await(m -> m.raw().contains(id), 1).get(0);
    assertThat(got.raw().getBytes(StandardCharsets.UTF_8).length).isBetween(2045, 2048);
    int original = c.encoder().encode(big).originalBytes();
    assertThat(original).isGreaterThan(3000);
    assertThat(got.raw())
        .endsWith("é🚀é [truncated by auditship: message was " + original + " bytes, limit 2048]");
    Interop.assertParsed(got, c, big, true);
  }

  @Test
  void tcpOctetCountingKeepsMultiLineRecordsWhole() throws Exception {
    roundTrip(rsyslog, Configs.tcp(rsyslog.tcp), mix());
  }

  @Test
  void structuredDataValuesAreEscaped() throws Exception {
    roundTrip(rsyslog, Configs.tcp(rsyslog.tcp), Interop.awkwardStructuredData());
  }

  @Test
  void tcpLfFramingEscapesLineBreaks() throws Exception {
    roundTrip(rsyslog, Configs.tcp(rsyslog.tcp).framing(Framing.LF), mix());
  }

  @Test
  void tlsWithGnuTlsVerifiesTheReceiver() throws Exception {
    roundTrip(rsyslog, Configs.tls(rsyslog.gtls, trusting()), mix());
  }

  @Test
  void tlsWithOpenSslAndBom() throws Exception {
    roundTrip(rsyslog, Configs.tls(rsyslog.ossl, trusting()).bom(), mix());
  }

  @Test
  void mutualTlsWithAClientCertificate() throws Exception {
    // The PKCS#1 form of the key also works.
    roundTrip(
        rsyslog,
        Configs.tls(
            rsyslog.mtls,
            new TlsSettings(pki.caPem, pki.clientCertPem, pki.clientKeyPkcs1Pem, null, false)),
        mix());
  }

  @Test
  void mutualTlsWithoutAClientCertificateIsAConfigurationFaultNotADelivery() throws Exception {
    SinkRecord refused = unique("audit_user_login", false);
    try (SyslogSink sink = Configs.tls(rsyslog.mtls, trusting()).sink()) {
      Outcome o = sink.send(List.of(refused));
      assertThat(o.done()).isFalse();
      assertThat(o.configFault()).isTrue();
      assertThat(o.retry()).containsExactly(refused);
      assertThat(o.reason()).startsWith("cannot connect to tls://127.0.0.1:" + rsyslog.mtls + ": ");
    }
    // A later record with a certificate arrives; the refused one never did.
    SinkRecord later = unique("audit_user_login", false);
    roundTrip(
        rsyslog,
        Configs.tls(
            rsyslog.mtls,
            new TlsSettings(pki.caPem, pki.clientCertPem, pki.clientKeyPem, null, false)),
        List.of(later));
    assertThat(rsyslog.received()).noneMatch(m -> m.raw().contains(refused.event().id()));
  }

  @Test
  void anUntrustedReceiverIsAConfigurationFault() throws Exception {
    try (SyslogSink sink =
        Configs.tls(rsyslog.ossl, new TlsSettings(pki.otherCaPem, null, null, null, false))
            .sink()) {
      Outcome o = sink.send(List.of(unique("audit_user_login", false)));
      assertThat(o.configFault()).isTrue();
      assertThat(o.reason())
          .startsWith("cannot connect to tls://127.0.0.1:" + rsyslog.ossl + ": ")
          .contains("PKIX path")
          .endsWith("tls.cert_file/key_file if the receiver requires a client certificate");
      assertThat(sink.checkConnectivity()).contains("PKIX path").contains("check tls.ca_file");
    }
  }

  @Test
  void aReceiverCertificateForAnotherNameIsAConfigurationFault() throws Exception {
    try (SyslogSink sink =
        Configs.tls(rsyslog.ossl, new TlsSettings(pki.caPem, null, null, "siem.example.com", false))
            .sink()) {
      Outcome o = sink.send(List.of(unique("audit_user_login", false)));
      assertThat(o.configFault()).isTrue();
      assertThat(o.reason())
          .isEqualTo(
              "cannot connect to tls://127.0.0.1:"
                  + rsyslog.ossl
                  + ": No subject alternative DNS name matching siem.example.com found.; check"
                  + " tls.ca_file (the CA that signed the receiver's certificate), that the"
                  + " endpoint's host name (or tls.server_name) is in that certificate, and"
                  + " tls.cert_file/key_file if the receiver requires a client certificate");
    }
  }

  @Test
  void insecureSkipVerifyAcceptsAnyReceiver() throws Exception {
    roundTrip(
        rsyslog,
        Configs.tls(rsyslog.gtls, new TlsSettings(null, null, null, null, true)),
        List.of(unique("audit_user_login", false)));
  }

  @Test
  void aRestartedReceiverGetsTheLastRecordsAgainThenEverythingAfterTheOutage() throws Exception {
    Configs c = Configs.tls(rsyslog.ossl, trusting());
    try (SyslogSink sink = c.sink()) {
      List<SinkRecord> before = mix();
      Interop.sendAll(sink, before);
      rsyslog.await(
          m -> before.stream().anyMatch(r -> m.raw().contains(r.event().id())), before.size());

      rsyslog.stop();
      List<SinkRecord> during = mix();
      Outcome o = sink.send(during);
      assertThat(o.done()).isFalse();
      assertThat(o.configFault()).isFalse();
      assertThat(o.retry()).containsExactlyElementsOf(during);
      assertThat(o.reason())
          .isEqualTo("cannot connect to tls://127.0.0.1:" + rsyslog.ossl + ": Connection refused");

      rsyslog.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> sink.send(during).done());
      List<ReceiverDaemon.Received> got =
          rsyslog.await(
              m -> during.stream().anyMatch(r -> m.raw().contains(r.event().id())), during.size());
      for (int i = 0; i < during.size(); i++) {
        Interop.assertParsed(got.get(i), c, during.get(i), true);
      }
      // The sink cannot know whether rsyslog read the last records before it stopped: the new
      // connection
      // got them again first (the replay window, re-encrypted on the new TLS session), then the new
      // ones.
      assertThat(sink.replayed()).isEqualTo(before.size());
      List<SinkRecord> all = new ArrayList<>(before);
      all.addAll(during);
      List<ReceiverDaemon.Received> every =
          rsyslog.await(
              m -> all.stream().anyMatch(r -> m.raw().contains(r.event().id())),
              2 * before.size() + during.size());
      assertThat(every).hasSize(2 * before.size() + during.size());
      for (int i = 0; i < before.size(); i++) {
        Interop.assertParsed(every.get(i), c, before.get(i), true);
        Interop.assertParsed(every.get(before.size() + i), c, before.get(i), true);
        Interop.assertParsed(every.get(2 * before.size() + i), c, during.get(i), true);
      }
    }
  }
}
