package dev.auditship.spool;

import static dev.auditship.spool.Fixtures.records;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.auditship.config.SpoolConfig;
import dev.auditship.testutil.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the spool: a clear error, back-pressure (accept waits), no loss, and it
 * recovers by itself once the drainer's deliveries free space. Once with a simulated failing disk
 * (always), once with a real 1 MiB tmpfs (where the test may mount one: root on Linux).
 */
class SpoolDiskFullTest {
  @TempDir Path tmp;

  /**
   * The real disk, with writes that fail like a full one (after writing half) while {@link #full}
   * is set.
   */
  static final class FullDisk extends DiskWith {
    volatile boolean full;

    @Override
    Handle wrap(Handle h) {
      return new Passing(h) {
        @Override
        public void write(long pos, byte[] b, int off, int len) throws IOException {
          if (full) {
            h.write(pos, b, off, len / 2); // a short write, then the error, as write(2) does
            throw new IOException("No space left on device");
          }
          h.write(pos, b, off, len);
        }
      };
    }

    @Override
    public void replaceAtomically(Path target, byte[] content) throws IOException {
      if (full) {
        throw new IOException("No space left on device");
      }
      super.replaceAtomically(target, content);
    }

    @Override
    public void appendSynced(Path file, byte[] content) throws IOException {
      if (full) {
        throw new IOException("No space left on device");
      }
      super.appendSynced(file, content);
    }
  }

  private static CompletableFuture<Void> acceptAsync(
      SpoolTarget t, long from, int count, int batch) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            for (long i = from; i < from + count; i += batch) {
              t.accept(records(i, (int) Math.min(batch, from + count - i)));
            }
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void aFailingWriteHoldsThePipelineBackLogsOnceAndLosesNothing() throws Exception {
    FullDisk disk = new FullDisk();
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    Path dir = tmp.resolve("spool");
    SpoolConfig config =
        Fixtures.config(dir, 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ZERO);
    try (LogCapture logs = new LogCapture()) {
      try (SpoolTarget t =
          Fixtures.target(disk, config, sink, tmp.resolve("dl.ndjson"), Clock.systemUTC(), 100)) {
        t.accept(records(0, 5));
        disk.full = true;
        CompletableFuture<Void> blocked = acceptAsync(t, 5, 10, 10);
        // The accept runs on another thread: wait until it has met the full disk (it says so), not
        // for a fixed 300 ms, then see that it stays held and says so only once.
        await().atMost(ofSeconds(10)).until(() -> !logs.messages(Level.ERROR).isEmpty());
        await().during(ofMillis(300)).atMost(ofSeconds(2)).until(() -> !blocked.isDone());
        assertThat(logs.messages(Level.ERROR))
            .containsExactly(
                "Cannot write to the spool; the pipeline waits "
                    + "and retries every 50ms (nothing is lost, nothing is dropped). Free space in the spool "
                    + "directory. sink=out dir="
                    + dir
                    + " error=\"No space left on device\"");
        disk.full = false;
        blocked.get(10, TimeUnit.SECONDS);
        assertThat(logs.messages(Level.INFO))
            .anySatisfy(
                m ->
                    assertThat(m)
                        .startsWith(
                            "Spool writes work again; the pipeline continues. sink=out failed_attempts="));
        await()
            .atMost(ofSeconds(10))
            .until(() -> sink.delivered.size() >= 15 && t.gauges().records() == 0);
        assertThat(sink.indexes())
            .containsExactlyElementsOf(LongStream.range(0, 15).boxed().toList());
      }
    }
    // The half-written batches were cut off again: a restart finds no damage.
    try (Spool s =
        Spool.open(new Spool.Options("out", dir, 1 << 20), Storage.DISK, Clock.systemUTC())) {
      assertThat(s.quarantinedRanges()).isZero();
      assertThat(s.isEmpty()).isTrue();
    }
  }

  @Test
  void aFullTmpfsHoldsThePipelineBackUntilDeliveryFreesSpace() throws Exception {
    Path mount = tmp.resolve("small");
    Files.createDirectories(mount);
    Assumptions.assumeTrue(tryMount(mount), "cannot mount a tmpfs here (needs root on Linux)");
    try {
      Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
      sink.hold();
      Path dir = mount.resolve("spool");
      // max_bytes far above what the 1 MiB file system holds: the disk fills up first.
      SpoolConfig config =
          Fixtures.config(dir, 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ZERO);
      int total = 800; // about 1.5 MiB of records
      try (LogCapture logs = new LogCapture();
          SpoolTarget t =
              Fixtures.target(
                  Storage.DISK, config, sink, tmp.resolve("dl.ndjson"), Clock.systemUTC(), 50)) {
        CompletableFuture<Void> writer = acceptAsync(t, 0, total, 20);
        await().atMost(ofSeconds(20)).until(() -> !logs.messages(Level.ERROR).isEmpty());
        assertThat(logs.messages(Level.ERROR).get(0))
            .startsWith(
                "Cannot write to the spool; the pipeline waits "
                    + "and retries every 50ms (nothing is lost, nothing is dropped). Free space in the spool "
                    + "directory. sink=out dir="
                    + dir
                    + " error=\"");
        assertThat(logs.messages(Level.ERROR).get(0))
            .containsIgnoringCase("no space left on device");
        await().during(ofMillis(300)).atMost(ofSeconds(2)).until(() -> !writer.isDone());
        sink.release();
        writer.get(60, TimeUnit.SECONDS);
        await()
            .atMost(ofSeconds(30))
            .until(() -> sink.delivered.size() >= total && t.gauges().records() == 0);
        List<Long> got = sink.indexes();
        assertThat(got).containsExactlyElementsOf(LongStream.range(0, total).boxed().toList());
      }
    } finally {
      new ProcessBuilder("umount", mount.toString())
          .inheritIO()
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static boolean tryMount(Path dir) {
    if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString())
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
