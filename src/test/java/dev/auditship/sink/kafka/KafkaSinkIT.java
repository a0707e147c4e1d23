package dev.auditship.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.auditship.codec.Decoded;
import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.config.RetentionConfig;
import dev.auditship.config.SinkConfig;
import dev.auditship.event.Event;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Sleeper;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.TestEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink against a real KRaft broker (one node, SASL/PLAIN, ACLs enforced, no automatic
 * topic creation), shared by the tests of this class: delivery with keys and headers read back by a
 * consumer, oversize records, a missing topic, refused credentials and ACLs, and a broker that is
 * down for 20 seconds.
 */
class KafkaSinkIT {
  private static KafkaCluster kafka;

  @TempDir static Path clusterDir;
  @TempDir Path tmp;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaCluster.start(1, true, clusterDir.resolve("kafka"));
    kafka.createTopic("coder-audit", 3, 1, Map.of());
    kafka.createTopic("coder-connection", 1, 1, Map.of());
    kafka.createTopic("small", 1, 1, Map.of("max.message.bytes", "2048"));
    kafka.createTopic("outage", 3, 1, Map.of());
    kafka.createTopic("noacl", 1, 1, Map.of());
    kafka.createTopic("scram", 1, 1, Map.of());
    for (String t :
        List.of("coder-audit", "coder-connection", "small", "outage", "late", "scram")) {
      kafka.allowWrite(t);
    }
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String yaml(String topics, String password, String extra) {
    return "bootstrap_servers: "
        + kafka.bootstrap()
        + "\n"
        + topics
        + "\nsasl: {mechanism: plain, username: "
        + KafkaCluster.USER
        + ", password: \""
        + password
        + "\"}\n"
        + extra;
  }

  private DeadLetters deadLetters() {
    return new DeadLetters(
        new NdjsonFile(tmp.resolve("dead.ndjson"), RetentionConfig.DEFAULT, Clock.systemUTC()),
        KafkaTests.JSON,
        Clock.systemUTC());
  }

  private RetryingSink delivery(SinkConfig sc, KafkaSink sink, SinkStats stats) {
    return new RetryingSink(sink, sc.retry(), deadLetters(), stats, Sleeper.REAL);
  }

  @Test
  @Timeout(120)
  void goldenEventsArriveKeyedByIdWithHeaders() throws Exception {
    List<Event> events = new ArrayList<>();
    for (Golden.Line l : Golden.lines()) {
      for (Decoded d : Golden.decodeAll(l.json() + "\n")) {
        if (d instanceof Decoded.Ok ok) {
          events.add(ok.event());
        }
      }
    }
    List<SinkRecord> records = KafkaTests.records(events);
    long audits = events.stream().filter(e -> e.kind().label().equals("audit")).count();
    assertThat(audits).isPositive().isLessThan(events.size());
    SinkConfig sc =
        KafkaTests.sink(
            yaml(
                "topic_audit: coder-audit\ntopic_connection: coder-connection",
                "${KAFKA_PASSWORD}",
                "compression: lz4"),
            Map.of("KAFKA_PASSWORD", KafkaCluster.USER_PASSWORD));
    SinkStats stats = new SinkStats();
    try (KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
      assertThat(sink.checkConnectivity()).isNull();
      delivery(sc, sink, stats).deliver(records);
    }
    assertThat(stats.delivered.get()).isEqualTo(events.size());

    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
    got.addAll(kafka.readAll("coder-audit", (int) audits, Duration.ofSeconds(30)));
    got.addAll(
        kafka.readAll("coder-connection", (int) (events.size() - audits), Duration.ofSeconds(30)));
    // The golden set has several events with the same ID: compare whole records as a multiset.
    List<String> expected = new ArrayList<>();
    for (SinkRecord r : records) {
      String kind = r.event().kind().label();
      expected.add(
          (kind.equals("audit") ? "coder-audit" : "coder-connection")
              + " key="
              + r.event().id()
              + " headers={kind="
              + kind
              + ", msg="
              + r.event().kind().message()
              + ", format=json} value="
              + r.text());
    }
    List<String> actual = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> c : got) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (Header h : c.headers()) {
        headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
      }
      actual.add(
          c.topic()
              + " key="
              + new String(c.key(), StandardCharsets.UTF_8)
              + " headers="
              + headers
              + " value="
              + new String(c.value(), StandardCharsets.UTF_8));
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  @Timeout(120)
  void recordsTooLargeForTheSinkOrTheTopicAreDeadLetteredWithTheReason() throws Exception {
    Random rnd = new Random(7);
    StringBuilder big = new StringBuilder();
    while (big.length() < 6000) {
      big.append(Long.toString(rnd.nextLong(), 36));
    }
    List<SinkRecord> batch =
        List.of(
            new SinkRecord(TestEvents.event(1), "small one"),
            new SinkRecord(TestEvents.event(2), big.toString()),
            new SinkRecord(TestEvents.event(3), "small two"));
    // Above max_request_bytes: refused before sending.
    SinkConfig sc =
        KafkaTests.sink(
            yaml("topic: coder-audit", KafkaCluster.USER_PASSWORD, "max_request_bytes: 4KiB"));
    try (KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
      Outcome o = sink.send(batch);
      assertThat(o.retry()).isEmpty();
      assertThat(o.rejected()).hasSize(1);
      assertThat(o.rejected().get(0).record().event().id()).isEqualTo(TestEvents.id(2));
      assertThat(o.rejected().get(0).reason())
          .matches(
              "event too large for this sink: its Kafka record is about 6[0-9]{3} bytes and "
                  + "max_request_bytes is 4096; not sent to Kafka");
    }
    // Within max_request_bytes but above the topic's max.message.bytes: the broker refuses it.
    SinkConfig small =
        KafkaTests.sink(yaml("topic: small", KafkaCluster.USER_PASSWORD, "compression: none"));
    SinkStats stats = new SinkStats();
    try (KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) small.settings())) {
      delivery(small, sink, stats).deliver(batch);
    }
    assertThat(stats.delivered.get()).isEqualTo(2);
    assertThat(stats.deadLettered.get()).isEqualTo(1);
    List<String> dead = Files.readAllLines(tmp.resolve("dead.ndjson"));
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0))
        .contains("\"sink\":\"k\"")
        .contains("\"id\":\"" + TestEvents.id(2) + "\"")
        .contains(
            "\"reason\":\"the broker refused the record as too large (The request included a "
                + "message larger than the max message size the server will accept.); raise the "
                + "topic's max.message.bytes or the brokers' message.max.bytes, or lower "
                + "max_request_bytes (now 1048576) to match them\"");
    assertThat(kafka.readAll("small", 2, Duration.ofSeconds(30)))
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly("small one", "small two");
  }

  @Test
  @Timeout(120)
  void aMissingTopicPausesTheSinkWithOneErrorUntilItIsCreated() throws Exception {
    // Each check is a new admin client that connects, authenticates and asks within
    // metadata_timeout_secs; if that times out (1 s is tight on a loaded machine), the check says
    // the brokers are unreachable instead of that the topic is missing.
    SinkConfig sc =
        KafkaTests.sink(
            yaml(
                "topic: late",
                KafkaCluster.USER_PASSWORD,
                "metadata_timeout_secs: 3\nretry: {pause_probe_secs: 1}"));
    List<SinkRecord> batch =
        KafkaTests.records(List.of(TestEvents.event(10), TestEvents.event(11)));
    String missing =
        "topic late does not exist, and the brokers do not create it on first use "
            + "(auto.create.topics.enable=false): create it, e.g. kafka-topics.sh --create --topic "
            + "late --partitions 6 --replication-factor 3 --config min.insync.replicas=2";
    SinkStats stats = new SinkStats();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (LogCapture logs = new LogCapture();
        KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
      assertThat(sink.checkConnectivity()).isEqualTo(missing);
      RetryingSink d = delivery(sc, sink, stats);
      Thread t =
          new Thread(
              () -> {
                try {
                  d.deliver(batch);
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      t.start();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> stats.pausedMillis.get() >= 2000);
      assertThat(logs.messages(Level.ERROR))
          .containsExactly(
              "Sink paused by a configuration fault; events are kept and retried every PT1S. "
                  + "sink=k reason=\""
                  + missing
                  + "\"");
      kafka.createTopic("late", 2, 1, Map.of());
      t.join(60_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(failure.get()).isNull();
      assertThat(logs.messages(Level.INFO)).contains("Sink works again; delivery resumed. sink=k");
    }
    assertThat(stats.delivered.get()).isEqualTo(2);
    assertThat(kafka.readAll("late", 2, Duration.ofSeconds(30))).hasSize(2);
  }

  @Test
  @Timeout(120)
  void aWrongPasswordIsAConfigurationFaultAndIsNeverPrinted() throws Exception {
    String wrong = "not-the-password-4711";
    SinkConfig sc = KafkaTests.sink(yaml("topic: coder-audit", wrong, "metadata_timeout_secs: 2"));
    String refused =
        "the brokers refused to authenticate auditship: Authentication failed: Invalid username "
            + "or password; check sasl.username and the password (or tls.cert_file for mTLS)";
    try (LogCapture logs = new LogCapture();
        KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
      List<SinkRecord> batch = KafkaTests.records(List.of(TestEvents.event(20)));
      Outcome o = sink.send(batch);
      assertThat(o.configFault()).isTrue();
      assertThat(o.retry()).isEqualTo(batch);
      assertThat(o.reason()).isEqualTo(refused);
      assertThat(sink.checkConnectivity()).isEqualTo(refused);
      assertThat(sc.settings().toString()).doesNotContain(wrong);
      assertThat(logs.startingWith("")).noneMatch(m -> m.contains(wrong));
    }
  }

  @Test
  @Timeout(120)
  void scramSha256AndSha512Authenticate() throws Exception {
    for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
      kafka.addScramUser(KafkaCluster.USER, "scram \"pw\" " + mechanism, mechanism);
    }
    int n = 40;
    for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
      SinkConfig sc =
          KafkaTests.sink(
              "bootstrap_servers: "
                  + kafka.bootstrap()
                  + "\ntopic: scram\nsasl:\n  mechanism: "
                  + mechanism.toLowerCase(Locale.ROOT)
                  + "\n  username: "
                  + KafkaCluster.USER
                  + "\n  password: ${PW}",
              Map.of("PW", "scram \"pw\" " + mechanism));
      try (KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
        // The credentials reach the broker through the metadata log, a moment after they are added.
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> sink.checkConnectivity() == null);
        assertThat(sink.send(KafkaTests.records(List.of(TestEvents.event(n++)))))
            .as(mechanism)
            .isEqualTo(Outcome.delivered());
      }
    }
    assertThat(kafka.readAll("scram", 2, Duration.ofSeconds(30))).hasSize(2);
  }

  @Test
  @Timeout(120)
  void aTopicTheUserMayNotWriteIsAConfigurationFault() throws Exception {
    SinkConfig sc =
        KafkaTests.sink(
            yaml("topic: noacl", KafkaCluster.USER_PASSWORD, "metadata_timeout_secs: 2"));
    try (KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
      Outcome o = sink.send(KafkaTests.records(List.of(TestEvents.event(30))));
      assertThat(o.configFault()).isTrue();
      assertThat(o.reason())
          .isEqualTo(
              "not authorized to write to topic noacl: grant the sink's principal WRITE and "
                  + "DESCRIBE on it (kafka-acls.sh --add --allow-principal User:<name> --operation "
                  + "Write --operation Describe --topic noacl)");
      assertThat(sink.checkConnectivity())
          .isEqualTo(
              "not authorized to describe or write to topic noacl: grant the sink's principal "
                  + "WRITE and DESCRIBE on it (kafka-acls.sh --add --allow-principal User:<name> "
                  + "--operation Write --operation Describe --topic noacl)");
    }
  }

  /**
   * The broker is stopped for 20 seconds while batches flow and then restarted: every event
   * arrives, and in each partition the last copy of every event is in the order the events were
   * sent.
   */
  @Test
  @Timeout(240)
  void aBrokerDownForTwentySecondsLosesNothingAndKeepsPartitionOrder() throws Exception {
    SinkConfig sc =
        KafkaTests.sink(
            yaml(
                "topic: outage",
                KafkaCluster.USER_PASSWORD,
                "request_timeout_secs: 3\ndelivery_timeout_secs: 6\nmetadata_timeout_secs: 2\n"
                    + "retry: {initial_backoff_ms: 100, max_backoff_secs: 2}"));
    int total = 3000;
    int perBatch = 50;
    SinkStats stats = new SinkStats();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    String before = kafka.bootstrap();
    try (KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
      RetryingSink d = delivery(sc, sink, stats);
      Thread t = KafkaTests.stream(d, total, perBatch, 20, failure);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stats.delivered.get() >= 500);
      BrokerServer broker = kafka.kit.brokers().values().iterator().next();
      long retriedBefore = stats.retried.get();
      long stopped = System.nanoTime();
      broker.shutdown();
      broker.awaitShutdown();
      try {
        // A send in flight when the broker stopped returns only after delivery_timeout_secs,
        // counting what the broker acknowledged before it went down; once a send has come back
        // for a retry, nothing more can be delivered until the broker is back.
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> stats.retried.get() > retriedBefore);
        long delivered = stats.delivered.get();
        Thread.sleep(Math.max(0, 20_000 - (System.nanoTime() - stopped) / 1_000_000));
        assertThat(stats.delivered.get()).isEqualTo(delivered);
      } finally {
        broker.startup(); // the class's other tests share this broker
      }
      t.join(120_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(failure.get()).isNull();
    }
    assertThat(kafka.bootstrap()).isEqualTo(before);
    assertThat(stats.retried.get()).isPositive();
    List<ConsumerRecord<byte[], byte[]>> got =
        kafka.readAll("outage", total, Duration.ofSeconds(60));
    Map<Integer, List<Long>> byPartition = new HashMap<>();
    Map<Long, Integer> copies = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : got) {
      long i = Long.parseLong(new String(r.key(), StandardCharsets.UTF_8).substring(24));
      byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(i);
      copies.merge(i, 1, Integer::sum);
    }
    assertThat(copies).hasSize(total);
    for (List<Long> seq : byPartition.values()) {
      // The last copy of each event, in log order, is in sending order.
      Map<Long, Integer> last = new HashMap<>();
      for (int k = 0; k < seq.size(); k++) {
        last.put(seq.get(k), k);
      }
      List<Long> order =
          last.entrySet().stream()
              .sorted(Map.Entry.comparingByValue())
              .map(Map.Entry::getKey)
              .toList();
      assertThat(order).isSorted();
    }
    System.out.printf(
        "Kafka broker outage: %d events, %d copies, %d duplicates%n",
        total, got.size(), got.size() - total);
  }
}
