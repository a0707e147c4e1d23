package dev.auditship.spool;

import static dev.auditship.spool.Fixtures.record;
import static dev.auditship.spool.Fixtures.records;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.auditship.config.SpoolConfig;
import dev.auditship.event.Event;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spool as a sink's target: accepted means synced, delivered later, policies, shutdown,
 * restart.
 */
class SpoolTargetTest {
  @TempDir Path tmp;

  private Path spoolDir() {
    return tmp.resolve("spool");
  }

  private SpoolTarget target(
      Fixtures.CollectingSink sink,
      long maxBytes,
      SpoolConfig.WhenFull whenFull,
      Duration maxAge,
      Clock clock,
      int batchMax)
      throws Exception {
    return Fixtures.target(
        Storage.DISK,
        Fixtures.config(spoolDir(), maxBytes, whenFull, maxAge),
        sink,
        tmp.resolve("dead-letters.ndjson"),
        clock,
        batchMax);
  }

  private SpoolTarget target(Fixtures.CollectingSink sink) throws Exception {
    return target(
        sink, 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ZERO, Clock.systemUTC(), 100);
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  /** Bytes one test record takes in the spool. */
  private static long frameSize() {
    SinkRecord r = record(0);
    return Frame.size(
        dev.auditship.text.Utf8.encode(r.text()).length,
        dev.auditship.text.Utf8.encode(Fixtures.JSON.format(r.event())).length);
  }

  @Test
  void recordsComeOutAsTheyWentInTextAndEvent() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    Event e = Fixtures.event(1);
    // Text with bytes that are not UTF-8 (kept as U+DC80..U+DCFF) and a multi-line block.
    SinkRecord odd =
        new SinkRecord(e, "line one \udcff\udc80 end\n    Diff= {\n      \"a\": 1\n    }");
    List<SinkRecord> in = List.of(record(0), odd, record(2));
    try (SpoolTarget t = target(sink)) {
      t.accept(in);
      await().atMost(ofSeconds(10)).until(() -> sink.delivered.size() == 3);
    }
    for (int i = 0; i < 3; i++) {
      SinkRecord out = sink.delivered.get(i);
      assertThat(out.text()).isEqualTo(in.get(i).text());
      assertThat(out.event()).isEqualTo(in.get(i).event());
      assertThat(Fixtures.JSON.format(out.event()))
          .isEqualTo(Fixtures.JSON.format(in.get(i).event()));
    }
  }

  @Test
  void acceptReturnsOnceSyncedAndTheSinkGetsTheRecordsLaterInOrder() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.hold();
    try (SpoolTarget t = target(sink)) {
      t.accept(records(0, 30)); // returns although the sink is holding
      t.accept(records(30, 30));
      assertThat(sink.delivered).isEmpty();
      assertThat(t.gauges().records()).isEqualTo(60);
      assertThat(t.gauges().bytes()).isEqualTo(60 * frameSize());
      sink.release();
      await().atMost(ofSeconds(10)).until(() -> sink.delivered.size() == 60);
      assertThat(sink.indexes()).containsExactlyElementsOf(range(0, 60));
      await().atMost(ofSeconds(10)).until(() -> t.gauges().records() == 0);
      assertThat(t.stats().delivered.get()).isEqualTo(60);
      assertThat(t.stats().summary())
          .endsWith(
              " spool_records=0 spool_bytes=0 spool_oldest_age_secs=0 "
                  + "spool_quarantined_bytes=0");
    }
  }

  @Test
  void whatWasNotDeliveredIsDeliveredByTheNextTargetOnTheSameDirectory() throws Exception {
    Fixtures.CollectingSink down = new Fixtures.CollectingSink("out");
    down.down = true;
    try (LogCapture logs = new LogCapture()) {
      // A clock that stands still: with the real one, oldest_age_secs below is 0 only if the
      // accept (synced to disk) and the close take less than a second, which a loaded machine does
      // not promise.
      SpoolTarget first =
          target(
              down,
              64L * 1024 * 1024,
              SpoolConfig.WhenFull.BLOCK,
              Duration.ZERO,
              Clock.fixed(Instant.parse("2025-07-03T06:55:02Z"), ZoneOffset.UTC),
              100);
      first.accept(records(0, 50));
      first.drain(Duration.ZERO);
      first.close();
      assertThat(logs.messages(Level.INFO))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          "Shutdown: events left in the spool are delivered at the next start. sink=out records=50 bytes="
                              + 50 * frameSize()
                              + " oldest_age_secs=0 dir="
                              + spoolDir()));
    }
    assertThat(down.delivered).isEmpty();
    Fixtures.CollectingSink up = new Fixtures.CollectingSink("out");
    try (SpoolTarget second = target(up)) {
      assertThat(second.name()).isEqualTo("out");
      await().atMost(ofSeconds(10)).until(() -> up.delivered.size() >= 50);
      assertThat(up.indexes()).containsExactlyElementsOf(range(0, 50));
    }
  }

  /**
   * A sink that takes two batches at once (a HEC sink with concurrency 2) gets two batches' worth
   * of spooled records at a time, to send as two requests at once; one that takes one gets one.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void aSinkThatTakesMoreBatchesAtOnceGetsThatManyBatchesWorthFromTheSpool(int lanes)
      throws Exception {
    Fixtures.CollectingSink down = new Fixtures.CollectingSink("out");
    down.down = true;
    SpoolTarget first = target(down);
    first.accept(records(0, 40));
    first.drain(Duration.ZERO);
    first.close();
    Fixtures.CollectingSink up = new Fixtures.CollectingSink("out");
    up.batchesInFlight = lanes;
    try (SpoolTarget second =
        target(
            up,
            64L * 1024 * 1024,
            SpoolConfig.WhenFull.BLOCK,
            Duration.ZERO,
            Clock.systemUTC(),
            10)) {
      await().atMost(ofSeconds(10)).until(() -> up.delivered.size() >= 40);
      assertThat(up.indexes()).containsExactlyElementsOf(range(0, 40));
      assertThat(up.sizes).allSatisfy(n -> assertThat(n).isEqualTo(10 * lanes));
      await().atMost(ofSeconds(10)).until(() -> second.gauges().records() == 0);
    }
  }

  @Test
  void drainDeliversUntilTheDeadlineAndLeavesTheRestOnDisk() throws Exception {
    // Three batches of ten are delivered, then the receiver hangs until the drain lets go: what
    // is delivered by the deadline does not depend on the machine's speed (with 100 ms sends it
    // did: between one and nine batches were allowed, and how many fit depended on scheduling).
    Fixtures.CollectingSink slow = new Fixtures.CollectingSink("out");
    slow.hangFromSend = 4;
    SpoolTarget t =
        target(
            slow,
            64L * 1024 * 1024,
            SpoolConfig.WhenFull.BLOCK,
            Duration.ZERO,
            Clock.systemUTC(),
            10);
    t.accept(records(0, 100));
    long start = System.nanoTime();
    try (LogCapture logs = new LogCapture()) {
      t.drain(ofMillis(350));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs)
          .isBetween(250L, 2500L); // the deadline, less nothing but the let-go grace inside it
      long delivered = slow.delivered.size();
      assertThat(delivered).isEqualTo(30);
      assertThat(logs.messages(Level.INFO))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          "Shutdown: events left in the spool are delivered at the next start. sink=out records="
                              + (100 - delivered)
                              + " bytes="
                              + (100 - delivered) * frameSize()
                              + " oldest_age_secs="));
    }
    t.close();
    Fixtures.CollectingSink fast = new Fixtures.CollectingSink("out");
    try (SpoolTarget again = target(fast)) {
      await()
          .atMost(ofSeconds(10))
          .until(
              () ->
                  slow.delivered.size() + fast.delivered.size() >= 100
                      && again.gauges().records() == 0);
    }
    // The batch cut short at the deadline was not delivered, so nothing is lost and nothing is
    // repeated.
    List<Long> all = new ArrayList<>(slow.indexes());
    all.addAll(fast.indexes());
    assertThat(all).containsExactlyElementsOf(range(0, 100));
  }

  @Test
  void drainReturnsAtOnceWhenEverythingWasDelivered() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    try (LogCapture logs = new LogCapture();
        SpoolTarget t = target(sink)) {
      t.accept(records(0, 5));
      t.drain(ofSeconds(30));
      assertThat(sink.delivered).hasSize(5);
      assertThat(logs.messages(Level.INFO))
          .contains("Spool drained: every spooled event was delivered. sink=out");
    }
  }

  @Test
  void whenFullBlockMakesAcceptWaitUntilTheDrainerFreesSpace() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.hold();
    long frame = frameSize();
    try (LogCapture logs = new LogCapture();
        SpoolTarget t =
            target(
                sink, frame * 5, SpoolConfig.WhenFull.BLOCK, Duration.ZERO, Clock.systemUTC(), 3)) {
      t.accept(records(0, 4));
      CompletableFuture<Void> second =
          CompletableFuture.runAsync(
              () -> {
                try {
                  t.accept(records(4, 6));
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      // The second accept runs on another thread: wait until it has found the spool full (it
      // says so), not for a fixed 300 ms, then see that it stays held.
      await().atMost(ofSeconds(10)).until(() -> !logs.messages(Level.WARN).isEmpty());
      await().during(ofMillis(300)).atMost(ofSeconds(2)).until(() -> !second.isDone());
      assertThat(t.gauges().records()).isEqualTo(5); // one of the six fitted
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "Spool is full; the pipeline waits for the sink to "
                  + "catch up (when_full: block). sink=out max_bytes="
                  + frame * 5
                  + " records=5");
      sink.release();
      second.get(10, TimeUnit.SECONDS);
      await().atMost(ofSeconds(10)).until(() -> sink.delivered.size() == 10);
      assertThat(sink.indexes()).containsExactlyElementsOf(range(0, 10));
      assertThat(t.stats().dropped.get()).isZero();
      assertThat(logs.messages(Level.INFO))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          "Spool has room again; the pipeline continues. sink=out waited_ms="));
    }
  }

  @Test
  void whenFullDropNewestDropsWhatDoesNotFitCountsItAndLogsOncePerEpisode() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.hold();
    long frame = frameSize();
    try (LogCapture logs = new LogCapture();
        SpoolTarget t =
            target(
                sink,
                frame * 5,
                SpoolConfig.WhenFull.DROP_NEWEST,
                Duration.ZERO,
                Clock.systemUTC(),
                100)) {
      t.accept(records(0, 4));
      t.accept(records(4, 3)); // one fits, two are dropped
      t.accept(records(7, 3)); // all three dropped: same episode, no new warning
      assertThat(t.stats().dropped.get()).isEqualTo(5);
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "Spool is full; dropping the newest events as "
                  + "configured (when_full: drop_newest). They are counted in dropped=; a summary follows when there "
                  + "is room again. sink=out max_bytes="
                  + frame * 5
                  + " dropped_now=2");
      sink.release();
      await().atMost(ofSeconds(10)).until(() -> t.gauges().records() == 0);
      t.accept(records(10, 1));
      assertThat(logs.messages(Level.WARN))
          .last()
          .isEqualTo(
              "Spool has room again; events dropped while it was "
                  + "full (when_full: drop_newest): count=5 sink=out");
      await().atMost(ofSeconds(10)).until(() -> sink.delivered.size() == 6);
      assertThat(sink.indexes()).containsExactly(0L, 1L, 2L, 3L, 4L, 10L);
    }
  }

  @Test
  void maxAgeDropsExpiredRecordsEvenWhileTheSinkIsStuckOnThem() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:00:00Z"));
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.down = true; // retries forever
    try (LogCapture logs = new LogCapture();
        SpoolTarget t =
            target(
                sink,
                64L * 1024 * 1024,
                SpoolConfig.WhenFull.BLOCK,
                Duration.ofHours(1),
                clock,
                100)) {
      t.accept(records(0, 3));
      await()
          .atMost(ofSeconds(10))
          .until(() -> sink.sends.get() >= 2); // the drainer is retrying them
      assertThat(t.gauges().oldestAge()).isEqualTo(Duration.ZERO);
      clock.advance(Duration.ofMinutes(30));
      assertThat(t.gauges().oldestAge()).isEqualTo(Duration.ofMinutes(30));
      clock.advance(Duration.ofMinutes(31));
      await().atMost(ofSeconds(10)).until(() -> t.stats().dropped.get() == 3);
      assertThat(t.gauges().records()).isZero();
      assertThat(logs.messages(Level.WARN))
          .contains(
              "Spooled events older than max_age dropped as configured; "
                  + "they are not delivered. They are counted in dropped=; a summary follows. sink=out max_age=1h "
                  + "dropped_now=3");
      sink.down = false;
      t.accept(records(3, 2));
      await().atMost(ofSeconds(10)).until(() -> sink.delivered.size() == 2);
      assertThat(sink.indexes()).containsExactly(3L, 4L);
      assertThat(logs.messages(Level.WARN))
          .contains(
              "Spooled events are young enough again; events dropped for "
                  + "max_age: count=3 sink=out");
    }
  }

  @Test
  void aSpoolEmptiedByDropsIsNotReportedAsDeliveredAndOpenDropEpisodesEndAtShutdown()
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:00:00Z"));
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.down = true; // retries forever: nothing is ever delivered
    try (LogCapture logs = new LogCapture()) {
      SpoolTarget t =
          target(
              sink, 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ofHours(1), clock, 100);
      t.accept(records(0, 3));
      await().atMost(ofSeconds(10)).until(() -> sink.sends.get() >= 1);
      clock.advance(Duration.ofMinutes(61));
      await().atMost(ofSeconds(10)).until(() -> t.stats().dropped.get() == 3);
      t.close();
      assertThat(logs.messages(Level.INFO))
          .contains(
              "Spool empty: what it held was delivered, except the events dropped as configured"
                  + " (max_age or when_full: drop_newest). sink=out dropped=3")
          .noneMatch(m -> m.startsWith("Spool drained"));
      assertThat(logs.messages(Level.WARN))
          .contains("Shutdown; events dropped for max_age: count=3 sink=out")
          .noneMatch(m -> m.contains("young enough again"));
    }
    Fixtures.CollectingSink held = new Fixtures.CollectingSink("full");
    held.hold();
    long frame = frameSize();
    try (LogCapture logs = new LogCapture()) {
      SpoolTarget t =
          target(
              held,
              frame * 5,
              SpoolConfig.WhenFull.DROP_NEWEST,
              Duration.ZERO,
              Clock.systemUTC(),
              100);
      t.accept(records(0, 7)); // five fit, two are dropped; the spool stays full
      t.close();
      assertThat(logs.messages(Level.WARN))
          .contains(
              "Shutdown; events dropped while it was full (when_full: drop_newest): count=2"
                  + " sink=full")
          .noneMatch(m -> m.contains("has room again"));
    }
  }

  @Test
  void withoutMaxAgeOldRecordsAreKept() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:00:00Z"));
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.hold();
    try (SpoolTarget t =
        target(sink, 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ZERO, clock, 100)) {
      t.accept(records(0, 3));
      clock.advance(Duration.ofDays(400));
      sink.release();
      await().atMost(ofSeconds(10)).until(() -> sink.delivered.size() == 3);
      assertThat(t.stats().dropped.get()).isZero();
    }
  }

  @Test
  void aSinkThatThrowsStopsTheDrainerAndFailsTheNextAcceptWithTheRecordsKept() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.throwing = new UncheckedIOException(new IOException("Broken pipe"));
    SpoolTarget t = target(sink);
    int[] accepted = {0};
    // Every accept before the drainer noticed the failure succeeds; the first one after it throws.
    await()
        .atMost(ofSeconds(10))
        .pollInterval(ofMillis(20))
        .until(
            () -> {
              try {
                t.accept(records(accepted[0], 1));
                accepted[0]++;
                return false;
              } catch (IllegalStateException e) {
                assertThat(e)
                    .hasMessage(
                        "the spool drainer of sink out stopped: java.io.IOException: Broken pipe");
                return true;
              }
            });
    assertThat(accepted[0]).isPositive();
    t.close();
    Fixtures.CollectingSink ok = new Fixtures.CollectingSink("out");
    try (SpoolTarget again = target(ok)) {
      await().atMost(ofSeconds(10)).until(() -> again.gauges().records() == 0);
      assertThat(ok.indexes()).containsExactlyElementsOf(range(0, accepted[0]));
    }
  }

  @Test
  void aRecordWhoseEventNoLongerDecodesIsQuarantinedAndTheOthersDelivered() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    try (Spool s =
        Spool.open(
            new Spool.Options("out", spoolDir(), 1 << 20), Storage.DISK, Clock.systemUTC())) {
      s.append(
          List.of(
              new Spool.Pending(
                  "good".getBytes(), Fixtures.JSON.format(Fixtures.event(1)).getBytes()),
              new Spool.Pending("bad".getBytes(), "{\"msg\":\"audit_log\",\"ts\":1}".getBytes()),
              new Spool.Pending(
                  "good".getBytes(), Fixtures.JSON.format(Fixtures.event(2)).getBytes())));
    }
    try (LogCapture logs = new LogCapture();
        SpoolTarget t = target(sink)) {
      await()
          .atMost(ofSeconds(10))
          .until(() -> sink.delivered.size() == 2 && t.gauges().records() == 0);
      assertThat(sink.indexes()).containsExactly(1L, 2L);
      assertThat(logs.messages(Level.ERROR))
          .containsExactly(
              "A spooled record cannot be delivered and was "
                  + "quarantined. sink=out seq=1 reason=\"the stored event does not decode: missing or non-string "
                  + "\\\"ts\\\"\" quarantine="
                  + spoolDir().resolve("quarantine").resolve("quarantined.ndjson"));
    }
    String q = Files.readString(spoolDir().resolve("quarantine").resolve("quarantined.ndjson"));
    assertThat(q)
        .contains("\"seq\":1,")
        .contains("\"record\":\"bad\"")
        .contains("\"event_json\":\"{\\\"msg\\\":\\\"audit_log\\\",\\\"ts\\\":1}\"");
  }
}
