package dev.auditship.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.codec.JsonFormat;
import dev.auditship.config.RetryConfig;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkState;
import dev.auditship.metrics.SinkStats;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry wrapper: back-off, Retry-After, partial outcomes, dead letters, configuration-fault
 * pauses.
 */
class RetryingSinkTest {
  @TempDir Path tmp;

  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper sleeper = sleeps::add;
  private static final RetryConfig RETRY =
      new RetryConfig(
          Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 0.0, Duration.ofSeconds(30));

  /** A sink that answers from a script, one answer per send. */
  static final class ScriptedSink implements Sink {
    final Deque<Function<List<SinkRecord>, Outcome>> script = new ArrayDeque<>();
    final List<List<SinkRecord>> sent = new ArrayList<>();

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Outcome send(List<SinkRecord> batch) {
      sent.add(List.copyOf(batch));
      Function<List<SinkRecord>, Outcome> f = script.poll();
      return f == null ? Outcome.delivered() : f.apply(batch);
    }
  }

  private static List<SinkRecord> records(int n) {
    List<SinkRecord> out = new ArrayList<>();
    List<Golden.Line> g = Golden.lines();
    for (int i = 0; i < n; i++) {
      Event e = Golden.decodeOne(g.get(i % g.size()).json());
      out.add(new SinkRecord(e, "record-" + i));
    }
    return out;
  }

  private DeadLetters deadLetters() {
    return new DeadLetters(
        new NdjsonFile(tmp.resolve("dl.ndjson")),
        new JsonFormat(EnvelopeDefaults.CODER),
        Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
  }

  @Test
  void reasonsWithDoubleQuotesStayOneLogfmtValue() throws Exception {
    // QA #18: Splunk's text is quoted inside the reason; the log value must escape it.
    ScriptedSink sink = new ScriptedSink();
    sink.script.add(
        b -> Outcome.retry(b, "HTTP 503 code 9 \"Server is busy\" at C:\\splunk", null));
    sink.script.add(b -> Outcome.configFault(b, "HTTP 403 code 4 \"Invalid token\""));
    try (LogCapture logs = new LogCapture(RetryingSink.class)) {
      new RetryingSink(sink, RETRY, deadLetters(), new SinkStats(), sleeper).deliver(records(1));
      assertThat(logs.all())
          .contains(
              "Delivery failed; retrying. sink=scripted events=1 attempt=1 wait_ms=100 "
                  + "reason=\"HTTP 503 code 9 \\\"Server is busy\\\" at C:\\\\splunk\"",
              "Sink paused by a configuration fault; events are kept and retried every PT30S. "
                  + "sink=scripted reason=\"HTTP 403 code 4 \\\"Invalid token\\\"\"");
    }
  }

  @Test
  void transientFailuresBackOffExponentiallyUntilDelivered() throws Exception {
    ScriptedSink sink = new ScriptedSink();
    for (int i = 0; i < 6; i++) {
      sink.script.add(b -> Outcome.retry(b, "HTTP 503", null));
    }
    SinkStats stats = new SinkStats();
    new RetryingSink(sink, RETRY, deadLetters(), stats, sleeper).deliver(records(3));
    assertThat(sink.sent).hasSize(7).allSatisfy(b -> assertThat(b).hasSize(3));
    assertThat(sleeps)
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofMillis(1600),
            Duration.ofMillis(2000));
    assertThat(stats.delivered.get()).isEqualTo(3);
    assertThat(stats.retried.get()).isEqualTo(18);
  }

  @Test
  void retryAfterIsHonouredWhenLongerAndCappedAtTenMinutes() throws Exception {
    ScriptedSink sink = new ScriptedSink();
    sink.script.add(b -> Outcome.retry(b, "HTTP 429", Duration.ofSeconds(7)));
    sink.script.add(b -> Outcome.retry(b, "HTTP 429", Duration.ofMillis(1)));
    sink.script.add(b -> Outcome.retry(b, "HTTP 503", Duration.ofDays(2)));
    new RetryingSink(sink, RETRY, deadLetters(), new SinkStats(), sleeper).deliver(records(1));
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(7), Duration.ofMillis(200), Duration.ofMinutes(10));
  }

  /**
   * While a batch is out the state names its oldest event Time; once delivered, the newest. A
   * partial outcome names the newest of those delivered, then (once the rest is delivered) of all.
   */
  @Test
  void theStateNamesTheOldestWaitingAndTheNewestDeliveredEventTime() throws Exception {
    List<SinkRecord> batch = new ArrayList<>(records(6));
    Collections.rotate(batch, 3);
    List<Instant> times =
        batch.stream()
            .map(r -> Instant.parse(r.event().time()).truncatedTo(ChronoUnit.MICROS))
            .toList();
    Instant oldest = times.stream().min(Instant::compareTo).orElseThrow();
    Instant newest = times.stream().max(Instant::compareTo).orElseThrow();
    int newestAt = times.indexOf(newest);
    assertThat(times.get(0)).isNotEqualTo(oldest); // neither is simply the first or the last
    assertThat(newestAt).isNotEqualTo(5);

    SinkStats stats = new SinkStats();
    List<SinkState.Snapshot> seen = new ArrayList<>();
    ScriptedSink sink = new ScriptedSink();
    sink.script.add(
        b -> {
          seen.add(stats.state.get());
          return Outcome.delivered();
        });
    new RetryingSink(sink, RETRY, deadLetters(), stats, sleeper).deliver(batch);
    assertThat(seen.get(0).waiting()).isEqualTo(6);
    assertThat(seen.get(0).oldestWaiting()).isEqualTo(oldest);
    assertThat(stats.state.get().waiting()).isZero();
    assertThat(stats.state.get().newestDelivered()).isEqualTo(newest);

    SinkStats partial = new SinkStats();
    ScriptedSink retryNewest = new ScriptedSink();
    List<Instant> afterFirst = new ArrayList<>();
    retryNewest.script.add(
        b -> new Outcome(List.of(), List.of(b.get(newestAt)), "try again", null, false));
    retryNewest.script.add(
        b -> {
          afterFirst.add(partial.state.get().newestDelivered());
          return Outcome.delivered();
        });
    new RetryingSink(retryNewest, RETRY, deadLetters(), partial, sleeper).deliver(batch);
    List<Instant> rest = new ArrayList<>(times);
    rest.remove(newestAt);
    assertThat(afterFirst).containsExactly(rest.stream().max(Instant::compareTo).orElseThrow());
    assertThat(partial.state.get().newestDelivered()).isEqualTo(newest);
  }

  @Test
  void partialOutcomesResendOnlyWhatFailedAndDeadLetterTheRejected() throws Exception {
    ScriptedSink sink = new ScriptedSink();
    sink.script.add(
        b ->
            new Outcome(
                List.of(new Outcome.Rejection(b.get(1), "HEC code 6: Invalid data format")),
                b.subList(2, 4),
                "resend after the bad event",
                null,
                false));
    SinkStats stats = new SinkStats();
    List<SinkRecord> batch = records(4);
    new RetryingSink(sink, RETRY, deadLetters(), stats, sleeper).deliver(batch);
    assertThat(sink.sent.get(1)).containsExactly(batch.get(2), batch.get(3));
    assertThat(stats.delivered.get()).isEqualTo(3);
    assertThat(stats.deadLettered.get()).isEqualTo(1);
    List<String> dl = Files.readAllLines(tmp.resolve("dl.ndjson"));
    assertThat(dl).hasSize(1);
    assertThat(dl.get(0))
        .isEqualTo(
            "{\"time\":\"2026-01-02T03:04:05Z\",\"sink\":\"scripted\",\"reason\":"
                + "\"HEC code 6: Invalid data format\",\"kind\":\"audit\",\"id\":\"95f7c392-da3e-480c-a579-8909f145fbe2\","
                + "\"event\":"
                + Golden.line("audit_user_login").json().strip()
                + ",\"record\":\"record-1\"}");
  }

  @Test
  void aConfigurationFaultPausesAndProbesWithoutDroppingAnything() throws Exception {
    ScriptedSink sink = new ScriptedSink();
    for (int i = 0; i < 3; i++) {
      sink.script.add(b -> Outcome.configFault(b, "HTTP 403 code 4: Invalid token"));
    }
    SinkStats stats = new SinkStats();
    // paused_ms counts the time actually spent paused (issue 15: it used to add each planned wait
    // up front); this clock moves with the sleeps, plus 250 ms per probe for the send itself.
    dev.auditship.testutil.MutableClock clock =
        new dev.auditship.testutil.MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    Sleeper timed =
        d -> {
          sleeps.add(d);
          clock.advance(d.plusMillis(250));
        };
    new RetryingSink(sink, RETRY, deadLetters(), stats, timed, clock).deliver(records(2));
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
    assertThat(sink.sent).hasSize(4);
    assertThat(stats.delivered.get()).isEqualTo(2);
    assertThat(stats.pausedMillis.get()).isEqualTo(90_750);
    assertThat(stats.deadLettered.get()).isZero();
  }

  @Test
  void pausedMillisIncludesThePauseInProgressAndAPauseThatAShutdownCutsShort() throws Exception {
    // QA finding F4: paused_ms (Progress and Stopped lines, /metrics) stayed 0 while a sink was
    // paused, because the pause was counted only when a probe's sleep ended or the pause did.
    ScriptedSink sink = new ScriptedSink();
    sink.script.add(b -> Outcome.configFault(b, "HTTP 403 code 4: Invalid token"));
    SinkStats stats = new SinkStats();
    dev.auditship.metrics.Metrics metrics = new dev.auditship.metrics.Metrics();
    dev.auditship.testutil.MutableClock clock =
        new dev.auditship.testutil.MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    stats.register(metrics, "splunk", clock);
    CountDownLatch sleeping = new CountDownLatch(1);
    Sleeper probe =
        d -> {
          sleeping.countDown();
          new CountDownLatch(1).await(); // the probe's wait, until the shutdown interrupts it
        };
    RetryingSink d = new RetryingSink(sink, RETRY, deadLetters(), stats, probe, clock);
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<?> delivery =
          ex.submit(
              () -> {
                d.deliver(records(2));
                return null;
              });
      assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stats.pausedMillis()).isZero();
      clock.advance(Duration.ofMillis(14_250)); // within the first 30 s probe wait
      assertThat(stats.pausedMillis()).isEqualTo(14_250);
      assertThat(
              metrics.value("auditship_sink_paused_milliseconds_total", Map.of("sink", "splunk")))
          .hasValue(14_250);
      assertThat(stats.summary())
          .isEqualTo("delivered=0 retried=2 dead_lettered=0 filtered=0 dropped=0 paused_ms=14250");
      clock.advance(Duration.ofSeconds(2));
      assertThat(stats.summary()).endsWith(" paused_ms=16250");
      delivery.cancel(true); // the shutdown deadline: the delivery is abandoned mid-pause
      ex.shutdown();
      assertThat(ex.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stats.pausedMillis()).isEqualTo(16_250);
      clock.advance(Duration.ofSeconds(5)); // nothing is delivering any more: the clock stopped
      assertThat(stats.pausedMillis()).isEqualTo(16_250);
      assertThat(stats.delivered.get()).isZero();
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void anInterruptAtShutdownLeavesTheBatchUndelivered() {
    ScriptedSink sink = new ScriptedSink();
    sink.script.add(b -> Outcome.retry(b, "down", null));
    RetryingSink d =
        new RetryingSink(
            sink,
            RETRY,
            deadLetters(),
            new SinkStats(),
            x -> {
              throw new InterruptedException("shutdown");
            });
    assertThatThrownBy(() -> d.deliver(records(1))).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aDeadLetterFileThatCannotBeWrittenHoldsTheEventBackInsteadOfDroppingIt() throws Exception {
    Path blocker = tmp.resolve("file");
    Files.writeString(blocker, "x");
    DeadLetters broken =
        new DeadLetters(
            new NdjsonFile(blocker.resolve("dl.ndjson")),
            new JsonFormat(EnvelopeDefaults.CODER),
            Clock.systemUTC());
    ScriptedSink sink = new ScriptedSink();
    sink.script.add(b -> Outcome.rejected(List.of(new Outcome.Rejection(b.get(0), "too large"))));
    List<Duration> waits = new ArrayList<>();
    RetryingSink d =
        new RetryingSink(
            sink,
            RETRY,
            broken,
            new SinkStats(),
            w -> {
              waits.add(w);
              if (waits.size() == 3) {
                throw new InterruptedException("stop the test");
              }
            });
    assertThatThrownBy(() -> d.deliver(records(1))).isInstanceOf(InterruptedException.class);
    assertThat(waits).hasSize(3);
  }

  /**
   * A sink that takes two batches at once: the wrapper delivers both at once and the state shows
   * what both hold, then what the one still out holds, then nothing.
   */
  @Test
  void twoDeliveriesAtOnceAddUpInTheState() throws Exception {
    CountDownLatch bothIn = new CountDownLatch(2);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch releaseSecond = new CountDownLatch(1);
    Sink twoAtOnce =
        twoAtOnce(
            batch -> {
              bothIn.countDown();
              (batch.size() == 3 ? releaseFirst : releaseSecond).await();
              return Outcome.delivered();
            });
    SinkStats stats = new SinkStats();
    RetryingSink r = new RetryingSink(twoAtOnce, RETRY, deadLetters(), stats, sleeper);
    assertThat(r.batchesInFlight()).isEqualTo(2);
    List<SinkRecord> first = records(3);
    List<SinkRecord> second = records(5);
    Instant oldest =
        Stream.concat(first.stream(), second.stream())
            .map(x -> Instant.parse(x.event().time()).truncatedTo(ChronoUnit.MICROS))
            .min(Instant::compareTo)
            .orElseThrow();
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      Future<?> a =
          two.submit(
              () -> {
                r.deliver(first);
                return null;
              });
      Future<?> b =
          two.submit(
              () -> {
                r.deliver(second);
                return null;
              });
      assertThat(bothIn.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stats.state.get().waiting()).isEqualTo(8);
      assertThat(stats.state.get().oldestWaiting()).isEqualTo(oldest);
      releaseFirst.countDown();
      a.get(10, TimeUnit.SECONDS);
      assertThat(stats.state.get().waiting()).isEqualTo(5);
      releaseSecond.countDown();
      b.get(10, TimeUnit.SECONDS);
      assertThat(stats.state.get().waiting()).isZero();
      assertThat(stats.state.get().oldestWaiting()).isNull();
      assertThat(stats.delivered.get()).isEqualTo(8);
    } finally {
      two.shutdownNow();
    }
  }

  /**
   * Of two deliveries at once, one delivered in full does not make the sink look healthy while the
   * other still retries; once that one is delivered too, the sink is OK.
   */
  @Test
  void aDeliveryThatSucceedsBesideOneThatRetriesLeavesTheSinkRetrying() throws Exception {
    CountDownLatch retryingSent = new CountDownLatch(1);
    CountDownLatch releaseRetried = new CountDownLatch(1);
    CountDownLatch releaseOther = new CountDownLatch(1);
    AtomicInteger attemptsOfThree = new AtomicInteger();
    Sink twoAtOnce =
        twoAtOnce(
            batch -> {
              if (batch.size() == 3) {
                if (attemptsOfThree.incrementAndGet() == 1) {
                  return Outcome.retry(batch, "HTTP 503", null);
                }
                retryingSent.countDown();
                releaseRetried.await();
              } else {
                releaseOther.await();
              }
              return Outcome.delivered();
            });
    SinkStats stats = new SinkStats();
    RetryingSink r = new RetryingSink(twoAtOnce, RETRY, deadLetters(), stats, sleeper);
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      Future<?> retried =
          two.submit(
              () -> {
                r.deliver(records(3));
                return null;
              });
      Future<?> other =
          two.submit(
              () -> {
                r.deliver(records(5));
                return null;
              });
      assertThat(retryingSent.await(10, TimeUnit.SECONDS)).isTrue();
      releaseOther.countDown();
      other.get(10, TimeUnit.SECONDS);
      SinkState.Snapshot now = stats.state.get();
      assertThat(now.mode()).isEqualTo(SinkState.Mode.RETRYING);
      assertThat(now.reason()).isEqualTo("HTTP 503");
      assertThat(now.waiting()).isEqualTo(3);
      releaseRetried.countDown();
      retried.get(10, TimeUnit.SECONDS);
      assertThat(stats.state.get().mode()).isEqualTo(SinkState.Mode.OK);
      assertThat(stats.state.get().waiting()).isZero();
    } finally {
      two.shutdownNow();
    }
  }

  /** How a test sink answers a batch. */
  private interface Send {
    Outcome send(List<SinkRecord> batch) throws InterruptedException;
  }

  /** A sink named "two" that takes two batches at once and answers each with {@code send}. */
  private static Sink twoAtOnce(Send send) {
    return new Sink() {
      @Override
      public String name() {
        return "two";
      }

      @Override
      public int batchesInFlight() {
        return 2;
      }

      @Override
      public Outcome send(List<SinkRecord> batch) throws InterruptedException {
        return send.send(batch);
      }
    };
  }
}
