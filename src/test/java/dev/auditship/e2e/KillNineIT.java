package dev.auditship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.auditship.testutil.Cli;
import dev.auditship.testutil.Golden;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's crash test: the real exporter follows a growing Coder log and ships to Splunk HEC
 * through a spool; it is killed with SIGKILL five times while the log grows and restarted each
 * time. After the last restart every event must have arrived at least once; duplicates are counted
 * and reported (docs/reliability.md).
 */
class KillNineIT {
  private static final String GOLDEN_ID = "b4f043e3-2010-4dd2-a1fe-a7c2c923e236";

  @TempDir Path tmp;

  @Test
  @Timeout(240)
  void fiveKillsWhileFollowingAGrowingLogLoseNothing() throws Exception {
    fiveKills(
        "kill -9 five times while following a growing log (spool)",
        "    spool: {max_bytes: 64MiB}\n",
        0,
        2);
  }

  /**
   * Without a spool and with four requests in flight across batches (the pipeline hands the sink
   * four batches at once and commits them in order), answers taking 40 ms so that batches are in
   * flight at each kill: nothing is lost; duplicates are at most the batches handed out.
   */
  @Test
  @Timeout(240)
  void fiveKillsWithFourBatchesInFlightLoseNothing() throws Exception {
    fiveKills(
        "kill -9 five times while following a growing log (concurrency 4, no spool)",
        "    concurrency: 4\n",
        40,
        5);
  }

  /**
   * Follows a growing log to a WireMock HEC (answers delayed by {@code delayMillis}), kills the
   * exporter five times and restarts it; every event must arrive, with at most {@code
   * batchesPerKill} batches of 50 sent again per kill.
   */
  private void fiveKills(String what, String sinkExtra, int delayMillis, int batchesPerKill)
      throws Exception {
    WireMockServer hec =
        new WireMockServer(
            wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(20));
    hec.stubFor(
        post(urlPathEqualTo("/services/collector/event"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withFixedDelay(delayMillis)
                    .withBody("{\"text\":\"Success\",\"code\":0}")));
    hec.start();
    Process proc = null;
    try {
      Path log = tmp.resolve("coderd.log");
      Files.createFile(log);
      Path cfg = tmp.resolve("auditship.yaml");
      Files.writeString(
          cfg,
          "source:\n  type: file\n  path: "
              + log
              + "\n  follow: true\n  poll_interval_ms: 50\n"
              + "data_dir: "
              + tmp.resolve("state")
              + "\nbatch_max_events: 50\nbatch_linger_ms: 50\n"
              + "stats_interval_secs: 0\nsinks:\n  splunk:\n    type: splunk_hec\n"
              + "    endpoint: http://127.0.0.1:"
              + hec.port()
              + "\n"
              + "    token: 11111111-2222-3333-4444-555555555555\n    health_check: false\n    max_events: 50\n"
              + "    retry: {initial_backoff_ms: 50, max_backoff_secs: 1}\n"
              + sinkExtra);
      int total = 4000;
      AtomicInteger written = new AtomicInteger();
      Thread writer = growingLog(log, total, 7, 60, written);
      Path stderr = tmp.resolve("exporter.log");
      int kills = 0;
      proc = start(cfg, Map.of(), stderr);
      while (kills < 5) {
        Thread.sleep(1500 + kills * 300L);
        proc.destroyForcibly(); // SIGKILL
        assertThat(proc.waitFor(20, TimeUnit.SECONDS)).isTrue();
        kills++;
        proc = start(cfg, Map.of(), stderr);
      }
      writer.join(120_000);
      assertThat(written.get()).isEqualTo(total);
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  FaultIT.hecIds(
                              hec.findAll(
                                  com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                                      urlPathEqualTo("/services/collector/event"))))
                          .size()
                      >= total);
      proc.destroy(); // SIGTERM: graceful
      assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(proc.exitValue()).as(Files.readString(stderr)).isZero();
      Map<String, Integer> ids =
          FaultIT.hecIds(
              hec.findAll(
                  com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                      urlPathEqualTo("/services/collector/event"))));
      FaultIT.report(what, total, ids);
      assertThat(ids.keySet()).hasSize(total);
      // At-least-once: duplicates come from the batches in flight at each kill, so they stay
      // bounded.
      int dup = ids.values().stream().mapToInt(c -> c - 1).sum();
      assertThat(dup).isLessThanOrEqualTo(5 * batchesPerKill * 50);
    } finally {
      if (proc != null) {
        proc.destroyForcibly();
      }
      hec.stop();
    }
  }

  /**
   * Starts a thread that appends {@code total} numbered golden audit events to {@code log}, with an
   * ordinary server line after every {@code otherEvery}-th (0: none), pausing {@code pauseMillis}
   * every 20 events; {@code written} counts the events written.
   */
  static Thread growingLog(
      Path log, int total, int otherEvery, long pauseMillis, AtomicInteger written) {
    String template = Golden.line("audit_workspace_build_start").json();
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
                for (int i = 0; i < total; i++) {
                  out.write(
                      template.replace(GOLDEN_ID, FaultIT.id(i)).getBytes(StandardCharsets.UTF_8));
                  if (otherEvery > 0 && i % otherEvery == 0) {
                    out.write("Some other server line\n".getBytes(StandardCharsets.UTF_8));
                  }
                  out.flush();
                  written.incrementAndGet();
                  if (i % 20 == 0) {
                    Thread.sleep(pauseMillis);
                  }
                }
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            "log-writer");
    writer.start();
    return writer;
  }

  /**
   * Starts the exporter ({@code run --config cfg}) as a child JVM, its stderr appended to a file.
   */
  static Process start(Path cfg, Map<String, String> env, Path stderr) throws IOException {
    ProcessBuilder pb = Cli.builder(cfg.getParent(), env, "run", "--config", cfg.toString());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    return pb.start();
  }
}
