package dev.auditship.bench;

import dev.auditship.sink.kafka.KafkaTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A one-broker KRaft Kafka (PLAINTEXT, loopback) for bench/kafka.sh, from the test classpath: the
 * same broker as the tests use. Creates the topics named on the command line, writes the bootstrap
 * address to BOOTSTRAP_FILE, and runs until killed. Usage: KafkaBenchBroker DIR BOOTSTRAP_FILE
 * PARTITIONS TOPIC...
 */
public final class KafkaBenchBroker {
  private KafkaBenchBroker() {}

  public static void main(String[] args) throws Exception {
    KafkaTestCluster kafka = KafkaTestCluster.startPlaintext(Path.of(args[0]));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    kafka.close();
                  } catch (Exception e) {
                    // exiting anyway
                  }
                }));
    int partitions = Integer.parseInt(args[2]);
    for (int i = 3; i < args.length; i++) {
      kafka.createTopic(args[i], partitions);
    }
    Path tmp = Path.of(args[1] + ".tmp");
    Files.writeString(tmp, kafka.bootstrap() + "\n");
    Files.move(tmp, Path.of(args[1]), StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(Long.MAX_VALUE);
  }
}
