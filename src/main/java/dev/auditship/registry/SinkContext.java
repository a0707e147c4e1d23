package dev.auditship.registry;

import java.io.OutputStream;
import java.time.Clock;

/**
 * What the run gives a sink factory.
 *
 * @param format the sink's format (name and what it produces)
 * @param clock the clock for timestamps and timeouts
 * @param stdout standard output (for {@code type: stdout})
 */
public record SinkContext(FormatType<?> format, Clock clock, OutputStream stdout) {}
