package dev.auditship.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.auditship.codec.JsonFormat;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.filter.EventFilter;
import dev.auditship.metrics.SinkStats;
import dev.auditship.metrics.SourceStats;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Target;
import dev.auditship.source.Source;
import dev.auditship.testutil.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The run loop's contract: commit only after every sink accepted, filters counted, stop and abort.
 */
class PipelineTest {

  /** A source that hands out prepared batches and records commits. */
  static final class ListSource implements Source {
    final Deque<Batch> batches = new ArrayDeque<>();
    final List<Object> reads = Collections.synchronizedList(new ArrayList<>());
    final List<Object> commits = Collections.synchronizedList(new ArrayList<>());
    final SourceStats stats = new SourceStats();

    @Override
    public Batch next(int max, Duration linger) {
      Batch b = batches.poll();
      if (b != null) {
        reads.add(b.position());
      }
      return b;
    }

    @Override
    public void commit(Batch batch) {
      commits.add(batch.position());
    }

    @Override
    public SourceStats stats() {
      return stats;
    }
  }

  /** A target that records what it accepted, optionally blocking until released. */
  static class RecordingTarget implements Target {
    final String name;
    final List<SinkRecord> accepted = Collections.synchronizedList(new ArrayList<>());
    final SinkStats stats = new SinkStats();
    volatile CountDownLatch gate;
    final CountDownLatch entered = new CountDownLatch(1);

    RecordingTarget(String name) {
      this.name = name;
    }

    @Override
    public void accept(List<SinkRecord> records) throws InterruptedException {
      entered.countDown();
      CountDownLatch g = gate;
      if (g != null) {
        g.await();
      }
      accepted.addAll(records);
    }

    @Override
    public SinkStats stats() {
      return stats;
    }

    @Override
    public String name() {
      return name;
    }
  }

  static List<Event> events() {
    return Golden.lines().stream().map(g -> Golden.decodeOne(g.json())).toList();
  }

  private static SinkRuntime sink(RecordingTarget t, EventFilter f) {
    return new SinkRuntime(t.name, f, new JsonFormat(EnvelopeDefaults.CODER), t);
  }

  @Test
  void everySinkGetsItsFilteredRecordsAndTheSourceCommitsAfterwards() throws Exception {
    ListSource src = new ListSource();
    List<Event> ev = events();
    src.batches.add(new Source.Batch(ev.subList(0, 6), "p1"));
    src.batches.add(new Source.Batch(ev.subList(6, 11), "p2"));
    RecordingTarget all = new RecordingTarget("all");
    RecordingTarget audit = new RecordingTarget("audit");
    EventFilter onlyAudit = e -> e.kind() == dev.auditship.event.Kind.AUDIT;
    Pipeline p =
        new Pipeline(
            src,
            EventFilter.ALL,
            List.of(sink(all, EventFilter.ALL), sink(audit, onlyAudit)),
            100,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(1));
    p.run();
    assertThat(all.accepted).hasSize(11);
    assertThat(all.accepted.get(0).text()).isEqualTo(Golden.lines().get(0).json().strip());
    assertThat(audit.accepted)
        .hasSize(5)
        .allSatisfy(r -> assertThat(r.event().kind().label()).isEqualTo("audit"));
    assertThat(audit.stats.filtered.get()).isEqualTo(6);
    assertThat(src.commits).containsExactly("p1", "p2");
  }

  @Test
  void theGlobalFilterDropsBeforeAnySinkAndIsCounted() throws Exception {
    ListSource src = new ListSource();
    src.batches.add(new Source.Batch(events(), "p"));
    RecordingTarget t = new RecordingTarget("t");
    Pipeline p =
        new Pipeline(
            src,
            e -> "ssh".equals(e.string("Type")),
            List.of(sink(t, EventFilter.ALL)),
            100,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(1));
    p.run();
    assertThat(t.accepted).hasSize(2);
    assertThat(t.stats.filtered.get()).isZero();
    assertThat(src.commits).containsExactly("p");
  }

  @Test
  void nothingIsCommittedWhileASinkHasNotAcceptedAndAbortLeavesItUncommitted() throws Exception {
    ListSource src = new ListSource();
    src.batches.add(new Source.Batch(events(), "p"));
    RecordingTarget fast = new RecordingTarget("fast");
    RecordingTarget slow = new RecordingTarget("slow");
    slow.gate = new CountDownLatch(1);
    Pipeline p =
        new Pipeline(
            src,
            EventFilter.ALL,
            List.of(sink(fast, EventFilter.ALL), sink(slow, EventFilter.ALL)),
            100,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(1));
    Throwable[] thrown = new Throwable[1];
    Thread runner = start(p, thrown);
    assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(src.commits).isEmpty();
    p.stop();
    Thread.sleep(50);
    assertThat(src.commits).as("stop waits for the batch in flight").isEmpty();
    p.abort();
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
    assertThat(src.commits).isEmpty();
    assertThat(slow.accepted).isEmpty();
  }

  @Test
  void stopAfterTheBatchInFlightCommitsItAndEndsCleanly() throws Exception {
    ListSource src = new ListSource();
    src.batches.add(new Source.Batch(events(), "p1"));
    src.batches.add(new Source.Batch(events(), "p2"));
    src.batches.add(new Source.Batch(events(), "p3"));
    RecordingTarget slow = new RecordingTarget("slow");
    slow.gate = new CountDownLatch(1);
    Pipeline p =
        new Pipeline(
            src,
            EventFilter.ALL,
            List.of(sink(slow, EventFilter.ALL)),
            100,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(1));
    Thread runner =
        new Thread(
            () -> {
              try {
                p.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    runner.start();
    assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
    p.stop();
    slow.gate.countDown();
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    // While the sink sent p1, the loop may already have read (and formatted) p2: a stop delivers
    // and commits, in order, every batch read before it, and reads no more.
    assertThat(src.reads).isIn(List.of("p1"), List.of("p1", "p2"));
    assertThat(src.commits).isEqualTo(src.reads);
    assertThat(slow.accepted).hasSize(11 * src.reads.size());
    assertThat(src.batches).extracting(Source.Batch::position).contains("p3");
  }

  @Test
  void aSinkFailureEndsTheRunWithoutCommitting() {
    ListSource src = new ListSource();
    src.batches.add(new Source.Batch(events(), "p"));
    Target broken =
        new RecordingTarget("broken") {
          @Override
          public void accept(List<SinkRecord> records) {
            throw new UncheckedIOException(new IOException("stdout closed"));
          }
        };
    Pipeline p =
        new Pipeline(
            src,
            EventFilter.ALL,
            List.of(
                new SinkRuntime(
                    "broken", EventFilter.ALL, new JsonFormat(EnvelopeDefaults.CODER), broken)),
            100,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(1));
    assertThatThrownBy(p::run).hasMessageContaining("stdout closed");
    assertThat(src.commits).isEmpty();
  }

  /**
   * A target that takes {@code lanes} batches at once: each accept waits for its own gate (by the
   * batch's first event ID) and records how many ran at once and the batches' first event IDs in
   * arrival order.
   */
  static final class LaneTarget implements Target {
    final String name;
    final int lanes;
    final SinkStats stats = new SinkStats();
    final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    final List<String> arrived = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    final Semaphore entered = new Semaphore(0);
    final long holdMillis;

    LaneTarget(String name, int lanes, long holdMillis) {
      this.name = name;
      this.lanes = lanes;
      this.holdMillis = holdMillis;
    }

    @Override
    public void accept(List<SinkRecord> records) throws InterruptedException {
      int now = active.incrementAndGet();
      maxActive.accumulateAndGet(now, Math::max);
      String first = records.get(0).event().id();
      CountDownLatch gate =
          gates.computeIfAbsent(first, k -> new CountDownLatch(holdMillis < 0 ? 1 : 0));
      arrived.add(first);
      entered.release();
      try {
        gate.await();
        Thread.sleep(Math.max(0, holdMillis));
      } finally {
        active.decrementAndGet();
      }
    }

    /** Lets the batch whose first event is {@code first} be accepted (before or after it came). */
    void release(Event first) {
      gates.computeIfAbsent(first.id(), k -> new CountDownLatch(1)).countDown();
    }

    @Override
    public int batchesInFlight() {
      return lanes;
    }

    @Override
    public SinkStats stats() {
      return stats;
    }

    @Override
    public String name() {
      return name;
    }
  }

  /** A pipeline from {@code src} to the lane targets {@code to}, all formatting json. */
  private static Pipeline pipeline(ListSource src, LaneTarget... to) {
    JsonFormat json = new JsonFormat(EnvelopeDefaults.CODER);
    List<SinkRuntime> sinks = new ArrayList<>();
    for (LaneTarget t : to) {
      sinks.add(new SinkRuntime(t.name, EventFilter.ALL, json, t));
    }
    return new Pipeline(
        src, EventFilter.ALL, sinks, 100, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1));
  }

  /** Batches p1, p2 and p3 of the golden events: 4, 4 and 3 of them. */
  private static void threeBatches(ListSource src, List<Event> ev) {
    src.batches.add(new Source.Batch(ev.subList(0, 4), "p1"));
    src.batches.add(new Source.Batch(ev.subList(4, 8), "p2"));
    src.batches.add(new Source.Batch(ev.subList(8, 11), "p3"));
  }

  static Thread start(Pipeline p, Throwable[] thrown) {
    Thread runner =
        new Thread(
            () -> {
              try {
                p.run();
              } catch (Throwable e) {
                thrown[0] = e;
              }
            });
    runner.start();
    return runner;
  }

  @Test
  void aSinkThatTakesTwoBatchesGetsTheNextWhileTheFirstIsSentAndCommitsStayInOrder()
      throws Exception {
    ListSource src = new ListSource();
    List<Event> ev = events();
    threeBatches(src, ev);
    LaneTarget t = new LaneTarget("two", 2, -1);
    Pipeline p = pipeline(src, t);
    Throwable[] thrown = new Throwable[1];
    Thread runner = start(p, thrown);
    // p1 and p2 are both handed out before either is accepted; p3 waits for a free place.
    assertThat(t.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(t.arrived).containsExactlyInAnyOrder(ev.get(0).id(), ev.get(4).id());
    assertThat(t.maxActive.get()).isEqualTo(2);
    // p3 is read and formatted meanwhile, and waits for a place.
    await().atMost(Duration.ofSeconds(10)).until(() -> p.inFlightEvents() == 11);
    assertThat(t.entered.tryAcquire(200, TimeUnit.MILLISECONDS)).as("p3 must wait").isFalse();
    // p2 accepted first: nothing may be committed before p1 is, and p3 still waits (at most two
    // batches are handed out and not committed).
    t.release(ev.get(4));
    assertThat(t.entered.tryAcquire(200, TimeUnit.MILLISECONDS)).as("p3 still waits").isFalse();
    assertThat(src.commits).as("p2 is not committed before p1").isEmpty();
    t.release(ev.get(0));
    assertThat(t.entered.tryAcquire(10, TimeUnit.SECONDS)).as("p3 handed out").isTrue();
    t.release(ev.get(8));
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown[0]).isNull();
    assertThat(src.commits).containsExactly("p1", "p2", "p3");
    assertThat(t.arrived.get(2)).isEqualTo(ev.get(8).id());
  }

  @Test
  void aSinkThatTakesOneBatchAtATimeGetsThemInOrderBesideOneThatTakesTwo() throws Exception {
    ListSource src = new ListSource();
    List<Event> ev = events();
    List<String> firsts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      src.batches.add(new Source.Batch(List.of(ev.get(i)), "p" + i));
      firsts.add(ev.get(i).id());
    }
    LaneTarget two = new LaneTarget("two", 2, 20);
    LaneTarget one = new LaneTarget("one", 1, 5);
    Pipeline p = pipeline(src, two, one);
    Throwable[] thrown = new Throwable[1];
    Thread runner = start(p, thrown);
    runner.join(20_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown[0]).isNull();
    assertThat(one.maxActive.get()).as("never two batches at once").isEqualTo(1);
    assertThat(one.arrived).isEqualTo(firsts);
    assertThat(two.maxActive.get()).isLessThanOrEqualTo(2);
    assertThat(two.arrived).containsExactlyInAnyOrderElementsOf(firsts);
    assertThat(src.commits)
        .containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");
  }

  @Test
  void abortWithTwoBatchesInFlightCommitsNeither() throws Exception {
    ListSource src = new ListSource();
    List<Event> ev = events();
    src.batches.add(new Source.Batch(ev.subList(0, 5), "p1"));
    src.batches.add(new Source.Batch(ev.subList(5, 11), "p2"));
    LaneTarget t = new LaneTarget("two", 2, -1);
    Pipeline p = pipeline(src, t);
    Throwable[] thrown = new Throwable[1];
    Thread runner = start(p, thrown);
    assertThat(t.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    t.release(ev.get(5)); // p2 accepted, p1 not
    p.abort();
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
    assertThat(src.commits).isEmpty();
    assertThat(p.inFlightEvents()).as("both batches count as not accepted").isEqualTo(11);
  }

  @Test
  void abortAfterACommitCountsEveryBatchStillHandedOut() throws Exception {
    ListSource src = new ListSource();
    List<Event> ev = events();
    threeBatches(src, ev);
    LaneTarget t = new LaneTarget("two", 2, -1);
    Pipeline p = pipeline(src, t);
    Throwable[] thrown = new Throwable[1];
    Thread runner = start(p, thrown);
    assertThat(t.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    t.release(ev.get(0)); // p1 accepted and committed; p3 takes its place
    assertThat(t.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    p.abort();
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
    assertThat(src.commits).containsExactly("p1");
    assertThat(p.inFlightEvents()).as("p2 and p3, handed out and not committed").isEqualTo(7);
  }

  /** {@code e} with a {@code UserAgent} of {@code chars} characters: a heavy event. */
  private static Event heavy(Event e, int chars) {
    List<Field> fields = new ArrayList<>();
    for (Field f : e.fields()) {
      fields.add(
          f.key().equals("UserAgent")
              ? new Field("UserAgent", new Value.Str("x".repeat(chars)))
              : f);
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  /**
   * Batches of large events go out one at a time even to a sink that takes two: together they would
   * hold more than a full batch's bytes.
   */
  @Test
  void batchesOfLargeEventsGoOutOneAtATime() throws Exception {
    ListSource src = new ListSource();
    Event a = heavy(events().get(0), 2_200_000);
    Event b = heavy(events().get(1), 2_200_000);
    assertThat((long) a.weight() + b.weight()).isGreaterThan(Pipeline.IN_FLIGHT_BYTES);
    src.batches.add(new Source.Batch(List.of(a), "p1"));
    src.batches.add(new Source.Batch(List.of(b), "p2"));
    LaneTarget t = new LaneTarget("two", 2, -1);
    Pipeline p = pipeline(src, t);
    Throwable[] thrown = new Throwable[1];
    Thread runner = start(p, thrown);
    assertThat(t.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> p.inFlightEvents() == 2); // p2 read
    assertThat(t.entered.tryAcquire(300, TimeUnit.MILLISECONDS)).as("p2 waits for p1").isFalse();
    t.release(a);
    assertThat(t.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    t.release(b);
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown[0]).isNull();
    assertThat(src.commits).containsExactly("p1", "p2");
    assertThat(t.maxActive.get()).isEqualTo(1);
  }

  /**
   * Four batches of 500 of Coder's usual events go out at once to a sink that takes four: together
   * they hold well under two full batches' bytes.
   */
  @Test
  void fourFullBatchesOfUsualEventsGoOutAtOnceToASinkThatTakesFour() throws Exception {
    ListSource src = new ListSource();
    List<Event> golden = events();
    List<Event> firsts = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      List<Event> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        batch.add(golden.get((b + i) % golden.size()));
      }
      firsts.add(batch.get(0));
      src.batches.add(new Source.Batch(batch, "p" + b));
    }
    LaneTarget t = new LaneTarget("four", 4, -1);
    Pipeline p = pipeline(src, t);
    Throwable[] thrown = new Throwable[1];
    Thread runner = start(p, thrown);
    assertThat(t.entered.tryAcquire(4, 10, TimeUnit.SECONDS))
        .as("four batches out at once")
        .isTrue();
    assertThat(t.maxActive.get()).isEqualTo(4);
    firsts.forEach(t::release);
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(thrown[0]).isNull();
    assertThat(src.commits).containsExactly("p0", "p1", "p2", "p3");
  }
}
