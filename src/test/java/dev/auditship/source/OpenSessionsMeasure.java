package dev.auditship.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.config.Secret;
import dev.auditship.event.Kind;
import dev.auditship.io.NdjsonFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Requests and time per poll of the Coder API source with 10,000 open SSH sessions, against the
 * fake Coder on loopback; prints the table in docs/coder-api-source.md ("Requests per poll"). Not a
 * test: run it by hand (see that section).
 */
public final class OpenSessionsMeasure {
  public static void main(String[] args) throws Exception {
    int open = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int pageSize = 100;
    Instant base = Instant.parse("2025-07-03T06:00:00Z");
    Path dir = Files.createTempDirectory("auditship-measure");
    try (FakeCoder coder = new FakeCoder(false)) {
      List<ObjectNode> sessions = new ArrayList<>();
      for (int i = 0; i < open; i++) {
        sessions.add(
            ApiRows.ssh(
                ApiRows.uuid("s", i), base.plusSeconds(2L * i).toString(), ApiRows.uuid("c", i)));
      }
      coder.addConnections(sessions.toArray(ObjectNode[]::new));
      Instant now = base.plusSeconds(2L * open).plus(Duration.ofMinutes(30));
      CoderApiSource.Settings s =
          new CoderApiSource.Settings(
              coder.endpoint(),
              List.of(Kind.CONNECTION),
              Duration.ofMillis(10),
              pageSize,
              null,
              Map.of(),
              dir.resolve("cp.json"),
              open * 2,
              Duration.ofSeconds(120),
              List.of("coderd"),
              Duration.ofMillis(20),
              Duration.ofMillis(200),
              1_000_000);
      try (CoderApiSource src =
          new CoderApiSource(
              s,
              new CoderApiClient(
                  coder.endpoint(),
                  Secret.of("test-token"),
                  Duration.ofSeconds(30),
                  dev.auditship.config.TlsSettings.DEFAULT),
              new Rejects(new NdjsonFile(dir.resolve("rejects.ndjson")), Clock.systemUTC()),
              Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), now)))) {
        int got = drain(src, open, new long[1]);
        System.out.printf(
            "first start (start_at: beginning, %,d rows): events=%,d requests=%d%n",
            open, got, src.requests());
        for (int round = 0; round < 3; round++) {
          int closes = round == 0 ? 0 : round == 1 ? 100 : 1000;
          int from = round == 2 ? 100 : 0;
          coder.change(
              () -> {
                for (int i = from; i < from + closes; i++) {
                  ApiRows.close(
                      sessions.get(i * (open / 1100)), now.minusSeconds(60).toString(), 0, "");
                }
              });
          long t0 = System.nanoTime();
          long[] delivering = new long[1];
          int events = drain(src, closes, delivering);
          long ms = (System.nanoTime() - t0) / 1_000_000;
          System.out.printf(
              "| %,d | %,d | %d | %d | %d |%n",
              open,
              closes,
              closes == 0 ? src.lastPollRequests() : delivering[0],
              src.lastPollRequests(),
              ms);
          if (events != closes) {
            throw new IllegalStateException("expected " + closes + " events, got " + events);
          }
        }
      }
    }
  }

  /** Polls until {@code n} events came and one more poll brought nothing. */
  private static int drain(CoderApiSource src, int n, long[] delivering) throws Exception {
    int got = 0;
    long polls = src.requests();
    while (true) {
      Source.Batch b = src.next(5000, Duration.ZERO);
      if (!b.events().isEmpty()) {
        delivering[0] = src.lastPollRequests();
      }
      got += b.events().size();
      src.commit(b);
      if (got >= n && b.events().isEmpty() && src.requests() > polls) {
        return got;
      }
    }
  }
}
