package dev.auditship.config;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code type: file}: one record per line in a file that rotates by size and by time
 * (docs/file-sink.md). Parsing only checks the values; whether the path can be written is found out
 * when the sink runs (or by {@code validate --check-connectivity}).
 *
 * @param path the active file; rotated files are written next to it
 * @param maxBytes rotate before a record would make the active file larger than this; 0 for no size
 *     rotation
 * @param rotateEvery rotate at the first record after each boundary of this period (UTC, aligned to
 *     multiples of the period since 1970-01-01T00:00Z); {@link Duration#ZERO} for none
 * @param maxFiles rotated files to keep (the newest); 0 to keep any number
 * @param maxAge delete rotated files whose last record was written longer ago than this; ZERO for
 *     none
 * @param compress what happens to a file once it is rotated
 * @param fsync force every batch to disk before it counts as delivered
 */
public record FileSinkConfig(
    Path path,
    long maxBytes,
    Duration rotateEvery,
    int maxFiles,
    Duration maxAge,
    Compression compress,
    boolean fsync)
    implements SinkSettings {

  /**
   * The default active file: the one the default config writes when its sink type is changed to
   * file.
   */
  public static final Path DEFAULT_PATH = Path.of("out", "coder-events.log");

  public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;
  public static final int DEFAULT_MAX_FILES = 10;

  /**
   * The smallest non-zero max_bytes: below it nearly every record would go into a file of its own.
   */
  static final long MIN_MAX_BYTES = 1024;

  static final long MAX_MAX_BYTES = 1024L * 1024 * 1024 * 1024;
  static final Duration MIN_ROTATE_EVERY = Duration.ofMinutes(1);
  static final Duration MAX_ROTATE_EVERY = Duration.ofDays(366);
  static final Duration MAX_MAX_AGE = Duration.ofDays(3650);
  private static final Duration DAY = Duration.ofDays(1);

  /** Compression of rotated files. */
  public enum Compression {
    NONE("none"),
    GZIP("gzip");

    private final String word;

    Compression(String word) {
      this.word = word;
    }

    /** The word used in the config. */
    public String word() {
      return word;
    }
  }

  public FileSinkConfig {
    if (path == null
        || maxBytes < 0
        || rotateEvery == null
        || rotateEvery.isNegative()
        || maxFiles < 0
        || maxAge == null
        || maxAge.isNegative()
        || compress == null) {
      throw new IllegalArgumentException("invalid file sink settings");
    }
  }

  /** The defaults, writing to {@code path}. */
  public static FileSinkConfig defaults(Path path) {
    return new FileSinkConfig(
        path,
        DEFAULT_MAX_BYTES,
        Duration.ZERO,
        DEFAULT_MAX_FILES,
        Duration.ZERO,
        Compression.NONE,
        true);
  }

  public static FileSinkConfig parse(Section s) {
    Path path = s.resolve(path(s));

    long maxBytes = s.bytes("max_bytes", DEFAULT_MAX_BYTES, 0, MAX_MAX_BYTES);
    if (maxBytes > 0 && maxBytes < MIN_MAX_BYTES) {
      s.problem(
          "max_bytes",
          maxBytes
              + " bytes is less than 1KiB: nearly every record would go into a file "
              + "of its own",
          "use 0 for no size rotation, or a size of at least 1KiB, for example 100MiB");
      maxBytes = DEFAULT_MAX_BYTES;
    }

    Duration rotateEvery =
        s.duration("rotate_every", Duration.ZERO, Duration.ZERO, MAX_ROTATE_EVERY);
    if (!rotateEvery.isZero()) {
      String problem = null;
      String fix =
          "use 0 for no time rotation, a period that divides a day (for example 15m, 1h, 6h, 12h) "
              + "or whole days (1d, 7d)";
      String text = Units.formatDuration(rotateEvery);
      if (rotateEvery.compareTo(MIN_ROTATE_EVERY) < 0) {
        problem = text + " is shorter than one minute";
      } else if (rotateEvery.compareTo(DAY) < 0 && DAY.toMillis() % rotateEvery.toMillis() != 0) {
        // Boundaries are multiples of the period since the epoch; only a divisor of a day puts them
        // at the same UTC clock times every day (1h: every full hour, 6h: 00:00, 06:00, ...).
        problem =
            text
                + " does not divide a day evenly, so rotations would not fall at the same "
                + "clock times every day";
      } else if (rotateEvery.compareTo(DAY) > 0 && rotateEvery.toMillis() % DAY.toMillis() != 0) {
        problem = text + " is longer than a day but not a whole number of days";
      }
      if (problem != null) {
        s.problem("rotate_every", problem, fix);
        rotateEvery = Duration.ZERO;
      }
    }

    int maxFiles = (int) s.integer("max_files", DEFAULT_MAX_FILES, 0, 100_000);
    Duration maxAge = s.duration("max_age", Duration.ZERO, Duration.ZERO, MAX_MAX_AGE);
    String compress =
        s.oneOf(
            "compress",
            Compression.NONE.word(),
            List.of(Compression.NONE.word(), Compression.GZIP.word()));
    boolean fsync = s.bool("fsync", true);
    return new FileSinkConfig(
        path,
        maxBytes,
        rotateEvery,
        maxFiles,
        maxAge,
        Compression.GZIP.word().equals(compress) ? Compression.GZIP : Compression.NONE,
        fsync);
  }

  private static Path path(Section s) {
    String text = s.string("path", null);
    if (text == null) {
      return DEFAULT_PATH;
    }
    String fix = "give the file the records go to, for example out/coder-events.log";
    if (text.isBlank()) {
      s.problem("path", "must not be empty", fix);
      return DEFAULT_PATH;
    }
    if (text.endsWith("/") || text.endsWith(File.separator)) {
      s.problem("path", "\"" + text + "\" ends with a separator, so it names a directory", fix);
      return DEFAULT_PATH;
    }
    Path p;
    try {
      p = Path.of(text);
    } catch (InvalidPathException e) {
      s.problem("path", "\"" + text + "\" is not a valid path: " + e.getReason(), fix);
      return DEFAULT_PATH;
    }
    Path name = p.getFileName();
    if (name == null || name.toString().equals(".") || name.toString().equals("..")) {
      s.problem("path", "\"" + text + "\" names a directory", fix);
      return DEFAULT_PATH;
    }
    return p;
  }
}
