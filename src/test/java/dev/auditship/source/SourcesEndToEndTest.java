package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.auditship.config.ConfigLoader;
import dev.auditship.config.Problems;
import dev.auditship.pipeline.Assembly;
import dev.auditship.pipeline.Pipeline;
import dev.auditship.registry.Registry;
import dev.auditship.testutil.Golden;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample configs, loaded and run through Assembly and Pipeline as {@code auditship run} does:
 * the API source to stdout (human) and a followed log to stdout (json), stopped the way SIGTERM
 * stops them.
 */
class SourcesEndToEndTest {
  @TempDir Path dir;

  private Pipeline start(
      String sample, Map<String, String> env, Clock clock, ByteArrayOutputStream out)
      throws Exception {
    String yaml =
        Files.readString(Path.of("samples", sample)) + "\ndata_dir: " + dir.resolve("data") + "\n";
    ConfigLoader.Result r =
        new ConfigLoader(env::get, Registry.standard()).load(yaml, new Problems(sample));
    assertThat(r.problems()).isEmpty();
    Assembly a = new Assembly(r.config(), clock, new ByteArrayInputStream(new byte[0]), out);
    assertThat(a.check()).isEmpty();
    return a.build();
  }

  private static Thread run(Pipeline p, AtomicReference<Throwable> failed) {
    Thread t =
        new Thread(
            () -> {
              try {
                p.run();
              } catch (Throwable e) {
                failed.set(e);
              }
            },
            "test-pipeline");
    t.start();
    return t;
  }

  private static void stop(Pipeline p, Thread t, AtomicReference<Throwable> failed)
      throws Exception {
    long start = System.nanoTime();
    p.stop();
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(failed.get()).isNull();
    p.close();
  }

  @Test
  void coderApiToStdoutHuman() throws Exception {
    try (FakeCoder coder = new FakeCoder()) {
      coder.addAudit(
          ApiRows.login(
              "95f7c392-da3e-480c-a579-8909f145fbe2",
              "2025-07-03T06:55:02.117803Z",
              "9682b1b5-7b9f-4bf2-9a39-9463f8e41cd6"));
      coder.addAudit(
          ApiRows.audit(1, Instant.parse("2025-07-03T05:00:00Z"))); // before start_at: now
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Path tokenFile = dir.resolve("coder-token");
      Files.writeString(tokenFile, "test-token\n");
      Pipeline p =
          start(
              "coder-api-stdout-human.yaml",
              Map.of(
                  "CODER_URL",
                  coder.endpoint().toString(),
                  "CODER_TOKEN_FILE",
                  tokenFile.toString()),
              Clock.fixed(Instant.parse("2025-07-03T06:00:00Z"), ZoneOffset.UTC),
              out);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread t = run(p, failed);
      String expected =
          Golden.line("audit_user_login")
              .human()
              .replace("2025-07-03 06:55:02.118 ", "2025-07-03 06:55:02.117 ");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> out.toString(StandardCharsets.UTF_8).equals(expected));
      stop(p, t, failed);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
      JsonNode cp =
          ApiRows.M.readTree(dir.resolve("data/coder-api.checkpoint.json").toFile()).path("audit");
      // The fixed clock is start_at; the row is dated after it, so newest stops at the clock
      // (docs/coder-api-source.md, "Clocks") and the row is remembered in seen.
      assertThat(cp.path("newest").asText()).isEqualTo("2025-07-03T06:00:00Z");
      assertThat(cp.path("seen").path("95f7c392-da3e-480c-a579-8909f145fbe2").asText())
          .isEqualTo("2025-07-03T06:55:02.117803Z");
    }
  }

  @Test
  void followedLogToStdoutJson() throws Exception {
    Path log = dir.resolve("coderd.log");
    String lines =
        Golden.line("conn_ssh_connect").json()
            + "2025-07-03 06:50:01.004 [info]  coderd: started\n"
            + Golden.line("conn_ssh_disconnect_exit").json();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Pipeline p =
        start("follow-coder-log.yaml", Map.of("CODER_LOG", log.toString()), Clock.systemUTC(), out);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = run(p, failed);
    Files.writeString(log, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    String expected =
        Golden.line("conn_ssh_connect").json() + Golden.line("conn_ssh_disconnect_exit").json();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> out.toString(StandardCharsets.UTF_8).equals(expected));
    Path cp = dir.resolve("data/follow-coderd.log.checkpoint.json");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Files.exists(cp)
                    && ApiRows.M.readTree(cp.toFile()).path("offset").asLong() == Files.size(log));
    stop(p, t, failed);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
  }
}
