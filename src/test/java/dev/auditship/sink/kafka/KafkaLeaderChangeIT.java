package dev.auditship.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.config.RetentionConfig;
import dev.auditship.config.SinkConfig;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.Sleeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition leader change under load: three brokers (and a separate controller), a topic with
 * three replicas and {@code min.insync.replicas=2}; the leader is shut down while batches flow, so
 * the producer meets NOT_LEADER_OR_FOLLOWER and moves to the new leader by itself. Every event
 * arrives, in order, and the idempotent producer writes no duplicate.
 */
class KafkaLeaderChangeIT {
  @TempDir Path tmp;

  @Test
  @Timeout(240)
  void theLeaderGoesAwayMidStreamAndNothingIsLostOrReordered() throws Exception {
    try (KafkaCluster kafka = KafkaCluster.start(3, false, tmp.resolve("kafka"))) {
      kafka.createTopic("lc", 1, 3, Map.of("min.insync.replicas", "2"));
      SinkConfig sc =
          KafkaTests.sink(
              "bootstrap_servers: "
                  + kafka.bootstrap()
                  + "\ntopic: lc\nlinger_ms: 5\n"
                  + "retry: {initial_backoff_ms: 100, max_backoff_secs: 2}");
      int total = 2000;
      int perBatch = 50;
      SinkStats stats = new SinkStats();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      DeadLetters dead =
          new DeadLetters(
              new NdjsonFile(
                  tmp.resolve("dead.ndjson"), RetentionConfig.DEFAULT, Clock.systemUTC()),
              KafkaTests.JSON,
              Clock.systemUTC());
      int leader = kafka.leader("lc");
      try (KafkaSink sink = new KafkaSink("k", "json", (KafkaSinkConfig) sc.settings())) {
        RetryingSink d = new RetryingSink(sink, sc.retry(), dead, stats, Sleeper.REAL);
        Thread t = KafkaTests.stream(d, total, perBatch, 10, failure);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stats.delivered.get() >= 400);
        BrokerServer old = kafka.kit.brokers().get(leader);
        old.shutdown();
        old.awaitShutdown();
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> stats.delivered.get() >= 1000);
        assertThat(kafka.leader("lc")).isNotEqualTo(leader);
        old.startup();
        t.join(120_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
      }
      assertThat(stats.delivered.get()).isEqualTo(total);
      List<ConsumerRecord<byte[], byte[]>> got = kafka.readAll("lc", total, Duration.ofSeconds(60));
      List<Long> ids = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : got) {
        ids.add(Long.parseLong(new String(r.key(), StandardCharsets.UTF_8).substring(24)));
      }
      // The idempotent producer retried onto the new leader without duplicates or gaps.
      assertThat(ids).hasSize(total).isSorted().doesNotHaveDuplicates();
    }
  }
}
