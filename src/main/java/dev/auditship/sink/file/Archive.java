package dev.auditship.sink.file;

import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.Units;
import dev.auditship.io.Logfmt;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotated files next to the active file: new names for rotation, synchronous gzip, recovery of
 * what a crash left behind, and retention. Only files named by {@link RotatedName} for this active
 * file are ever touched; anything else in the directory is left alone.
 *
 * <p>State: the newest stamp seen or handed out, so stamps only increase. Used by one {@link
 * FileSink}, from one thread at a time.
 */
final class Archive {
  private static final Logger LOG = LoggerFactory.getLogger(Archive.class);

  private final String sink;
  private final Path dir;
  private final String active;
  private final FileSinkConfig config;
  private final Opener opener;
  private Instant newest;
  private long deleted;

  Archive(String sink, Path active, FileSinkConfig config, Opener opener) {
    this.opener = opener;
    this.sink = sink;
    this.dir = active.getParent();
    this.active = active.getFileName().toString();
    this.config = config;
  }

  /** Rotated files deleted by retention since start. */
  long deletedByRetention() {
    return deleted;
  }

  /**
   * The path to rename the active file to. Its stamp is {@code lastWrite} to the millisecond, moved
   * just past the newest existing stamp when it is not later (several rotations in one millisecond,
   * or a clock that went back), so names sort by time and never collide.
   */
  Path nextTarget(Instant lastWrite) {
    Instant t = lastWrite.truncatedTo(ChronoUnit.MILLIS);
    if (newest != null && !t.isAfter(newest)) {
      t = newest.plusMillis(1);
    }
    while (taken(t)) {
      t = t.plusMillis(1);
    }
    newest = t;
    return dir.resolve(new RotatedName(active, t, RotatedName.Kind.PLAIN).fileName());
  }

  private boolean taken(Instant t) {
    for (RotatedName.Kind k : RotatedName.Kind.values()) {
      if (Files.exists(dir.resolve(new RotatedName(active, t, k).fileName()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Finishes what a crash may have left half done, applies retention, then compresses rotated files
   * that are still plain (when gzip is on). Never throws: a failure here loses no records (a file
   * is kept rather than deleted), so it is logged and tried again next time.
   */
  void tidy(Instant now) {
    Map<Instant, EnumSet<RotatedName.Kind>> byStamp;
    try {
      byStamp = list();
    } catch (IOException e) {
      LOG.warn(
          "Cannot list the rotated files; retention and compression are tried again later. sink={} "
              + "dir={} error=\"{}\"",
          sink,
          dir,
          Logfmt.q(FileOps.describe(e)));
      return;
    }
    // Crash leftovers. A .gz.tmp is unfinished: delete it (the plain file is still there). A .gz is
    // only
    // ever renamed into place complete and synced, so a plain file next to it is a duplicate.
    for (Map.Entry<Instant, EnumSet<RotatedName.Kind>> e : byStamp.entrySet()) {
      RotatedName n = new RotatedName(active, e.getKey(), RotatedName.Kind.PLAIN);
      EnumSet<RotatedName.Kind> kinds = e.getValue();
      if (kinds.remove(RotatedName.Kind.GZIP_TMP)) {
        deleteLeftover(n.as(RotatedName.Kind.GZIP_TMP), "an unfinished compression");
      }
      if (kinds.contains(RotatedName.Kind.GZIP)
          && kinds.contains(RotatedName.Kind.PLAIN)
          && deleteLeftover(n, "its compressed copy is complete")) {
        kinds.remove(RotatedName.Kind.PLAIN);
      }
    }
    byStamp.values().removeIf(EnumSet::isEmpty);

    List<Instant> stamps = new ArrayList<>(byStamp.keySet()); // oldest first
    int excess = config.maxFiles() > 0 ? stamps.size() - config.maxFiles() : 0;
    Instant cutoff = config.maxAge().isZero() ? null : now.minus(config.maxAge());
    for (int i = 0; i < stamps.size(); i++) {
      Instant stamp = stamps.get(i);
      String reason = null;
      if (i < excess) {
        reason = "max_files=" + config.maxFiles();
      } else if (cutoff != null && stamp.isBefore(cutoff)) {
        reason = "max_age=" + Units.formatDuration(config.maxAge());
      }
      if (reason != null
          && delete(
              new RotatedName(active, stamp, RotatedName.Kind.PLAIN), byStamp.get(stamp), reason)) {
        byStamp.remove(stamp);
      }
    }

    if (config.compress() == FileSinkConfig.Compression.GZIP) {
      for (Map.Entry<Instant, EnumSet<RotatedName.Kind>> e : byStamp.entrySet()) {
        if (e.getValue().equals(EnumSet.of(RotatedName.Kind.PLAIN))) {
          gzip(new RotatedName(active, e.getKey(), RotatedName.Kind.PLAIN));
        }
      }
    }
  }

  /**
   * The rotated files of this active file by stamp, oldest first; updates the newest stamp seen.
   */
  private Map<Instant, EnumSet<RotatedName.Kind>> list() throws IOException {
    Map<Instant, EnumSet<RotatedName.Kind>> out = new TreeMap<>();
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(active + "."))) {
      for (Path p : ds) {
        RotatedName n = RotatedName.parse(active, p.getFileName().toString());
        if (n != null) {
          out.computeIfAbsent(n.stamp(), k -> EnumSet.noneOf(RotatedName.Kind.class)).add(n.kind());
          if (newest == null || n.stamp().isAfter(newest)) {
            newest = n.stamp();
          }
        }
      }
    }
    return out;
  }

  private boolean delete(RotatedName plain, EnumSet<RotatedName.Kind> kinds, String reason) {
    boolean all = true;
    for (RotatedName.Kind k : kinds) {
      Path p = dir.resolve(plain.as(k).fileName());
      try {
        if (Files.deleteIfExists(p)) {
          deleted++;
          LOG.info(
              "Deleted a rotated file by retention. sink={} file={} reason={}", sink, p, reason);
        }
      } catch (IOException e) {
        all = false;
        LOG.warn(
            "Cannot delete a rotated file; retention tries again later. sink={} file={} error=\"{}\"",
            sink,
            p,
            Logfmt.q(FileOps.describe(e)));
      }
    }
    return all;
  }

  private boolean deleteLeftover(RotatedName n, String why) {
    Path p = dir.resolve(n.fileName());
    try {
      Files.deleteIfExists(p);
      LOG.info("Deleted a file left by an interrupted rotation: {}. sink={} file={}", why, sink, p);
      return true;
    } catch (IOException e) {
      LOG.warn(
          "Cannot delete a file left by an interrupted rotation. sink={} file={} error=\"{}\"",
          sink,
          p,
          Logfmt.q(FileOps.describe(e)));
      return false;
    }
  }

  /**
   * Compresses one rotated file so that a crash at any point leaves the plain file or the complete
   * {@code .gz}, never a truncated {@code .gz} in its place: write {@code .gz.tmp}, sync it, rename
   * it to {@code .gz}, sync the directory, and only then delete the plain file. Also with {@code
   * fsync: false}, which only lets recent batches go unsynced, never a file rotated long ago.
   */
  private void gzip(RotatedName plainName) {
    Path plain = dir.resolve(plainName.fileName());
    Path tmp = dir.resolve(plainName.as(RotatedName.Kind.GZIP_TMP).fileName());
    Path gz = dir.resolve(plainName.as(RotatedName.Kind.GZIP).fileName());
    try {
      try (FileChannel ch =
              opener.open(
                  tmp,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING);
          GZIPOutputStream out = new GZIPOutputStream(Channels.newOutputStream(ch), 64 * 1024)) {
        Files.copy(plain, out);
        out.finish();
        // Synced whatever fsync says: the plain file is deleted next, so an unsynced .gz could be
        // all that is left of it after a power cut (an empty one, with delayed allocation). Once
        // per rotation, so cheap.
        ch.force(true);
      }
      Files.move(tmp, gz);
      opener.syncDirectory(dir);
      Files.delete(plain);
      LOG.debug("Compressed a rotated file. sink={} file={}", sink, gz);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Deleted at the next tidy.
      }
      LOG.warn(
          "Cannot compress a rotated file; it is kept uncompressed and compressed at the next rotation. "
              + "sink={} file={} error=\"{}\"",
          sink,
          plain,
          Logfmt.q(FileOps.describe(e)));
    }
  }
}
