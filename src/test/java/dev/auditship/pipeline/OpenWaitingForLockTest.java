package dev.auditship.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.filter.EventFilter;
import dev.auditship.io.OwnerLock;
import dev.auditship.sink.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload opening a sink whose spool directory this process still holds (the same sink before the
 * reload, whose spool lets go once its disk has taken the last save) waits for it, bounded; any
 * other failure, or the lock of another process, fails at once.
 */
class OpenWaitingForLockTest {
  @TempDir Path tmp;

  @Test
  void aLockStillHeldByThisProcessIsWaitedForThenTheSinkOpens() throws Exception {
    OwnerLock held = OwnerLock.acquire(tmp.resolve("LOCK"), "the spool directory " + tmp, "fix");
    AtomicInteger tries = new AtomicInteger();
    List<Duration> waits = new ArrayList<>();
    Sleeper sleeper =
        d -> {
          waits.add(d);
          if (waits.size() == 3) {
            try {
              held.close(); // the old spool lets go
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    SinkRuntime opened =
        Assembly.openWaitingForLock(
            () -> {
              tries.incrementAndGet();
              try {
                OwnerLock.acquire(tmp.resolve("LOCK"), "the spool", "fix").close();
              } catch (IOException e) {
                throw new IOException("cannot open the spool of sink s: " + e.getMessage(), e);
              }
              return new SinkRuntime("s", EventFilter.ALL, null, null);
            },
            sleeper);
    assertThat(opened.name()).isEqualTo("s");
    assertThat(tries.get()).isEqualTo(4);
    assertThat(waits).containsOnly(Duration.ofMillis(100)).hasSize(3);
  }

  @Test
  void theWaitIsBoundedAndOtherFailuresAreNotWaitedFor() throws Exception {
    OwnerLock held = OwnerLock.acquire(tmp.resolve("LOCK"), "the spool", "fix");
    try {
      List<Duration> waits = new ArrayList<>();
      assertThatThrownBy(
              () ->
                  Assembly.openWaitingForLock(
                      () -> {
                        OwnerLock.acquire(tmp.resolve("LOCK"), "the spool", "fix").close();
                        return null;
                      },
                      waits::add))
          .isInstanceOf(OwnerLock.InUse.class)
          .hasMessageContaining("has not let go of it since its last use");
      assertThat(waits).hasSize((int) (Assembly.LOCK_WAIT_MILLIS / 100));
    } finally {
      held.close();
    }
    List<Duration> none = new ArrayList<>();
    Files.writeString(tmp.resolve("file"), "");
    assertThatThrownBy(
            () ->
                Assembly.openWaitingForLock(
                    () -> {
                      throw new IOException("cannot create the directory");
                    },
                    none::add))
        .hasMessage("cannot create the directory");
    assertThat(none).isEmpty();
  }
}
