package dev.auditship.sink;

import dev.auditship.metrics.SinkStats;
import java.time.Duration;
import java.util.List;

/**
 * Where the pipeline hands a sink's records: directly to its {@link RetryingSink}, or to its disk
 * spool. {@link #accept} returns once the records are accepted (delivered, dead-lettered or durably
 * spooled), which is what allows the source to commit.
 */
public interface Target extends AutoCloseable {

  /**
   * Blocks until every record is accepted; interrupted only at shutdown, leaving them uncommitted.
   */
  void accept(List<SinkRecord> records) throws InterruptedException;

  /**
   * At shutdown: delivers what is buffered for at most {@code deadline}; what is left stays on
   * disk.
   */
  default void drain(Duration deadline) throws InterruptedException {}

  /**
   * How many batches {@link #accept} takes at once, from as many threads: 1 (the default) means one
   * after the other, in order. The pipeline keeps that many handed out and not yet committed.
   */
  default int batchesInFlight() {
    return 1;
  }

  /** Counters of the sink behind this target. */
  SinkStats stats();

  /** The sink's name. */
  String name();

  @Override
  default void close() {}
}
