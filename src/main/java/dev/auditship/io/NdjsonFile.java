package dev.auditship.io;

import dev.auditship.config.RetentionConfig;
import dev.auditship.text.Utf8;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only NDJSON file (rejects, dead letters) that is written and forced to disk per call,
 * so a record handed to it survives a crash. Created with its parent directories on first use; the
 * directory is synced after every create, so the file's name survives a power cut too. Thread-safe.
 *
 * <p>With a {@link RetentionConfig}: before a line would take the file past {@code max_bytes}, the
 * file is renamed aside to {@code <name>-<UTC time>.<ext>} (for example {@code
 * dead-letters-20250703T071244123Z.ndjson}) and a new one is started, so no line is ever split or
 * lost by rotation. Rotated files whose rotation time is older than {@code max_age} are deleted
 * (every line in them is at least that old); this is checked when the file is opened and then at
 * most once a minute while lines are written. Rotations and deletions are counted and logged.
 */
public final class NdjsonFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NdjsonFile.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Duration AGE_CHECK_EVERY = Duration.ofMinutes(1);

  private final Path path;
  private final RetentionConfig retention;
  private final Clock clock;
  private final Pattern rotatedName;
  private final Consumer<Path> syncDirectory;
  private FileChannel channel;
  private long size;

  /** The file was renamed aside and the directory not synced since. */
  private boolean renamed;

  /**
   * Where a line cut short by a failure began: the file is cut back to it when next opened; -1 when
   * none.
   */
  private long truncateOnOpen = -1;

  private long lines;
  private long rotations;
  private long deletions;
  private Instant nextAgeCheck = Instant.MIN;

  public NdjsonFile(Path path) {
    this(path, null, Clock.systemUTC());
  }

  /** A file rotated and aged out by {@code retention} ({@code null}: grows forever). */
  public NdjsonFile(Path path, RetentionConfig retention, Clock clock) {
    this(path, retention, clock, AtomicFiles::syncDirectory);
  }

  /** As above; tests observe the directory syncs through {@code syncDirectory}. */
  NdjsonFile(Path path, RetentionConfig retention, Clock clock, Consumer<Path> syncDirectory) {
    this.syncDirectory = syncDirectory;
    this.path = path;
    this.retention = retention;
    this.clock = clock;
    String[] se = stemAndExt();
    this.rotatedName =
        Pattern.compile(
            Pattern.quote(se[0]) + "-(\\d{8}T\\d{9}Z)(?:-\\d+)?" + Pattern.quote(se[1]));
  }

  /**
   * What in the file system's shape stands in the way of creating {@code path} (with its
   * directories) and appending to it, as a sentence, or {@code null} when nothing does: the path is
   * a directory, or one of its parents is a file. Looked at without creating anything, so that a
   * start or {@code validate} can say so before the first line needs the file. Permissions are not
   * judged here: the user, the directories and the mounts a service runs with (systemd's {@code
   * DynamicUser}, {@code StateDirectory}) are often not those of whoever runs {@code validate}, and
   * a failed write names its reason when it happens.
   */
  public static String obstacle(Path path) {
    Path f = path.toAbsolutePath();
    if (Files.isDirectory(f)) {
      return f + " is a directory, not a file";
    }
    if (Files.exists(f)) {
      return null;
    }
    Path p = f.getParent() == null ? null : AtomicFiles.nearestExisting(f.getParent());
    if (p != null && !Files.isDirectory(p)) {
      return p + " is a file, not a directory";
    }
    return null;
  }

  /** Why writing failed: {@link #obstacle} when something stands in the way, else the error. */
  public String failure(IOException e) {
    String o = obstacle(path);
    if (o != null) {
      return o;
    }
    if (e instanceof FileSystemException f
        && f.getFile() != null
        && Path.of(f.getFile()).toAbsolutePath().equals(path.toAbsolutePath())) {
      return IoErrors.reason(e); // the file is named already: "permission denied"
    }
    return IoErrors.describe(e);
  }

  public Path path() {
    return path;
  }

  /** Appends one JSON object (without newline) and syncs it to disk. */
  public synchronized void append(CharSequence json) throws IOException {
    byte[] b = Utf8.encode(json.toString() + "\n");
    if (channel == null) {
      open();
    }
    if (retention != null && size > 0 && size + b.length > retention.maxBytes()) {
      rotate();
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (ClosedChannelException e) {
      // An interrupt (shutdown cutting a delivery short) closes an NIO channel for good: reopen
      // next time,
      // and cut off whatever part of the line got written, so the caller's retry leaves one whole
      // line.
      channel = null;
      truncateOnOpen = size;
      throw e;
    } catch (IOException e) {
      // Disk full or an I/O error part-way: remove the fragment so a retry does not glue a line
      // onto it.
      try {
        channel.truncate(size);
      } catch (IOException ignored) {
        truncateOnOpen = size;
        closeQuietly();
      }
      throw e;
    }
    size += b.length;
    lines++;
    if (retention != null
        && !retention.maxAge().isZero()
        && !clock.instant().isBefore(nextAgeCheck)) {
      deleteExpired();
    }
  }

  private void closeQuietly() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // already failing
    }
    channel = null;
  }

  private void open() throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      AtomicFiles.createDirectories(parent).forEach(syncDirectory);
    }
    boolean created = !Files.exists(path);
    channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if ((created || renamed) && parent != null) {
      // A line counts as kept once appended, and fdatasync does not make a new file's name durable
      // (fsync(2)); after a rotation this one sync also covers the rename.
      syncDirectory.accept(parent);
    }
    renamed = false;
    size = channel.size();
    if (truncateOnOpen >= 0 && size > truncateOnOpen) {
      channel.truncate(truncateOnOpen);
      size = truncateOnOpen;
    }
    truncateOnOpen = -1;
    if (size > 0 && lastByte() != '\n') {
      // A line cut by a crash (or a full disk) in an earlier run: the next line starts on a line
      // of its own, not glued to it (readers such as replay read line by line).
      LOG.warn(
          "The file ends in the middle of a line (a write was cut short); the next line starts on a"
              + " new line and the cut line stays as it is. file={}",
          path);
      ByteBuffer nl = ByteBuffer.wrap(new byte[] {'\n'});
      while (nl.hasRemaining()) {
        channel.write(nl);
      }
      channel.force(false);
      size++;
    }
    if (retention != null && !retention.maxAge().isZero()) {
      deleteExpired();
    }
  }

  private byte lastByte() throws IOException {
    // A channel of its own: an appending channel cannot read.
    try (FileChannel r = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      r.read(b, size - 1);
      return b.get(0);
    }
  }

  private void rotate() throws IOException {
    channel.close();
    channel = null;
    String[] se = stemAndExt();
    String stamp = STAMP.format(clock.instant());
    Path target = path.resolveSibling(se[0] + "-" + stamp + se[1]);
    for (int i = 1; Files.exists(target); i++) {
      target = path.resolveSibling(se[0] + "-" + stamp + "-" + i + se[1]);
    }
    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
    renamed = true;
    rotations++;
    LOG.info(
        "File rotated: it reached its max_bytes. file={} rotated_to={} bytes={} max_bytes={}",
        path,
        target.getFileName(),
        size,
        retention.maxBytes());
    open();
  }

  private void deleteExpired() {
    Instant now = clock.instant();
    nextAgeCheck = now.plus(AGE_CHECK_EVERY);
    Instant limit = now.minus(retention.maxAge());
    Path dir = path.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = rotatedName.matcher(p.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        Instant rotated;
        try {
          rotated = Instant.from(STAMP.parse(m.group(1)));
        } catch (DateTimeParseException e) {
          continue;
        }
        if (rotated.isBefore(limit)) {
          Files.deleteIfExists(p);
          deletions++;
          LOG.info(
              "Rotated file deleted: everything in it is older than max_age. file={} rotated_at={} "
                  + "max_age={}",
              p,
              rotated,
              dev.auditship.config.Units.formatDuration(retention.maxAge()));
        }
      }
    } catch (IOException e) {
      LOG.warn(
          "Cannot delete rotated files older than max_age; retried later. dir={} error=\"{}\"",
          dir,
          Logfmt.q(e.toString()));
    }
  }

  /** {@code [stem, .ext]} of the file name ({@code .ext} empty when there is none). */
  private String[] stemAndExt() {
    String n = path.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? new String[] {n.substring(0, dot), n.substring(dot)} : new String[] {n, ""};
  }

  /** Records appended by this process. */
  public synchronized long count() {
    return lines;
  }

  /** Times this process rotated the file. */
  public synchronized long rotations() {
    return rotations;
  }

  /** Rotated files this process deleted because they were older than {@code max_age}. */
  public synchronized long deletions() {
    return deletions;
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
