package dev.auditship.bench;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.LogDecoder;
import dev.auditship.source.LineReader;
import dev.auditship.source.StreamSource;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * CPU nanoseconds per line of the reader thread's work ({@code source.StreamSource}): a log file
 * split into lines by {@link LineReader} and decoded by {@link LogDecoder}, one thread, the file
 * read afresh each round (from the page cache). CPU time of the thread (ThreadMXBean), so that
 * other load on a shared machine counts less; docs/benchmarks.md, "The reader thread".
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
 *     dev.auditship.bench.ReadCpuTime FILE [rounds] [split]
 * </pre>
 *
 * <p>With {@code split} the lines are only split, not decoded.
 */
public final class ReadCpuTime {
  private ReadCpuTime() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    String mode = args.length > 2 ? args[2] : "decode";
    boolean splitOnly = mode.equals("split");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[] counts = new long[4]; // events, skipped, rejected; lines
    Consumer<Decoded> out =
        d -> {
          if (d instanceof Decoded.Ok) {
            counts[0]++;
          } else if (d instanceof Decoded.Skipped) {
            counts[1]++;
          } else {
            counts[2]++;
          }
        };
    long best = Long.MAX_VALUE;
    long lines = 0;
    StringBuilder all = new StringBuilder();
    for (int r = 0; r < rounds; r++) {
      counts[0] = counts[1] = counts[2] = counts[3] = 0;
      lines = 0;
      long t0 = mx.getCurrentThreadCpuTime();
      try (InputStream in = Files.newInputStream(file)) {
        LineReader lr = new LineReader(in, StreamSource.MAX_LINE_BYTES);
        if (splitOnly) {
          while (lr.read()) {
            lines++;
          }
        } else {
          StreamSource.readLines(lr, new LogDecoder(out), out, () -> counts[3]++);
          lines = counts[3];
        }
      }
      long t = mx.getCurrentThreadCpuTime() - t0;
      all.append(String.format(" %.0f", t / (double) lines));
      // The first rounds warm the JIT up; the best of the rest is the least disturbed.
      if (r >= rounds / 2) {
        best = Math.min(best, t);
      }
    }
    System.out.printf(
        "%s: %.1f ns of CPU a line (best of the last %d rounds; all:%s); %d lines, %d events,"
            + " %d skipped, %d rejected%n",
        file.getFileName(),
        best / (double) lines,
        rounds - rounds / 2,
        all,
        lines,
        counts[0],
        counts[1],
        counts[2]);
  }
}
