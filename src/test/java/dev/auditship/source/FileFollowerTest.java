package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.auditship.event.Event;
import dev.auditship.io.NdjsonFile;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LogCapture;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following a Coder server log with real files: appends, partial lines, rotation, truncation,
 * restarts.
 */
class FileFollowerTest {
  private static final Duration POLL = Duration.ofMillis(10);
  private static final Instant BASE = Instant.parse("2025-07-03T06:55:02.118406421Z");

  @TempDir Path dir;
  private final List<FileFollower> opened = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (FileFollower f : opened) {
      f.close();
    }
  }

  private Path log() {
    return dir.resolve("coderd.log");
  }

  private Path checkpoint() {
    return dir.resolve("state/follow.checkpoint.json");
  }

  private FileFollower follower(boolean startAtEnd) throws IOException {
    FileFollower f =
        FileFollower.open(
            log(),
            checkpoint(),
            startAtEnd,
            POLL,
            new Rejects(new NdjsonFile(dir.resolve("rejects.ndjson")), Clock.systemUTC()));
    opened.add(f);
    return f;
  }

  /** Event line {@code i}: the reference login line with its own ts and ID. */
  static String line(int i) {
    String g = Golden.line("audit_user_login").json().strip();
    return g.replace(
                "\"ts\":\"2025-07-03T06:55:02.118406421Z\"",
                "\"ts\":\"" + BASE.plusMillis(i) + "\"")
            .replace("95f7c392-da3e-480c-a579-8909f145fbe2", id(i))
        + "\n";
  }

  static String id(int i) {
    return ApiRows.uuid("l", i);
  }

  private static final String NOISE =
      "2025-07-03 06:50:01.004 [info]  coderd: started HTTP listener  " + "address=0.0.0.0:3000\n";

  private static List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(FileFollowerTest::id).toList();
  }

  private void append(Path p, String text) throws IOException {
    Files.writeString(
        p, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private final class Run {
    final FileFollower src;
    final int max;
    final List<Event> got = new ArrayList<>();

    /** How many events {@link #got} holds, for the writer thread. */
    final AtomicInteger received = new AtomicInteger();

    Run(FileFollower src, int max) {
      this.src = src;
      this.max = max;
    }

    void step() throws Exception {
      Source.Batch b = src.next(max, Duration.ZERO);
      assertThat(b).isNotNull();
      got.addAll(b.events());
      received.set(got.size());
      src.commit(b);
    }

    Run until(int n) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                step();
                return got.size() >= n;
              });
      return this;
    }

    List<String> ids() {
      return got.stream().map(Event::id).toList();
    }

    /** Waits, on another thread than the one stepping, until more than {@code n} events came. */
    void awaitMoreThan(int n) {
      await().atMost(Duration.ofSeconds(30)).until(() -> received.get() > n);
    }
  }

  private JsonNode checkpointJson() throws IOException {
    return ApiRows.M.readTree(Files.readString(checkpoint()));
  }

  @Test
  void aSecondFollowerOnTheSameCheckpointIsRefused() throws Exception {
    follower(false);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> follower(false))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "the checkpoint "
                + checkpoint()
                + " is in use by this auditship process (pid "
                + ProcessHandle.current().pid()
                + "), which uses it twice or has not let go of it since its last use; stop the other process, or give this source its own "
                + "checkpoint_file");
    opened.get(0).close();
    opened.clear();
    follower(false); // released on close
  }

  @Test
  void aByteOrderMarkBeforeTheFirstLineIsSkippedAndTheCheckpointCountsIt() throws Exception {
    append(log(), "\uFEFF" + line(0) + line(1));
    Run run = new Run(follower(false), 100).until(2);
    assertThat(run.ids()).isEqualTo(ids(0, 2));
    assertThat(checkpointJson().get("offset").asLong()).isEqualTo(Files.size(log()));
    // Resumed from the checkpoint: the mark is not read again, nor the lines after it.
    opened.get(0).close();
    opened.clear();
    append(log(), line(2));
    Run again = new Run(follower(false), 100).until(1);
    assertThat(again.ids()).isEqualTo(ids(2, 3));
  }

  @Test
  void readsAppendedLinesButNotAPartialLastLine() throws Exception {
    append(log(), line(0) + NOISE + line(1) + line(2));
    Run run = new Run(follower(false), 100).until(3);
    assertThat(run.ids()).isEqualTo(ids(0, 3));
    String l3 = line(3);
    append(log(), l3.substring(0, 100));
    run.step();
    run.step();
    assertThat(run.got).hasSize(3);
    assertThat(checkpointJson().get("offset").asLong()).isEqualTo(Files.size(log()) - 100);
    append(log(), l3.substring(100));
    run.until(4);
    assertThat(run.ids()).isEqualTo(ids(0, 4));
    assertThat(checkpointJson().get("offset").asLong()).isEqualTo(Files.size(log()));
    assertThat(checkpointJson().get("line").asLong()).isEqualTo(5);
    assertThat(run.src.stats().skipped.get()).isEqualTo(1);
  }

  @Test
  void aBatchFullByWeightIsReturnedAtOnceNotAfterTheLinger() throws Exception {
    // 2,000 events weigh more than a batch may (Source.BATCH_BYTES): the first batch stops at the
    // weight limit and must come back at once. It used to wait out the linger (an hour here; 200 ms
    // a batch by default) for events it could not take.
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append(line(i));
    }
    append(log(), sb.toString());
    FileFollower f = follower(false);
    List<Event> got = new ArrayList<>();
    Source.Batch first =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60), () -> f.next(100_000, Duration.ofHours(1)));
    long weight = first.events().stream().mapToLong(Event::weight).sum();
    assertThat(first.events()).hasSizeBetween(1, 1999);
    assertThat(weight).isGreaterThanOrEqualTo(Source.BATCH_BYTES);
    assertThat(weight - first.events().get(first.events().size() - 1).weight())
        .isLessThan(Source.BATCH_BYTES);
    got.addAll(first.events());
    f.commit(first);
    // Bounded: lost events must fail the test, not hang it.
    for (int i = 0; i < 100 && got.size() < 2000; i++) {
      Source.Batch b = f.next(100_000, Duration.ZERO);
      got.addAll(b.events());
      f.commit(b);
    }
    assertThat(got.stream().map(Event::id).toList()).isEqualTo(ids(0, 2000));
    assertThat(checkpointJson().get("offset").asLong()).isEqualTo(Files.size(log()));
  }

  @Test
  void emptyLinesAnywhereAreLinesOfTheirOwn() throws Exception {
    // An empty line first, two in a row, and one right before the end of what was read: each
    // counts as a line (checkpoint line numbers) and none joins the lines around it.
    append(log(), "\n" + line(0) + "\n\n" + line(1) + line(2) + "\n");
    Run run = new Run(follower(false), 100).until(3);
    assertThat(run.ids()).isEqualTo(ids(0, 3));
    run.step();
    assertThat(run.got).hasSize(3);
    assertThat(checkpointJson().get("line").asLong()).isEqualTo(7);
    assertThat(checkpointJson().get("offset").asLong()).isEqualTo(Files.size(log()));
    append(log(), line(3));
    run.until(4);
    assertThat(run.ids()).isEqualTo(ids(0, 4));
    assertThat(checkpointJson().get("line").asLong()).isEqualTo(8);
  }

  @Test
  void aFileThatAppearsLaterIsReadFromItsStart() throws Exception {
    Run run = new Run(follower(true), 100);
    run.step(); // empty batches while the file does not exist, never the end of input
    assertThat(run.got).isEmpty();
    append(log(), line(0) + line(1));
    run.until(2);
    assertThat(run.ids()).isEqualTo(ids(0, 2));
  }

  @Test
  void aPathThatIsADirectoryIsSaidOnceAndAFileInItsPlaceIsFollowed() throws Exception {
    // A typo naming the log's directory waits for ever: a WARN says why, once, not an INFO that
    // the file has not appeared yet.
    Files.createDirectory(log());
    try (LogCapture logs = new LogCapture(FileFollower.class)) {
      Run run = new Run(follower(false), 100);
      run.step();
      run.step();
      assertThat(run.got).isEmpty();
      assertThat(logs.all())
          .containsExactly(
              "The followed path is a directory, not a file; waiting for a file to take its place."
                  + " Fix: set source.path to the log file itself. path="
                  + log());
      Files.delete(log());
      run.step();
      append(log(), line(0) + line(1));
      run.until(2);
      assertThat(run.ids()).isEqualTo(ids(0, 2));
      assertThat(logs.all())
          .containsExactly(
              "The followed path is a directory, not a file; waiting for a file to take its place."
                  + " Fix: set source.path to the log file itself. path="
                  + log(),
              "Waiting for the followed file to appear. path=" + log(),
              "Following file. path=" + log() + " offset=0");
    }
  }

  @Test
  void withStartAtEndAFileThatTakesTheDirectorysPlaceIsReadFromItsStart() throws Exception {
    // start_at: end skips what a log file holds at the first start; a directory at the path is no
    // log, so the file that comes later is all new.
    Files.createDirectory(log());
    Run run = new Run(follower(true), 100);
    run.step();
    Files.delete(log());
    append(log(), line(0) + line(1));
    run.until(2);
    assertThat(run.ids()).isEqualTo(ids(0, 2));
  }

  @Test
  void startAtEndSkipsWhatIsThereButNotAPartialLine() throws Exception {
    String l5 = line(5);
    append(log(), line(0) + line(1) + l5.substring(0, 50));
    Run run = new Run(follower(true), 100);
    run.step();
    append(log(), l5.substring(50) + line(6));
    run.until(2);
    assertThat(run.ids()).containsExactly(id(5), id(6));
    assertThat(checkpointJson().get("line").asLong()).isEqualTo(4);
  }

  @Test
  void aRestartMidFileNeitherLosesNorRepeatsCommittedLines() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      sb.append(line(i));
    }
    append(log(), sb.toString());
    FileFollower first = follower(false);
    Source.Batch b1 = first.next(20, Duration.ZERO);
    first.commit(b1);
    Source.Batch b2 =
        first.next(20, Duration.ZERO); // delivered, not committed: read again after the restart
    assertThat(b1.events()).extracting(Event::id).isEqualTo(ids(0, 20));
    assertThat(b2.events()).extracting(Event::id).isEqualTo(ids(20, 40));
    first.close();
    opened.remove(first);
    assertThat(checkpointJson().get("offset").asLong()).isEqualTo(20L * line(0).length());

    Run second = new Run(follower(false), 100).until(30);
    second.step();
    assertThat(second.ids()).isEqualTo(ids(20, 50));
  }

  @Test
  void rotationByRenameWhileWriting() throws Exception {
    Run run = new Run(follower(false), 50);
    // Each rename waits until the follower has seen what it must see first, whatever the
    // scheduling. Before the first, it has read from the first file: looking at the path only after
    // the rename, it would start with the new file and never know of the first. Before the second,
    // it has noticed the first (it opens the new file then, so that one stays readable when it is
    // renamed again): two renames between two looks at the path skip the middle file, a documented
    // limit (docs/follow.md). On a busy machine the follower can fall that far behind.
    try (LogCapture logs = new LogCapture(FileFollower.class)) {
      // Noticed at the path (logged), or, had the writer been held up past the follower's wait
      // for the old file, opened afresh once it appeared (a second "Following file.").
      Thread writer =
          twoRotations(
              run,
              Rotation.RENAME,
              () ->
                  await()
                      .atMost(Duration.ofSeconds(30))
                      .until(
                          () ->
                              !logs.startingWith("The followed file was rotated;").isEmpty()
                                  || logs.startingWith("Following file. ").size() >= 2),
              i -> {});
      run.until(300);
      writer.join(10_000);
    }
    assertThat(run.ids()).isEqualTo(ids(0, 300));
    run.step();
    assertThat(run.got).hasSize(300);
    assertThat(checkpointJson().get("file").asText()).isEqualTo(log().toString());
    assertThat(Files.exists(dir.resolve("coderd.log.2"))).isTrue();
  }

  @Test
  void rotationByCopyTruncateWhileWriting() throws Exception {
    Run run = new Run(follower(false), 50);
    // The writer waits where the follower must have seen something first, whatever the scheduling
    // (on a busy machine the follower fell behind at each of these points):
    // - before the first copy-truncate, until the follower has read from the file: looking at it
    //   only after the truncation, it would never know of the lines before, which are only in the
    //   copy;
    // - after each truncation, until the follower has noticed it, before the next line: a file
    //   written past the old position before the follower looks again is covered by the test
    //   after this one; here each rotation is seen as it happens;
    // - before the second copy-truncate, until the follower has read a line written after the
    //   first: a follower a whole rotation behind never sees the lines between the two (they are
    //   only in the copy the second rotation overwrites), a limit of copy-truncate
    //   (docs/follow.md).
    try (LogCapture logs = new LogCapture(FileFollower.class)) {
      Thread writer =
          twoRotations(
              run,
              Rotation.COPY_TRUNCATE,
              () -> run.awaitMoreThan(100),
              i -> {
                long seen = i / 100;
                await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                        () ->
                            logs.startingWith("The followed file was truncated (copy-truncate")
                                    .size()
                                >= seen);
              });
      run.until(300);
      writer.join(10_000);
    }
    assertThat(run.ids()).isEqualTo(ids(0, 300));
    run.step();
    assertThat(run.got).hasSize(300);
    assertThat(checkpointJson().get("file").asText()).isEqualTo(log().toString());
  }

  @Test
  void aFileTruncatedAndRefilledPastItsOldEndBeforeTheFollowerLooksIsReadFromItsCopyFirst()
      throws Exception {
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      first.append(line(i));
    }
    append(log(), first.toString());
    Run run = new Run(follower(false), 50).until(100);
    // Between two steps of the follower: lines 100 and 101 go to the old file, which is then
    // copied and truncated, and the path gets lines 102 to 299, more than the follower had read
    // (its old position now lies in the middle of a line).
    append(log(), line(100) + line(101));
    Files.copy(log(), dir.resolve("coderd.log.1"));
    try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    StringBuilder second = new StringBuilder();
    for (int i = 102; i < 300; i++) {
      second.append(line(i));
    }
    append(log(), second.toString());
    try (LogCapture logs = new LogCapture(FileFollower.class)) {
      run.until(300);
      assertThat(logs.startingWith("The followed file was truncated (copy-truncate")).hasSize(1);
    }
    run.step();
    assertThat(run.ids()).isEqualTo(ids(0, 300));
    assertThat(run.src.stats().rejected.get()).isZero();
  }

  @Test
  void aFileFirstSeenEmptyThenTruncatedAndRefilledWhileTheFollowerIsBusyIsReadFromItsCopy()
      throws Exception {
    append(log(), "");
    Run run = new Run(follower(false), 50);
    run.step(); // opens it while empty: nothing to know it by yet
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      first.append(line(i));
    }
    append(log(), first.toString());
    run.step(); // a full batch: the follower does not reach the end of the file
    assertThat(run.ids()).isEqualTo(ids(0, 50));
    Files.copy(log(), dir.resolve("coderd.log.1"));
    try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    StringBuilder second = new StringBuilder();
    for (int i = 100; i < 300; i++) {
      second.append(line(i));
    }
    append(log(), second.toString());
    run.until(300);
    run.step();
    assertThat(run.ids()).isEqualTo(ids(0, 300));
    assertThat(run.src.stats().rejected.get()).isZero();
  }

  private enum Rotation {
    RENAME,
    COPY_TRUNCATE
  }

  /**
   * Writes 300 lines with a rotation before lines 100 and 200: the first once {@code run} has read
   * from the first file (looking at the path only after the rotation, the follower would never know
   * of the lines before it), the second once {@code beforeSecond} returns.
   */
  private Thread twoRotations(Run run, Rotation how, Runnable beforeSecond, IntConsumer rotated) {
    return writer(
        300,
        i -> {
          if (i == 100) {
            run.awaitMoreThan(0);
          } else if (i == 200) {
            beforeSecond.run();
          }
          return i == 100 || i == 200 ? how : null;
        },
        rotated);
  }

  /**
   * Writes {@code n} lines (about one a millisecond) as a logger does, rotating where {@code
   * rotate} says: by rename (the writer still writes a few lines to the renamed file before it
   * reopens the path, as a process does until it is told to reopen) or by copy and truncate (the
   * writer appends with O_APPEND); {@code rotated} runs after each rotation, before the next line.
   */
  private Thread writer(int n, IntFunction<Rotation> rotate, IntConsumer rotated) {
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                OutputStream out = new FileOutputStream(log().toFile(), true);
                int lateLines = 0;
                for (int i = 0; i < n; i++) {
                  Rotation r = rotate.apply(i);
                  if (r == Rotation.RENAME) {
                    if (Files.exists(dir.resolve("coderd.log.1"))) {
                      Files.move(
                          dir.resolve("coderd.log.1"),
                          dir.resolve("coderd.log.2"),
                          StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.move(log(), dir.resolve("coderd.log.1"));
                    lateLines = 5;
                  } else if (r == Rotation.COPY_TRUNCATE) {
                    Files.copy(
                        log(), dir.resolve("coderd.log.1"), StandardCopyOption.REPLACE_EXISTING);
                    try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
                      ch.truncate(0);
                    }
                  }
                  if (r != null) {
                    rotated.accept(i);
                  }
                  if (lateLines > 0 && --lateLines == 0) {
                    out.close();
                    out = new FileOutputStream(log().toFile(), true);
                  }
                  out.write(line(i).getBytes(StandardCharsets.UTF_8));
                  out.flush();
                  if (i % 10 == 0) {
                    out.write(NOISE.getBytes(StandardCharsets.UTF_8));
                  }
                  Thread.sleep(1);
                }
                out.close();
              } catch (Throwable e) {
                failed.set(e);
              }
            },
            "test-log-writer");
    t.start();
    return t;
  }

  @Test
  void aFileRotatedWhileStoppedIsFinishedBeforeTheNewOne() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(line(i));
    }
    append(log(), sb.toString());
    FileFollower first = follower(false);
    first.commit(first.next(10, Duration.ZERO));
    first.close();
    opened.remove(first);

    Files.move(log(), dir.resolve("coderd.log.1"));
    append(log(), line(20) + line(21));
    Run run = new Run(follower(false), 100).until(12);
    assertThat(run.ids()).isEqualTo(ids(10, 22));
  }

  @Test
  void aFileTruncatedWhileStoppedIsFinishedFromItsCopy() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(line(i));
    }
    append(log(), sb.toString());
    FileFollower first = follower(false);
    first.commit(first.next(10, Duration.ZERO));
    first.close();
    opened.remove(first);

    Files.copy(log(), dir.resolve("coderd.log.1"));
    try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    append(log(), line(20));
    Run run = new Run(follower(false), 100).until(11);
    assertThat(run.ids()).isEqualTo(ids(10, 21));
  }

  @Test
  void aHeldMultiLineEntryIsNeverPassedByTheCommittedOffset() throws Exception {
    String[] entry = Golden.line("edge_multiline_reason").human().split("(?<=\n)");
    assertThat(entry).hasSize(3);
    String first = Golden.line("conn_ssh_connect").human();
    append(log(), first + entry[0] + entry[1]);
    FileFollower f = follower(false);
    Source.Batch b = f.next(1, Duration.ZERO);
    assertThat(b.events())
        .extracting(Event::id)
        .containsExactly("ca5dfc63-dc43-463a-bb3e-38526866fd4b");
    f.commit(b);
    // The entry that started on line 2 is held (its block may go on): the commit stops at its first
    // byte.
    assertThat(checkpointJson().get("offset").asLong())
        .isEqualTo(first.getBytes(StandardCharsets.UTF_8).length);
    assertThat(checkpointJson().get("line").asLong()).isEqualTo(1);
    f.close();
    opened.remove(f);

    append(log(), entry[2] + first);
    Run run = new Run(follower(false), 100).until(2);
    assertThat(run.got.get(0).string("DisconnectReason")).isEqualTo("line one\nline two <&> \"q\"");
    assertThat(run.got.get(1).id()).isEqualTo("ca5dfc63-dc43-463a-bb3e-38526866fd4b");
  }

  @Test
  void aCompleteMultiLineEntryAtTheEndIsEmittedOnceTheFileIsIdle() throws Exception {
    append(log(), Golden.line("edge_multiline_reason").human());
    Run run = new Run(follower(false), 100).until(1);
    assertThat(run.got.get(0).string("DisconnectReason")).isEqualTo("line one\nline two <&> \"q\"");
    assertThat(checkpointJson().get("offset").asLong()).isEqualTo(Files.size(log()));
  }

  @Test
  void aLineTooLongIsQuarantinedAndTheNextOneRead() throws Exception {
    String huge =
        "{\"msg\":\"audit_log\",\"x\":\"" + "a".repeat(StreamSource.MAX_LINE_BYTES + 10) + "\"}\n";
    append(log(), line(0) + huge + line(1));
    Run run = new Run(follower(false), 100).until(2);
    assertThat(run.ids()).isEqualTo(ids(0, 2));
    List<String> rejects = Files.readAllLines(dir.resolve("rejects.ndjson"));
    assertThat(rejects).hasSize(1);
    JsonNode r = ApiRows.M.readTree(rejects.get(0));
    assertThat(r.get("line").asInt()).isEqualTo(2);
    assertThat(r.get("reason").asText())
        .isEqualTo("line longer than 1048576 bytes (cut in the rejects file)");
    assertThat(checkpointJson().get("line").asLong()).isEqualTo(3);
  }

  @Test
  void anOverLongLastLineOfARotatedFileIsQuarantinedNotSkipped() throws Exception {
    String huge =
        "{\"msg\":\"audit_log\",\"x\":\"" + "a".repeat(StreamSource.MAX_LINE_BYTES + 10) + "\"}";
    append(log(), line(0) + huge); // no newline: only finishing the rotated file reads it
    FileFollower first = follower(false);
    first.commit(first.next(10, Duration.ZERO));
    first.close();
    opened.remove(first);
    Files.move(log(), dir.resolve("coderd.log.1"));
    append(log(), line(1));
    Run run = new Run(follower(false), 100).until(1);
    assertThat(run.ids()).isEqualTo(ids(1, 2));
    List<String> rejects = Files.readAllLines(dir.resolve("rejects.ndjson"));
    assertThat(rejects).hasSize(1);
    JsonNode r = ApiRows.M.readTree(rejects.get(0));
    assertThat(r.get("line").asInt()).isEqualTo(2);
    assertThat(r.get("reason").asText())
        .isEqualTo("line longer than 1048576 bytes (cut in the rejects file)");
  }

  @Test
  void stopWakesAnIdleFollower() throws Exception {
    LogCapture logs = new LogCapture(FileFollower.class);
    FileFollower f = follower(false);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  f.commit(f.next(10, Duration.ZERO));
                }
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    // Idle for certain, not after a guess of 50 ms: no file yet, and the follower has said so.
    try (logs) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !logs.startingWith("Waiting for the followed file to appear.").isEmpty()
                      && t.getState() == Thread.State.TIMED_WAITING);
    }
    long start = System.nanoTime();
    t.interrupt();
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
  }
}
