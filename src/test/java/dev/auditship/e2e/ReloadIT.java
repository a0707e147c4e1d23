package dev.auditship.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.auditship.testutil.Cli;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP under load, with a real exporter following a file that a writer keeps appending to: a
 * valid new config (a second sink) is applied between batches, an invalid one is refused with its
 * problems while the run goes on; the first sink gets every event exactly once across both, the new
 * one a gap-free tail of them.
 */
class ReloadIT {
  private static final int TOTAL = 3000;
  private static final Pattern ID = Pattern.compile("\"ID\":\"00000000-0000-4000-8000-(\\d{12})\"");

  @TempDir Path tmp;

  private static String template() throws IOException {
    return Files.readAllLines(Path.of("samples/coder-server.log")).stream()
        .filter(l -> l.contains("\"msg\":\"audit_log\""))
        .findFirst()
        .orElseThrow();
  }

  private static List<Integer> ids(Path f) throws IOException {
    List<Integer> out = new ArrayList<>();
    if (!Files.exists(f)) {
      return out;
    }
    for (String l : Files.readAllLines(f)) {
      Matcher m = ID.matcher(l);
      if (m.find()) {
        out.add(Integer.parseInt(m.group(1)));
      }
    }
    return out;
  }

  private void config(String extra) throws IOException {
    Files.writeString(
        tmp.resolve("c.yaml"),
        "source: {type: file, follow: true, path: "
            + tmp.resolve("coderd.log")
            + "}\ndata_dir: "
            + tmp.resolve("data")
            + "\nbatch_max_events: 50\nbatch_linger_ms: 20ms\nsinks:\n  a: {type: file, path: "
            + tmp.resolve("out/a.log")
            + "}\n"
            + extra);
  }

  private static void hangup(Process p) throws Exception {
    Process k = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start();
    assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).isZero();
  }

  @Test
  void aReloadUnderLoadAddsASinkLosesAndRepeatsNothingAndABadOneIsRefused() throws Exception {
    String template = template();
    Pattern idField = Pattern.compile("\"ID\":\"[^\"]+\"");
    Files.writeString(tmp.resolve("coderd.log"), "");
    config("");
    Process p =
        Cli.builder(tmp, Map.of(), "run", "--config", tmp.resolve("c.yaml").toString())
            .redirectError(tmp.resolve("stderr.txt").toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    try {
      // SIGHUP before the handler is installed would end the JVM: wait until it has started.
      long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(tmp.resolve("stderr.txt")).contains("Started.")) {
        assertThat(p.isAlive()).isTrue();
        assertThat(System.nanoTime()).isLessThan(started);
        Thread.sleep(20);
      }
      try (OutputStream out =
          Files.newOutputStream(tmp.resolve("coderd.log"), StandardOpenOption.APPEND)) {
        for (int i = 0; i < TOTAL; i++) {
          String line =
              idField
                  .matcher(template)
                  .replaceFirst(String.format("\"ID\":\"00000000-0000-4000-8000-%012d\"", i));
          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          if (i % 100 == 99) {
            out.flush();
            Thread.sleep(30);
          }
          if (i == 1000) {
            out.flush();
            // Sink b must start after the first event (asserted below): the reload is applied
            // before the next batch is read, so it waits until a batch has reached sink a. (A busy
            // machine could otherwise apply it before the exporter's first poll of the file.)
            await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> !ids(tmp.resolve("out/a.log")).isEmpty());
            config("  b: {type: file, path: " + tmp.resolve("out/b.log") + "}\n");
            hangup(p);
          }
          if (i == 2000) {
            out.flush();
            config("  b: {type: file, path: " + tmp.resolve("out/b.log") + ", formatt: x}\n");
            hangup(p);
          }
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ids(tmp.resolve("out/a.log")).size() < TOTAL && System.nanoTime() < deadline) {
        assertThat(p.isAlive()).isTrue();
        Thread.sleep(50);
      }
    } finally {
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
    String err = Files.readString(tmp.resolve("stderr.txt"));
    assertThat(p.exitValue()).as(err).isZero();
    List<Integer> a = ids(tmp.resolve("out/a.log"));
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < TOTAL; i++) {
      expected.add(i);
    }
    assertThat(a).as("sink a: every event once, in order").isEqualTo(expected);
    List<Integer> b = ids(tmp.resolve("out/b.log"));
    assertThat(b).isNotEmpty();
    int first = b.get(0);
    assertThat(first).isPositive();
    assertThat(b).as("sink b: a gap-free tail").isEqualTo(expected.subList(first, TOTAL));
    assertThat(err)
        .contains("Configuration reloaded. added=[b] removed=[] changed=[] unchanged=[a]")
        .contains(
            "Reload refused: the configuration "
                + tmp.resolve("c.yaml")
                + " has 1 problem; still running on the previous configuration.")
        .contains("Reload refused: " + tmp.resolve("c.yaml") + ":")
        .contains("sinks.b.formatt: unknown key \"formatt\"");
  }
}
