package dev.auditship.bench;

import dev.auditship.event.Event;
import dev.auditship.format.EnvelopeDefaults;
import dev.auditship.format.Format;
import dev.auditship.format.HumanFormat;
import dev.auditship.format.JsonFormat;
import dev.auditship.format.siem.SiemFormats;
import dev.auditship.testutil.Golden;
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
 * events (audit and connection, with and without multi-line values) appending into a reused buffer
 * as the pipeline does. How to run and the results: docs/benchmarks.md.
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
  private final StringBuilder sb = new StringBuilder(4096);
  private int i;

  @Setup
  public void setup() {
    fmt =
        switch (format) {
          case "json" -> new JsonFormat(EnvelopeDefaults.CODER);
          case "human" -> new HumanFormat(false);
          default -> SiemFormats.withDefaults(format);
        };
    List<Event> l = Golden.lines().stream().map(g -> Golden.decodeOne(g.json())).toList();
    events = l.toArray(new Event[0]);
  }

  /** One event rendered per operation into a reused buffer, cycling through the golden events. */
  @Benchmark
  public int render() {
    sb.setLength(0);
    fmt.append(events[i++ % events.length], sb);
    return sb.length();
  }

  /**
   * The same into a fresh buffer per event. A reused StringBuilder stays in UTF-16 mode for good
   * once one record had a character beyond Latin-1, which makes every later append slower; a fresh
   * one starts compact.
   */
  @Benchmark
  public String renderFresh() {
    StringBuilder b = new StringBuilder(2048);
    fmt.append(events[i++ % events.length], b);
    return b.toString();
  }
}
