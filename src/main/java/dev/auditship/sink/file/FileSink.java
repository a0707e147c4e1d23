package dev.auditship.sink.file;

import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.Units;
import dev.auditship.io.AtomicFiles;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: file}: one record per line (a multi-line human record exactly as slog prints it,
 * then {@code "\n"}) appended to the active file, flushed and, with {@code fsync: true}, forced to
 * disk once per batch before the batch counts as delivered. The active file rotates by size and by
 * time; rotated files are optionally gzipped and kept by count and by age (docs/file-sink.md).
 *
 * <p><b>Why not logback-core's RollingFileAppender.</b> A logback appender swallows write errors:
 * they go to the status manager and {@code doAppend} returns normally, so the caller cannot tell a
 * delivered record from a failed one, which breaks the delivery contract (docs/design.md §4:
 * delivered / retry, the source commits only after the sink accepted). Its compression also runs
 * asynchronously, so "rotated and compressed" is not a state this sink could rely on or report.
 * This small rolling writer returns every I/O failure as {@link Outcome#retry} and does all its
 * work inside {@link #send}.
 *
 * <p><b>Rotation by rename.</b> The active file is renamed to {@code
 * <name>.<yyyyMMdd'T'HHmmss.SSS'Z'>} (the UTC time of its last write; see {@link RotatedName}) and
 * a new active file is created under the original name. A collector that follows the file by name
 * ({@code tail -F}, Filebeat, Splunk's universal forwarder) finishes the renamed file through its
 * open descriptor and then opens the new one. Nothing is written to a file after it was renamed. A
 * record is never split across files: size rotation happens before the record that would make the
 * file larger than {@code max_bytes}; a record larger than {@code max_bytes} goes alone into a
 * file. Time rotation happens at the first record after a boundary of {@code rotate_every} (UTC),
 * also when the boundary passed while the exporter was not running (the active file's modification
 * time is its last write). An idle sink does not rotate; no empty files are made.
 *
 * <p><b>Failures and partial writes.</b> A fault only the operator can fix (the path is a
 * directory, a parent is a file, permission denied, a read-only file system) returns {@link
 * Outcome#configFault}: the sink pauses with one ERROR naming the fix and probes until it works.
 * Any other I/O failure (disk full, a failed sync) returns {@link Outcome#retry} for the whole
 * batch with the reason. Either way the file is closed; the next attempt opens it again. Delivery
 * is at-least-once: records of the failed batch that were already written (before the failure or
 * before a rotation that failed) are written again by the retry, so lines may repeat (each carries
 * Coder's event ID for de-duplication). The file is never truncated (a follower that sees a file
 * shrink re-reads it from the start); instead, when the file ends in the middle of a record (a
 * write cut short by a full disk or a crash), a {@code "\n"} is appended when it is opened again,
 * so the cut-off fragment stays a line of its own and the next record starts on a fresh line.
 *
 * <p><b>Concurrency and state.</b> Called from one thread at a time (the {@link Sink} contract);
 * not thread-safe. State: the open channel of the active file, its size and last write time, and
 * the {@link Archive} of rotated files. Opening happens at the first {@link #send}, not in the
 * constructor, so building a pipeline (or {@code validate --check-connectivity}) creates no file.
 */
public final class FileSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

  /** How often retention by age runs between rotations while records are written. */
  static final Duration TIDY_INTERVAL = Duration.ofMinutes(1);

  /** A failure whose message is already the whole reason. */
  private static class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * A fault only the operator can fix (the path is a directory, a parent is a file, permission
   * denied, a read-only file system): the sink pauses with one ERROR naming the fix and probes, as
   * the network sinks do for a bad token (docs/file-sink.md).
   */
  private static final class OperatorFault extends Refused {
    OperatorFault(String message) {
      super(message);
    }
  }

  /** A byte buffer whose content can be written without copying. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes() {
      super(64 * 1024);
    }

    ByteBuffer view() {
      return ByteBuffer.wrap(buf, 0, count);
    }
  }

  private final String name;
  private final FileSinkConfig config;
  private final Clock clock;
  private final Opener opener;
  private final Path path;
  private final Path dir;
  private final Archive archive;
  private final Bytes pending = new Bytes();

  private FileChannel channel;
  private long size;

  /** The last write into the active file, or null while it is empty. */
  private Instant lastWrite;

  private Instant lastTidy;
  private long rotations;

  /** The active file was renamed and the directory not synced since. */
  private boolean renamed;

  /** What was being done, for the failure reason. */
  private String step;

  public FileSink(String name, FileSinkConfig config, Clock clock) {
    this(name, config, clock, Opener.DEFAULT);
  }

  FileSink(String name, FileSinkConfig config, Clock clock, Opener opener) {
    this.name = name;
    this.config = config;
    this.clock = clock;
    this.opener = opener;
    this.path = config.path().toAbsolutePath();
    this.dir = path.getParent();
    this.archive = new Archive(name, path, config, opener);
  }

  @Override
  public String name() {
    return name;
  }

  /** The active file (absolute). */
  public Path path() {
    return path;
  }

  /** Rotations done since start. */
  long rotations() {
    return rotations;
  }

  /** Rotated files deleted by retention since start. */
  long deletedByRetention() {
    return archive.deletedByRetention();
  }

  @Override
  public Outcome send(List<SinkRecord> batch) {
    if (batch.isEmpty()) {
      return Outcome.delivered();
    }
    try {
      open();
      Instant now = clock.instant();
      if (timeRotationDue(now)) {
        rotate("rotate_every=" + Units.formatDuration(config.rotateEvery()));
      } else if (!config.maxAge().isZero()
          && (lastTidy == null || !now.isBefore(lastTidy.plus(TIDY_INTERVAL)))) {
        tidy();
      }
      long max = config.maxBytes();
      for (SinkRecord r : batch) {
        byte[] b = r.bytes();
        long before = size + pending.size();
        if (max > 0 && before > 0 && before + b.length + 1 > max) {
          write();
          rotate("max_bytes=" + max);
        }
        pending.write(b, 0, b.length);
        pending.write('\n');
      }
      write();
      return Outcome.delivered();
    } catch (IOException e) {
      pending.reset();
      closeChannel();
      if (e instanceof OperatorFault) {
        return Outcome.configFault(batch, e.getMessage());
      }
      if (e instanceof AccessDeniedException || readOnlyFileSystem(e)) {
        Path where = Files.exists(path) ? path : AtomicFiles.nearestExisting(dir);
        return Outcome.configFault(
            batch,
            step
                + ": "
                + FileOps.describe(e)
                + ". Fix: let the user the exporter runs as write to "
                + where
                + ", or set path: to a writable place (under systemd: below /var/log/auditship)");
      }
      String reason = e instanceof Refused ? e.getMessage() : step + ": " + FileOps.describe(e);
      return Outcome.retry(batch, reason, null);
    }
  }

  /**
   * Whether the active file can be created and written, without creating anything (for {@code
   * validate --check-connectivity}); a reason when not.
   */
  @Override
  public String checkConnectivity() {
    if (Files.isDirectory(path)) {
      return isDirectory();
    }
    if (Files.exists(path)) {
      return Files.isWritable(path) ? null : path + " is not writable";
    }
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return "no part of " + dir + " exists";
    }
    if (!Files.isDirectory(p)) {
      return notDirectory(p);
    }
    return Files.isWritable(p) ? null : "cannot create files in " + p + ": permission denied";
  }

  @Override
  public void close() {
    closeChannel();
  }

  private boolean timeRotationDue(Instant now) {
    if (config.rotateEvery().isZero() || size == 0 || lastWrite == null) {
      return false;
    }
    long period = config.rotateEvery().toMillis();
    return Math.floorDiv(now.toEpochMilli(), period)
        > Math.floorDiv(lastWrite.toEpochMilli(), period);
  }

  /** Opens (or creates) the active file for appending, if it is not open. */
  private void open() throws IOException {
    if (channel != null) {
      return;
    }
    if (Files.isDirectory(path)) {
      throw new OperatorFault(isDirectory());
    }
    if (!Files.isDirectory(dir)) {
      Path p = AtomicFiles.nearestExisting(dir);
      if (p != null && !Files.isDirectory(p)) {
        throw new OperatorFault(
            "cannot create the directory "
                + dir
                + ": "
                + notDirectory(p)
                + ". Fix: move "
                + p
                + " out of the way, or set path: to a file in another directory");
      }
      step = "cannot create the directory " + dir;
      for (Path grew : AtomicFiles.createDirectories(dir)) {
        if (config.fsync()) {
          opener.syncDirectory(grew);
        }
      }
    }
    step = "cannot open " + path;
    boolean created = !Files.exists(path);
    FileChannel ch =
        opener.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    channel = ch;
    if ((created || renamed) && config.fsync()) {
      // fdatasync of the file does not make its name durable (fsync(2)): without this, a power cut
      // could lose a new active file whose batches were already delivered, until the next
      // rotation. After a rotation this one sync also covers the rename.
      step = "cannot sync the directory " + dir;
      opener.syncDirectory(dir);
    }
    renamed = false;
    size = ch.size();
    lastWrite = size > 0 ? Files.getLastModifiedTime(path).toInstant() : null;
    if (size > 0 && lastByte() != '\n') {
      LOG.warn(
          "The active file ends in the middle of a record (a write was cut short); the next record "
              + "starts on a new line and the cut-off line stays as it is. sink={} file={}",
          name,
          path);
      pending.write('\n');
      write();
    }
    tidy();
  }

  private int lastByte() throws IOException {
    step = "cannot read " + path;
    try (FileChannel r = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      return r.read(b, size - 1) == 1 ? b.get(0) : '\n';
    }
  }

  /** Appends the pending bytes and, with fsync, forces them to disk. */
  private void write() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    step = "cannot write " + path;
    ByteBuffer b = pending.view();
    while (b.hasRemaining()) {
      size += channel.write(b);
    }
    pending.reset();
    if (config.fsync()) {
      step = "cannot sync " + path + " to disk";
      channel.force(false);
    }
    lastWrite = clock.instant();
  }

  /**
   * Renames the (written and synced) active file to its rotated name and opens a new active file.
   */
  private void rotate(String reason) throws IOException {
    step = "cannot close " + path;
    FileChannel ch = channel;
    channel = null;
    ch.close();
    Path target = archive.nextTarget(lastWrite != null ? lastWrite : clock.instant());
    step = "cannot rotate " + path + " to " + target.getFileName();
    // A plain rename (never copy and truncate): followers keep reading the renamed file through
    // their
    // open descriptor and find the new file by name. Files.move refuses to replace an existing
    // target.
    Files.move(path, target);
    renamed = true; // the directory is synced by open(), once for the rename and the new file
    rotations++;
    LOG.info(
        "Rotated the active file. sink={} file={} rotated={} bytes={} reason={}",
        name,
        path,
        target.getFileName(),
        size,
        reason);
    size = 0;
    lastWrite = null;
    open();
  }

  private void tidy() {
    Instant now = clock.instant();
    archive.tidy(now);
    lastTidy = now;
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing the active file failed. sink={} file={}", name, path, e);
      }
      channel = null;
    }
  }

  /** EROFS, e.g. a path outside the writable directories of a ProtectSystem=strict service. */
  private static boolean readOnlyFileSystem(IOException e) {
    return e instanceof FileSystemException f
        && f.getReason() != null
        && f.getReason().contains("Read-only file system");
  }

  private String isDirectory() {
    return path
        + " is a directory, not a file: set path: to a file, for example "
        + path.resolve(FileSinkConfig.DEFAULT_PATH.getFileName());
  }

  private static String notDirectory(Path p) {
    return p + " is a file, not a directory";
  }
}
