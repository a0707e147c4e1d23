package dev.auditship.spool;

import static dev.auditship.spool.Fixtures.records;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.auditship.config.SpoolConfig;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review #10: a sink is used by one thread at a time, so closing the target while the drainer is
 * still inside a send that ignores interrupts must not close the sink under it; the drainer closes
 * it once the send has returned.
 */
class SpoolCloseTest {
  @TempDir Path tmp;

  /** A send that does not let go when interrupted (as a blocking write without a timeout). */
  static final class StubbornSink implements Sink {
    final CountDownLatch sending = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean inSend = new AtomicBoolean();
    final AtomicBoolean closedDuringSend = new AtomicBoolean();
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public String name() {
      return "stubborn";
    }

    @Override
    public Outcome send(List<SinkRecord> batch) {
      inSend.set(true);
      sending.countDown();
      boolean interrupted = false;
      while (true) {
        try {
          release.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      inSend.set(false);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return Outcome.delivered();
    }

    @Override
    public void close() {
      if (inSend.get()) {
        closedDuringSend.set(true);
      }
      closed.countDown();
    }
  }

  private SpoolTarget target(Sink sink) throws IOException {
    return Fixtures.target(
        Storage.DISK,
        Fixtures.config(tmp.resolve("spool"), 1 << 20, SpoolConfig.WhenFull.BLOCK, Duration.ZERO),
        sink,
        tmp.resolve("dead-letters.ndjson"),
        Clock.systemUTC(),
        10);
  }

  @Test
  void closeLeavesTheSinkToTheDrainerWhileItIsStillSending() throws Exception {
    StubbornSink sink = new StubbornSink();
    SpoolTarget t = target(sink);
    t.accept(records(0, 3));
    assertThat(sink.sending.await(10, TimeUnit.SECONDS)).isTrue();
    t.close(); // gives up on the drainer after its grace period
    assertThat(sink.closed.getCount()).as("closed while the send still runs").isEqualTo(1);
    sink.release.countDown();
    await().atMost(ofSeconds(10)).until(() -> sink.closed.getCount() == 0);
    assertThat(sink.closedDuringSend).isFalse();
  }

  @Test
  void acceptOnAClosedTargetFailsAtOnceInsteadOfSpinning() throws Exception {
    // Review #11: a closed spool answers every wait at once; accept must not loop on it.
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    SpoolTarget t = target(sink);
    t.close();
    Future<Throwable> f =
        Executors.newSingleThreadExecutor()
            .submit(
                () -> {
                  try {
                    t.accept(records(0, 3));
                    return null;
                  } catch (Throwable e) {
                    return e;
                  }
                });
    Throwable thrown;
    try {
      thrown = f.get(5, TimeUnit.SECONDS);
    } finally {
      f.cancel(true);
    }
    assertThat(thrown)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the spool of sink out is closed: records cannot be spooled any more");
  }
}
