package dev.auditship.sink.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A one-broker KRaft cluster with SASL/PLAIN and ACLs ({@link KafkaCluster}) for tests outside this
 * package: topics created with {@link #createTopic} may be written by {@link #user()}.
 */
public final class KafkaTestCluster implements AutoCloseable {
  private final KafkaCluster cluster;

  private KafkaTestCluster(KafkaCluster cluster) {
    this.cluster = cluster;
  }

  /** SASL/PLAIN with ACLs. */
  public static KafkaTestCluster start(Path dir) throws Exception {
    return new KafkaTestCluster(KafkaCluster.start(1, true, dir));
  }

  /** PLAINTEXT, no authorizer (for benchmarks). */
  public static KafkaTestCluster startPlaintext(Path dir) throws Exception {
    return new KafkaTestCluster(KafkaCluster.start(1, false, dir));
  }

  public String bootstrap() {
    return cluster.bootstrap();
  }

  public String user() {
    return KafkaCluster.USER;
  }

  public String userPassword() {
    return KafkaCluster.USER_PASSWORD;
  }

  public void createTopic(String name, int partitions) throws Exception {
    cluster.createTopic(name, partitions, 1, Map.of());
    if (cluster.sasl) {
      cluster.allowWrite(name);
    }
  }

  /** How often each key occurs in {@code topic}, once at least {@code min} records are there. */
  public Map<String, Integer> keyCounts(String topic, int min, Duration timeout) {
    Map<String, Integer> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : cluster.readAll(topic, min, timeout)) {
      out.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
    }
    return out;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
