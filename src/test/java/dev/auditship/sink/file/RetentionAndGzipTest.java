package dev.auditship.sink.file;

import static dev.auditship.sink.file.TestFiles.names;
import static dev.auditship.sink.file.TestFiles.records;
import static dev.auditship.sink.file.TestFiles.sized;
import static dev.auditship.sink.file.TestFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.FileSinkConfig.Compression;
import dev.auditship.sink.Outcome;
import dev.auditship.testutil.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Retention by count and age, gzip of rotated files, and what a crash during compression leaves.
 */
class RetentionAndGzipTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock("2025-07-03T07:12:44.381Z");
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger archiveLogger = (Logger) LoggerFactory.getLogger(Archive.class);

  @BeforeEach
  void captureLogs() {
    log.start();
    archiveLogger.addAppender(log);
  }

  @AfterEach
  void releaseLogs() {
    archiveLogger.detachAppender(log);
  }

  private FileSinkConfig cfg(long maxBytes, int maxFiles, Duration maxAge, Compression compress) {
    return new FileSinkConfig(
        dir.resolve("coder-events.log"), maxBytes, Duration.ZERO, maxFiles, maxAge, compress, true);
  }

  private List<String> infoLines() {
    return log.list.stream()
        .filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private void touch(String name, String content) throws IOException {
    Files.writeString(dir.resolve(name), content);
  }

  @Test
  void maxFilesKeepsTheNewestRotatedFilesAndLogsEachDeletionOnce() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(100, 2, Duration.ZERO, Compression.NONE), clock)) {
      for (int i = 1; i <= 5; i++) {
        assertThat(sink.send(List.of(sized("r" + i, 60)))).isEqualTo(Outcome.delivered());
      }
      // 5 records of 60 bytes: r1..r4 rotated (4 files), r5 active; the 2 oldest were deleted.
      assertThat(sink.deletedByRetention()).isEqualTo(2);
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250703T071244.383Z",
            "coder-events.log.20250703T071244.384Z");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.383Z"))).startsWith("r3-");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.384Z"))).startsWith("r4-");
    assertThat(text(dir.resolve("coder-events.log"))).startsWith("r5-");
    assertThat(infoLines())
        .containsExactly(
            "Deleted a rotated file by retention. sink=f file="
                + dir.resolve("coder-events.log.20250703T071244.381Z")
                + " reason=max_files=2",
            "Deleted a rotated file by retention. sink=f file="
                + dir.resolve("coder-events.log.20250703T071244.382Z")
                + " reason=max_files=2");
  }

  @Test
  void maxFilesZeroKeepsEverything() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(100, 0, Duration.ZERO, Compression.NONE), clock)) {
      for (int i = 1; i <= 13; i++) {
        sink.send(List.of(sized("r" + i, 60)));
      }
      assertThat(sink.deletedByRetention()).isZero();
    }
    assertThat(names(dir)).hasSize(13);
  }

  @Test
  void retentionTouchesOnlyThisActiveFilesRotatedFiles() throws IOException {
    List<String> others =
        List.of(
            "other.log",
            "other.log.20200101T000000.000Z",
            "coder-events.log.bak",
            "coder-events.log.1",
            "coder-events.log.20200101T000000Z",
            "coder-events.log.20201301T000000.000Z",
            "coder-events.log.20200101T000000.000Z.zip",
            "xcoder-events.log.20200101T000000.000Z");
    for (String o : others) {
      touch(o, "keep\n");
    }
    touch("coder-events.log.20200101T000000.000Z", "old\n");
    try (FileSink sink =
        new FileSink("f", cfg(100, 1, Duration.ofDays(1), Compression.GZIP), clock)) {
      sink.send(records("A"));
    }
    List<String> expected = new ArrayList<>(others);
    expected.add("coder-events.log");
    assertThat(names(dir)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void maxAgeDeletesRotatedFilesWhoseLastWriteIsOlderAtStartAndWhileWriting() throws IOException {
    touch("coder-events.log.20250630T071244.381Z", "3 days\n");
    touch("coder-events.log.20250702T071244.380Z", "1 day and 1 ms\n");
    touch("coder-events.log.20250702T071244.381Z", "exactly 1 day\n");
    touch("coder-events.log.20250703T061244.381Z", "1 hour\n");
    try (FileSink sink =
        new FileSink("f", cfg(0, 0, Duration.ofDays(1), Compression.NONE), clock)) {
      sink.send(records("A"));
      assertThat(names(dir))
          .containsExactly(
              "coder-events.log",
              "coder-events.log.20250702T071244.381Z",
              "coder-events.log.20250703T061244.381Z");
      // No rotation happens (no size or time rotation), yet age retention keeps running while
      // writing.
      clock.advance(Duration.ofMinutes(59).plusMillis(1));
      sink.send(records("B"));
      assertThat(names(dir))
          .containsExactly("coder-events.log", "coder-events.log.20250703T061244.381Z");
      clock.advance(Duration.ofDays(1));
      sink.send(records("C"));
      assertThat(sink.deletedByRetention()).isEqualTo(4);
    }
    assertThat(names(dir)).containsExactly("coder-events.log");
    assertThat(infoLines())
        .hasSize(4)
        .allSatisfy(l -> assertThat(l).endsWith(" reason=max_age=1d"));
  }

  @Test
  void gzipReplacesEachRotatedFileWithACompressedCopyOfTheSameBytes() throws IOException {
    String multiLine =
        "2025-07-10 11:00:00.000 [info]  coderd: connection_log  ID=1 ...\n"
            + "    DisconnectReason= line one\n                      line two";
    try (FileSink sink = new FileSink("f", cfg(1024, 0, Duration.ZERO, Compression.GZIP), clock)) {
      sink.send(List.of(sized("a", 600), sized("b", 300)));
      sink.send(records(multiLine, "\u00e9t\u00e9 \uD83D\uDE00"));
      sink.send(List.of(sized("c", 900)));
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250703T071244.381Z.gz",
            "coder-events.log.20250703T071244.382Z.gz");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.381Z.gz")))
        .isEqualTo(sized("a", 600).text() + "\n" + sized("b", 300).text() + "\n");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.382Z.gz")))
        .isEqualTo(multiLine + "\n\u00e9t\u00e9 \uD83D\uDE00\n");
    // It is a real gzip stream (magic bytes), readable by zcat and collectors.
    byte[] gz = Files.readAllBytes(dir.resolve("coder-events.log.20250703T071244.381Z.gz"));
    assertThat(gz[0] & 0xFF).isEqualTo(0x1F);
    assertThat(gz[1] & 0xFF).isEqualTo(0x8B);
    assertThat(text(dir.resolve("coder-events.log"))).isEqualTo(sized("c", 900).text() + "\n");
  }

  @Test
  void gzipCountsAsOneRotatedFileForRetention() throws IOException {
    try (FileSink sink = new FileSink("f", cfg(1024, 1, Duration.ZERO, Compression.GZIP), clock)) {
      for (int i = 1; i <= 4; i++) {
        sink.send(List.of(sized("r" + i, 600)));
      }
      assertThat(sink.deletedByRetention()).isEqualTo(2);
    }
    assertThat(names(dir))
        .containsExactly("coder-events.log", "coder-events.log.20250703T071244.383Z.gz");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.383Z.gz"))).startsWith("r3-");
  }

  @Test
  void aCrashDuringCompressionIsFinishedAtTheNextStart() throws IOException {
    // Crash before the .gz was complete: the plain file and a truncated .gz.tmp are left.
    touch("coder-events.log.20250701T000000.000Z", "one\ntwo\n");
    touch("coder-events.log.20250701T000000.000Z.gz.tmp", "\u001f\u008b truncated");
    // Crash after the .gz was renamed into place, before the plain file was deleted.
    touch("coder-events.log.20250702T000000.000Z", "three\n");
    Files.write(dir.resolve("coder-events.log.20250702T000000.000Z.gz"), gzip("three\n"));
    // Files rotated while compression was off.
    touch("coder-events.log.20250703T000000.000Z", "four\n");

    try (FileSink sink = new FileSink("f", cfg(0, 0, Duration.ZERO, Compression.GZIP), clock)) {
      assertThat(sink.send(records("five"))).isEqualTo(Outcome.delivered());
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250701T000000.000Z.gz",
            "coder-events.log.20250702T000000.000Z.gz",
            "coder-events.log.20250703T000000.000Z.gz");
    assertThat(TestFiles.all(dir, "coder-events.log")).isEqualTo("one\ntwo\nthree\nfour\nfive\n");
    assertThat(infoLines())
        .containsExactly(
            "Deleted a file left by an interrupted rotation: an unfinished compression. sink=f file="
                + dir.resolve("coder-events.log.20250701T000000.000Z.gz.tmp"),
            "Deleted a file left by an interrupted rotation: its compressed copy is complete. sink=f file="
                + dir.resolve("coder-events.log.20250702T000000.000Z"));
  }

  @Test
  void aFailedCompressionKeepsThePlainFileAndIsTriedAgainAtTheNextRotation() throws IOException {
    FaultyDisk disk = new FaultyDisk(p -> p.toString().endsWith(".gz.tmp"));
    try (FileSink sink =
        new FileSink("f", cfg(1024, 0, Duration.ZERO, Compression.GZIP), clock, disk)) {
      sink.send(List.of(sized("a", 600)));
      disk.freeBytes = 0; // no room for the compressed copy
      assertThat(sink.send(List.of(sized("b", 600)))).isEqualTo(Outcome.delivered());
      assertThat(names(dir))
          .containsExactly("coder-events.log", "coder-events.log.20250703T071244.381Z");
      assertThat(log.list)
          .anySatisfy(
              e ->
                  assertThat(e.getFormattedMessage())
                      .isEqualTo(
                          "Cannot compress a rotated file; it is kept uncompressed and compressed at the next rotation. "
                              + "sink=f file="
                              + dir.resolve("coder-events.log.20250703T071244.381Z")
                              + " error=\"No space left on device\""));
      disk.freeBytes = -1;
      sink.send(List.of(sized("c", 600)));
    }
    assertThat(names(dir))
        .containsExactly(
            "coder-events.log",
            "coder-events.log.20250703T071244.381Z.gz",
            "coder-events.log.20250703T071244.382Z.gz");
    assertThat(TestFiles.all(dir, "coder-events.log"))
        .isEqualTo(
            sized("a", 600).text()
                + "\n"
                + sized("b", 600).text()
                + "\n"
                + sized("c", 600).text()
                + "\n");
  }

  private static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return bo.toByteArray();
  }
}
