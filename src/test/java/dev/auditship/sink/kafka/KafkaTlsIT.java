package dev.auditship.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestEvents;
import dev.auditship.testutil.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a real broker whose listener requires a client certificate (mTLS): the CA from {@code
 * tls.ca_file}, the client certificate and key from PEM files (also a PKCS#1 key); without the
 * client certificate, or trusting another CA, the sink pauses with a clear reason.
 */
class KafkaTlsIT {
  @TempDir Path tmp;

  @Test
  @Timeout(180)
  void mutualTlsWithPemFiles() throws Exception {
    TestPki pki = new TestPki(tmp.resolve("pki"));
    try (KafkaCluster kafka = KafkaCluster.startTls(pki, tmp.resolve("kafka"))) {
      kafka.createTopic("tls", 1, 1, Map.of());
      String base =
          "bootstrap_servers: " + kafka.bootstrap() + "\ntopic: tls\nmetadata_timeout_secs: 3\n";
      KafkaSinkConfig good =
          KafkaTests.settings(
              base
                  + "tls: {ca_file: "
                  + pki.caPem
                  + ", cert_file: "
                  + pki.clientCertPem
                  + ", key_file: "
                  + pki.clientKeyPkcs1Pem
                  + "}");
      assertThat(good.securityProtocol()).isEqualTo("SSL");
      try (KafkaSink sink = new KafkaSink("k", "json", good)) {
        assertThat(sink.checkConnectivity()).isNull();
        List<SinkRecord> batch = List.of(new SinkRecord(TestEvents.event(1), "over tls"));
        assertThat(sink.send(batch)).isEqualTo(Outcome.delivered());
      }
      assertThat(kafka.readAll("tls", 1, Duration.ofSeconds(30)))
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .containsExactly("over tls");

      KafkaSinkConfig noClientCert =
          KafkaTests.settings(base + "tls: {ca_file: " + pki.caPem + "}");
      try (KafkaSink sink = new KafkaSink("k", "json", noClientCert)) {
        Outcome o = sink.send(List.of(new SinkRecord(TestEvents.event(2), "x")));
        assertThat(o.configFault()).isTrue();
        // TLS 1.3: the client learns of the refusal from the broker's alert after its handshake.
        assertThat(o.reason())
            .startsWith("TLS handshake with the brokers failed (")
            .contains("bad_certificate");
        assertThat(sink.checkConnectivity())
            .startsWith("TLS handshake with the brokers failed (")
            .contains("bad_certificate");
      }

      KafkaSinkConfig otherCa =
          KafkaTests.settings(
              base
                  + "tls: {ca_file: "
                  + pki.otherCaPem
                  + ", cert_file: "
                  + pki.clientCertPem
                  + ", key_file: "
                  + pki.clientKeyPem
                  + "}");
      try (KafkaSink sink = new KafkaSink("k", "json", otherCa)) {
        Outcome o = sink.send(List.of(new SinkRecord(TestEvents.event(3), "x")));
        assertThat(o.configFault()).isTrue();
        assertThat(o.reason())
            .startsWith("TLS handshake with the brokers failed (")
            .contains("unable to find valid certification path to requested target")
            .endsWith(
                "); check tls.ca_file (the CA that signed the brokers' certificates), that "
                    + "bootstrap_servers names the hosts in their certificates, and "
                    + "tls.cert_file/key_file if the brokers require a client certificate");
      }
    }
  }
}
