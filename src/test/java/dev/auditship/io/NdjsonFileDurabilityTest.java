package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.RetentionConfig;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dead letter or reject counts as kept once appended, so a new file's name must be on disk too:
 * fsync(2) of the file does not make its directory entry durable. The directory is synced after
 * every create (first use, after a rotation, after creating missing parents).
 */
class NdjsonFileDurabilityTest {
  @TempDir Path tmp;

  private final List<String> journal = new ArrayList<>();

  private void sync(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      journal.add(
          dir.getFileName() + ": " + s.map(p -> p.getFileName().toString()).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String line(int i) {
    return "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}"; // 57 bytes with the newline
  }

  @Test
  void theNewFileAndItsNewParentsAreSyncedIntoTheirDirectoriesAtFirstUseAndAfterRotation()
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:12:44.123Z"));
    Path dir = tmp.resolve("state/dl");
    try (NdjsonFile f =
        new NdjsonFile(
            dir.resolve("dead-letters.ndjson"),
            new RetentionConfig(200, Duration.ZERO),
            clock,
            this::sync)) {
      f.append(line(0));
      assertThat(journal)
          .containsExactly(
              tmp.getFileName() + ": [state]", "state: [dl]", "dl: [dead-letters.ndjson]");
      journal.clear();
      for (int i = 1; i < 4; i++) {
        f.append(line(i)); // the last one rotates
      }
      assertThat(journal)
          .containsExactly("dl: [dead-letters-20250703T071244123Z.ndjson, dead-letters.ndjson]");
    }
  }

  @Test
  void reopeningAnExistingFileSyncsNothing() throws Exception {
    Path file = tmp.resolve("rejects.ndjson");
    Files.writeString(file, line(0) + "\n");
    try (NdjsonFile f = new NdjsonFile(file, null, Clock.systemUTC(), this::sync)) {
      f.append(line(1));
    }
    assertThat(journal).isEmpty();
  }

  @Test
  void aLineCutInAnEarlierRunIsEndedBeforeTheNextOneIsAppended() throws Exception {
    // A crash left the last record without its line feed: the next record must not be glued to
    // it (replay reads the file line by line, and would lose or misread both).
    Path file = tmp.resolve("dead-letters.ndjson");
    Files.writeString(file, line(0) + "\n" + "{\"cut\":\"in the midd");
    try (LogCapture logs = new LogCapture(NdjsonFile.class);
        NdjsonFile f = new NdjsonFile(file, null, Clock.systemUTC(), this::sync)) {
      f.append(line(1));
      f.append(line(2));
      assertThat(logs.all())
          .containsExactly(
              "The file ends in the middle of a line (a write was cut short); the next line starts"
                  + " on a new line and the cut line stays as it is. file="
                  + file);
    }
    assertThat(Files.readAllLines(file))
        .containsExactly(line(0), "{\"cut\":\"in the midd", line(1), line(2));
    try (NdjsonFile f = new NdjsonFile(file, null, Clock.systemUTC(), this::sync)) {
      f.append(line(3)); // a file that ends with its line feed gets no other
    }
    assertThat(Files.readAllLines(file)).hasSize(5).endsWith(line(3));
  }
}
