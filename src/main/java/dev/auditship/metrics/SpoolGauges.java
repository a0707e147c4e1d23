package dev.auditship.metrics;

import java.time.Duration;

/**
 * What a sink's spool holds now.
 *
 * @param records records not yet delivered
 * @param bytes their bytes on disk
 * @param oldestAge age of the oldest of them ({@link Duration#ZERO} when empty)
 * @param quarantined bytes found damaged and moved to the spool's {@code quarantine/} directory
 */
public record SpoolGauges(long records, long bytes, Duration oldestAge, long quarantined) {}
