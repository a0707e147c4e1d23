package dev.auditship.sink.file;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a rotated file: {@code <active name>.<stamp>[.gz]}, for example {@code
 * coder-events.log.20250703T071244.381Z.gz}. The stamp is the UTC time of the last write into the
 * file, in ISO 8601 basic format with milliseconds. It has a fixed width, so names sort by time as
 * plain strings ({@code ls}, a glob), and {@link Archive#nextTarget} makes every new stamp later
 * than every existing one, so names never collide. {@code .gz.tmp} is a compression in progress (or
 * cut short by a crash); it is never a finished file.
 *
 * @param active the active file's name (without directory)
 * @param stamp the last write into the file, whole milliseconds
 * @param kind plain, compressed, or compression in progress
 */
record RotatedName(String active, Instant stamp, Kind kind) {

  /** What a rotated file holds. */
  enum Kind {
    PLAIN(""),
    GZIP(".gz"),
    GZIP_TMP(".gz.tmp");

    final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }
  }

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'", Locale.ROOT);
  private static final Pattern TAIL =
      Pattern.compile("(\\d{8}T\\d{6}\\.\\d{3}Z)(|\\.gz|\\.gz\\.tmp)");

  String fileName() {
    return active
        + "."
        + STAMP.format(LocalDateTime.ofInstant(stamp, ZoneOffset.UTC))
        + kind.suffix;
  }

  RotatedName as(Kind k) {
    return new RotatedName(active, stamp, k);
  }

  /**
   * The rotated name {@code fileName} stands for, or {@code null} when it is not a rotated file of
   * {@code active}.
   */
  static RotatedName parse(String active, String fileName) {
    if (!fileName.startsWith(active + ".")) {
      return null;
    }
    Matcher m = TAIL.matcher(fileName.substring(active.length() + 1));
    if (!m.matches()) {
      return null;
    }
    Instant stamp;
    try {
      stamp = LocalDateTime.parse(m.group(1), STAMP).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
    Kind kind =
        switch (m.group(2)) {
          case "" -> Kind.PLAIN;
          case ".gz" -> Kind.GZIP;
          default -> Kind.GZIP_TMP;
        };
    return new RotatedName(active, stamp, kind);
  }
}
