package dev.auditship.config;

import dev.auditship.event.EnvelopeDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole configuration file (docs/design.md §5).
 *
 * @param source where events come from
 * @param filter the global filter, or {@code null}
 * @param coder Coder URL and token for filter name lookups, or {@code null}
 * @param envelope caller/func/logger_names for events that arrive without them
 * @param humanTime {@code rc1} (current Coder) or {@code v3} rendering of {@code Time} in human
 *     records
 * @param sinks the sinks, in file order
 * @param dataDir directory for state: checkpoints, rejects, dead letters, spools
 * @param rejectsFile NDJSON file for input lines that claim to be events but are broken
 * @param deadLetterFile NDJSON file for events a destination refused for good
 * @param batchMaxEvents most events read from the source per batch
 * @param batchLinger how long a batch waits for more events before it is sent
 * @param shutdownTimeout how long shutdown may spend delivering what was read
 * @param statsInterval how often counters are logged (0 = only at shutdown)
 * @param rejectsRetention rotation and deletion of the rejects file ({@code rejects_max_bytes},
 *     {@code rejects_max_age})
 * @param deadLetterRetention rotation and deletion of the dead-letter file ({@code
 *     dead_letter_max_bytes}, {@code dead_letter_max_age})
 * @param metrics the metrics and health listener, or {@code null} (off)
 */
public record AuditshipConfig(
    SourceConfig source,
    FilterRef filter,
    CoderConfig coder,
    EnvelopeDefaults envelope,
    String humanTime,
    List<SinkConfig> sinks,
    Path dataDir,
    Path rejectsFile,
    Path deadLetterFile,
    int batchMaxEvents,
    Duration batchLinger,
    Duration shutdownTimeout,
    Duration statsInterval,
    RetentionConfig rejectsRetention,
    RetentionConfig deadLetterRetention,
    MetricsConfig metrics) {
  public AuditshipConfig {
    sinks = List.copyOf(sinks);
  }
}
