package dev.auditship.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A network sink's disk spool ({@code spool:} under the sink; docs/design.md §4,
 * docs/reliability.md). Events count as accepted by the sink once they are written and synced here;
 * a background drainer delivers them.
 *
 * @param directory where the segment files live; default {@code <data_dir>/spool/<sink name>}
 * @param maxBytes most bytes of undelivered records; default 1GiB
 * @param whenFull what a full spool does: {@code block} (default: the pipeline waits, nothing is
 *     lost) or {@code drop_newest} (new events are dropped, counted and logged)
 * @param maxAge records older than this are dropped instead of delivered, counted and logged;
 *     {@link Duration#ZERO} (the default) keeps them until delivered
 */
public record SpoolConfig(Path directory, long maxBytes, WhenFull whenFull, Duration maxAge) {
  public static final long DEFAULT_MAX_BYTES = 1024L * 1024 * 1024;

  /** What a full spool does. */
  public enum WhenFull {
    BLOCK("block"),
    DROP_NEWEST("drop_newest");

    private final String word;

    WhenFull(String word) {
      this.word = word;
    }

    /** The word used in the config. */
    public String word() {
      return word;
    }

    static WhenFull of(String word) {
      return word.equals(DROP_NEWEST.word) ? DROP_NEWEST : BLOCK;
    }
  }

  public SpoolConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(whenFull, "whenFull");
    Objects.requireNonNull(maxAge, "maxAge");
  }

  /** True when {@code max_age} is set. */
  public boolean expires() {
    return !maxAge.isZero();
  }

  static SpoolConfig parse(Section s, Path dataDir, String sinkName) {
    Path dir = s.pathValue("directory", dataDir.resolve("spool").resolve(sinkName));
    long maxBytes =
        s.bytes("max_bytes", DEFAULT_MAX_BYTES, 1024L * 1024, 1024L * 1024 * 1024 * 1024 * 16);
    String whenFull =
        s.oneOf(
            "when_full",
            WhenFull.BLOCK.word(),
            List.of(WhenFull.BLOCK.word(), WhenFull.DROP_NEWEST.word()));
    Duration maxAge = s.duration("max_age", Duration.ZERO, Duration.ZERO, Duration.ofDays(3650));
    s.finish();
    return new SpoolConfig(dir, maxBytes, WhenFull.of(whenFull), maxAge);
  }
}
