package dev.auditship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.sink.kafka.KafkaTestCluster;
import dev.auditship.testutil.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real exporter (a child JVM) follows a growing Coder log and produces to a real Kafka broker
 * (SASL/PLAIN, the password from the environment) through its spool; it is killed with SIGKILL
 * three times while the log grows and restarted each time. Every event must arrive; duplicates stay
 * within the bound docs/kafka.md gives (per kill, at most the batches in flight and not yet
 * committed: two batches of {@code batch_max_events}).
 */
class KafkaKillNineIT {
  @TempDir Path tmp;

  @Test
  @Timeout(240)
  void threeKillsWhileProducingLoseNothing() throws Exception {
    try (KafkaTestCluster kafka = KafkaTestCluster.start(tmp.resolve("kafka"))) {
      kafka.createTopic("coder-audit", 3);
      Map<String, String> env = new HashMap<>();
      env.put("KAFKA_PASSWORD", kafka.userPassword());
      Path log = tmp.resolve("coderd.log");
      Files.createFile(log);
      Path cfg = tmp.resolve("auditship.yaml");
      int batch = 50;
      Files.writeString(
          cfg,
          "source:\n  type: file\n  path: "
              + log
              + "\n  follow: true\n  poll_interval_ms: 50\n"
              + "data_dir: "
              + tmp.resolve("state")
              + "\nbatch_max_events: "
              + batch
              + "\nbatch_linger_ms: 50\n"
              + "stats_interval_secs: 0\nsinks:\n  kafka:\n    type: kafka\n"
              + "    bootstrap_servers: ["
              + kafka.bootstrap()
              + "]\n    topic: coder-audit\n"
              + "    sasl:\n      mechanism: plain\n      username: "
              + kafka.user()
              + "\n      password: ${KAFKA_PASSWORD}\n"
              + "    retry: {initial_backoff_ms: 50, max_backoff_secs: 1}\n"
              + "    spool: {max_bytes: 64MiB}\n");
      Cli.Result check =
          Cli.run(
              tmp,
              env,
              new byte[0],
              "validate",
              "--config",
              cfg.toString(),
              "--check-connectivity");
      assertThat(check.exit()).as(check.stderr()).isZero();
      assertThat(check.stderr()).doesNotContain(kafka.userPassword());

      int total = 3000;
      AtomicInteger written = new AtomicInteger();
      Thread writer = KillNineIT.growingLog(log, total, 0, 40, written);
      Path stderr = tmp.resolve("exporter.log");
      int kills = 0;
      Process proc = KillNineIT.start(cfg, env, stderr);
      try {
        while (kills < 3) {
          Thread.sleep(2500 + kills * 300L);
          proc.destroyForcibly(); // SIGKILL
          assertThat(proc.waitFor(20, TimeUnit.SECONDS)).isTrue();
          kills++;
          proc = KillNineIT.start(cfg, env, stderr);
        }
        writer.join(120_000);
        assertThat(written.get()).isEqualTo(total);
        Map<String, Integer> ids = kafka.keyCounts("coder-audit", total, Duration.ofSeconds(90));
        // A SIGTERM before the last exporter has started would meet the JVM's default handler;
        // "Started." is logged once the shutdown handler is in place.
        int starts = kills + 1;
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    Files.readString(stderr).split("RunCommand: Started\\.", -1).length - 1
                        >= starts);
        proc.destroy(); // SIGTERM: graceful
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).as(Files.readString(stderr)).isZero();
        ids = kafka.keyCounts("coder-audit", total, Duration.ofSeconds(5));
        FaultIT.report(
            "kafka: kill -9 three times while following a growing log (spool)", total, ids);
        assertThat(ids.keySet()).hasSize(total);
        int dup = ids.values().stream().mapToInt(c -> c - 1).sum();
        assertThat(dup).isLessThanOrEqualTo(kills * 2 * batch);
        assertThat(Files.readString(stderr)).doesNotContain(kafka.userPassword());
      } finally {
        proc.destroyForcibly();
      }
    }
  }
}
