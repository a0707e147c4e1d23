package dev.auditship.bench;

import dev.auditship.codec.Format;
import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.codec.siem.SiemFormats;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Render throughput of the two slog formats and the four SIEM formats, one thread, over the golden
 * events (audit and connection, with and without multi-line values) writing UTF-8 into a reused
 * byte buffer as the pipeline does. How to run and the results: docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FormatBench {
  @Param({"json", "human", "ecs", "ocsf", "cef", "leef"})
  String format;

  private Format fmt;
  private Event[] events;
  private Event[] kept;
  private final ByteBuf buf = new ByteBuf(4096);
  private int i;

  @Setup
  public void setup() {
    fmt =
        switch (format) {
          case "json" -> new JsonFormat(EnvelopeDefaults.CODER);
          case "human" -> new HumanFormat(false);
          default -> SiemFormats.withDefaults(format);
        };
    List<Event> decoded = Golden.lines().stream().map(g -> Golden.decodeOne(g.json())).toList();
    // Rendered from the values: events built field by field, without the input line.
    events =
        decoded.stream()
            .map(e -> new Event(e.kind(), e.envelope(), e.fields()))
            .toArray(Event[]::new);
    // As they come out of the decoder: never asked for their fields (the ones above were).
    kept = Golden.lines().stream().map(g -> Golden.decodeOne(g.json())).toArray(Event[]::new);
  }

  /**
   * One event rendered from its values per operation into a reused byte buffer, cycling through the
   * golden events.
   */
  @Benchmark
  public int render() {
    buf.reset();
    fmt.write(events[i++ % events.length], buf);
    return buf.length();
  }

  /**
   * What the pipeline does for events read from Coder's JSON log: the json format copies the kept
   * input line; human writes the values from the line's bytes, decoding only those it cannot copy.
   */
  @Benchmark
  public int pipeline() {
    buf.reset();
    fmt.write(kept[i++ % kept.length], buf);
    return buf.length();
  }
}
