package dev.auditship.sink.kafka;

import dev.auditship.testutil.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Real KRaft brokers in the test JVM, started with Kafka's own test kit
 * (kafka-test-common-runtime): the same broker code as a production cluster, listening on loopback.
 * Topics are never created automatically ({@code auto.create.topics.enable=false}), as in most
 * production clusters.
 *
 * <p>With {@code sasl}, the brokers' listener is SASL_PLAINTEXT with PLAIN and the standard
 * authorizer: {@link JaasUtils#KAFKA_PLAIN_ADMIN} is a super user, {@link
 * JaasUtils#KAFKA_PLAIN_USER1} may do only what {@link #allowWrite} grants.
 */
final class KafkaCluster implements AutoCloseable {
  static final String ADMIN = JaasUtils.KAFKA_PLAIN_ADMIN;
  static final String ADMIN_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;
  static final String USER = JaasUtils.KAFKA_PLAIN_USER1;
  static final String USER_PASSWORD = JaasUtils.KAFKA_PLAIN_USER1_PASSWORD;

  final KafkaClusterTestKit kit;
  final boolean sasl;

  /** With TLS: the PKI, and the client properties of the super user's mTLS connection. */
  private final Map<String, Object> tlsClient;

  private KafkaCluster(KafkaClusterTestKit kit, boolean sasl, Map<String, Object> tlsClient) {
    this.kit = kit;
    this.sasl = sasl;
    this.tlsClient = tlsClient;
  }

  /**
   * One broker (combined with the controller) whose listener requires TLS with a client certificate
   * signed by {@code pki}'s CA (the server certificate is for localhost and 127.0.0.1).
   */
  static KafkaCluster startTls(TestPki pki, Path baseDir) throws Exception {
    Files.createDirectories(baseDir);
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setCombined(true)
            .setBaseDirectory(baseDir)
            .build();
    String l = "listener.name." + nodes.brokerListenerName().value().toLowerCase() + ".";
    String chain = Files.readString(pki.dir.resolve("server.pem"));
    String key = Files.readString(pki.dir.resolve("server.key"));
    String ca = Files.readString(pki.caPem);
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("offsets.topic.replication.factor", "1")
            // The kit itself only sets up PLAINTEXT and SASL_PLAINTEXT: map its listener to SSL.
            .setConfigProp(
                "listener.security.protocol.map",
                nodes.brokerListenerName().value()
                    + ":SSL,"
                    + nodes.controllerListenerName().value()
                    + ":PLAINTEXT")
            .setConfigProp(l + "ssl.keystore.type", "PEM")
            .setConfigProp(l + "ssl.keystore.certificate.chain", chain)
            .setConfigProp(l + "ssl.keystore.key", key)
            .setConfigProp(l + "ssl.truststore.type", "PEM")
            .setConfigProp(l + "ssl.truststore.certificates", ca)
            .setConfigProp(l + "ssl.client.auth", "required")
            .setDeleteOnClose(true)
            .build();
    boot(kit);
    Map<String, Object> client = new HashMap<>();
    client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    client.put("ssl.truststore.type", "PEM");
    client.put("ssl.truststore.certificates", ca);
    client.put("ssl.keystore.type", "PEM");
    client.put("ssl.keystore.certificate.chain", Files.readString(pki.clientCertPem));
    client.put("ssl.keystore.key", Files.readString(pki.clientKeyPem));
    return new KafkaCluster(kit, false, client);
  }

  /**
   * Starts {@code brokers} brokers; with one broker it is also the controller (combined mode), with
   * more a separate controller runs so that any broker can be stopped.
   */
  static KafkaCluster start(int brokers, boolean sasl, Path baseDir) throws Exception {
    Files.createDirectories(baseDir);
    TestKitNodes.Builder nodes =
        new TestKitNodes.Builder()
            .setNumBrokerNodes(brokers)
            .setNumControllerNodes(1)
            .setCombined(brokers == 1)
            .setBaseDirectory(baseDir);
    if (sasl) {
      nodes.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
    }
    TestKitNodes built = nodes.build();
    KafkaClusterTestKit.Builder b =
        new KafkaClusterTestKit.Builder(built)
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("log.flush.interval.messages", "1000000")
            .setDeleteOnClose(true);
    if (sasl) {
      // The controller listener is PLAINTEXT (User:ANONYMOUS, loopback only): it must be a super
      // user for the brokers to register; clients always authenticate on the SASL listener.
      b.setConfigProp("super.users", "User:ANONYMOUS;User:" + ADMIN);
      // SCRAM besides the kit's PLAIN; SCRAM users are added with addScramUser.
      String l = "listener.name." + built.brokerListenerName().value().toLowerCase() + ".";
      b.setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
      for (String m : List.of("scram-sha-256", "scram-sha-512")) {
        b.setConfigProp(
            l + m + ".sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      }
    }
    KafkaClusterTestKit kit = b.build();
    boot(kit);
    return new KafkaCluster(kit, sasl, Map.of());
  }

  /**
   * Formats the storage, starts every node and waits for the brokers; closes the kit on failure.
   */
  private static void boot(KafkaClusterTestKit kit) throws Exception {
    try {
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      kit.close();
      throw e;
    }
  }

  String bootstrap() {
    return kit.bootstrapServers();
  }

  /** Client properties of the super user. */
  Map<String, Object> adminProps() {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    if (sasl) {
      p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
      p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
      p.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaProps.jaas("PLAIN", ADMIN, ADMIN_PASSWORD));
    }
    p.putAll(tlsClient);
    return p;
  }

  Admin admin() {
    return Admin.create(adminProps());
  }

  void createTopic(String name, int partitions, int replicas, Map<String, String> configs)
      throws Exception {
    try (Admin a = admin()) {
      a.createTopics(List.of(new NewTopic(name, partitions, (short) replicas).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Adds SCRAM credentials ({@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}) for {@code user}. */
  void addScramUser(String user, String password, String mechanism) throws Exception {
    try (Admin a = admin()) {
      a.alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user,
                      new ScramCredentialInfo(ScramMechanism.fromMechanismName(mechanism), 4096),
                      password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Lets {@link #USER} describe and write {@code topic}. */
  void allowWrite(String topic) throws Exception {
    try (Admin a = admin()) {
      ResourcePattern r = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
      List<AclBinding> acls = new ArrayList<>();
      for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
        acls.add(
            new AclBinding(
                r, new AccessControlEntry("User:" + USER, "*", op, AclPermissionType.ALLOW)));
      }
      a.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** Every record of {@code topic} from the start, waiting until at least {@code min} arrived. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int min, Duration timeout) {
    Map<String, Object> p = adminProps();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
        if (out.size() >= min) {
          // drain what else is there
          c.poll(Duration.ofMillis(300)).forEach(out::add);
          break;
        }
      }
    }
    return out;
  }

  /** The leader broker of partition 0 of {@code topic}. */
  int leader(String topic) throws Exception {
    try (Admin a = admin()) {
      return a.describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .get(0)
          .leader()
          .id();
    }
  }

  Optional<Integer> anyBroker() {
    return kit.brokers().keySet().stream().findFirst();
  }

  @Override
  public void close() {
    try {
      kit.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping Kafka", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop Kafka: " + e.getMessage(), e);
    }
  }
}
