package dev.auditship.sink.hec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.text.ByteBuf;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Cutting envelopes into request bodies by count and uncompressed bytes. */
class HecRequestsTest {

  @Test
  void countLimit() {
    int[] sizes = {10, 10, 10, 10, 10};
    assertThat(HecRequests.plan(sizes, List.of(0, 1, 2, 3, 4), 2, 1_000_000))
        .containsExactly(List.of(0, 1), List.of(2, 3), List.of(4));
  }

  @Test
  void byteLimitCountsTheNewlinesBetweenEnvelopes() {
    int[] sizes = {10, 10, 10};
    // two envelopes and one separator: 21 bytes
    assertThat(HecRequests.plan(sizes, List.of(0, 1, 2), 100, 21))
        .containsExactly(List.of(0, 1), List.of(2));
    assertThat(HecRequests.plan(sizes, List.of(0, 1, 2), 100, 20))
        .containsExactly(List.of(0), List.of(1), List.of(2));
    assertThat(HecRequests.plan(sizes, List.of(0, 1, 2), 100, 32))
        .containsExactly(List.of(0, 1, 2));
  }

  @Test
  void onlyTheGivenIndicesInTheirOrder() {
    int[] sizes = {10, 999, 10, 10};
    assertThat(HecRequests.plan(sizes, List.of(0, 2, 3), 100, 21))
        .containsExactly(List.of(0, 2), List.of(3));
    assertThat(HecRequests.plan(sizes, List.of(), 100, 21)).isEmpty();
  }

  @Test
  void bodyIsEnvelopesWithOneNewlineBetweenAndNoneAtTheEnd() {
    // The arena as HecSink writes it: every envelope followed by its newline.
    byte[] arena = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n".getBytes(StandardCharsets.UTF_8);
    int[] starts = {0, 8, 16, 24};
    assertThat(body(arena, starts, List.of(0, 2))).isEqualTo("{\"a\":1}\n{\"c\":3}");
    assertThat(body(arena, starts, List.of(1))).isEqualTo("{\"b\":2}");
    assertThat(body(arena, starts, List.of(0, 1, 2))).isEqualTo("{\"a\":1}\n{\"b\":2}\n{\"c\":3}");
  }

  @Test
  void consecutiveRecordsAreOneSliceOfTheArena() {
    assertThat(HecRequests.consecutive(List.of(3))).isTrue();
    assertThat(HecRequests.consecutive(List.of(3, 4, 5))).isTrue();
    assertThat(HecRequests.consecutive(List.of(0, 2))).isFalse();
    assertThat(HecRequests.consecutive(List.of(0, 1, 3))).isFalse();
  }

  private static String body(byte[] arena, int[] starts, List<Integer> indices) {
    ByteBuf out = new ByteBuf(16);
    HecRequests.body(arena, starts, indices, out);
    return new String(out.array(), 0, out.length(), StandardCharsets.UTF_8);
  }

  @Test
  void gzipRoundTrips() throws Exception {
    byte[] body = "{\"event\":\"x\"}\n{\"event\":\"y\"}".getBytes(StandardCharsets.UTF_8);
    byte[] gz = HecRequests.gzip(body);
    assertThat(gz[0]).isEqualTo((byte) 0x1f);
    assertThat(gz[1]).isEqualTo((byte) 0x8b);
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes()).isEqualTo(body);
  }
}
