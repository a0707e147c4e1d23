package dev.auditship.spool;

import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.config.RetryConfig;
import dev.auditship.config.SpoolConfig;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Events, records and sinks for spool tests. */
final class Fixtures {
  static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);
  static final HumanFormat HUMAN = new HumanFormat(false);

  private Fixtures() {}

  static long index(SinkRecord r) {
    return TestEvents.index(r.event());
  }

  static Event event(long i) {
    return TestEvents.event(i);
  }

  /** SinkRecord {@code i} formatted as the human line (so text and stored event JSON differ). */
  static SinkRecord record(long i) {
    Event e = event(i);
    return new SinkRecord(e, HUMAN.format(e));
  }

  static List<SinkRecord> records(long from, int count) {
    List<SinkRecord> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      out.add(record(i));
    }
    return out;
  }

  static SpoolConfig config(
      Path dir, long maxBytes, SpoolConfig.WhenFull whenFull, Duration maxAge) {
    return new SpoolConfig(dir, maxBytes, whenFull, maxAge);
  }

  /**
   * A delivery around {@code sink} whose back-off waits are a few milliseconds (and interruptible).
   */
  static RetryingSink delivery(Sink sink, Path deadLetterFile) {
    RetryConfig fast =
        new RetryConfig(
            Duration.ofMillis(5), Duration.ofMillis(20), 2.0, 0.0, Duration.ofMillis(20));
    return new RetryingSink(
        sink,
        fast,
        new DeadLetters(new NdjsonFile(deadLetterFile), JSON, Clock.systemUTC()),
        new SinkStats(),
        d -> Thread.sleep(Math.max(1, d.toMillis())));
  }

  static SpoolTarget target(
      Storage storage, SpoolConfig config, Sink sink, Path deadLetters, Clock clock, int batchMax)
      throws IOException {
    return new SpoolTarget(
        storage,
        64 * 1024,
        config,
        delivery(sink, deadLetters),
        JSON,
        clock,
        batchMax,
        Duration.ofMillis(50),
        Duration.ofMillis(20));
  }

  /**
   * A sink that records what it delivers. {@link #down} makes it answer "retry"; {@link #hold()}
   * makes {@code send} wait (interruptibly) until {@link #release()}; {@link #delayMillis} makes
   * each send slow; {@link #hangFromSend} makes sends from then on hang.
   */
  static final class CollectingSink implements Sink {
    final List<SinkRecord> delivered = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger sends = new AtomicInteger();
    volatile boolean down;
    volatile long delayMillis;

    /** From this send on (counting from 1), sends wait until interrupted, as a hung receiver. */
    volatile int hangFromSend = Integer.MAX_VALUE;

    volatile RuntimeException throwing;

    /** What {@link #batchesInFlight()} answers. */
    volatile int batchesInFlight = 1;

    /** The size of each batch sent. */
    final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());

    /** What {@link #eventFields()} answers: null, a sink that may read any event field. */
    volatile Set<String> eventFields;

    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final String name;

    CollectingSink(String name) {
      this.name = name;
    }

    void hold() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    List<Long> indexes() {
      synchronized (delivered) {
        return delivered.stream().map(Fixtures::index).toList();
      }
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Set<String> eventFields() {
      return eventFields;
    }

    @Override
    public int batchesInFlight() {
      return batchesInFlight;
    }

    @Override
    public Outcome send(List<SinkRecord> batch) throws InterruptedException {
      int n = sends.incrementAndGet();
      sizes.add(batch.size());
      gate.await();
      if (n >= hangFromSend) {
        new CountDownLatch(1).await();
      }
      if (throwing != null) {
        throw throwing;
      }
      if (down) {
        return Outcome.retry(batch, "test sink is down", null);
      }
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      delivered.addAll(batch);
      return Outcome.delivered();
    }
  }
}
