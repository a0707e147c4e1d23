package dev.auditship.sink.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window's bound (every frame with a byte among the last {@code maxBytes} written), order and
 * chunks.
 */
class ReplayWindowTest {

  static byte[] frame(char c, int len) {
    return String.valueOf(c).repeat(len).getBytes(StandardCharsets.US_ASCII);
  }

  static List<String> frames(ReplayWindow w) {
    List<String> out = new ArrayList<>();
    for (byte[] chunk : w.chunks(1)) { // chunks of at least one byte: one frame each
      out.add(new String(chunk, StandardCharsets.US_ASCII));
    }
    return out;
  }

  @Test
  void keepsEveryFrameThatHasAByteAmongTheLastMaxBytesWritten() {
    ReplayWindow w = new ReplayWindow(250);
    for (char c = 'a'; c <= 'e'; c++) {
      w.written(frame(c, 100));
    }
    // The last 250 bytes written reach back into "c": c, d and e may be unread.
    assertThat(frames(w)).containsExactly("c".repeat(100), "d".repeat(100), "e".repeat(100));
    assertThat(w.size()).isEqualTo(3);
    assertThat(w.bytes()).isEqualTo(300);

    ReplayWindow exact = new ReplayWindow(300);
    for (char c = 'a'; c <= 'e'; c++) {
      exact.written(frame(c, 100));
    }
    assertThat(exact.size()).isEqualTo(3); // c, d, e are exactly the last 300 bytes

    ReplayWindow oneMore = new ReplayWindow(301);
    for (char c = 'a'; c <= 'e'; c++) {
      oneMore.written(frame(c, 100));
    }
    assertThat(frames(oneMore)).hasSize(4).first().isEqualTo("b".repeat(100));
  }

  @Test
  void aFrameLargerThanTheWindowStaysUntilEnoughIsWrittenAfterIt() {
    ReplayWindow w = new ReplayWindow(100);
    w.written(frame('a', 50));
    w.written(frame('b', 500));
    assertThat(frames(w)).containsExactly("b".repeat(500));
    w.written(frame('c', 60));
    assertThat(frames(w)).containsExactly("b".repeat(500), "c".repeat(60));
    w.written(frame('d', 40));
    assertThat(frames(w)).containsExactly("c".repeat(60), "d".repeat(40));
    assertThat(w.bytes()).isEqualTo(100);
    assertThat(w.oldest()).isEqualTo(frame('c', 60));
  }

  @Test
  void zeroKeepsNothing() {
    ReplayWindow w = new ReplayWindow(0);
    w.written(frame('a', 10));
    assertThat(w.isEmpty()).isTrue();
    assertThat(w.bytes()).isZero();
    assertThat(w.chunks(64)).isEmpty();
    assertThat(w.oldest()).isNull();
  }

  @Test
  void chunksKeepTheOrderAndNeverSplitAFrame() {
    ReplayWindow w = new ReplayWindow(1 << 20);
    w.written(frame('a', 30));
    w.written(frame('b', 30));
    w.written(frame('c', 50));
    w.written(frame('d', 10));
    w.written(frame('e', 5));
    List<String> chunks =
        w.chunks(60).stream().map(b -> new String(b, StandardCharsets.US_ASCII)).toList();
    assertThat(chunks)
        .containsExactly(
            "a".repeat(30) + "b".repeat(30), "c".repeat(50) + "d".repeat(10), "e".repeat(5));
    assertThat(w.size()).isEqualTo(5); // writing it again does not consume it
  }

  @Test
  void dropNewestAndClear() {
    ReplayWindow w = new ReplayWindow(1 << 20);
    for (char c = 'a'; c <= 'd'; c++) {
      w.written(frame(c, 10));
    }
    w.dropNewest(2);
    assertThat(frames(w)).containsExactly("a".repeat(10), "b".repeat(10));
    assertThat(w.bytes()).isEqualTo(20);
    w.dropNewest(5);
    assertThat(w.isEmpty()).isTrue();
    assertThat(w.bytes()).isZero();
    w.written(frame('x', 10));
    w.clear();
    assertThat(w.isEmpty()).isTrue();
    assertThat(w.bytes()).isZero();
  }
}
