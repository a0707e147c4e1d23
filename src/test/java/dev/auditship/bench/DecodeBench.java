package dev.auditship.bench;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.LogDecoder;
import dev.auditship.source.LineReader;
import dev.auditship.source.StreamSource;
import dev.auditship.testutil.Golden;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode throughput of Coder log lines (JSON and human, as the UTF-8 bytes a source reads) into
 * events, one thread. docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBench {
  @Param({"json", "human"})
  String input;

  private byte[][] lines;
  private LogDecoder decoder;
  private Decoded last;
  private long n;

  @Setup
  public void setup() {
    lines =
        Golden.lines().stream()
            .filter(g -> g.note() == null)
            .map(g -> input.equals("json") ? g.json() : g.human())
            .map(String::strip)
            .filter(l -> !l.contains("\n"))
            .map(l -> l.getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
    decoder = new LogDecoder(d -> last = d);
    setupBlock();
  }

  @Benchmark
  public Object decode() {
    byte[] line = lines[(int) (++n % lines.length)];
    decoder.line(n, line, 0, line.length);
    return last;
  }

  /** Lines per {@link #read} operation: the golden lines, repeated. */
  private static final int BLOCK = 1000;

  private byte[] block;

  private void setupBlock() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < BLOCK; i++) {
      out.writeBytes(lines[i % lines.length]);
      out.write('\n');
    }
    block = out.toByteArray();
  }

  /**
   * The reader thread's whole work a line ({@code StreamSource.readLines}): a block of lines split
   * and decoded as a stream source does, from memory. Ops/s are lines/s.
   */
  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public Object read() throws IOException {
    StreamSource.readLines(
        new LineReader(new ByteArrayInputStream(block), StreamSource.MAX_LINE_BYTES),
        decoder,
        d -> last = d,
        () -> {});
    return last;
  }
}
