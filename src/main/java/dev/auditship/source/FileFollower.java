package dev.auditship.source;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.Event;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.SourceStats;
import dev.auditship.text.Utf8;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: file} with {@code follow: true}: reads a Coder server log as it is written, like
 * {@code tail -F} (docs/follow.md). Polls the file every {@code poll_interval_ms} (WatchService
 * misses events on network and container file systems and says nothing about rotation).
 *
 * <ul>
 *   <li><b>Complete lines only.</b> A last line without its newline is left in the file until it is
 *       complete.
 *   <li><b>Identity.</b> A file is known by its file key (device and inode) and the SHA-256 of its
 *       first bytes (up to 256). Both, with the byte offset, are the checkpoint.
 *   <li><b>Rotation by rename</b> (or deletion): when the path names another file, or none, the old
 *       file is read to its end until it has not grown for {@code max(1 s, 4 × poll_interval)} (the
 *       writer may still hold it), then the new file is read from its start.
 *   <li><b>Rotation by copy-truncate</b>: a file that shrinks, or whose first bytes change, was
 *       truncated. The rest of what it held is read from the copy (a file in the same directory
 *       whose name starts with the log's name, with the same first bytes), then the truncated file
 *       from its start.
 *   <li><b>Missing file</b>: waited for; it is read from its start when it appears.
 *   <li><b>Commit</b>: each batch carries the position after its last line, but never past the
 *       first line of a held multi-line human entry ({@link LogDecoder#pendingSince()}); {@link
 *       #commit} saves it atomically once every sink accepted the batch. A restart finds the file
 *       again by its identity, also when it was rotated while the exporter was stopped, so no line
 *       is lost or repeated.
 *   <li><b>Idle</b>: {@link #next} returns empty batches (never null) at least once a second, and
 *       wakes at once when the pipeline thread is interrupted ({@code Pipeline.stop()}).
 * </ul>
 *
 * <p>Threads: everything runs on the pipeline thread.
 */
public final class FileFollower implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(FileFollower.class);
  static final int FINGERPRINT_BYTES = 256;
  private static final Duration IDLE_RETURN = Duration.ofSeconds(1);
  private static final int REJECT_KEEP = 64 * 1024;

  private enum Role {
    /** The file at the followed path. */
    LIVE,
    /** Renamed away (or deleted): read until it stops growing, then switch to the path. */
    ROTATED,
    /** The copy of a truncated file: read to its end, then the path from its start. */
    COPY
  }

  /** The position committed with a batch. */
  record Position(FollowCheckpoint checkpoint) {}

  private final Path path;
  private final Path checkpointFile;
  private final boolean startAtEnd;
  private final Duration pollInterval;
  private final long rotateWaitNanos;
  private final Rejects rejects;
  private final SourceStats stats = new SourceStats();
  private byte[] buf = new byte[64 * 1024];

  private OpenFile current;

  /**
   * Files that replaced {@code current} at the path, oldest first, opened as soon as they were
   * seen.
   */
  private final ArrayDeque<OpenFile> successors = new ArrayDeque<>();

  private FollowCheckpoint lastPosition;
  private FollowCheckpoint saved;
  private boolean firstStart;
  private String waitingFor;

  /** Logs why the path cannot be followed yet, once per reason (again after it changed). */
  private void waiting(String reason, Runnable log) {
    if (!reason.equals(waitingFor)) {
      waitingFor = reason;
      log.run();
    }
  }

  private List<Event> out = new ArrayList<>();
  private dev.auditship.io.OwnerLock owner;

  /** Weight of the events in {@link #out} ({@link Source#BATCH_BYTES}). */
  private long outBytes;

  private FileFollower(
      Path path, Path checkpointFile, boolean startAtEnd, Duration pollInterval, Rejects rejects) {
    this.path = path;
    this.checkpointFile = checkpointFile;
    this.startAtEnd = startAtEnd;
    this.pollInterval = pollInterval;
    this.rotateWaitNanos = Math.max(Duration.ofSeconds(1).toNanos(), 4 * pollInterval.toNanos());
    this.rejects = rejects;
  }

  /**
   * Opens the follower: resumes from the checkpoint, or starts at {@code start_at} ({@code
   * startAtEnd}) when there is none. The file need not exist yet.
   */
  public static FileFollower open(
      Path path, Path checkpointFile, boolean startAtEnd, Duration pollInterval, Rejects rejects)
      throws IOException {
    FileFollower f = new FileFollower(path, checkpointFile, startAtEnd, pollInterval, rejects);
    f.owner = lockCheckpoint(checkpointFile);
    try {
      f.load();
    } catch (IOException | RuntimeException e) {
      f.owner.close();
      throw e;
    }
    return f;
  }

  /**
   * One process per checkpoint: two followers on one checkpoint would both ship every line. Shared
   * by the Coder API source.
   */
  static dev.auditship.io.OwnerLock lockCheckpoint(Path checkpointFile) throws IOException {
    return dev.auditship.io.OwnerLock.acquire(
        checkpointFile.resolveSibling(checkpointFile.getFileName() + ".lock"),
        "the checkpoint " + checkpointFile,
        "stop the other process, or give this source its own checkpoint_file");
  }

  private void load() throws IOException {
    FileFollower f = this;
    FollowCheckpoint cp = FollowCheckpoint.load(checkpointFile);
    if (cp != null && !cp.followed().equals(path.toString())) {
      LOG.warn(
          "The checkpoint is for another file and is not used. checkpoint_file={} checkpoint_path={} path={}",
          checkpointFile,
          cp.followed(),
          path);
      cp = null;
    }
    f.saved = cp;
    f.lastPosition = cp;
    if (cp == null) {
      // start_at applies to a file that is there at the first start; one that appears later is all
      // new.
      // (a regular file: a directory at the path is no log, and the file that takes its place later
      // is read from its start.)
      f.firstStart = Files.isRegularFile(path);
    } else {
      f.resume(cp);
    }
  }

  /** The default checkpoint file name for a followed file. */
  public static String defaultCheckpointName(Path followed) {
    return "follow-" + followed.getFileName() + ".checkpoint.json";
  }

  // ------------------------------------------------------------------ Source

  @Override
  public Batch next(int max, Duration linger) throws IOException, InterruptedException {
    out = new ArrayList<>();
    outBytes = 0;
    long start = System.nanoTime();
    long lingerDeadline = -1;
    while (true) {
      boolean progressed = step(max);
      if (out.size() >= max || outBytes >= Source.BATCH_BYTES) {
        // Full, by count or by weight: returned at once. A batch full by weight (large events, or a
        // batch_max_events above what 4 MiB holds) used to wait out the linger for events it could
        // not take, 200 ms a batch by default: catching up on a log of large events crawled.
        break;
      }
      long now = System.nanoTime();
      long sleepUntil;
      if (!out.isEmpty()) {
        if (lingerDeadline < 0) {
          lingerDeadline = now + linger.toNanos();
        }
        if (now >= lingerDeadline) {
          break;
        }
        sleepUntil = lingerDeadline;
      } else {
        if (now - start >= IDLE_RETURN.toNanos()) {
          break;
        }
        sleepUntil = start + IDLE_RETURN.toNanos();
      }
      if (!progressed) {
        long ms = Math.min(pollInterval.toMillis(), Math.max(1, (sleepUntil - now) / 1_000_000));
        Thread.sleep(Math.max(1, ms));
      }
    }
    List<Event> events = out;
    out = new ArrayList<>();
    outBytes = 0;
    return new Batch(events, new Position(position()));
  }

  @Override
  public void commit(Batch batch) throws IOException {
    if (batch.position() instanceof Position p
        && p.checkpoint() != null
        && !p.checkpoint().equals(saved)) {
      p.checkpoint().save(checkpointFile);
      saved = p.checkpoint();
    }
  }

  @Override
  public SourceStats stats() {
    return stats;
  }

  @Override
  public void close() throws IOException {
    try {
      if (current != null) {
        current.raf.close();
        current = null;
      }
      for (OpenFile f : successors) {
        f.raf.close();
      }
      successors.clear();
    } finally {
      if (owner != null) {
        owner.close();
      }
    }
  }

  // ------------------------------------------------------------------ reading

  /** One open file and the decoding state of its byte stream. */
  private final class OpenFile {
    final Path file;
    final RandomAccessFile raf;
    final String fileKey;
    Role role;
    long pos;
    long line;
    String fingerprint;
    int fingerprintBytes;
    LogDecoder decoder;
    long pendingPos;
    long pendingLine;
    long lastLength = -1;
    long changedAt = System.nanoTime();
    boolean discarding;

    OpenFile(Path file, RandomAccessFile raf, String fileKey, Role role) {
      this.file = file;
      this.raf = raf;
      this.fileKey = fileKey;
      this.role = role;
      this.decoder = new LogDecoder(FileFollower.this::handle);
    }

    FollowCheckpoint position() {
      boolean held = decoder.pendingSince() >= 0;
      return new FollowCheckpoint(
          path.toString(),
          file.toString(),
          fileKey,
          fingerprint,
          fingerprintBytes,
          held ? pendingPos : pos,
          held ? pendingLine : line);
    }
  }

  private FollowCheckpoint position() {
    if (current != null) {
      lastPosition = current.position();
    }
    return lastPosition;
  }

  private void handle(Decoded d) {
    if (d instanceof Decoded.Ok ok) {
      stats.events.incrementAndGet();
      out.add(ok.event());
      outBytes += ok.event().weight();
    } else if (d instanceof Decoded.Skipped) {
      stats.skipped.incrementAndGet();
    } else if (d instanceof Decoded.Rejected r) {
      stats.rejected.incrementAndGet();
      try {
        rejects.reject(current != null ? current.file.toString() : path.toString(), r);
      } catch (IOException e) {
        throw rejects.writeFailed(e);
      }
    }
  }

  /** Reads what is there, or deals with the end of the file. True when anything moved. */
  private boolean step(int max) throws IOException {
    if (current == null && !openPath()) {
      return false;
    }
    discoverSuccessor();
    boolean progressed = readLines(max);
    if (out.size() >= max) {
      return progressed;
    }
    return atEnd() || progressed;
  }

  /** Reads complete lines until {@code max} events or no complete line is left. */
  private boolean readLines(int max) throws IOException {
    OpenFile f = current;
    boolean progressed = false;
    boolean looked = false;
    while (out.size() < max && outBytes < Source.BATCH_BYTES) {
      long len = f.raf.length();
      if (f.pos >= len) {
        return progressed;
      }
      if (!looked && f.role == Role.LIVE && f.fingerprintBytes > 0) {
        // New bytes: first make sure they follow what was read. A copy-truncate rotation whose
        // file was written past the old position before this look would otherwise be read from
        // the middle of a line; atEnd() deals with it (the rest from the copy, then the file from
        // its start). One look per call, a read of the first bytes.
        looked = true;
        if (truncated(f, len)) {
          return progressed;
        }
      }
      int n = (int) Math.min(buf.length, len - f.pos);
      f.raf.seek(f.pos);
      try {
        f.raf.readFully(buf, 0, n);
      } catch (EOFException e) {
        return progressed; // truncated under us: atEnd() sees it
      }
      if (f.pos == 0 && f.fingerprintBytes < Math.min(FINGERPRINT_BYTES, n)) {
        // The file's first bytes as they were read: its identity for the truncation checks from
        // now on, which a file opened while it was empty (a new log) has none of until here.
        f.fingerprintBytes = Math.min(FINGERPRINT_BYTES, n);
        f.fingerprint = hash(buf, f.fingerprintBytes);
      }
      if (f.pos == 0
          && n >= 3
          && buf[0] == (byte) 0xEF
          && buf[1] == (byte) 0xBB
          && buf[2] == (byte) 0xBF) {
        // A UTF-8 byte order mark before the first line (an editor or a Windows tool) is not part
        // of it, as in LineReader: the first event would otherwise be skipped as a server line.
        f.pos = 3;
        progressed = true;
        continue;
      }
      long base = f.pos;
      int start = 0;
      // Line feeds found eight bytes a step (Utf8.indexOf), not one byte at a time.
      for (int i = 0; out.size() < max && outBytes < Source.BATCH_BYTES; i++) {
        i = Utf8.indexOf(buf, i, n, (byte) '\n');
        if (i == n) {
          break; // no further line feed in what was read
        }
        if (f.discarding) {
          f.discarding = false;
        } else {
          feed(f, start, i, base + start);
        }
        start = i + 1;
        f.pos = base + start;
        progressed = true;
      }
      if (start > 0) {
        continue;
      }
      if (n < buf.length) {
        return progressed; // a partial line: wait until it is complete
      }
      if (f.discarding) {
        f.pos += n;
        progressed = true;
      } else if (buf.length <= StreamSource.MAX_LINE_BYTES) {
        buf = Arrays.copyOf(buf, Math.min(buf.length * 2, StreamSource.MAX_LINE_BYTES + 1));
      } else {
        f.line++;
        stats.lines.incrementAndGet();
        handle(
            new Decoded.Rejected(
                f.line,
                "line longer than "
                    + StreamSource.MAX_LINE_BYTES
                    + " bytes (cut "
                    + "in the rejects file)",
                Utf8.decode(buf, 0, REJECT_KEEP)));
        f.discarding = true;
        f.pos += n;
        progressed = true;
      }
    }
    return progressed;
  }

  /** Hands line bytes {@code buf[from, to)} starting at file offset {@code at} to the decoder. */
  private void feed(OpenFile f, int from, int to, long at) {
    f.line++;
    stats.lines.incrementAndGet();
    f.decoder.line(f.line, buf, from, to - from);
    if (f.decoder.pendingSince() == f.line) {
      f.pendingPos = at;
      f.pendingLine = f.line - 1;
    }
  }

  /**
   * Notices a rotation by rename at once: when the path names a file other than the newest one
   * open, that file is opened now, so its descriptor keeps it readable even if it is rotated again
   * before the files before it are finished.
   */
  private void discoverSuccessor() throws IOException {
    BasicFileAttributes a = attributes(path);
    if (current == null || a == null || !a.isRegularFile()) {
      return;
    }
    OpenFile newest = successors.isEmpty() ? current : successors.peekLast();
    if (sameFile(a, newest)) {
      return;
    }
    RandomAccessFile raf;
    try {
      raf = new RandomAccessFile(path.toFile(), "r");
    } catch (FileNotFoundException e) {
      return;
    }
    if (current.role == Role.LIVE) {
      current.role = Role.ROTATED;
    }
    for (OpenFile f : successors) {
      f.role = Role.ROTATED;
    }
    OpenFile f = new OpenFile(path, raf, key(a), Role.LIVE);
    fingerprint(f, raf.length());
    successors.add(f);
    if (current.role != Role.COPY) { // after copy-truncate the path is expected to be "new"
      LOG.info(
          "The followed file was rotated; the old file is read to its end first. path={}", path);
    }
  }

  /**
   * At the end of the complete lines: rotation, truncation, a held entry to flush. True when
   * anything moved.
   */
  private boolean atEnd() throws IOException {
    OpenFile f = current;
    long now = System.nanoTime();
    long len = f.raf.length();
    if (len != f.lastLength) {
      f.lastLength = len;
      f.changedAt = now;
    }
    boolean idle = now - f.changedAt >= rotateWaitNanos;
    switch (f.role) {
      case COPY -> {
        finish(f);
        LOG.info(
            "Read the rest of the copy of the truncated file; following the file from its start. "
                + "copy={} path={}",
            f.file,
            path);
        advance();
        return true;
      }
      case ROTATED -> {
        if (!idle) {
          return false;
        }
        finish(f);
        LOG.info("Finished the rotated file. rotated={} path={}", f.file, path);
        advance();
        return true;
      }
      default -> {
        if (attributes(path) == null) {
          f.role = Role.ROTATED;
          LOG.info(
              "The followed file was removed or renamed; reading it to its end. path={}", path);
          return true;
        }
        if (truncated(f, len)) {
          truncation(f, len);
          return true;
        }
        if (f.fingerprintBytes < FINGERPRINT_BYTES && len > f.fingerprintBytes) {
          fingerprint(f, len);
        }
        if (idle && f.decoder.pendingSince() >= 0) {
          // slog writes a multi-line entry in one write; nothing more came, so the entry is
          // complete.
          f.decoder.finish();
          return true;
        }
        return false;
      }
    }
  }

  /** Moves on to the file that replaced the finished one (or waits for the path). */
  private void advance() throws IOException {
    current = successors.poll();
    if (current == null) {
      openPath();
    } else {
      LOG.info("Following the next file from its start. path={} role={}", path, current.role);
    }
  }

  /** The current file shrank or its first bytes changed: copy-truncate rotation. */
  private void truncation(OpenFile f, long len) throws IOException {
    long pos = f.pos;
    Path copy = findSibling(p -> !p.equals(path), f.fingerprint, f.fingerprintBytes, pos, null);
    if (copy != null) {
      LOG.info(
          "The followed file was truncated (copy-truncate rotation); reading the rest from its copy. "
              + "path={} copy={} offset={}",
          path,
          copy,
          pos);
      RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "r");
      OpenFile c = new OpenFile(copy, raf, key(attributes(copy)), Role.COPY);
      c.pos = pos;
      c.line = f.line;
      c.fingerprint = f.fingerprint;
      c.fingerprintBytes = f.fingerprintBytes;
      c.decoder = f.decoder;
      c.pendingPos = f.pendingPos;
      c.pendingLine = f.pendingLine;
      c.discarding = f.discarding;
      f.raf.close();
      current = c;
      return;
    }
    LOG.warn(
        "The followed file was truncated and no copy of it was found beside it; lines written after the last "
            + "read and before the truncation may be missing. path={} offset={} size={}",
        path,
        pos,
        len);
    f.decoder.finish();
    f.raf.close();
    current = null;
    advance();
  }

  /** Ends a file: a last line without newline is taken as it is, a held entry is emitted. */
  private void finish(OpenFile f) throws IOException {
    long len = f.raf.length();
    if (len > f.pos && !f.discarding && len - f.pos <= StreamSource.MAX_LINE_BYTES) {
      int n = (int) (len - f.pos);
      if (buf.length < n) {
        buf = new byte[n];
      }
      f.raf.seek(f.pos);
      f.raf.readFully(buf, 0, n);
      feed(f, 0, n, f.pos);
      f.pos = len;
    } else if (len > f.pos && !f.discarding) {
      // A final line without newline that is longer than the limit: quarantined like any over-long
      // line,
      // never skipped silently.
      int keep = REJECT_KEEP;
      byte[] head = new byte[keep];
      f.raf.seek(f.pos);
      f.raf.readFully(head, 0, keep);
      f.line++;
      stats.lines.incrementAndGet();
      handle(
          new Decoded.Rejected(
              f.line,
              "line longer than "
                  + StreamSource.MAX_LINE_BYTES
                  + " bytes (cut "
                  + "in the rejects file)",
              Utf8.decode(head, 0, keep)));
      f.pos = len;
    }
    f.decoder.finish();
    lastPosition = f.position();
    f.raf.close();
    current = null;
  }

  /**
   * Opens the file at the followed path (first start: at {@code start_at}); false while it does not
   * exist.
   */
  private boolean openPath() throws IOException {
    BasicFileAttributes a = attributes(path);
    if (a == null) {
      waiting("missing", () -> LOG.info("Waiting for the followed file to appear. path={}", path));
      return false;
    }
    if (!a.isRegularFile()) {
      // Not "not there yet": a typo naming the log's directory, say, which waits for ever.
      waiting(
          "not a file",
          () ->
              LOG.warn(
                  "The followed path is {}, not a file; waiting for a file to take its place. Fix:"
                      + " set source.path to the log file itself. path={}",
                  a.isDirectory() ? "a directory" : "not a regular file",
                  path));
      return false;
    }
    RandomAccessFile raf;
    try {
      raf = new RandomAccessFile(path.toFile(), "r");
    } catch (FileNotFoundException e) {
      // Permission denied, usually (the file exists): said once, tried again at every poll.
      waiting(
          "unreadable",
          () ->
              LOG.warn(
                  "The followed file cannot be opened; trying again. path={} error=\"{}\"",
                  path,
                  Logfmt.q(e.getMessage())));
      return false;
    }
    waitingFor = null;
    OpenFile f = new OpenFile(path, raf, key(a), Role.LIVE);
    long len = raf.length();
    if (firstStart && startAtEnd) {
      f.pos = endOfLastLine(raf, len);
      f.line = countLines(raf, f.pos);
    }
    firstStart = false;
    fingerprint(f, len);
    current = f;
    LOG.info("Following file. path={} offset={}", path, f.pos);
    return true;
  }

  /**
   * Finds the checkpoint's file: at the path, renamed beside it, or as the copy of a truncated
   * file.
   */
  private void resume(FollowCheckpoint cp) throws IOException {
    BasicFileAttributes a = attributes(path);
    if (a != null
        && a.isRegularFile()
        && keyMatches(key(a), cp.fileKey())
        && matches(path, cp.fingerprint(), cp.fingerprintBytes(), cp.offset())) {
      open(path, cp, Role.LIVE);
      return;
    }
    Path renamed =
        findSibling(p -> true, cp.fingerprint(), cp.fingerprintBytes(), cp.offset(), cp.fileKey());
    if (renamed != null && cp.fileKey() != null) {
      LOG.info(
          "The followed file was rotated while stopped; reading the rest of the rotated file first. "
              + "rotated={} path={}",
          renamed,
          path);
      open(renamed, cp, Role.ROTATED);
      return;
    }
    Path copy =
        findSibling(
            p -> !p.equals(path), cp.fingerprint(), cp.fingerprintBytes(), cp.offset(), null);
    if (copy != null) {
      LOG.info(
          "The followed file was truncated while stopped; reading the rest from its copy first. "
              + "copy={} path={}",
          copy,
          path);
      open(copy, cp, Role.COPY);
      return;
    }
    LOG.warn(
        "The file in the checkpoint is gone (rotated and removed, or replaced while stopped); the followed "
            + "file is read from its start, and lines written to the old file after the checkpoint may be missing. "
            + "path={} checkpointed_file={} offset={}",
        path,
        cp.file(),
        cp.offset());
  }

  private void open(Path file, FollowCheckpoint cp, Role role) throws IOException {
    RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
    OpenFile f = new OpenFile(file, raf, key(attributes(file)), role);
    f.pos = cp.offset();
    f.line = cp.line();
    f.fingerprint = cp.fingerprint();
    f.fingerprintBytes = cp.fingerprintBytes();
    current = f;
    LOG.info(
        "Following file from the checkpoint. path={} file={} offset={}", path, file, cp.offset());
  }

  // ------------------------------------------------------------------ identity

  private boolean sameFile(BasicFileAttributes a, OpenFile f) throws IOException {
    String k = key(a);
    if (k != null && f.fileKey != null) {
      return k.equals(f.fileKey);
    }
    // No file keys on this platform: the same first bytes stand for the same file.
    return matches(path, f.fingerprint, f.fingerprintBytes, 0);
  }

  private static boolean keyMatches(String actual, String expected) {
    return expected == null || actual == null || expected.equals(actual);
  }

  private boolean truncated(OpenFile f, long len) throws IOException {
    if (len < f.pos || len < f.fingerprintBytes) {
      return true;
    }
    return !hash(f.raf, f.fingerprintBytes).equals(f.fingerprint);
  }

  private void fingerprint(OpenFile f, long len) throws IOException {
    int n = (int) Math.min(FINGERPRINT_BYTES, len);
    f.fingerprint = hash(f.raf, n);
    f.fingerprintBytes = n;
  }

  /**
   * True when {@code file} starts with the fingerprinted bytes and holds at least {@code minSize}
   * bytes.
   */
  private static boolean matches(Path file, String fingerprint, int bytes, long minSize)
      throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long len = raf.length();
      return len >= minSize && len >= bytes && hash(raf, bytes).equals(fingerprint);
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /**
   * A file beside the followed one whose name starts with its name (where logrotate and most
   * rotators put rotated files), with the given first bytes, at least {@code minSize} long and
   * (when {@code fileKey} is given) that file key. The newest such file wins.
   */
  private Path findSibling(
      Predicate<Path> filter, String fingerprint, int bytes, long minSize, String fileKey)
      throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    String name = path.getFileName().toString();
    Path best = null;
    long bestTime = Long.MIN_VALUE;
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(name))) {
      for (Path p : ds) {
        Path candidate = path.isAbsolute() ? p : path.resolveSibling(p.getFileName());
        BasicFileAttributes a = attributes(p);
        if (a == null || !a.isRegularFile() || !filter.test(candidate)) {
          continue;
        }
        if (fileKey != null && !fileKey.equals(key(a))) {
          continue;
        }
        if (matches(p, fingerprint, bytes, minSize) && a.lastModifiedTime().toMillis() > bestTime) {
          best = candidate;
          bestTime = a.lastModifiedTime().toMillis();
        }
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    return best;
  }

  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static String key(BasicFileAttributes a) {
    return a == null || a.fileKey() == null ? null : a.fileKey().toString();
  }

  private static String hash(RandomAccessFile raf, int n) throws IOException {
    byte[] b = new byte[n];
    raf.seek(0);
    raf.readFully(b);
    return hash(b, n);
  }

  private static String hash(byte[] b, int n) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(b, 0, n);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * The offset after the last newline at or before {@code len} (start_at: end skips a partial last
   * line).
   */
  private static long endOfLastLine(RandomAccessFile raf, long len) throws IOException {
    byte[] b = new byte[8192];
    long end = len;
    while (end > 0) {
      int n = (int) Math.min(b.length, end);
      raf.seek(end - n);
      raf.readFully(b, 0, n);
      for (int i = n - 1; i >= 0; i--) {
        if (b[i] == '\n') {
          return end - n + i + 1;
        }
      }
      end -= n;
    }
    return 0;
  }

  private static long countLines(RandomAccessFile raf, long upTo) throws IOException {
    byte[] b = new byte[64 * 1024];
    long lines = 0;
    long at = 0;
    raf.seek(0);
    while (at < upTo) {
      int n = raf.read(b, 0, (int) Math.min(b.length, upTo - at));
      if (n < 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (b[i] == '\n') {
          lines++;
        }
      }
      at += n;
    }
    return lines;
  }

  @Override
  public String toString() {
    return "FileFollower[" + Objects.toString(path) + "]";
  }
}
