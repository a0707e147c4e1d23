package dev.auditship.spool;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.testutil.LogCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's files: append, read, acknowledge, recover, and every kind of damage recovery must
 * survive.
 */
class SpoolTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-07-03T07:12:44Z"), ZoneOffset.UTC);
  private static final ObjectMapper OM = new ObjectMapper();

  @TempDir Path tmp;

  private static Spool.Pending pending(int i) {
    // Small records with every part present, so that "every byte offset" tests stay quick.
    return new Spool.Pending(
        ("record text number " + i + " \u00e9").getBytes(UTF_8),
        ("{\"event\":" + i + ",\"pad\":\"" + "x".repeat(20) + "\"}").getBytes(UTF_8));
  }

  private static List<Spool.Pending> pendings(int from, int count) {
    List<Spool.Pending> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(pending(i));
    }
    return out;
  }

  private static Spool open(Path dir) throws IOException {
    return Spool.open(new Spool.Options("test", dir, 1024 * 1024), Storage.DISK, CLOCK);
  }

  /** Reads everything the spool holds (acknowledging nothing) as the texts' record numbers. */
  private static List<String> readAll(Spool s) throws Exception {
    List<String> out = new ArrayList<>();
    Spool.Batch b;
    while ((b = s.read(1000, 0)) != null) {
      for (Spool.Entry e : b.entries()) {
        out.add(e.text());
      }
    }
    return out;
  }

  private static List<String> texts(int from, int count) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(new String(pending(i).text(), UTF_8));
    }
    return out;
  }

  private static Path onlySegment(Path dir) throws IOException {
    List<Path> segs = Segments.list(dir);
    assertThat(segs).hasSize(1);
    return segs.get(0);
  }

  private static List<JsonNode> quarantineLines(Path dir) throws IOException {
    Path q = dir.resolve("quarantine").resolve("quarantined.ndjson");
    if (!Files.exists(q)) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(q, UTF_8)) {
      out.add(OM.readTree(l));
    }
    return out;
  }

  private static byte[] quarantinedBytes(Path dir, JsonNode line) throws IOException {
    return Files.readAllBytes(dir.resolve("quarantine").resolve(line.get("bytes_file").asText()));
  }

  @Test
  void appendedRecordsReadBackWithTextEventAndSequence() throws Exception {
    try (Spool s = open(tmp)) {
      s.append(pendings(0, 3));
      assertThat(s.records()).isEqualTo(3);
      long expectedBytes = pendings(0, 3).stream().mapToLong(Spool.Pending::size).sum();
      assertThat(s.bytes()).isEqualTo(expectedBytes);
      Spool.Batch b = s.read(10, 0);
      assertThat(b.entries()).extracting(Spool.Entry::seq).containsExactly(0L, 1L, 2L);
      assertThat(b.entries()).extracting(Spool.Entry::text).containsExactlyElementsOf(texts(0, 3));
      assertThat(b.entries().get(1).json()).isEqualTo(new String(pending(1).json(), UTF_8));
      assertThat(b.entries().get(0).appendedAt()).isEqualTo(CLOCK.millis());
      assertThat(s.oldestAppendedAt()).isEqualTo(CLOCK.millis());
      s.ack(b);
      assertThat(s.records()).isZero();
      assertThat(s.bytes()).isZero();
      assertThat(s.isEmpty()).isTrue();
      assertThat(s.oldestAppendedAt()).isEqualTo(-1);
    }
  }

  @Test
  void acknowledgedRecordsAreNotReadAgainAfterReopenAndOthersAre() throws Exception {
    try (Spool s = open(tmp)) {
      s.append(pendings(0, 5));
      s.append(pendings(5, 5));
      Spool.Batch b = s.read(4, 0);
      assertThat(b.entries()).hasSize(4);
      s.ack(b);
      s.read(3, 0); // read but not acknowledged: must come back
    }
    assertThat(Files.readString(tmp.resolve("ack"), UTF_8))
        .startsWith("auditship-spool-ack v1 next_seq=4 segment=");
    try (Spool s = open(tmp)) {
      assertThat(s.records()).isEqualTo(6);
      assertThat(readAll(s)).containsExactlyElementsOf(texts(4, 6));
      s.append(pendings(10, 1));
      Spool.Batch b = s.read(10, 0);
      assertThat(b.entries()).extracting(Spool.Entry::seq).containsExactly(10L);
    }
    assertThat(quarantineLines(tmp)).isEmpty();
  }

  @Test
  void segmentsRollAndDeliveredSegmentsAreDeleted() throws Exception {
    long frame = pending(19).size(); // the largest of the records written here
    try (Spool s = Spool.open(new Spool.Options("test", tmp, frame * 4), Storage.DISK, CLOCK)) {
      for (int i = 0; i < 10; i++) {
        s.append(pendings(i * 2, 2));
      }
      assertThat(Segments.list(tmp)).hasSize(5);
      Spool.Batch b;
      int read = 0;
      while ((b = s.read(3, 0)) != null) {
        read += b.entries().size();
        s.ack(b);
      }
      assertThat(read).isEqualTo(20);
      // Only the segment being written to is left.
      assertThat(Segments.list(tmp))
          .extracting(p -> p.getFileName().toString())
          .containsExactly("00000000000000000016.seg");
    }
    try (Spool s = open(tmp)) {
      assertThat(s.isEmpty()).isTrue();
      assertThat(Segments.list(tmp)).isEmpty();
      s.append(pendings(20, 1));
      assertThat(Segments.list(tmp))
          .extracting(p -> p.getFileName().toString())
          .containsExactly("00000000000000000020.seg");
    }
  }

  @Test
  @SuppressWarnings("try") // the first spool is opened only to hold the directory's lock
  void aSecondOpenOfTheSameDirectoryIsRefused() throws Exception {
    try (Spool s = open(tmp)) {
      assertThatThrownBy(() -> open(tmp))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "the spool directory "
                  + tmp
                  + " is in use by this auditship process (pid "
                  + ProcessHandle.current().pid()
                  + "), which uses it twice or has not let go of it since its last use; give each sink its own spool directory");
    }
    open(tmp).close(); // released on close
  }

  /**
   * Writes records 0..2 into a fresh spool and returns the segment's bytes and where record 2
   * starts.
   */
  private byte[] threeRecords(Path dir) throws Exception {
    try (Spool s = open(dir)) {
      s.append(pendings(0, 3));
    }
    return Files.readAllBytes(onlySegment(dir));
  }

  @Test
  void aTornLastRecordIsQuarantinedAtEveryByteOffsetAndEarlierRecordsStay() throws Exception {
    byte[] whole = threeRecords(tmp.resolve("model"));
    int lastStart = (int) (pending(0).size() + pending(1).size());
    assertThat(whole).hasSize((int) (lastStart + pending(2).size()));
    for (int cut = lastStart + 1; cut < whole.length; cut++) {
      Path dir = tmp.resolve("cut-" + cut);
      Files.createDirectories(dir);
      Path seg = dir.resolve("00000000000000000000.seg");
      Files.write(seg, Arrays.copyOf(whole, cut));
      try (LogCapture logs = new LogCapture();
          Spool s = open(dir)) {
        assertThat(readAll(s)).as("cut at %d", cut).containsExactlyElementsOf(texts(0, 2));
        assertThat(Files.size(seg)).as("cut at %d", cut).isEqualTo(lastStart);
        List<JsonNode> q = quarantineLines(dir);
        assertThat(q).as("cut at %d", cut).hasSize(1);
        assertThat(q.get(0).get("segment").asText()).isEqualTo("00000000000000000000.seg");
        assertThat(q.get(0).get("offset").asLong()).isEqualTo(lastStart);
        assertThat(q.get(0).get("length").asLong()).isEqualTo(cut - lastStart);
        assertThat(q.get(0).get("after_seq").asLong()).isEqualTo(1);
        assertThat(q.get(0).has("before_seq")).isFalse();
        assertThat(q.get(0).get("reason").asText()).startsWith("torn record: ");
        assertThat(quarantinedBytes(dir, q.get(0)))
            .isEqualTo(Arrays.copyOfRange(whole, lastStart, cut));
        String expectedLog =
            "Damaged spool bytes quarantined at start-up; the records around them are kept. "
                + "sink=test segment=00000000000000000000.seg offset="
                + lastStart
                + " length="
                + (cut - lastStart)
                + " records_lost=unknown reason=\"torn record: ";
        assertThat(logs.messages(Level.WARN))
            .anySatisfy(m -> assertThat(m).startsWith(expectedLog));
        // The next append continues after the last whole record.
        s.append(pendings(3, 1));
        assertThat(readAll(s)).containsExactlyElementsOf(texts(3, 1));
      }
      try (Spool s = open(dir)) {
        List<String> expected = new ArrayList<>(texts(0, 2));
        expected.addAll(texts(3, 1));
        assertThat(readAll(s)).containsExactlyElementsOf(expected);
        assertThat(quarantineLines(dir)).hasSize(1); // repaired: nothing quarantined twice
      }
    }
  }

  @Test
  void randomBytesAppendedAreQuarantinedAndTheRecordsStay() throws Exception {
    byte[] whole = threeRecords(tmp);
    Path seg = onlySegment(tmp);
    byte[] junk = new byte[1000];
    new Random(7).nextBytes(junk);
    junk[0] = 0x42; // not the magic's first byte
    // Bury a magic followed by a length that points past the end: it must not fool the resync scan.
    System.arraycopy(Frame.MAGIC, 0, junk, 500, 4);
    Files.write(seg, junk, StandardOpenOption.APPEND);
    try (Spool s = open(tmp)) {
      assertThat(readAll(s)).containsExactlyElementsOf(texts(0, 3));
    }
    assertThat(Files.size(seg)).isEqualTo(whole.length);
    List<JsonNode> q = quarantineLines(tmp);
    assertThat(q).hasSize(1);
    assertThat(q.get(0).get("offset").asLong()).isEqualTo(whole.length);
    assertThat(q.get(0).get("length").asLong()).isEqualTo(1000);
    assertThat(q.get(0).get("reason").asText())
        .isEqualTo("no record starts here (the bytes are not the spool's record magic)");
    assertThat(quarantinedBytes(tmp, q.get(0))).isEqualTo(junk);
  }

  private byte[] fiveRecords() throws Exception {
    try (Spool s = open(tmp)) {
      s.append(pendings(0, 5));
    }
    return Files.readAllBytes(onlySegment(tmp));
  }

  private long start(int record) {
    long p = 0;
    for (int i = 0; i < record; i++) {
      p += pending(i).size();
    }
    return p;
  }

  @Test
  void aCrcMismatchInTheMiddleQuarantinesThatRecordAndKeepsTheOnesAfterIt() throws Exception {
    byte[] whole = fiveRecords();
    int r2 = (int) start(2);
    whole[r2 + Frame.HEADER + Frame.FIXED + 3] ^= 0x01; // one bit of record 2's text
    Files.write(onlySegment(tmp), whole);
    try (Spool s = open(tmp)) {
      assertThat(readAll(s))
          .containsExactly(
              texts(0, 2).get(0), texts(0, 2).get(1), texts(3, 1).get(0), texts(4, 1).get(0));
      assertThat(s.records()).isEqualTo(4);
    }
    List<JsonNode> q = quarantineLines(tmp);
    assertThat(q).hasSize(1);
    assertThat(q.get(0).get("offset").asLong()).isEqualTo(r2);
    assertThat(q.get(0).get("length").asLong()).isEqualTo(pending(2).size());
    assertThat(q.get(0).get("after_seq").asLong()).isEqualTo(1);
    assertThat(q.get(0).get("before_seq").asLong()).isEqualTo(3);
    assertThat(q.get(0).get("reason").asText())
        .isEqualTo("CRC32C mismatch: the record's bytes changed after it was written");
    assertThat(quarantinedBytes(tmp, q.get(0)))
        .isEqualTo(Arrays.copyOfRange(whole, r2, (int) start(3)));
    // The segment was rewritten without the damage; a second start finds nothing more.
    assertThat(Files.size(onlySegment(tmp))).isEqualTo(whole.length - pending(2).size());
    try (Spool s = open(tmp)) {
      assertThat(readAll(s)).hasSize(4);
    }
    assertThat(quarantineLines(tmp)).hasSize(1);
  }

  @Test
  void aDamagedLengthOrAHoleOfZerosIsSkippedByTheMagicScan() throws Exception {
    byte[] whole = fiveRecords();
    int r1 = (int) start(1);
    ByteBuffer.wrap(whole).putInt(r1 + 4, 7); // record 1's length says 7 bytes
    int r3 = (int) start(3);
    Arrays.fill(
        whole, r3, (int) start(4), (byte) 0); // record 3 never reached the disk (power loss)
    Files.write(onlySegment(tmp), whole);
    try (Spool s = open(tmp)) {
      assertThat(readAll(s))
          .containsExactly(texts(0, 1).get(0), texts(2, 1).get(0), texts(4, 1).get(0));
    }
    List<JsonNode> q = quarantineLines(tmp);
    assertThat(q).extracting(n -> n.get("offset").asLong()).containsExactly((long) r1, (long) r3);
    assertThat(q)
        .extracting(n -> n.get("reason").asText())
        .containsExactly(
            "record length 7 is out of range",
            "no record starts here (the bytes are not the spool's record magic)");
  }

  @Test
  void damageAmongDeliveredRecordsIsNotQuarantined() throws Exception {
    try (Spool s = open(tmp)) {
      s.append(pendings(0, 5));
      s.ack(s.read(3, 0));
    }
    byte[] whole = Files.readAllBytes(onlySegment(tmp));
    whole[(int) start(1) + 20] ^= 0x10; // record 1 was delivered
    Files.write(onlySegment(tmp), whole);
    try (Spool s = open(tmp)) {
      assertThat(readAll(s)).containsExactlyElementsOf(texts(3, 2));
    }
    assertThat(quarantineLines(tmp)).isEmpty();
  }

  /**
   * The real disk, with saves of the read pointer that wait while {@link #gate} is closed and fail
   * while {@link #failing} is set; every save's next_seq is recorded.
   */
  static final class AckGate extends DiskWith {
    final Semaphore gate = new Semaphore(0);
    volatile boolean gated;
    volatile boolean failing;
    final CountDownLatch entered = new CountDownLatch(1);
    final List<String> saved = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void replaceAtomically(Path target, byte[] content) throws IOException {
      if (gated) {
        entered.countDown();
        try {
          // Bounded, so that a spool that saves on the drainer's thread fails the test below
          // instead of hanging it.
          gate.tryAcquire(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      if (failing) {
        throw new IOException("No space left on device");
      }
      DISK.replaceAtomically(target, content);
      String text = new String(content, UTF_8);
      saved.add(text.substring(text.indexOf("next_seq="), text.indexOf(" segment=")));
    }
  }

  @Test
  @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theReadPointerIsSavedBesideTheDrainerNewestFirstAndCloseWaitsForTheLast() throws Exception {
    AckGate disk = new AckGate();
    disk.gated = true;
    try (Spool s = Spool.open(new Spool.Options("test", tmp, 1024 * 1024), disk, CLOCK)) {
      s.append(pendings(0, 6));
      s.ack(s.read(2, 0));
      // The saver is now writing next_seq=2, held on a disk that does not answer. The drainer goes
      // on: acknowledging does not wait for the disk (a test stuck here would time out).
      assertThat(disk.entered.await(10, TimeUnit.SECONDS)).isTrue();
      s.ack(s.read(2, 0));
      s.ack(s.read(2, 0));
      assertThat(s.isEmpty()).isTrue();
      assertThat(disk.saved).isEmpty();
      // The disk answers again a moment after close has begun: close waits for the saves.
      Thread opener =
          new Thread(
              () -> {
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
                disk.gated = false;
                disk.gate.release(10);
              });
      opener.start();
    }
    // One save in progress, then the newest pointer: next_seq=4 was overtaken before it was
    // written.
    assertThat(disk.saved).containsExactly("next_seq=2", "next_seq=6");
    try (Spool s = open(tmp)) {
      assertThat(readAll(s)).isEmpty();
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSecondCloseWaitsForTheFirstToSaveAndRelease() throws Exception {
    AckGate disk = new AckGate();
    disk.gated = true;
    Spool s = Spool.open(new Spool.Options("test", tmp, 1024 * 1024), disk, CLOCK);
    s.append(pendings(0, 4));
    s.ack(s.read(4, 0));
    assertThat(disk.entered.await(10, TimeUnit.SECONDS)).isTrue();
    Thread first = new Thread(s::close);
    first.start();
    Thread opener =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              disk.gated = false;
              disk.gate.release(10);
            });
    opener.start();
    s.close(); // returns once the first close saved the pointer and released the directory
    assertThat(disk.saved).containsExactly("next_seq=4");
    try (Spool again = open(tmp)) {
      assertThat(readAll(again)).isEmpty();
    }
    first.join();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aCloseThatGivesUpOnAStuckSaveKeepsTheDirectoryLockedUntilTheSaveEnds() throws Exception {
    AckGate disk = new AckGate();
    disk.gated = true;
    try (LogCapture logs = new LogCapture()) {
      Spool s = Spool.open(new Spool.Options("test", tmp, 1024 * 1024), disk, CLOCK, 200);
      s.append(pendings(0, 10));
      s.ack(s.read(4, 0));
      assertThat(disk.entered.await(10, TimeUnit.SECONDS)).isTrue();
      s.ack(s.read(6, 0));
      s.close(); // gives up after 200 ms
      assertThat(logs.messages(Level.WARN))
          .contains(
              "The spool's read pointer was not saved in time at close; the records delivered "
                  + "since the last save are delivered again after the restart, and the spool "
                  + "directory stays locked until the disk answers. sink=test dir="
                  + tmp
                  + " wait_ms=200");
      // A spool opened again on the directory now could have its pointer overwritten by the
      // stuck save: it is refused until the saver is done.
      assertThatThrownBy(() -> open(tmp))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by this auditship process");
      disk.gated = false;
      disk.gate.release(10);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> disk.saved.contains("next_seq=10"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () -> {
                open(tmp).close();
                return true;
              });
    }
    assertThat(disk.saved).containsExactly("next_seq=4", "next_seq=10");
    try (Spool again = open(tmp)) {
      assertThat(readAll(again)).isEmpty();
    }
  }

  @Test
  void aReadPointerThatCannotBeSavedIsLoggedOnceAndSavedWhenTheDiskIsBack() throws Exception {
    AckGate disk = new AckGate();
    disk.failing = true;
    try (LogCapture logs = new LogCapture()) {
      try (Spool s = Spool.open(new Spool.Options("test", tmp, 1024 * 1024), disk, CLOCK)) {
        s.append(pendings(0, 6));
        s.ack(s.read(2, 0));
        s.ack(s.read(2, 0));
        String warning =
            "Cannot save the spool's read pointer; delivered records would be sent again after a "
                + "crash. sink=test dir="
                + tmp
                + " error=\"java.io.IOException: No space left on device\"";
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> logs.messages(Level.WARN).contains(warning));
        disk.failing = false;
        s.ack(s.read(1, 0));
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> disk.saved.contains("next_seq=5"));
        assertThat(logs.messages(Level.WARN)).containsExactly(warning);
        assertThat(logs.messages(Level.INFO))
            .contains("The spool's read pointer is saved again. sink=test");
      }
    }
    try (Spool s = open(tmp)) {
      assertThat(readAll(s)).containsExactlyElementsOf(texts(5, 1));
    }
  }

  /**
   * A record of {@code size} bytes of text, numbered, of each of the three kinds the spool stores
   * (its event's JSON line once, text and JSON, text and summary) in turn.
   */
  private static Spool.Pending sized(int i, int size) {
    String head = "record " + i + " ";
    byte[] text = (head + "y".repeat(Math.max(0, size - head.length()))).getBytes(UTF_8);
    return switch (i % 3) {
      case 0 -> Spool.Pending.shared(text);
      case 1 -> new Spool.Pending(text, ("{\"event\":" + i + "}").getBytes(UTF_8));
      default -> Spool.Pending.summarized(text, new byte[] {1, 2, (byte) i});
    };
  }

  @Test
  void recordsAcrossReadWindowsAndLargerThanOneComeBackWhole() throws Exception {
    // Small records over several of the reader's windows, and records larger than a window (read
    // from the file by themselves), in one segment.
    List<Spool.Pending> all = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      int size = i % 1000 == 500 ? FrameWindow.SIZE + 1000 * (i / 1000) : 700 + i % 13;
      all.add(sized(i, size));
    }
    try (Spool s = Spool.open(new Spool.Options("test", tmp, 1L << 30), Storage.DISK, CLOCK)) {
      for (int i = 0; i < all.size(); i += 100) {
        s.append(all.subList(i, i + 100));
      }
      List<Spool.Entry> got = new ArrayList<>();
      Spool.Batch b;
      while ((b = s.read(1000, 0)) != null) {
        assertThat(b.entries()).isNotEmpty();
        got.addAll(b.entries());
        s.ack(b);
      }
      assertThat(got).hasSize(all.size());
      for (int i = 0; i < all.size(); i++) {
        Spool.Pending want = all.get(i);
        Spool.Entry e = got.get(i);
        assertThat(e.seq()).isEqualTo(i);
        assertThat(e.size()).isEqualTo(want.size());
        assertThat(e.record()).isEqualTo(want.text());
        if (want.json() == null) {
          assertThat(e.eventJson()).isEqualTo(want.text());
          assertThat(e.summary()).isNull();
        } else if (want.summary()) {
          assertThat(e.eventJson()).isNull();
          assertThat(e.summary()).isEqualTo(want.json());
        } else {
          assertThat(e.eventJson()).isEqualTo(want.json());
          assertThat(e.summary()).isNull();
        }
      }
    }
    assertThat(quarantineLines(tmp)).isEmpty();
  }

  @Test
  void aRecordChangedOnDiskBeyondTheFirstReadWindowIsQuarantinedAndTheOthersKept()
      throws Exception {
    List<Spool.Pending> all = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      all.add(sized(i, 900));
    }
    long at = 0;
    try (Spool s = Spool.open(new Spool.Options("test", tmp, 1L << 30), Storage.DISK, CLOCK)) {
      s.append(all);
    }
    // Record 2000 starts well past the first 1 MiB window of the read.
    for (int i = 0; i < 2000; i++) {
      at += all.get(i).size();
    }
    Path seg = onlySegment(tmp);
    try (Spool s = Spool.open(new Spool.Options("test", tmp, 1L << 30), Storage.DISK, CLOCK)) {
      byte[] whole = Files.readAllBytes(seg);
      whole[(int) at + 100] ^= 0x01; // after start-up's check: "while reading"
      Files.write(seg, whole);
      List<Long> seqs = new ArrayList<>();
      Spool.Batch b;
      while ((b = s.read(10_000, 0)) != null) {
        b.entries().forEach(e -> seqs.add(e.seq()));
        s.ack(b);
      }
      assertThat(seqs).hasSize(2999).doesNotContain(2000L);
      assertThat(seqs).isSorted();
    }
    List<JsonNode> q = quarantineLines(tmp);
    assertThat(q).hasSize(1);
    assertThat(q.get(0).get("offset").asLong()).isEqualTo(at);
    assertThat(q.get(0).get("length").asLong()).isEqualTo(all.get(2000).size());
    assertThat(q.get(0).get("reason").asText())
        .isEqualTo("CRC32C mismatch: the record's bytes changed after it was written");
  }

  @Test
  void atStartUpARecordChangedBeyondTheFirstWindowIsQuarantinedAndATornTailCutOff()
      throws Exception {
    List<Spool.Pending> all = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      all.add(sized(i, 900));
    }
    try (Spool s = Spool.open(new Spool.Options("test", tmp, 1L << 30), Storage.DISK, CLOCK)) {
      s.append(all);
    }
    long at = 0;
    for (int i = 0; i < 2000; i++) {
      at += all.get(i).size();
    }
    Path seg = onlySegment(tmp);
    byte[] whole = Files.readAllBytes(seg);
    whole[(int) at + 100] ^= 0x01; // record 2000, past the first 1 MiB window of the scan
    // The last record torn: its last 10 bytes never reached the disk.
    Files.write(seg, Arrays.copyOf(whole, whole.length - 10));
    try (Spool s = Spool.open(new Spool.Options("test", tmp, 1L << 30), Storage.DISK, CLOCK)) {
      List<Long> seqs = new ArrayList<>();
      Spool.Batch b;
      while ((b = s.read(10_000, 0)) != null) {
        b.entries().forEach(e -> seqs.add(e.seq()));
        s.ack(b);
      }
      assertThat(seqs).hasSize(2998).doesNotContain(2000L, 2999L).isSorted();
    }
    List<JsonNode> q = quarantineLines(tmp);
    assertThat(q)
        .extracting(n -> n.get("offset").asLong())
        .containsExactly(at, whole.length - all.get(2999).size());
    assertThat(q.get(0).get("reason").asText())
        .isEqualTo("CRC32C mismatch: the record's bytes changed after it was written");
  }

  /** The real disk, with reads that fail (as an EIO would) while {@link #failReads} is set. */
  static final class FlakyReads extends DiskWith {
    volatile boolean failReads;

    @Override
    Handle wrap(Handle h) {
      return new Passing(h) {
        @Override
        public int read(long pos, byte[] b, int off, int len) throws IOException {
          if (failReads) {
            throw new IOException("Input/output error");
          }
          return h.read(pos, b, off, len);
        }
      };
    }
  }

  @Test
  void aReadThatFailsWhileTheWindowIsFilledLeavesNoOldBytesForTheRetry() throws Exception {
    FlakyReads disk = new FlakyReads();
    List<Spool.Pending> big = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      big.add(new Spool.Pending(("r" + i).getBytes(UTF_8), "x".repeat(10_000).getBytes(UTF_8)));
    }
    try (Spool s = Spool.open(new Spool.Options("test", tmp, 64L * 1024 * 1024), disk, CLOCK)) {
      s.append(big);
      assertThat(s.read(150, 0).entries()).hasSize(150); // the window is now past the first MiB
      s.rewind(); // the delivery failed
      disk.failReads = true; // the window's refill at the start fails
      assertThatThrownBy(() -> s.read(150, 0)).isInstanceOf(IOException.class);
      disk.failReads = false;
      s.rewind(); // what the drainer does after a failed read
      List<String> got = new ArrayList<>();
      Spool.Batch b;
      while ((b = s.read(1000, 0)) != null) {
        for (Spool.Entry e : b.entries()) {
          got.add(e.text());
        }
      }
      List<String> want = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        want.add("r" + i);
      }
      assertThat(got).containsExactlyElementsOf(want);
    }
    assertThat(quarantineLines(tmp)).isEmpty();
  }

  @Test
  void aDamagedAckFileMeansEverythingIsSentAgainNotLost() throws Exception {
    try (Spool s = open(tmp)) {
      s.append(pendings(0, 5));
      s.ack(s.read(3, 0));
    }
    Files.writeString(
        tmp.resolve("ack"),
        "auditship-spool-ack v1 next_seq=9 segment=00000000000000000000 "
            + "offset=0 crc32c=00000000\n");
    try (LogCapture logs = new LogCapture();
        Spool s = open(tmp)) {
      assertThat(readAll(s)).containsExactlyElementsOf(texts(0, 5));
      assertThat(logs.messages(Level.WARN))
          .contains(
              "The spool's ack file is damaged; every record still in "
                  + "the spool will be delivered again (duplicates are possible, nothing is lost). sink=test file="
                  + tmp.resolve("ack"));
    }
  }

  @Test
  void aStaleAckHintNeverSkipsRecords() throws Exception {
    try (Spool s = open(tmp)) {
      s.append(pendings(0, 5));
      s.ack(s.read(2, 0));
    }
    // A hint that points at a record other than next_seq (here: record 4) is ignored.
    Files.write(tmp.resolve("ack"), AckFile.encode(new AckFile.State(2, 0, start(4))));
    try (Spool s = open(tmp)) {
      assertThat(readAll(s)).containsExactlyElementsOf(texts(2, 3));
    }
  }

  @Test
  void leftoversOfInterruptedReplacesAreRemoved() throws Exception {
    try (Spool s = open(tmp)) {
      s.append(pendings(0, 1));
    }
    Files.writeString(tmp.resolve("ack.tmp"), "half");
    try (Spool s = open(tmp)) {
      assertThat(readAll(s)).hasSize(1);
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("ack.tmp");
    }
  }
}
