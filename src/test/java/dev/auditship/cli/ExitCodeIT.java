package dev.auditship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.testutil.Cli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Honest exit codes at shutdown, with the real CLI as a child process: a run whose sink could not
 * take the events read exits 75, not 0, whether the shutdown deadline or a second signal cut it
 * short; the first signal says a second forces, the second says it stops now.
 */
class ExitCodeIT {
  @TempDir Path tmp;

  private Path config(String shutdownTimeout) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens, every send is refused
    }
    Path c = tmp.resolve("c.yaml");
    Files.writeString(
        c,
        "source: {type: file, path: "
            + Path.of("samples/coder-server.log").toAbsolutePath()
            + "}\n"
            + "data_dir: "
            + tmp.resolve("data")
            + "\nshutdown_timeout_secs: "
            + shutdownTimeout
            + "\nsinks:\n  down:\n    type: splunk_hec\n    endpoint: http://127.0.0.1:"
            + port
            + "\n    token: t0k3n\n    retry: {initial_backoff_ms: 50ms, max_backoff_secs: 200ms}\n");
    return c;
  }

  private Process start(Path config) throws IOException {
    return Cli.builder(tmp, Map.of(), "run", "--config", config.toString())
        .redirectError(tmp.resolve("stderr.txt").toFile())
        .redirectOutput(tmp.resolve("stdout.txt").toFile())
        .start();
  }

  private String stderr() throws IOException {
    return Files.readString(tmp.resolve("stderr.txt"));
  }

  private void awaitRetrying(Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!stderr().contains("down")) {
      assertThat(p.isAlive()).as(this::stderrQuietly).isTrue();
      assertThat(System.nanoTime()).as(this::stderrQuietly).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private String stderrQuietly() {
    try {
      return stderr();
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Test
  void aSinkThatStaysDownUntilTheShutdownDeadlineMakesTheRunExit75() throws Exception {
    Process p = start(config("1s"));
    awaitRetrying(p);
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = stderr();
    assertThat(p.exitValue()).as(err).isEqualTo(ExitCodes.INCOMPLETE);
    assertThat(err)
        .contains(
            "Shutdown requested: no more input is read; delivering what was read for at most PT1S."
                + " A second SIGTERM or SIGINT stops at once.")
        .contains("Shutdown deadline (PT1S) passed while delivering.")
        .contains(
            "Events were read but neither delivered, spooled nor dead-lettered: 11 in the batches "
                + "cut short.")
        .contains("exit=75")
        .contains("Stopped. sink=down delivered=0");
  }

  @Test
  void aSecondSignalStopsAtOnceAndSaysSo() throws Exception {
    Process p = start(config("10m"));
    awaitRetrying(p);
    p.destroy();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!stderr().contains("A second SIGTERM or SIGINT stops at once.")) {
      assertThat(System.nanoTime()).as(this::stderrQuietly).isLessThan(deadline);
      Thread.sleep(20);
    }
    p.destroy();
    // With a ten-minute deadline, only the second signal can end the run this soon.
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(this::stderrQuietly).isTrue();
    String err = stderr();
    assertThat(p.exitValue()).as(err).isEqualTo(ExitCodes.INCOMPLETE);
    assertThat(err)
        .contains(
            "Second shutdown signal: stopping now. What was read and not yet delivered stays "
                + "uncommitted (read again at the next start) or in the spool.")
        .contains("Stopped by the second shutdown signal while delivering.")
        .doesNotContain("deadline");
  }
}
