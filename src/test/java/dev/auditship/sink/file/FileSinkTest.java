package dev.auditship.sink.file;

import static dev.auditship.sink.file.TestFiles.names;
import static dev.auditship.sink.file.TestFiles.records;
import static dev.auditship.sink.file.TestFiles.sized;
import static dev.auditship.sink.file.TestFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Format;
import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.FileSinkConfig.Compression;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes written, size and time rotation, restart. */
class FileSinkTest {
  private static final String T0 = "2025-07-03T07:12:44.381Z";

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(T0);

  private FileSinkConfig cfg(long maxBytes, Duration rotateEvery) {
    return new FileSinkConfig(
        dir.resolve("coder-events.log"),
        maxBytes,
        rotateEvery,
        0,
        Duration.ZERO,
        Compression.NONE,
        true);
  }

  private Path active() {
    return dir.resolve("coder-events.log");
  }

  @Test
  void jsonRecordsAreTheSlogLinesByteForByte() throws IOException {
    Format json = new JsonFormat(EnvelopeDefaults.CODER);
    List<SinkRecord> batch = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (Golden.Line g : Golden.lines()) {
      Event e = Golden.decodeOne(g.json());
      batch.add(new SinkRecord(e, json.format(e)));
      expected.append(g.json());
    }
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ZERO), clock)) {
      assertThat(sink.send(batch.subList(0, 3))).isEqualTo(Outcome.delivered());
      assertThat(sink.send(batch.subList(3, batch.size()))).isEqualTo(Outcome.delivered());
    }
    assertThat(Files.readAllBytes(active()))
        .isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(names(dir)).containsExactly("coder-events.log");
  }

  @Test
  void humanRecordsIncludingMultiLineBlocksAreWrittenAsSlogPrintsThem() throws IOException {
    Format human = new HumanFormat(false);
    List<SinkRecord> batch = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (Golden.Line g : Golden.lines()) {
      Event e = Golden.decodeOne(g.human());
      batch.add(new SinkRecord(e, human.format(e)));
      expected.append(g.human());
    }
    assertThat(expected.toString())
        .contains(" ...\n    DisconnectReason= line one\n"); // a multi-line block
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ZERO), clock)) {
      assertThat(sink.send(batch)).isEqualTo(Outcome.delivered());
    }
    assertThat(Files.readAllBytes(active()))
        .isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void invalidUtf8KeptAsSurrogateEscapesIsWrittenAsTheOriginalBytes() throws IOException {
    // The decoder keeps an invalid byte 0xFF as U+DCFF; the file gets the byte back, not U+FFFD.
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ZERO), clock)) {
      sink.send(records("a\uDCFFb"));
    }
    assertThat(Files.readAllBytes(active())).containsExactly('a', 0xFF, 'b', '\n');
  }

  @Test
  void sizeRotationNeverSplitsARecordAndAllowsAFileOfExactlyMaxBytes() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(100, Duration.ZERO), clock)) {
      sink.send(
          List.of(sized("a", 50), sized("b", 50))); // 100 bytes: exactly max_bytes, no rotation
      assertThat(names(dir)).containsExactly("coder-events.log");
      sink.send(records("c")); // 2 more bytes would make 102: rotate first
      sink.send(
          List.of(sized("d", 48), sized("e", 52))); // 2 + 48 = 50, + 52 = 102: e goes to a new file
      assertThat(sink.rotations()).isEqualTo(2);
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250703T071244.381Z",
            "coder-events.log.20250703T071244.382Z");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.381Z")))
        .isEqualTo(sized("a", 50).text() + "\n" + sized("b", 50).text() + "\n")
        .hasSize(100);
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.382Z")))
        .isEqualTo("c\n" + sized("d", 48).text() + "\n");
    assertThat(text(active())).isEqualTo(sized("e", 52).text() + "\n");
  }

  @Test
  void aRecordLargerThanMaxBytesGoesAloneIntoAFile() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(100, Duration.ZERO), clock)) {
      sink.send(List.of(sized("a", 50), sized("big", 151), sized("b", 50)));
      sink.send(List.of(sized("huge", 300)));
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250703T071244.381Z",
            "coder-events.log.20250703T071244.382Z",
            "coder-events.log.20250703T071244.383Z");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.381Z")))
        .isEqualTo(sized("a", 50).text() + "\n");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.382Z")))
        .isEqualTo(sized("big", 151).text() + "\n");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.383Z")))
        .isEqualTo(sized("b", 50).text() + "\n");
    assertThat(text(active())).isEqualTo(sized("huge", 300).text() + "\n");
  }

  @Test
  void multiLineHumanRecordsCountWithAllTheirBytesAndStayWhole() throws IOException {
    String block = "line one\n    second line\n    third line"; // 39 bytes + newline = 40
    try (FileSink sink = new FileSink("f", cfg(60, Duration.ZERO), clock)) {
      sink.send(records("x".repeat(20), block, block));
    }
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.381Z")))
        .isEqualTo("x".repeat(20) + "\n");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.382Z"))).isEqualTo(block + "\n");
    assertThat(text(active())).isEqualTo(block + "\n");
  }

  @Test
  void timeRotationHappensAtTheFirstRecordAfterEachUtcHourAndTheNameIsTheLastWrite()
      throws IOException {
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ofHours(1)), clock)) {
      sink.send(records("A"));
      clock.set("2025-07-03T07:59:59.999Z");
      sink.send(records("B"));
      assertThat(names(dir)).containsExactly("coder-events.log");
      clock.set("2025-07-03T08:00:00Z");
      sink.send(records("C"));
      clock.set("2025-07-03T10:30:00Z"); // two boundaries passed with nothing written: one rotation
      sink.send(records("D"));
      clock.set("2025-07-03T10:59:00Z");
      sink.send(records("E"));
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250703T075959.999Z",
            "coder-events.log.20250703T080000.000Z");
    assertThat(text(dir.resolve("coder-events.log.20250703T075959.999Z"))).isEqualTo("A\nB\n");
    assertThat(text(dir.resolve("coder-events.log.20250703T080000.000Z"))).isEqualTo("C\n");
    assertThat(text(active())).isEqualTo("D\nE\n");
  }

  @Test
  void dailyRotationFallsOnUtcMidnight() throws IOException {
    clock.set("2025-07-03T23:59:00Z");
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ofDays(1)), clock)) {
      sink.send(records("A"));
      clock.set("2025-07-04T00:00:01Z");
      sink.send(records("B"));
      clock.set("2025-07-04T23:59:59Z");
      sink.send(records("C"));
    }
    assertThat(names(dir))
        .containsExactly("coder-events.log", "coder-events.log.20250703T235900.000Z");
    assertThat(text(active())).isEqualTo("B\nC\n");
  }

  @Test
  void anIdleSinkMakesNoEmptyFiles() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ofHours(1)), clock)) {
      assertThat(sink.send(List.of())).isEqualTo(Outcome.delivered());
      assertThat(names(dir)).isEmpty();
      sink.send(records("A"));
      clock.advance(Duration.ofHours(5));
      sink.send(List.of());
    }
    assertThat(names(dir)).containsExactly("coder-events.log");
  }

  @Test
  void aRestartAppendsToTheActiveFile() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ofHours(1)), clock)) {
      sink.send(records("A"));
    }
    Files.setLastModifiedTime(active(), FileTime.from(Instant.parse(T0)));
    clock.set("2025-07-03T07:45:00Z");
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ofHours(1)), clock)) {
      sink.send(records("B"));
    }
    assertThat(names(dir)).containsExactly("coder-events.log");
    assertThat(text(active())).isEqualTo("A\nB\n");
  }

  @Test
  void aTimeRotationDueWhileTheExporterWasDownHappensAtTheFirstWrite() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ofHours(1)), clock)) {
      sink.send(records("A"));
    }
    // The file's modification time is its last write; the exporter comes back in the next hour.
    Files.setLastModifiedTime(active(), FileTime.from(Instant.parse("2025-07-03T07:30:00.123Z")));
    clock.set("2025-07-03T08:10:00Z");
    try (FileSink sink = new FileSink("f", cfg(0, Duration.ofHours(1)), clock)) {
      sink.send(records("B"));
    }
    assertThat(names(dir))
        .containsExactly("coder-events.log", "coder-events.log.20250703T073000.123Z");
    assertThat(text(dir.resolve("coder-events.log.20250703T073000.123Z"))).isEqualTo("A\n");
    assertThat(text(active())).isEqualTo("B\n");
  }

  @Test
  void aRestartKeepsRotatedNamesIncreasingEvenWhenTheClockWentBack() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(100, Duration.ZERO), clock)) {
      sink.send(List.of(sized("a", 60), sized("b", 60)));
    }
    // The active file's last write (b) seems older than the rotated file's stamp (the clock went
    // back).
    Files.setLastModifiedTime(active(), FileTime.from(Instant.parse("2025-07-03T06:00:00Z")));
    clock.set("2025-07-03T06:00:01Z");
    try (FileSink sink = new FileSink("f", cfg(100, Duration.ZERO), clock)) {
      sink.send(List.of(sized("c", 60)));
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250703T071244.381Z",
            "coder-events.log.20250703T071244.382Z");
    assertThat(TestFiles.all(dir, "coder-events.log"))
        .isEqualTo(
            sized("a", 60).text()
                + "\n"
                + sized("b", 60).text()
                + "\n"
                + sized("c", 60).text()
                + "\n");
  }

  @Test
  void createsMissingParentDirectories() throws IOException {
    Path p = dir.resolve("a/b/c/events.log");
    FileSinkConfig c =
        new FileSinkConfig(p, 0, Duration.ZERO, 0, Duration.ZERO, Compression.NONE, false);
    try (FileSink sink = new FileSink("f", c, clock)) {
      assertThat(sink.checkConnectivity()).isNull();
      assertThat(Files.exists(dir.resolve("a"))).as("checking creates nothing").isFalse();
      assertThat(sink.send(records("A"))).isEqualTo(Outcome.delivered());
    }
    assertThat(text(p)).isEqualTo("A\n");
  }

  @Test
  void relativePathsAreResolvedAgainstTheWorkingDirectoryOnce() {
    FileSinkConfig c = FileSinkConfig.defaults(Path.of("out", "coder-events.log"));
    try (FileSink sink = new FileSink("f", c, clock)) {
      assertThat(sink.path())
          .isEqualTo(Path.of("").toAbsolutePath().resolve("out/coder-events.log"));
    }
  }
}
