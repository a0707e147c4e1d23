package dev.auditship.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code type: kafka}: every record produced to a Kafka topic by the official Java producer,
 * idempotent with {@code acks=all}; the Coder event {@code ID} is the record key. Options and
 * defaults are listed in docs/kafka.md. Parsing does no I/O: the TLS files and a {@code
 * password_file} are read when the sink is built.
 *
 * @param bootstrapServers {@code host:port} of some brokers (the producer learns the rest)
 * @param auditTopic the topic of audit events
 * @param connectionTopic the topic of connection events
 * @param compression {@code zstd}, {@code lz4}, {@code gzip}, {@code snappy} or {@code none}
 * @param batchMaxBytes the producer's {@code batch.size}: most bytes of one partition's batch
 * @param linger the producer's {@code linger.ms}: how long a batch waits to fill up
 * @param maxRequestBytes the producer's {@code max.request.size}; a larger record is dead-lettered
 * @param requestTimeout the producer's {@code request.timeout.ms}: one request to a broker
 * @param deliveryTimeout the producer's {@code delivery.timeout.ms}: how long the producer itself
 *     retries a record (leader changes, a broker restart) before the sink's back-off takes over
 * @param metadataTimeout the producer's {@code max.block.ms}: how long a send waits for the topic's
 *     metadata (an unreachable cluster or a missing topic)
 * @param clientId the producer's {@code client.id} (broker logs and quotas)
 * @param tls TLS options (the shared {@code tls:} block: {@code ca_file}, {@code cert_file}, {@code
 *     key_file}, {@code min_version}, {@code max_version}), or {@code null} for a plaintext
 *     connection; the brokers' certificates and host names are always verified
 * @param sasl SASL credentials, or {@code null} for none
 */
public record KafkaSinkConfig(
    List<String> bootstrapServers,
    String auditTopic,
    String connectionTopic,
    String compression,
    long batchMaxBytes,
    Duration linger,
    long maxRequestBytes,
    Duration requestTimeout,
    Duration deliveryTimeout,
    Duration metadataTimeout,
    String clientId,
    TlsSettings tls,
    Sasl sasl)
    implements SinkSettings {

  public static final List<String> COMPRESSIONS = List.of("zstd", "lz4", "gzip", "snappy", "none");

  /** The producer's own default {@code max.request.size} (and the broker's message limit). */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  /**
   * SASL authentication (RFC 4616 PLAIN, RFC 5802/7677 SCRAM).
   *
   * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}, as Kafka spells
   *     them
   * @param username the user name
   * @param password the password ({@code password} or {@code password_file}); never printed
   */
  public record Sasl(String mechanism, String username, Secret password) {
    @Override
    public String toString() {
      return "Sasl[mechanism="
          + mechanism
          + ", username="
          + username
          + ", password="
          + password
          + "]";
    }
  }

  @Override
  public boolean network() {
    return true;
  }

  /** The topic for events of {@code kindLabel} ({@code audit} or {@code connection}). */
  public String topic(String kindLabel) {
    return "audit".equals(kindLabel) ? auditTopic : connectionTopic;
  }

  /** The distinct topics, audit first. */
  public List<String> topics() {
    return auditTopic.equals(connectionTopic)
        ? List.of(auditTopic)
        : List.of(auditTopic, connectionTopic);
  }

  /** The producer's {@code security.protocol}. */
  public String securityProtocol() {
    if (tls != null) {
      return sasl != null ? "SASL_SSL" : "SSL";
    }
    return sasl != null ? "SASL_PLAINTEXT" : "PLAINTEXT";
  }

  public static KafkaSinkConfig parse(Section s) {
    List<String> servers = bootstrapServers(s);
    String topic = topic(s, "topic");
    String audit = topic(s, "topic_audit");
    String connection = topic(s, "topic_connection");
    // A topic that is set but invalid (or whose ${VAR} is unset) is reported on its own already.
    boolean invalid =
        s.has("topic") && topic == null
            || s.has("topic_audit") && audit == null
            || s.has("topic_connection") && connection == null;
    if (topic == null && (audit == null || connection == null) && !invalid) {
      s.problem(
          null,
          "no topic is set"
              + (audit != null ? " for connection events" : "")
              + (connection != null ? " for audit events" : ""),
          "set topic: coder-events for both kinds, or topic_audit: and topic_connection:");
    }
    if (topic != null && audit != null && connection != null) {
      s.problem(
          "topic",
          "is never used: topic_audit and topic_connection are both set",
          "remove topic:, or one of topic_audit: and topic_connection:");
    }
    String compression = s.oneOf("compression", "zstd", COMPRESSIONS);
    long batch = s.bytes("batch_max_bytes", 256 * 1024, 1024, 64L * 1024 * 1024);
    Duration linger =
        s.duration("linger_ms", Duration.ofMillis(20), Duration.ZERO, Duration.ofMinutes(1));
    long maxRequest =
        s.bytes("max_request_bytes", DEFAULT_MAX_REQUEST_BYTES, 1024, 256L * 1024 * 1024);
    Duration request =
        s.duration(
            "request_timeout_secs",
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10));
    Duration delivery =
        s.duration(
            "delivery_timeout_secs",
            Duration.ofSeconds(120),
            Duration.ofSeconds(1),
            Duration.ofHours(1));
    Duration metadata =
        s.duration(
            "metadata_timeout_secs",
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            Duration.ofMinutes(10));
    if (delivery.compareTo(request.plus(linger)) < 0) {
      // The producer refuses delivery.timeout.ms < linger.ms + request.timeout.ms at start.
      s.problem(
          "delivery_timeout_secs",
          "is shorter than request_timeout_secs plus linger_ms ("
              + request.plus(linger).toMillis()
              + " ms)",
          "raise delivery_timeout_secs or lower request_timeout_secs");
    }
    String clientId = s.string("client_id", "auditship");
    if (clientId.isBlank()) {
      s.problem("client_id", "is empty", "remove client_id: to use auditship, or give a name");
    }
    TlsSettings tls = tls(s);
    Sasl sasl = sasl(s);
    return new KafkaSinkConfig(
        servers,
        audit != null ? audit : topic,
        connection != null ? connection : topic,
        compression,
        batch,
        linger,
        maxRequest,
        request,
        delivery,
        metadata,
        clientId,
        tls,
        sasl);
  }

  /** {@code bootstrap_servers}: a list, or one comma-separated string, of {@code host:port}. */
  private static List<String> bootstrapServers(Section s) {
    Node n = s.raw("bootstrap_servers");
    List<String> raw;
    if (n == null || n instanceof Node.Scalar sc && sc.isNull()) {
      s.problem(
          null,
          "bootstrap_servers is required",
          "list some brokers, e.g. bootstrap_servers: [kafka-1.example.com:9093]");
      return List.of();
    }
    if (n instanceof Node.Scalar sc) {
      if (sc.broken()) {
        return List.of();
      }
      raw = List.of(sc.text().split(","));
    } else {
      raw = s.stringList("bootstrap_servers", List.of());
    }
    List<String> out = new ArrayList<>();
    for (String r : raw) {
      String v = r.strip();
      if (v.isEmpty()) {
        continue;
      }
      if (!hostPort(v)) {
        s.problem(
            "bootstrap_servers",
            "\"" + v + "\" is not host:port",
            "write each broker as host:port, e.g. kafka-1.example.com:9093 or [::1]:9092 "
                + "(no scheme such as PLAINTEXT://)");
      } else {
        out.add(v);
      }
    }
    if (out.isEmpty() && raw.stream().allMatch(String::isBlank)) {
      s.problem(
          "bootstrap_servers",
          "lists no broker",
          "list some brokers, e.g. bootstrap_servers: [kafka-1.example.com:9093]");
    }
    return List.copyOf(out);
  }

  static boolean hostPort(String v) {
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || v.contains("//")) {
      return false;
    }
    String host = v.substring(0, colon);
    String port = v.substring(colon + 1);
    if (!port.matches("[0-9]{1,5}")
        || Integer.parseInt(port) == 0
        || Integer.parseInt(port) > 65535) {
      return false;
    }
    if (host.startsWith("[")) {
      return host.endsWith("]")
          && host.length() > 2
          && host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.%a-zA-Z]+");
    }
    return host.matches("[A-Za-z0-9._-]+");
  }

  /** Kafka's topic name rule (the broker's {@code Topic.validate}): 1-249 of [a-zA-Z0-9._-]. */
  private static String topic(Section s, String key) {
    String v = s.string(key, null);
    if (v == null) {
      return null;
    }
    if (v.isEmpty()
        || v.length() > 249
        || v.equals(".")
        || v.equals("..")
        || !v.matches("[a-zA-Z0-9._-]+")) {
      s.problem(
          key,
          "\"" + v + "\" is not a valid Kafka topic name",
          "use 1 to 249 letters, digits, '.', '_' or '-', e.g. coder-audit");
      return null;
    }
    return v;
  }

  private static TlsSettings tls(Section s) {
    Section t = s.section("tls");
    if (t == null) {
      return null;
    }
    // tls: {enabled: true} (or any tls: mapping) trusts the JVM's CA certificates.
    boolean enabled = t.bool("enabled", true);
    TlsSettings tls =
        TlsSettings.parse(
            t, Set.of(TlsSettings.Option.CLIENT_CERTIFICATE, TlsSettings.Option.VERSIONS));
    if (tls.insecureSkipVerify()) {
      // Kafka's client verifies certificates with its own trust store; there is no safe way to
      // turn that off, and it should not be.
      t.problem(
          "insecure_skip_verify",
          "the kafka sink always verifies the brokers' certificates",
          "remove insecure_skip_verify: and set ca_file: to the CA that signed the brokers' "
              + "certificates");
    }
    t.finish();
    return enabled ? tls : null;
  }

  private static Sasl sasl(Section s) {
    Section a = s.section("sasl");
    if (a == null) {
      return null;
    }
    String mech = a.oneOf("mechanism", null, List.of("plain", "scram-sha-256", "scram-sha-512"));
    if (mech == null && !a.has("mechanism")) {
      a.problem(
          null,
          "sasl.mechanism is required",
          "set mechanism: to plain, scram-sha-256 or scram-sha-512");
    }
    String user = a.requiredString("username", "set username: to the Kafka user of auditship");
    Secret password = a.secret("password", true);
    a.finish();
    if (mech == null || user == null || password == null) {
      return null;
    }
    return new Sasl(mech.toUpperCase(Locale.ROOT), user, password);
  }
}
