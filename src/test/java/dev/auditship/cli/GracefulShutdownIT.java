package dev.auditship.cli;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.auditship.testutil.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a spooled sink is slow: the exporter stops reading, delivers until
 * shutdown_timeout, leaves the rest in the spool, logs what it left and exits 0; the next start
 * delivers the rest. Real process, real signal.
 */
class GracefulShutdownIT {
  private static final int TOTAL = 3000;
  private static final int BATCH = 100;
  private static final long TIMEOUT_MS = 1000;
  private static final Pattern LEFT =
      Pattern.compile(
          "Shutdown: events left in the spool are delivered at the "
              + "next start\\. sink=slow records=(\\d+) bytes=(\\d+) oldest_age_secs=\\d+ dir=.*");

  @TempDir Path tmp;

  private Process start(long delayMs, int run) throws IOException {
    return ChildJvm.builder(
            ShutdownChild.class,
            tmp.resolve("spool").toString(),
            tmp.resolve("checkpoint").toString(),
            tmp.resolve("delivered.txt").toString(),
            Integer.toString(TOTAL),
            Long.toString(delayMs),
            Long.toString(TIMEOUT_MS),
            Integer.toString(BATCH))
        .redirectOutput(tmp.resolve("stdout-" + run + ".txt").toFile())
        .redirectError(tmp.resolve("stderr-" + run + ".txt").toFile())
        .start();
  }

  private long checkpoint() throws IOException {
    Path c = tmp.resolve("checkpoint");
    return Files.exists(c) ? Long.parseLong(Files.readString(c).strip()) : 0;
  }

  private List<Long> delivered() throws IOException {
    Path d = tmp.resolve("delivered.txt");
    List<Long> out = new ArrayList<>();
    if (Files.exists(d)) {
      for (String l : Files.readAllLines(d, StandardCharsets.US_ASCII)) {
        out.add(Long.parseLong(l));
      }
    }
    return out;
  }

  private String stderr(int run) throws IOException {
    return Files.readString(tmp.resolve("stderr-" + run + ".txt"));
  }

  @Test
  void sigtermDrainsUntilTheDeadlineExitsZeroAndTheNextStartDeliversTheRest() throws Exception {
    // Run 1: a sink that needs 500 ms per batch of 100, so 3000 events take about 15 s; SIGTERM
    // once all of them are spooled (the source committed them) and delivery has begun. The 1 s
    // drain then leaves events in the spool unless this JVM was stalled for some 13 s between
    // seeing the first delivery and signalling (at 100 ms a batch, a stall of 3 s let the child
    // deliver everything, and nothing was left to assert on).
    Process p = start(500, 1);
    await()
        .atMost(ofSeconds(60))
        .until(() -> checkpoint() == TOTAL && !delivered().isEmpty() || !p.isAlive());
    assertThat(p.isAlive())
        .as("run 1 is running; stderr: %s", tmp.resolve("stderr-1.txt"))
        .isTrue();
    long signalled = System.nanoTime();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
    String log1 = stderr(1);
    assertThat(p.exitValue()).as(log1).isZero();
    // The drain ends at the deadline (1 s) plus at most the time to let go of the batch in flight.
    assertThat(tookMs).as(log1).isLessThan(TIMEOUT_MS + 4000);
    assertThat(log1)
        .contains(
            "Shutdown requested: no more input is read; delivering what was read for at most "
                + "PT1S.");
    Matcher m = LEFT.matcher(log1);
    assertThat(m.find()).as(log1).isTrue();
    long left = Long.parseLong(m.group(1));
    List<Long> first = delivered();
    assertThat(left).isPositive();
    // Nothing in between: what was not delivered is exactly what the spool kept.
    assertThat(first.size() + left).isEqualTo(TOTAL);
    assertThat(log1).contains("Finished. sink=slow delivered=" + first.size());

    // Run 2: same directories, a fast sink. The source has nothing new (checkpoint at the end); the
    // spool
    // delivers what run 1 left.
    Process p2 = start(0, 2);
    await().atMost(ofSeconds(60)).until(() -> delivered().size() >= TOTAL || !p2.isAlive());
    p2.destroy();
    assertThat(p2.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String log2 = stderr(2);
    assertThat(p2.exitValue()).as(log2).isZero();
    assertThat(log2)
        .contains(
            "Spool opened; records from an earlier run are delivered first. sink=slow dir="
                + tmp.resolve("spool")
                + " records="
                + left);
    assertThat(log2).contains("Spool drained: every spooled event was delivered. sink=slow");

    List<Long> all = delivered();
    assertThat(new HashSet<>(all)).hasSize(TOTAL);
    assertThat(all).allMatch(i -> i >= 0 && i < TOTAL);
    long duplicates = all.size() - TOTAL;
    System.out.printf(
        "graceful shutdown: sent=%d delivered_before_sigterm=%d left_in_spool=%d "
            + "delivered_after_restart=%d duplicates=%d lost=0 shutdown_ms=%d%n",
        TOTAL, first.size(), left, all.size() - first.size(), duplicates, tookMs);
    assertThat(duplicates).isZero(); // the batch cut short at the deadline was not delivered
  }
}
