package dev.auditship.source;

import dev.auditship.event.Event;
import dev.auditship.metrics.SourceStats;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where events come from (docs/design.md §1). The pipeline takes a batch, hands it to every sink,
 * and commits it only once every sink accepted it (delivered, spooled, filtered out or
 * dead-lettered), so a crash repeats at most the uncommitted batch and loses nothing.
 *
 * <p>{@link #next} and {@link #commit} are called from the pipeline thread only.
 */
public interface Source extends AutoCloseable {

  /**
   * Most bytes of events ({@link Event#weight()}) in one batch, whatever {@code max} says: with the
   * per-sink records and the source's read-ahead this bounds the exporter's memory in bytes
   * (docs/operations.md, "Sizing"). A single larger event still makes a batch of its own.
   */
  int BATCH_BYTES = 4 * 1024 * 1024;

  /** A batch of events in input order, with the position to commit once it is accepted. */
  record Batch(List<Event> events, Object position) {
    public Batch {
      events = List.copyOf(events);
    }
  }

  /**
   * The next batch: blocks until at least one event (or the end of input), then gathers up to
   * {@code max} events and {@link #BATCH_BYTES} for at most {@code linger}. Returns {@code null} at
   * the end of the input; a following source never ends, so it returns empty batches while idle.
   */
  Batch next(int max, Duration linger) throws IOException, InterruptedException;

  /**
   * After a stop: the next batch of events this source has already read into memory, given without
   * reading its input again (and without waiting for input), or {@code null} when none are left.
   * Stdin cannot be read again, so what was read from it is delivered or it is gone: {@link
   * StreamSource} gives its read-ahead here. A source whose uncommitted events are read again at
   * the next start (a followed file, the Coder API) gives none.
   */
  default Batch nextAlreadyRead(int max) throws IOException, InterruptedException {
    return null;
  }

  /**
   * Events read and held in memory, not yet in a batch, that cannot be read again ({@link
   * #nextAlreadyRead} gives them): what a run cut short by its shutdown deadline loses.
   */
  default int heldEvents() {
    return 0;
  }

  /**
   * Why the source cannot read its input until its configuration (or what it points at) is fixed,
   * and since when.
   *
   * @param reason what is wrong and what to check, as logged
   * @param since when the fault was first seen
   */
  record Fault(String reason, Instant since) {}

  /**
   * The configuration fault that keeps this source from reading now (a refused token, a wrong
   * endpoint), or {@code null} while it reads or only retries a transient failure. {@code /readyz}
   * answers 503 while there is one (docs/operations.md, "Monitoring"). May be called from any
   * thread.
   */
  default Fault fault() {
    return null;
  }

  /** Records that every event up to the end of {@code batch} was accepted by every sink. */
  default void commit(Batch batch) throws IOException {}

  /** Counters: lines read, events, skipped, rejected. */
  SourceStats stats();

  @Override
  default void close() throws IOException {}
}
