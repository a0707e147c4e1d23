package dev.auditship.bench;

import dev.auditship.testutil.Golden;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a large synthetic Coder server log for end-to-end throughput runs (docs/benchmarks.md):
 * the golden event lines, each with a fresh ID, interleaved with ordinary server lines (one in
 * five). Usage: GenerateLog FILE EVENTS [json|human] [events-only]
 *
 * <p>With {@code events-only} every line is an event (bench/peers.sh counts lines at the receiver):
 * the golden lines carry the hard text (HTML characters Go escapes, emoji, raw JSON, a multi-line
 * value in the human form, a traced line), about 930 bytes a JSON line.
 */
public final class GenerateLog {
  private GenerateLog() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    long n = Long.parseLong(args[1]);
    boolean human = args.length > 2 && args[2].equals("human");
    boolean eventsOnly = args.length > 3 && args[3].equals("events-only");
    List<Golden.Line> lines = Golden.lines().stream().filter(g -> g.note() == null).toList();
    String other =
        human
            ? "2025-07-03 06:50:01.004 [info]  coderd: started HTTP listener  address=0.0.0.0:3000\n"
            : "{\"ts\":\"2025-07-03T06:50:01.004Z\",\"level\":\"INFO\",\"msg\":\"started HTTP listener\",\"fields\":{\"address\":\"0.0.0.0:3000\"}}\n";
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (long i = 0; i < n; i++) {
        Golden.Line g = lines.get((int) (i % lines.size()));
        String text = human ? g.human() : g.json();
        String id =
            String.format(
                Locale.ROOT,
                "%08x-0000-4000-8000-%012x",
                i >>> 32 & 0xffffffffL,
                i & 0xffffffffffffL);
        int at = text.indexOf("ID") + (human ? 3 : 5);
        w.write(text, 0, at);
        w.write(id);
        w.write(text, at + 36, text.length() - at - 36);
        if (!eventsOnly && i % 4 == 0) {
          w.write(other);
        }
      }
    }
  }
}
