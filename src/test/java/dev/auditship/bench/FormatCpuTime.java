package dev.auditship.bench;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.Format;
import dev.auditship.codec.JsonFormat;
import dev.auditship.codec.LogDecoder;
import dev.auditship.codec.siem.SiemFormats;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * CPU nanoseconds per event of one format rendering the golden events from their values into a
 * reused buffer, one thread: the same work as {@code FormatBench.render}, measured in CPU time of
 * the rendering thread (ThreadMXBean) instead of wall time, so that other load on a shared machine
 * counts less. Run one format per JVM (each JVM's JIT then sees only that format, as in a
 * deployment) and alternate the formats several times; docs/benchmarks.md, "SIEM formats".
 *
 * <p>With a third argument {@code line}, each event is first decoded afresh from its Coder JSON
 * line, as the pipeline does for every line it reads: the cost of decoding plus rendering (the json
 * format then copies the line; the SIEM formats decode the fields the decoder left undecoded).
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
 *     dev.auditship.bench.FormatCpuTime ecs [rounds] [line]
 * </pre>
 */
public final class FormatCpuTime {
  private FormatCpuTime() {}

  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "json";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    boolean fromLine = args.length > 2 && args[2].equals("line");
    Format f =
        name.equals("json")
            ? new JsonFormat(EnvelopeDefaults.CODER)
            : SiemFormats.withDefaults(name);
    Event[] events =
        Golden.lines().stream()
            .map(g -> Golden.decodeOne(g.json()))
            .map(e -> new Event(e.kind(), e.envelope(), e.fields()))
            .toArray(Event[]::new);
    // The lines as a source hands them over: without their line feed.
    byte[][] lines =
        Golden.lines().stream()
            .map(g -> g.json().strip().getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
    Event[] decoded = new Event[1];
    LogDecoder decoder =
        new LogDecoder(
            d -> {
              if (d instanceof Decoded.Ok ok) {
                decoded[0] = ok.event();
              }
            });
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    ByteBuf buf = new ByteBuf(4096);
    int perRound = 200_000;
    long best = Long.MAX_VALUE;
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      long t0 = mx.getCurrentThreadCpuTime();
      for (int k = 0; k < perRound / 1000; k++) {
        sink += fromLine ? chunk(f, lines, decoder, decoded, buf) : chunk(f, events, buf);
      }
      long t = mx.getCurrentThreadCpuTime() - t0;
      // The first half warms the JIT up; the best of the rest is the least disturbed.
      if (r >= rounds / 2) {
        best = Math.min(best, t);
      }
    }
    System.out.printf(
        "%s %.1f ns of CPU per event%s (best of %d rounds of %d)%s%n",
        name,
        best / (double) perRound,
        fromLine ? ", decoded from its line" : "",
        rounds - rounds / 2,
        perRound,
        sink == 0 ? "!" : "");
  }

  /** A thousand renders, in a method of its own so that it is compiled as a whole (not OSR). */
  private static long chunk(Format f, Event[] events, ByteBuf buf) {
    long sink = 0;
    for (int i = 0; i < 1000; i++) {
      buf.reset();
      f.write(events[i % events.length], buf);
      sink += buf.length();
    }
    return sink;
  }

  /** A thousand lines decoded and rendered. */
  private static long chunk(
      Format f, byte[][] lines, LogDecoder decoder, Event[] decoded, ByteBuf buf) {
    long sink = 0;
    for (int i = 0; i < 1000; i++) {
      byte[] line = lines[i % lines.length];
      decoder.line(i + 1, line, 0, line.length);
      buf.reset();
      f.write(decoded[0], buf);
      sink += buf.length();
    }
    return sink;
  }
}
