package dev.auditship.sink.file;

import static dev.auditship.sink.file.TestFiles.sized;
import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.FileSinkConfig.Compression;
import dev.auditship.sink.Outcome;
import dev.auditship.testutil.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the disk, in which order, so that a power cut loses nothing the docs promise to keep
 * (docs/file-sink.md): a new file's directory entry is synced (fsync(2): syncing a file does not
 * cover its name), and a compressed copy is synced before the plain file goes, with or without
 * {@code fsync}.
 */
class DurabilityTest {
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock("2025-07-03T07:12:44.381Z");

  private static final String ROTATED = "coder-events.log.20250703T071244.381Z";

  private FileSinkConfig cfg(Path path, Compression compress, boolean fsync) {
    return new FileSinkConfig(path, 1024, Duration.ZERO, 0, Duration.ZERO, compress, fsync);
  }

  private String sync(Path dir, String... names) {
    return "sync " + dir.getFileName() + ": " + List.of(names);
  }

  /** What reached the disk for two batches of 600 bytes with max_bytes 1 KiB (one rotation). */
  private List<String> twoBatchesAcrossARotation(Compression compress, boolean fsync) {
    FaultyDisk disk = FaultyDisk.healthy();
    try (FileSink sink =
        new FileSink("f", cfg(tmp.resolve("coder-events.log"), compress, fsync), clock, disk)) {
      assertThat(sink.send(List.of(sized("a", 600)))).isEqualTo(Outcome.delivered());
      assertThat(sink.send(List.of(sized("b", 600)))).isEqualTo(Outcome.delivered());
    }
    return disk.journal;
  }

  @Test
  void withFsyncTheNewActileFileIsInItsDirectoryBeforeItsFirstBatchCountsAsDelivered() {
    assertThat(twoBatchesAcrossARotation(Compression.NONE, true))
        .containsExactly(
            "create coder-events.log",
            sync(tmp, "coder-events.log"),
            "force coder-events.log",
            // One sync after the rotation covers both the rename and the new active file.
            "create coder-events.log",
            sync(tmp, "coder-events.log", ROTATED),
            "force coder-events.log");
  }

  @Test
  void withFsyncCreatedParentDirectoriesAreSyncedIntoTheirParents() {
    FaultyDisk disk = FaultyDisk.healthy();
    Path dir = tmp.resolve("var/auditship");
    try (FileSink sink =
        new FileSink(
            "f", cfg(dir.resolve("coder-events.log"), Compression.NONE, true), clock, disk)) {
      assertThat(sink.send(List.of(sized("a", 100)))).isEqualTo(Outcome.delivered());
    }
    assertThat(disk.journal)
        .containsExactly(
            sync(tmp, "var"),
            sync(tmp.resolve("var"), "auditship"),
            "create coder-events.log",
            sync(dir, "coder-events.log"),
            "force coder-events.log");
  }

  @Test
  void withoutFsyncNoDirectoryIsSyncedForTheActiveFile() {
    assertThat(twoBatchesAcrossARotation(Compression.NONE, false))
        .containsExactly("create coder-events.log", "create coder-events.log");
  }

  @Test
  void withoutFsyncTheGzipAndItsNameAreStillOnDiskBeforeThePlainFileIsDeleted() {
    assertThat(twoBatchesAcrossARotation(Compression.GZIP, false))
        .containsExactly(
            "create coder-events.log",
            "create coder-events.log",
            "create " + ROTATED + ".gz.tmp",
            "force " + ROTATED + ".gz.tmp",
            // The plain file is still there when the directory with the .gz is synced.
            sync(tmp, "coder-events.log", ROTATED, ROTATED + ".gz"));
  }

  @Test
  void withFsyncTheGzipIsSyncedOncePerRotation() {
    assertThat(twoBatchesAcrossARotation(Compression.GZIP, true))
        .containsExactly(
            "create coder-events.log",
            sync(tmp, "coder-events.log"),
            "force coder-events.log",
            "create coder-events.log",
            sync(tmp, "coder-events.log", ROTATED),
            "create " + ROTATED + ".gz.tmp",
            "force " + ROTATED + ".gz.tmp",
            sync(tmp, "coder-events.log", ROTATED, ROTATED + ".gz"),
            "force coder-events.log");
  }
}
