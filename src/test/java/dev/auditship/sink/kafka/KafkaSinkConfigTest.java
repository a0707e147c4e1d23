package dev.auditship.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.auditship.config.KafkaSinkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The {@code type: kafka} options, their problems, and the producer properties they become. */
class KafkaSinkConfigTest {
  @TempDir Path tmp;

  @Test
  void defaults() throws Exception {
    KafkaSinkConfig c =
        KafkaTests.settings("bootstrap_servers: [kafka-1:9092, '[::1]:9093']\ntopic: coder-events");
    assertThat(c.bootstrapServers()).containsExactly("kafka-1:9092", "[::1]:9093");
    assertThat(c.topics()).containsExactly("coder-events");
    assertThat(c.securityProtocol()).isEqualTo("PLAINTEXT");
    Map<String, Object> p = KafkaProps.producer(c, "k");
    assertThat(p)
        .containsEntry("bootstrap.servers", "kafka-1:9092,[::1]:9093")
        .containsEntry("enable.idempotence", true)
        .containsEntry("acks", "all")
        .containsEntry("max.in.flight.requests.per.connection", 5)
        .containsEntry("retries", Integer.MAX_VALUE)
        .containsEntry("compression.type", "zstd")
        .containsEntry("batch.size", 262144)
        .containsEntry("linger.ms", 20)
        .containsEntry("max.request.size", 1048576)
        .containsEntry("delivery.timeout.ms", 120000)
        .containsEntry("request.timeout.ms", 30000)
        .containsEntry("max.block.ms", 10000L)
        .containsEntry("security.protocol", "PLAINTEXT")
        .containsEntry("client.id", "auditship");
    // Kafka accepts the whole set (it validates types and ranges when the config is built).
    new ProducerConfig(p);
  }

  @Test
  void topicsPerKindAndOptions() throws Exception {
    KafkaSinkConfig c =
        KafkaTests.settings(
            "bootstrap_servers: 'a:1,b:2'\ntopic_audit: coder-audit\ntopic_connection: coder-conn\n"
                + "compression: none\nbatch_max_bytes: 1MiB\nlinger_ms: 0\nmax_request_bytes: 4MiB\n"
                + "request_timeout_secs: 5\ndelivery_timeout_secs: 30\nclient_id: coder-eu");
    assertThat(c.bootstrapServers()).containsExactly("a:1", "b:2");
    assertThat(c.topic("audit")).isEqualTo("coder-audit");
    assertThat(c.topic("connection")).isEqualTo("coder-conn");
    Map<String, Object> p = KafkaProps.producer(c, "k");
    assertThat(p)
        .containsEntry("compression.type", "none")
        .containsEntry("batch.size", 1048576)
        .containsEntry("linger.ms", 0)
        .containsEntry("max.request.size", 4194304)
        .containsEntry("request.timeout.ms", 5000)
        .containsEntry("delivery.timeout.ms", 30000)
        .containsEntry("client.id", "coder-eu");
    new ProducerConfig(p);
  }

  @Test
  void problemsAreListedTogether() {
    assertThat(
            KafkaTests.problems(
                "bootstrap_servers: [PLAINTEXT://kafka:9092, kafka]\ntopic: 'bad topic'\n"
                    + "compression: brotli\nrequest_timeout_secs: 60\ndelivery_timeout_secs: 30\n"
                    + "tls: {insecure_skip_verify: true, cert_file: c.pem}\n"
                    + "sasl: {mechanism: oauthbearer}"))
        .containsExactly(
            "k.yaml:5:24: sinks.k.bootstrap_servers: \"PLAINTEXT://kafka:9092\" is not host:port. Fix: write each broker as host:port, e.g. kafka-1.example.com:9093 or [::1]:9092 (no scheme such as PLAINTEXT://)",
            "k.yaml:5:24: sinks.k.bootstrap_servers: \"kafka\" is not host:port. Fix: write each broker as host:port, e.g. kafka-1.example.com:9093 or [::1]:9092 (no scheme such as PLAINTEXT://)",
            "k.yaml:6:12: sinks.k.topic: \"bad topic\" is not a valid Kafka topic name. Fix: use 1 to 249 letters, digits, '.', '_' or '-', e.g. coder-audit",
            "k.yaml:7:18: sinks.k.compression: \"brotli\" is not one of zstd, lz4, gzip, snappy, none. Fix: use one of: zstd, lz4, gzip, snappy, none",
            "k.yaml:9:28: sinks.k.delivery_timeout_secs: is shorter than request_timeout_secs plus linger_ms (60020 ms). Fix: raise delivery_timeout_secs or lower request_timeout_secs",
            "k.yaml:10:50: sinks.k.tls.cert_file: cert_file is set without key_file. Fix: add key_file: with the certificate's private key (PEM), or remove cert_file:",
            "k.yaml:10:33: sinks.k.tls.insecure_skip_verify: the kafka sink always verifies the brokers' certificates. Fix: remove insecure_skip_verify: and set ca_file: to the CA that signed the brokers' certificates",
            "k.yaml:11:23: sinks.k.sasl.mechanism: \"oauthbearer\" is not one of plain, scram-sha-256, scram-sha-512. Fix: use one of: plain, scram-sha-256, scram-sha-512",
            "k.yaml:11:11: sinks.k.sasl.username: is required. Fix: set username: to the Kafka user of auditship",
            "k.yaml:11:11: sinks.k.sasl.password: is required. Fix: set password: ${ENV_VAR} or password_file: /path/to/token");
  }

  @Test
  void saslPasswordFromAFileIsHiddenInKafkasOwnConfigLog() throws Exception {
    Path pw = tmp.resolve("kafka-password");
    Files.writeString(pw, "s3cr\"et\\pw\n");
    KafkaSinkConfig c =
        KafkaTests.settings(
            "bootstrap_servers: [kafka:9093]\ntopic: t\ntls: {}\n"
                + "sasl: {mechanism: scram-sha-512, username: auditship, password_file: "
                + pw
                + "}");
    assertThat(c.securityProtocol()).isEqualTo("SASL_SSL");
    assertThat(c.toString()).doesNotContain("s3cr");
    Map<String, Object> p = KafkaProps.producer(c, "k");
    assertThat(p)
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"auditship\" password=\"s3cr\\\"et\\\\pw\";");
    // kafka-clients logs every setting at INFO when a client starts: the password must not be in
    // it.
    Logger log = (Logger) LoggerFactory.getLogger("org.apache.kafka");
    Level before = log.getLevel();
    ListAppender<ILoggingEvent> app = new ListAppender<>();
    app.start();
    log.addAppender(app);
    log.setLevel(Level.INFO);
    try {
      new ProducerConfig(p);
    } finally {
      log.setLevel(before);
      log.detachAppender(app);
    }
    List<String> lines = app.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).anyMatch(l -> l.contains("sasl.jaas.config = [hidden]"));
    assertThat(lines).noneMatch(l -> l.contains("s3cr"));
  }

  @Test
  void aPkcs12KeystoreIsReadByKafkaWithItsPassword() throws Exception {
    Path ks = tmp.resolve("client.p12");
    KafkaSinkConfig c =
        (KafkaSinkConfig)
            KafkaTests.sink(
                    "bootstrap_servers: [kafka:9093]\ntopic: t\n"
                        + "tls: {keystore_file: "
                        + ks
                        + ", keystore_password: '${KS_PW}', min_version: TLSv1.3}",
                    Map.of("KS_PW", "ks-secret"))
                .settings();
    Map<String, Object> p = KafkaProps.producer(c, "k");
    assertThat(p)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.type", "PKCS12")
        .containsEntry("ssl.keystore.location", ks.toString())
        .containsEntry("ssl.keystore.password", "ks-secret")
        .containsEntry("ssl.enabled.protocols", "TLSv1.3")
        .containsEntry("ssl.protocol", "TLSv1.3");
  }

  @Test
  void aMissingPasswordFileStopsTheStartWithoutPrintingAnything() {
    KafkaSinkConfig c =
        KafkaTests.settings(
            "bootstrap_servers: [kafka:9093]\ntopic: t\n"
                + "sasl: {mechanism: plain, username: u, password_file: "
                + tmp.resolve("nope")
                + "}");
    assertThatThrownBy(() -> new KafkaSink("k", "json", c))
        .hasMessage(
            "sinks.k.sasl: cannot read the password from password file "
                + tmp.resolve("nope")
                + ": no such file or directory");
  }

  @Test
  void aTopicIsRequired() {
    assertThat(KafkaTests.problems("bootstrap_servers: k:1\ntopic_audit: a"))
        .containsExactly(
            "k.yaml:4:5: sinks.k: no topic is set for connection events. Fix: set topic: coder-events for both kinds, or topic_audit: and topic_connection:");
  }

  @Test
  void durationsAndTimeouts() {
    KafkaSinkConfig c =
        KafkaTests.settings("bootstrap_servers: k:1\ntopic: t\nmetadata_timeout_secs: 3");
    assertThat(c.metadataTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.deliveryTimeout()).isEqualTo(Duration.ofSeconds(120));
  }
}
