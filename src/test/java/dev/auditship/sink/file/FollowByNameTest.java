package dev.auditship.sink.file;

import static dev.auditship.sink.file.TestFiles.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.FileSinkConfig.Compression;
import dev.auditship.sink.Outcome;
import dev.auditship.testutil.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A reader that follows the active file by name, as {@code tail -F}, Filebeat and Splunk's
 * forwarder do, sees every record exactly once and in order across many rotations, while the sink
 * writes concurrently.
 */
class FollowByNameTest {
  private static final int RECORDS = 3000;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aFollowerByNameSeesEveryLineExactlyOnce(Compression compress) throws Exception {
    Path active = dir.resolve("coder-events.log");
    // 1KiB files of about 28 records: about 100 rotations.
    FileSinkConfig cfg =
        new FileSinkConfig(active, 1024, Duration.ZERO, 0, Duration.ZERO, compress, false);
    MutableClock clock = new MutableClock("2025-07-03T07:12:44.381Z");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      expected.add(String.format("{\"ID\":\"%06d\",\"msg\":\"audit_log\"}", i));
    }

    Follower follower = new Follower(active);
    Thread t = new Thread(follower, "follower");
    t.start();
    try (FileSink sink = new FileSink("f", cfg, clock)) {
      int i = 0;
      int size = 1;
      while (i < RECORDS) {
        int n = Math.min(size, RECORDS - i);
        assertThat(sink.send(records(expected.subList(i, i + n).toArray(String[]::new))))
            .isEqualTo(Outcome.delivered());
        i += n;
        size = size % 7 + 1;
        // Following by name cannot see a file that was rotated away before the follower opened it
        // (tail -F has the same limit; real rotations are minutes apart): wait for the follower to
        // reach the new file after each rotation. Appends and the rename itself race with its
        // reads.
        // The first file too: it is made by the first write, and must be open before it rotates.
        long rotations = sink.rotations();
        await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1))
            .atMost(Duration.ofSeconds(30))
            .until(() -> follower.opens > rotations || follower.failure.get() != null);
        clock.advance(Duration.ofMillis(3));
      }
      assertThat(sink.rotations()).isGreaterThan(80);
    }
    await()
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(60))
        .until(() -> follower.lines.size() >= RECORDS || follower.failure.get() != null);
    follower.stop = true;
    t.join(10_000);
    assertThat(follower.failure.get()).isNull();
    assertThat(follower.lines).containsExactlyElementsOf(expected);
    assertThat(follower.reopens).isGreaterThan(80);
    // What is left on disk, read in name order, is every record once, in order.
    assertThat(TestFiles.all(dir, "coder-events.log"))
        .isEqualTo(String.join("\n", expected) + "\n");
  }

  /**
   * Follows a path by name: reads the open file to its end; at the end, when the name now points to
   * another file, reads the old one to its end once more (it was renamed, so nothing more comes)
   * and opens the new.
   */
  static final class Follower implements Runnable {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean stop;
    volatile int reopens;

    /** Files opened: the first, then one per reopen. */
    volatile int opens;

    private final Path path;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ByteBuffer buf = ByteBuffer.allocate(8192);
    private FileChannel ch;
    private Object key;

    Follower(Path path) {
      this.path = path;
    }

    @Override
    public void run() {
      try {
        while (!stop) {
          if (!poll()) {
            LockSupport.parkNanos(100_000);
          }
        }
      } catch (Throwable e) {
        failure.set(e);
      } finally {
        try {
          if (ch != null) {
            ch.close();
          }
        } catch (IOException ignored) {
          // test teardown
        }
      }
    }

    private boolean poll() throws IOException {
      if (ch == null) {
        return open();
      }
      if (drain()) {
        return true;
      }
      Object now = key(path);
      if (now != null && !now.equals(key)) {
        drain();
        ch.close();
        ch = null;
        reopening = true;
        return open();
      }
      return false;
    }

    /**
     * Set while the follower is between the old file and the new one: {@link #opens} and {@link
     * #reopens} count a file only once it is open, since the test writes (and may rotate) again as
     * soon as it sees the count. Counting the reopen before the open let a rotation slip in while
     * the follower was opening: it then opened the newer file, never read the one in between and
     * never counted it, and the test waited in vain (seen twice under load). Likewise the first
     * file: the test now waits until it is open before it writes more.
     */
    private boolean reopening;

    /** Opens the file at the path, making sure the key belongs to the file that was opened. */
    private boolean open() throws IOException {
      Object before = key(path);
      if (before == null) {
        return false;
      }
      FileChannel c;
      try {
        c = FileChannel.open(path, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        return false; // between the rename and the new file
      }
      if (!Objects.equals(before, key(path))) {
        c.close(); // rotated while opening: try again
        return false;
      }
      ch = c;
      key = before;
      opens++;
      if (reopening) {
        reopening = false;
        reopens++;
      }
      return true;
    }

    private boolean drain() throws IOException {
      boolean any = false;
      while (true) {
        buf.clear();
        int n = ch.read(buf);
        if (n <= 0) {
          return any;
        }
        any = true;
        for (int i = 0; i < n; i++) {
          byte b = buf.get(i);
          if (b == '\n') {
            lines.add(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
          } else {
            partial.write(b);
          }
        }
      }
    }

    private static Object key(Path p) {
      try {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
      } catch (NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
