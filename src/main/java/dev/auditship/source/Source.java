package dev.auditship.source;

import dev.auditship.event.Event;
import dev.auditship.metrics.SourceStats;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Where events come from (docs/design.md §1). The pipeline takes a batch, hands it to every sink,
 * and commits it only once every sink accepted it (delivered, spooled, filtered out or
 * dead-lettered), so a crash repeats at most the uncommitted batch and loses nothing.
 *
 * <p>{@link #next} and {@link #commit} are called from the pipeline thread only.
 */
public interface Source extends AutoCloseable {

  /** A batch of events in input order, with the position to commit once it is accepted. */
  record Batch(List<Event> events, Object position) {
    public Batch {
      events = List.copyOf(events);
    }
  }

  /**
   * The next batch: blocks until at least one event (or the end of input), then gathers up to
   * {@code max} events for at most {@code linger}. Returns {@code null} at the end of the input; a
   * following source never ends, so it returns empty batches while idle.
   */
  Batch next(int max, Duration linger) throws IOException, InterruptedException;

  /** Records that every event up to the end of {@code batch} was accepted by every sink. */
  default void commit(Batch batch) throws IOException {}

  /** Counters: lines read, events, skipped, rejected. */
  SourceStats stats();

  @Override
  default void close() throws IOException {}
}
