package dev.auditship.sink.file;

import static dev.auditship.sink.file.TestFiles.names;
import static dev.auditship.sink.file.TestFiles.records;
import static dev.auditship.sink.file.TestFiles.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.FileSinkConfig.Compression;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.MutableClock;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator faults (a directory as path, a file as parent, permission denied) pause the sink with
 * the fix in the reason (issue 15 changed them from plain retries); other write failures are
 * retried with a clear reason; what a cut-short write leaves behind.
 */
class FileSinkFailureTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock("2025-07-03T07:12:44.381Z");

  private static FileSinkConfig cfg(Path p) {
    return new FileSinkConfig(p, 0, Duration.ZERO, 0, Duration.ZERO, Compression.NONE, true);
  }

  @Test
  void aParentThatIsARegularFileIsAConfigurationFaultWithTheFixAndWorksOnceFixed()
      throws IOException {
    Files.writeString(dir.resolve("blocker"), "not a directory\n");
    Path p = dir.resolve("blocker/sub/coder-events.log");
    List<SinkRecord> batch = records("A", "B");
    try (FileSink sink = new FileSink("f", cfg(p), clock)) {
      String reason =
          "cannot create the directory "
              + dir.resolve("blocker/sub")
              + ": "
              + dir.resolve("blocker")
              + " is a file, not a directory. Fix: move "
              + dir.resolve("blocker")
              + " out of the way, or set path: to a file in another directory";
      assertThat(sink.checkConnectivity())
          .isEqualTo(dir.resolve("blocker") + " is a file, not a directory");
      assertThat(sink.send(batch)).isEqualTo(Outcome.configFault(batch, reason));
      assertThat(sink.send(batch)).isEqualTo(Outcome.configFault(batch, reason));

      Files.delete(dir.resolve("blocker"));
      assertThat(sink.checkConnectivity()).isNull();
      assertThat(sink.send(batch)).isEqualTo(Outcome.delivered());
    }
    assertThat(text(p)).isEqualTo("A\nB\n");
  }

  @Test
  void aPathThatIsADirectoryIsAConfigurationFaultWithTheFix() throws IOException {
    Path p = dir.resolve("events");
    Files.createDirectory(p);
    List<SinkRecord> batch = records("A");
    try (FileSink sink = new FileSink("f", cfg(p), clock)) {
      String reason =
          p
              + " is a directory, not a file: set path: to a file, for example "
              + p.resolve("coder-events.log");
      assertThat(sink.checkConnectivity()).isEqualTo(reason);
      assertThat(sink.send(batch)).isEqualTo(Outcome.configFault(batch, reason));
    }
    assertThat(names(p)).isEmpty();
  }

  @Test
  void aReadOnlyDirectoryIsAConfigurationFaultWithPermissionDeniedAndTheFix() throws IOException {
    Path ro = dir.resolve("ro");
    Files.createDirectory(ro);
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    // root may write anywhere: this case only exists for other users.
    assumeFalse(Files.isWritable(ro), "running as root: a read-only directory is writable");
    Path p = ro.resolve("coder-events.log");
    List<SinkRecord> batch = records("A");
    try (FileSink sink = new FileSink("f", cfg(p), clock)) {
      assertThat(sink.checkConnectivity())
          .isEqualTo("cannot create files in " + ro + ": permission denied");
      assertThat(sink.send(batch))
          .isEqualTo(
              Outcome.configFault(
                  batch,
                  "cannot open "
                      + p
                      + ": "
                      + p
                      + ": permission denied. Fix: let the user the exporter runs as write to "
                      + ro
                      + ", or set path: to a writable place (under systemd: below"
                      + " /var/log/auditship)"));
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void permissionDeniedAndAReadOnlyFileSystemAreConfigurationFaultsAlsoAsRoot() throws IOException {
    Path p = dir.resolve("coder-events.log");
    List<SinkRecord> batch = records("A");
    Opener denied =
        (path, options) -> {
          throw new AccessDeniedException(path.toString());
        };
    Opener readOnly =
        (path, options) -> {
          throw new FileSystemException(path.toString(), null, "Read-only file system");
        };
    String fix =
        ". Fix: let the user the exporter runs as write to "
            + dir
            + ", or set path: to a writable place (under systemd: below /var/log/auditship)";
    try (FileSink sink = new FileSink("f", cfg(p), clock, denied)) {
      assertThat(sink.send(batch))
          .isEqualTo(
              Outcome.configFault(
                  batch, "cannot open " + p + ": " + p + ": permission denied" + fix));
    }
    try (FileSink sink = new FileSink("f", cfg(p), clock, readOnly)) {
      assertThat(sink.send(batch))
          .isEqualTo(
              Outcome.configFault(
                  batch, "cannot open " + p + ": " + p + ": Read-only file system" + fix));
    }
  }

  @Test
  void aFullDiskIsRetriedWithTheKernelsReason() {
    // /dev/full fails every write with ENOSPC: a real "disk full", also as root.
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "no /dev/full on this system");
    List<SinkRecord> batch = records("A");
    try (FileSink sink = new FileSink("f", cfg(full), clock)) {
      assertThat(sink.send(batch))
          .isEqualTo(
              Outcome.retry(batch, "cannot write /dev/full: No space left on " + "device", null));
    }
  }

  @Test
  void aWriteCutShortLeavesTheFragmentOnALineOfItsOwnAndTheRetryRepeatsTheBatch()
      throws IOException {
    Path p = dir.resolve("coder-events.log");
    FaultyDisk disk = new FaultyDisk(x -> true);
    try (FileSink sink = new FileSink("f", cfg(p), clock, disk)) {
      sink.send(records("before"));
      List<SinkRecord> batch = records("one", "two", "three");
      disk.freeBytes = 6; // "one\ntw" fits, then the disk is full
      Outcome o = sink.send(batch);
      assertThat(o)
          .isEqualTo(Outcome.retry(batch, "cannot write " + p + ": No space left on device", null));
      assertThat(text(p)).isEqualTo("before\none\ntw");

      disk.freeBytes =
          -1; // space freed: the retry (RetryingSink sends the same batch again) succeeds
      assertThat(sink.send(o.retry())).isEqualTo(Outcome.delivered());
    }
    // At-least-once: "one" is there twice, the cut-off "tw" stays a line of its own; nothing is
    // lost.
    assertThat(text(p)).isEqualTo("before\none\ntw\none\ntwo\nthree\n");
  }

  @Test
  void aFailedSyncIsRetriedAndTheBatchIsWrittenAgain() throws IOException {
    Path p = dir.resolve("coder-events.log");
    FaultyDisk disk = new FaultyDisk(x -> true);
    try (FileSink sink = new FileSink("f", cfg(p), clock, disk)) {
      List<SinkRecord> batch = records("one", "two");
      disk.failSync = true;
      assertThat(sink.send(batch))
          .isEqualTo(
              Outcome.retry(batch, "cannot sync " + p + " to disk: " + "Input/output error", null));
      disk.failSync = false;
      assertThat(sink.send(batch)).isEqualTo(Outcome.delivered());
    }
    // After a failed fsync the kernel may or may not have the data: it is written again.
    assertThat(text(p)).isEqualTo("one\ntwo\none\ntwo\n");
  }

  @Test
  void aFullDiskRightAfterARotationIsRetriedIntoTheNewActiveFile() throws IOException {
    Path p = dir.resolve("coder-events.log");
    FileSinkConfig c =
        new FileSinkConfig(p, 1024, Duration.ZERO, 0, Duration.ZERO, Compression.NONE, true);
    FaultyDisk disk = new FaultyDisk(x -> true);
    String big = "x".repeat(700);
    try (FileSink sink = new FileSink("f", c, clock, disk)) {
      sink.send(records(big));
      disk.freeBytes = 0; // the new active file cannot be written after the rename
      Outcome o = sink.send(records(big, "after"));
      assertThat(o.done()).isFalse();
      assertThat(o.reason()).isEqualTo("cannot write " + p + ": No space left on device");
      disk.freeBytes = -1;
      assertThat(sink.send(o.retry())).isEqualTo(Outcome.delivered());
    }
    assertThat(names(dir))
        .containsExactly("coder-events.log", "coder-events.log.20250703T071244.381Z");
    assertThat(text(dir.resolve("coder-events.log.20250703T071244.381Z"))).isEqualTo(big + "\n");
    assertThat(text(p)).isEqualTo(big + "\nafter\n");
  }

  @Test
  void aFileThatEndsInTheMiddleOfARecordAfterACrashGetsANewlineFirst() throws IOException {
    Path p = dir.resolve("coder-events.log");
    Files.writeString(p, "{\"complete\":1}\n{\"cut sh");
    try (FileSink sink = new FileSink("f", cfg(p), clock)) {
      assertThat(sink.send(records("{\"next\":2}"))).isEqualTo(Outcome.delivered());
    }
    assertThat(text(p)).isEqualTo("{\"complete\":1}\n{\"cut sh\n{\"next\":2}\n");
  }

  @Test
  void checkingCreatesNothing() {
    Path p = dir.resolve("a/b/coder-events.log");
    try (FileSink sink = new FileSink("f", cfg(p), clock)) {
      assertThat(sink.checkConnectivity()).isNull();
    }
    assertThat(names(dir)).isEmpty();
  }
}
