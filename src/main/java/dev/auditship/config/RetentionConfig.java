package dev.auditship.config;

import java.time.Duration;

/**
 * Retention of one of the exporter's own NDJSON files (the dead-letter file and the rejects file):
 * the file is renamed aside (rotated) when it would grow past {@code maxBytes}, and rotated files
 * are deleted once they are older than {@code maxAge}. As in Coder's own retention settings
 * (docs/coder-reference.md §9), durations read like {@code 90d} and 0 keeps files forever, which is
 * the default: these files hold audit events that were not delivered, so deleting them must be an
 * explicit choice.
 *
 * @param maxBytes size at which the file is rotated
 * @param maxAge rotated files older than this are deleted; {@link Duration#ZERO} keeps them
 */
public record RetentionConfig(long maxBytes, Duration maxAge) {
  public static final RetentionConfig DEFAULT =
      new RetentionConfig(100L * 1024 * 1024, Duration.ZERO);

  /** Reads {@code <prefix>_max_bytes} and {@code <prefix>_max_age} from {@code s}. */
  static RetentionConfig parse(Section s, String prefix) {
    long maxBytes =
        s.bytes(prefix + "_max_bytes", DEFAULT.maxBytes(), 64 * 1024, Long.MAX_VALUE / 2);
    Duration maxAge =
        s.duration(prefix + "_max_age", DEFAULT.maxAge(), Duration.ZERO, Duration.ofDays(36500));
    return new RetentionConfig(maxBytes, maxAge);
  }
}
