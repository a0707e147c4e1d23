/**
 * The one room that owns counters and gauges. Sinks, sources, the retry wrapper and the spool
 * report into the objects here ({@link dev.auditship.metrics.SinkStats}, {@link
 * dev.auditship.metrics.SourceStats}, {@link dev.auditship.metrics.Counter}); the stats log line
 * and any exporter read them back by name and labels from one {@link dev.auditship.metrics.Metrics}
 * registry per run.
 *
 * <p>Names follow the Prometheus conventions (https://prometheus.io/docs/practices/naming/): a
 * {@code auditship_} prefix, snake case, base units, {@code _total} on counters. Labels are few and
 * bounded: {@code sink} (the operator's sink name) and {@code source} (the source type).
 */
package dev.auditship.metrics;
