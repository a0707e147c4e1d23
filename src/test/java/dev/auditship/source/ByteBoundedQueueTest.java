package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.Thread.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ByteBoundedQueueTest {
  @Test
  void drainMovesFromTheHeadUpToTheItemAndByteLimits() throws Exception {
    ByteBoundedQueue<String> q = new ByteBoundedQueue<>(1000);
    List<String> out = new ArrayList<>();
    assertThat(q.drainTo(out, 10, 100)).isZero();
    for (int i = 0; i < 6; i++) {
      q.put("e" + i, 40);
    }
    assertThat(q.drainTo(out, 2, 1000)).isEqualTo(2);
    assertThat(out).containsExactly("e0", "e1");
    // Below 100 bytes after e2 (40) and e3 (80): e4 still goes, and passes the limit (120).
    assertThat(q.drainTo(out, 10, 100)).isEqualTo(3);
    assertThat(out).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(q.bytes()).isEqualTo(40);
    assertThat(q.poll()).isEqualTo("e5");
    assertThat(q.bytes()).isZero();
  }

  @Test
  void drainWakesAProducerWaitingForRoom() throws Exception {
    ByteBoundedQueue<String> q = new ByteBoundedQueue<>(100);
    q.put("a", 60);
    q.put("b", 40);
    CountDownLatch put = new CountDownLatch(1);
    Thread producer =
        new Thread(
            () -> {
              try {
                q.put("c", 50);
                put.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    producer.start();
    // Waiting for room, for certain (not after a guess of 200 ms): then the drain must wake it.
    await().atMost(Duration.ofSeconds(10)).until(() -> producer.getState() == State.WAITING);
    assertThat(put.await(200, TimeUnit.MILLISECONDS)).isFalse(); // full: the producer waits
    assertThat(q.drainTo(new ArrayList<>(), 10, 1000)).isEqualTo(2);
    assertThat(put.await(10, TimeUnit.SECONDS)).isTrue();
    producer.join();
    assertThat(q.take()).isEqualTo("c");
  }

  @Test
  void putAllAddsInOrderAndLetsATakerHaveWhatFitBeforeItWaits() throws Exception {
    ByteBoundedQueue<String> q = new ByteBoundedQueue<>(100);
    q.putAll(new String[] {"a", "b"}, new long[] {30, 30}, 2);
    assertThat(q.bytes()).isEqualTo(60);
    CountDownLatch done = new CountDownLatch(1);
    Thread producer =
        new Thread(
            () -> {
              try {
                // c fits (90), d does not (130): it waits, with c already there to take.
                q.putAll(new String[] {"c", "d", "e", "f"}, new long[] {30, 40, 10, 0}, 3);
                done.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    producer.start();
    // c is in and the producer waits for room for d (for certain, not after a guess of 200 ms).
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> q.bytes() == 90 && producer.getState() == State.WAITING);
    assertThat(done.await(200, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(q.bytes()).isEqualTo(90); // c is in, d waits
    assertThat(q.take()).isEqualTo("a");
    assertThat(q.take()).isEqualTo("b");
    assertThat(q.take()).isEqualTo("c"); // handed over before the producer waited
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    producer.join();
    List<String> out = new ArrayList<>();
    assertThat(q.drainTo(out, 10, 1000)).isEqualTo(2);
    assertThat(out).containsExactly("d", "e");
    assertThat(q.bytes()).isZero();
  }
}
