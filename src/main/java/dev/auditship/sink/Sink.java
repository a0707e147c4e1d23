package dev.auditship.sink;

import dev.auditship.metrics.Metrics;
import java.util.List;
import java.util.Set;

/**
 * A destination for formatted records (docs/design.md §4). One verb: {@link #send}. Retries, the
 * spool and the dead-letter file wrap a sink ({@link RetryingSink}); a sink does not re-implement
 * them, it only reports per record what happened in an {@link Outcome}.
 *
 * <p>Called from one thread at a time, unless {@link #batchesInFlight()} says the sink takes more
 * batches at once; implementations need not be thread-safe unless they say so.
 */
public interface Sink extends AutoCloseable {

  /** The operator's name for the sink. */
  String name();

  /**
   * Sends a batch, in order, and says what happened to each record. I/O failures are reported as
   * {@link Outcome#retry}, not thrown. Blocks no longer than the sink's own timeouts.
   */
  Outcome send(List<SinkRecord> batch) throws InterruptedException;

  /**
   * Checks the destination can be reached (for example Splunk's health endpoint); a reason when
   * not.
   */
  default String checkConnectivity() {
    return null;
  }

  /**
   * Registers this sink's own counters (beyond the {@code SinkStats} every sink has) in {@code
   * metrics}, labelled with the sink's name. Called once, after the sink is built.
   */
  default void registerMetrics(Metrics metrics) {}

  /**
   * The event fields this sink reads from {@link SinkRecord#event()} when it sends, besides the
   * kind, {@code ID} and {@code Time} (and the log entry's {@code ts} when there is no {@code
   * Time}), which every sink may read; {@code null} when it may read anything. A disk spool stores
   * a record in full and, instead of the whole event, only these (docs/reliability.md, "Spool").
   */
  default Set<String> eventFields() {
    return null;
  }

  /**
   * How many batches the sink takes at once, each {@link #send} on a thread of its own: 1 (the
   * default) means one batch after the other, in order. A sink that says more must be thread-safe
   * and keep its own limit on what it has in flight; its batches may then arrive out of order.
   */
  default int batchesInFlight() {
    return 1;
  }

  /** Releases connections and files. */
  @Override
  default void close() {}
}
