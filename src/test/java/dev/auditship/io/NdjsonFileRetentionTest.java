package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.auditship.config.RetentionConfig;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.MutableClock;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation by size and deletion by age of the dead-letter and rejects files. */
class NdjsonFileRetentionTest {
  @TempDir Path tmp;

  private static String line(int i) {
    return "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}"; // 57 bytes with the newline
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void rotatesByRenameBeforeALineWouldPassMaxBytesAndLosesNoLine() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:12:44.123Z"));
    Path file = tmp.resolve("dead-letters.ndjson");
    try (LogCapture logs = new LogCapture();
        NdjsonFile f = new NdjsonFile(file, new RetentionConfig(200, Duration.ZERO), clock)) {
      for (int i = 0; i < 3; i++) {
        f.append(line(i));
      }
      assertThat(f.rotations()).isZero();
      f.append(line(3)); // 171 + 57 > 200
      clock.advance(Duration.ofSeconds(1));
      for (int i = 4; i < 7; i++) {
        f.append(line(i)); // the third of these rotates again
      }
      assertThat(f.rotations()).isEqualTo(2);
      assertThat(f.count()).isEqualTo(7);
      assertThat(logs.messages(Level.INFO))
          .containsExactly(
              "File rotated: it reached its max_bytes. file="
                  + file
                  + " rotated_to=dead-letters-20250703T071244123Z.ndjson bytes=171 max_bytes=200",
              "File rotated: it reached its max_bytes. file="
                  + file
                  + " rotated_to=dead-letters-20250703T071245123Z.ndjson bytes=171 max_bytes=200");
    }
    assertThat(files())
        .containsExactly(
            "dead-letters-20250703T071244123Z.ndjson",
            "dead-letters-20250703T071245123Z.ndjson",
            "dead-letters.ndjson");
    List<String> all = new ArrayList<>();
    for (String name : files()) {
      all.addAll(Files.readAllLines(tmp.resolve(name)));
    }
    assertThat(all).containsExactly(line(0), line(1), line(2), line(3), line(4), line(5), line(6));
  }

  @Test
  void twoRotationsInTheSameMillisecondKeepBothFiles() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:12:44.123Z"));
    try (NdjsonFile f =
        new NdjsonFile(
            tmp.resolve("rejects.ndjson"), new RetentionConfig(60, Duration.ZERO), clock)) {
      f.append(line(0));
      f.append(line(1));
      f.append(line(2));
    }
    assertThat(files())
        .containsExactly(
            "rejects-20250703T071244123Z-1.ndjson",
            "rejects-20250703T071244123Z.ndjson",
            "rejects.ndjson");
  }

  @Test
  void rotatedFilesOlderThanMaxAgeAreDeletedAndCounted() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:12:44Z"));
    Path file = tmp.resolve("dead-letters.ndjson");
    Files.writeString(tmp.resolve("dead-letters-notes.ndjson"), "not a rotated file\n");
    try (LogCapture logs = new LogCapture();
        NdjsonFile f = new NdjsonFile(file, new RetentionConfig(100, Duration.ofDays(90)), clock)) {
      f.append(line(0));
      f.append(
          line(
              1)); // two lines do not fit in 100 bytes: rotates to dead-letters-20250703T071244000Z
      clock.advance(Duration.ofDays(60));
      f.append(line(2)); // rotates to ...20250901...
      clock.advance(
          Duration.ofDays(31)); // the first rotated file is now 91 days old, the second 31
      f.append(line(3)); // rotates to ...20251002... and deletes the first
      assertThat(f.deletions()).isEqualTo(1);
      assertThat(logs.messages(Level.INFO))
          .contains(
              "Rotated file deleted: everything in it is older than "
                  + "max_age. file="
                  + tmp.resolve("dead-letters-20250703T071244000Z.ndjson")
                  + " rotated_at=2025-07-03T07:12:44Z max_age=90d");
    }
    assertThat(files())
        .containsExactly(
            "dead-letters-20250901T071244000Z.ndjson",
            "dead-letters-20251002T071244000Z.ndjson",
            "dead-letters-notes.ndjson",
            "dead-letters.ndjson");
  }

  @Test
  void withoutMaxAgeRotatedFilesAreKept() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T07:12:44Z"));
    try (NdjsonFile f =
        new NdjsonFile(tmp.resolve("d.ndjson"), new RetentionConfig(100, Duration.ZERO), clock)) {
      f.append(line(0));
      f.append(line(1));
      clock.advance(Duration.ofDays(4000));
      f.append(line(2));
      f.append(line(3));
      assertThat(f.deletions()).isZero();
    }
    assertThat(files())
        .containsExactly(
            "d-20250703T071244000Z.ndjson",
            "d-20360615T071244000Z-1.ndjson",
            "d-20360615T071244000Z.ndjson",
            "d.ndjson");
  }

  @Test
  void aWriteCutShortByAnInterruptDoesNotBreakLaterWrites() throws Exception {
    Path file = tmp.resolve("dead-letters.ndjson");
    try (NdjsonFile f = new NdjsonFile(file)) {
      f.append(line(0));
      Thread.currentThread().interrupt();
      try {
        f.append(line(1));
      } catch (ClosedByInterruptException expected) {
        // the interrupted write is not acknowledged; the caller keeps the event
      }
      assertThat(Thread.interrupted()).isTrue();
      f.append(line(2));
    }
    assertThat(Files.readAllLines(file)).startsWith(line(0)).endsWith(line(2));
  }
}
