package dev.auditship.spool;

import dev.auditship.config.SpoolConfig;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The child JVM of {@link SpoolKillIT}: appends records to a spool in a loop and prints {@code
 * accepted <n>} after each accept returned; its sink writes the indexes it delivered to a file as
 * {@code <n>;} lines. It runs until it is killed.
 */
public final class SpoolKillChild {
  private SpoolKillChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path deliveredFile = Path.of(args[1]);
    long start = Long.parseLong(args[2]);
    FileOutputStream delivered = new FileOutputStream(deliveredFile.toFile(), true);
    Sink sink =
        new Sink() {
          @Override
          public String name() {
            return "crashy";
          }

          @Override
          public Outcome send(List<SinkRecord> batch) {
            StringBuilder sb = new StringBuilder();
            for (SinkRecord r : batch) {
              sb.append(Fixtures.index(r)).append(";\n");
            }
            try {
              delivered.write(
                  sb.toString().getBytes(StandardCharsets.US_ASCII)); // one write(2) per batch
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return Outcome.delivered();
          }
        };
    SpoolConfig config =
        new SpoolConfig(dir, 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ZERO);
    SpoolTarget t =
        new SpoolTarget(
            Storage.DISK,
            64 * 1024,
            config,
            Fixtures.delivery(sink, dir.resolveSibling("dead-letters.ndjson")),
            Fixtures.JSON,
            Clock.systemUTC(),
            50,
            Duration.ofMillis(50),
            Duration.ofMillis(20));
    for (long i = start; ; i += 20) {
      t.accept(Fixtures.records(i, 20));
      System.out.println("accepted " + (i + 19));
      System.out.flush();
    }
  }
}
