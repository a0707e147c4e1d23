package dev.auditship.sink.hec;

import static dev.auditship.sink.hec.HecFixtures.audit;
import static dev.auditship.sink.hec.HecFixtures.id;
import static dev.auditship.sink.hec.HecFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code concurrency} above 1 the sink takes that many batches at once (the pipeline hands
 * them out on as many threads): a batch's request is posted while another batch's is still waiting
 * for its answer, and never more than {@code concurrency} requests are in flight in all. A loopback
 * server that holds each request until a second one has arrived shows that they overlap.
 */
class HecBatchesInFlightTest {
  private HttpServer server;
  private final List<HecSink> open = new ArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger maxActive = new AtomicInteger();
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

  /** What the server does with a request between counting it in and answering 200. */
  private interface Hold {
    void hold() throws Exception;
  }

  private void serve(Hold hold) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newFixedThreadPool(6));
    server.createContext(
        HecService.EVENT_PATH,
        (HttpExchange x) -> {
          int now = active.incrementAndGet();
          maxActive.accumulateAndGet(now, Math::max);
          int status = 200;
          String answer = "{\"text\":\"Success\",\"code\":0}";
          try {
            bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            hold.hold();
          } catch (Exception e) {
            status = 503;
            answer = "{\"text\":\"Server is busy\",\"code\":9}";
          } finally {
            active.decrementAndGet();
          }
          byte[] b = answer.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(status, b.length);
          x.getResponseBody().write(b);
          x.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    callers.shutdownNow();
    open.forEach(HecSink::close);
    if (server != null) {
      server.stop(0);
    }
  }

  private HecSink sink(Consumer<HecFixtures.Cfg> tweak) throws IOException {
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + server.getAddress().getPort());
    tweak.accept(c);
    HecSink s = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {});
    open.add(s);
    return s;
  }

  private static List<SinkRecord> records(int from, int n) {
    List<SinkRecord> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(json(HecFixtures.withField(audit(), "ID", new dev.auditship.event.Value.Str(id(i)))));
    }
    return out;
  }

  @Test
  void batchesInFlightIsTheConcurrencyWithoutAcknowledgementAndOneWithIt() throws Exception {
    serve(() -> {});
    assertThat(sink(c -> {}).batchesInFlight()).isEqualTo(1);
    assertThat(sink(c -> c.concurrency = 3).batchesInFlight()).isEqualTo(3);
    assertThat(
            sink(c -> {
                  c.concurrency = 3;
                  c.ack = new HecSinkConfig.Ack(true, Duration.ofSeconds(1), Duration.ofSeconds(5));
                })
                .batchesInFlight())
        .isEqualTo(1);
  }

  @Test
  void twoBatchesSentAtOnceHaveTheirRequestsInFlightTogether() throws Exception {
    // Each request is answered only once a second one has arrived: one batch after the other
    // would time out here and be answered 503.
    CyclicBarrier both = new CyclicBarrier(2);
    serve(() -> both.await(10, TimeUnit.SECONDS));
    HecSink s = sink(c -> c.concurrency = 2);
    Future<Outcome> a = callers.submit(() -> s.send(records(0, 3)));
    Future<Outcome> b = callers.submit(() -> s.send(records(3, 3)));
    assertThat(a.get(20, TimeUnit.SECONDS)).isEqualTo(Outcome.delivered());
    assertThat(b.get(20, TimeUnit.SECONDS)).isEqualTo(Outcome.delivered());
    assertThat(maxActive.get()).isEqualTo(2);
    assertThat(bodies).hasSize(2);
    assertThat(String.join("\n", bodies)).contains(id(0), id(1), id(2), id(3), id(4), id(5));
  }

  @Test
  void neverMoreRequestsInFlightThanConcurrencyAcrossBatches() throws Exception {
    serve(() -> Thread.sleep(20));
    // Three batches at once of four one-event requests each, every batch posting ahead too: at
    // most two requests may reach the server together.
    HecSink s =
        sink(
            c -> {
              c.concurrency = 2;
              c.maxEvents = 1;
            });
    List<Future<Outcome>> sent = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      int from = 4 * k;
      sent.add(callers.submit(() -> s.send(records(from, 4))));
    }
    for (Future<Outcome> f : sent) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(Outcome.delivered());
    }
    assertThat(maxActive.get()).isBetween(1, 2);
    assertThat(bodies).hasSize(12);
    for (int i = 0; i < 12; i++) {
      String want = id(i);
      assertThat(bodies).filteredOn(b -> b.contains(want)).hasSize(1);
    }
  }

  /**
   * A send interrupted while its requests (one posted, one posted ahead) wait for their answers
   * gives back its request slots: two sends after it still have their requests in flight together.
   */
  @Test
  void anInterruptedSendGivesBackItsRequestSlots() throws Exception {
    CountDownLatch held = new CountDownLatch(2);
    CountDownLatch releaseHeld = new CountDownLatch(1);
    CyclicBarrier both = new CyclicBarrier(2);
    AtomicInteger seen = new AtomicInteger();
    serve(
        () -> {
          if (seen.incrementAndGet() <= 2) {
            held.countDown();
            releaseHeld.await(10, TimeUnit.SECONDS);
          } else {
            both.await(10, TimeUnit.SECONDS);
          }
        });
    HecSink s =
        sink(
            c -> {
              c.concurrency = 2;
              c.maxEvents = 1;
            });
    Future<Outcome> cut = callers.submit(() -> s.send(records(0, 3)));
    assertThat(held.await(10, TimeUnit.SECONDS)).as("two requests in flight").isTrue();
    cut.cancel(true); // interrupts the sending thread, as a shutdown does
    releaseHeld.countDown();
    Future<Outcome> a = callers.submit(() -> s.send(records(10, 1)));
    Future<Outcome> b = callers.submit(() -> s.send(records(11, 1)));
    assertThat(a.get(20, TimeUnit.SECONDS)).isEqualTo(Outcome.delivered());
    assertThat(b.get(20, TimeUnit.SECONDS)).isEqualTo(Outcome.delivered());
  }
}
