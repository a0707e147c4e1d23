package dev.auditship.spool;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.JsonFormat;
import dev.auditship.codec.LogDecoder;
import dev.auditship.config.SpoolConfig;
import dev.auditship.config.Units;
import dev.auditship.event.Event;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.SinkStats;
import dev.auditship.metrics.SpoolGauges;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Target;
import dev.auditship.text.ByteBuf;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network sink's {@link Target} with a disk spool in front of its {@link RetryingSink}
 * (docs/design.md §4): {@link #accept} returns once the records are written and synced to the
 * spool, which is what lets the source commit; a drainer thread reads them back in batches,
 * delivers them through the sink's retry wrapper and only then acknowledges them, which removes
 * them from the spool.
 *
 * <p>Policies: when the spool holds {@code max_bytes} of undelivered records, {@code when_full:
 * block} makes {@link #accept} wait for the drainer (back-pressure, the default) and {@code
 * drop_newest} drops the records that do not fit, counted in {@link SinkStats#dropped} and logged
 * once per episode. A failed write (disk full) always blocks and retries: it never drops. With
 * {@code max_age}, records older than that are dropped when they are read, and a delivery stuck on
 * expired records is cut short; counted and logged the same way. {@link #drain} at shutdown
 * delivers until the deadline and logs what is left.
 *
 * <p>Threads: {@link #accept} is called by one thread at a time (the pipeline's); the drainer
 * thread owns reading, delivery and acknowledgement; an optional watcher thread enforces {@code
 * max_age} on a delivery in progress. {@code flight} guards the hand-off of interrupts to the
 * drainer so that it is interrupted only while it is inside {@link RetryingSink#deliver}.
 */
public final class SpoolTarget implements Target {
  private static final Logger LOG = LoggerFactory.getLogger(SpoolTarget.class);

  /** How long the drainer waits for new records before it looks at the stop flag again. */
  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** Longest wait for the drainer to let go of a delivery after interrupting it. */
  private static final long STOP_GRACE_MILLIS = 1000;

  private static final long MIN_SEGMENT = 64 * 1024;
  private static final long MAX_SEGMENT = 64L * 1024 * 1024;

  private final Spool spool;
  private final RetryingSink delivery;
  private final SpoolConfig config;
  private final JsonFormat json;
  private final Clock clock;
  private final int batchMax;

  /**
   * Most records one spooled batch hands to the sink ({@code batchMax} per batch it takes at once).
   */
  private final int readMax;

  private final Duration writeRetry;
  private final Duration expiryCheck;
  private final Thread drainer;
  private final Thread watcher;
  private volatile RuntimeException failure;
  private boolean reported;
  private volatile boolean stuckReported;

  private final Object flight = new Object();
  // Guarded by flight.
  private boolean stopping;
  private boolean delivering;
  private long inFlightOldest = -1;
  private boolean expiryInterrupt;
  // The drainer has left its loop; close() found it still running and left the sink to it.
  private boolean drainerEnded;
  private boolean closeSinkWhenDrainerEnds;

  // Writer (accept) episodes; one caller at a time.
  private long fullDrops;
  private long blockedSince = -1;
  private long writeFailures;
  // Drainer episodes.
  private long ageDrops;
  private boolean readFailing;

  /**
   * Opens (or recovers) the spool of {@code delivery}'s sink in {@code config.directory()} and
   * starts its drainer.
   *
   * @param json the JSON format the events are stored in (the envelope defaults of the config)
   * @param batchMax most records the drainer hands to the sink at once
   */
  public static SpoolTarget open(
      SpoolConfig config, RetryingSink delivery, JsonFormat json, Clock clock, int batchMax)
      throws IOException {
    long segment = Math.max(MIN_SEGMENT, Math.min(MAX_SEGMENT, config.maxBytes() / 16));
    Duration check =
        config.expires() ? min(config.maxAge().dividedBy(4), Duration.ofSeconds(1)) : Duration.ZERO;
    return new SpoolTarget(
        Storage.DISK,
        segment,
        config,
        delivery,
        json,
        clock,
        batchMax,
        Duration.ofSeconds(1),
        check);
  }

  SpoolTarget(
      Storage storage,
      long segmentBytes,
      SpoolConfig config,
      RetryingSink delivery,
      JsonFormat json,
      Clock clock,
      int batchMax,
      Duration writeRetry,
      Duration expiryCheck)
      throws IOException {
    this.config = config;
    this.delivery = delivery;
    Set<String> fields = delivery.sink().eventFields();
    this.summaryKeys = fields == null ? null : EventSummary.keys(fields);
    this.json = json;
    this.clock = clock;
    this.batchMax = batchMax;
    // A sink that takes N batches at once (a HEC sink's concurrency) gets N batches' worth of
    // records
    // in one spooled batch, which it sends as up to N requests at once; the read stays within the
    // spool's 4 MiB a read, and acknowledgements stay one batch at a time, in order.
    this.readMax =
        (int)
            Math.min(Integer.MAX_VALUE, (long) batchMax * Math.max(1, delivery.batchesInFlight()));
    this.writeRetry = writeRetry;
    this.expiryCheck = expiryCheck;
    this.spool =
        Spool.open(
            new Spool.Options(delivery.name(), config.directory(), segmentBytes), storage, clock);
    delivery.stats().spoolGauges(this::gauges);
    this.drainer = new Thread(this::drainLoop, "auditship-spool-" + delivery.name());
    this.drainer.setDaemon(true);
    this.watcher =
        config.expires()
            ? new Thread(this::watchAges, "auditship-spool-age-" + delivery.name())
            : null;
    this.drainer.start();
    if (watcher != null) {
      watcher.setDaemon(true);
      watcher.start();
    }
  }

  private static Duration min(Duration a, Duration b) {
    Duration d = a.compareTo(b) < 0 ? a : b;
    return d.isZero() ? Duration.ofMillis(1) : d;
  }

  @Override
  public String name() {
    return delivery.name();
  }

  @Override
  public SinkStats stats() {
    return delivery.stats();
  }

  /** What the spool holds now. */
  public SpoolGauges gauges() {
    long oldest = spool.oldestAppendedAt();
    Duration age =
        oldest < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - oldest));
    return new SpoolGauges(spool.records(), spool.bytes(), age, spool.quarantinedBytes());
  }

  // ---------------------------------------------------------------- accept (the pipeline's thread)

  /**
   * Appends {@code records} to the spool and returns once they are synced to disk. Blocks while the
   * spool is full ({@code when_full: block}) or cannot be written (disk full); interrupted only at
   * shutdown.
   */
  @Override
  public void accept(List<SinkRecord> records) throws InterruptedException {
    checkFailure();
    List<Spool.Pending> pending = new ArrayList<>(records.size());
    for (SinkRecord r : records) {
      pending.add(pending(r));
    }
    int i = 0;
    boolean dropped = false;
    while (i < pending.size()) {
      checkFailure();
      long used = spool.bytes();
      long free = config.maxBytes() - used;
      int j = i;
      long sum = 0;
      while (j < pending.size() && sum + pending.get(j).size() <= free) {
        sum += pending.get(j).size();
        j++;
      }
      if (j == i && used == 0) {
        j = i + 1; // a record larger than max_bytes still goes into an empty spool
      }
      if (j == i) {
        if (config.whenFull() == SpoolConfig.WhenFull.DROP_NEWEST) {
          dropNewest(pending.size() - i);
          dropped = true;
          break;
        }
        if (blockedSince < 0) {
          blockedSince = System.nanoTime();
          LOG.warn(
              "Spool is full; the pipeline waits for the sink to catch up (when_full: block). sink={} "
                  + "max_bytes={} records={}",
              name(),
              config.maxBytes(),
              spool.records());
        }
        spool.awaitChange(TimeUnit.SECONDS.toNanos(1));
        continue;
      }
      try {
        spool.append(pending.subList(i, j));
        i = j;
        if (writeFailures > 0) {
          LOG.info(
              "Spool writes work again; the pipeline continues. sink={} failed_attempts={}",
              name(),
              writeFailures);
          writeFailures = 0;
        }
      } catch (IOException e) {
        if (writeFailures++ == 0) {
          LOG.error(
              "Cannot write to the spool; the pipeline waits and retries every {} (nothing is lost, "
                  + "nothing is dropped). Free space in the spool directory. sink={} dir={} error=\"{}\"",
              Units.formatDuration(writeRetry),
              name(),
              config.directory(),
              Logfmt.q(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        // An acknowledgement deletes delivered segments and may free the space: wake up on it.
        spool.awaitChange(writeRetry.toNanos());
      }
    }
    if (blockedSince >= 0) {
      LOG.info(
          "Spool has room again; the pipeline continues. sink={} waited_ms={}",
          name(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - blockedSince));
      blockedSince = -1;
    }
    if (!dropped && fullDrops > 0) {
      endFullDrops();
    }
  }

  private void dropNewest(int count) {
    stats().dropped.addAndGet(count);
    if (fullDrops == 0) {
      LOG.warn(
          "Spool is full; dropping the newest events as configured (when_full: drop_newest). They are "
              + "counted in dropped=; a summary follows when there is room again. sink={} max_bytes={} "
              + "dropped_now={}",
          name(),
          config.maxBytes(),
          count);
    }
    fullDrops += count;
  }

  private void endFullDrops() {
    endFullDrops("Spool has room again");
  }

  /** The summary of a drop_newest episode; {@code lead} says why it ends (room, or shutdown). */
  private void endFullDrops(String lead) {
    LOG.warn(
        "{}; events dropped while it was full (when_full: drop_newest): count={} sink={}",
        lead,
        fullDrops,
        name());
    fullDrops = 0;
  }

  private void checkFailure() {
    RuntimeException f = failure;
    if (f != null) {
      throw new IllegalStateException(
          "the spool drainer of sink " + name() + " stopped: " + f.getMessage(), f);
    }
    // A closed spool answers every wait at once and refuses every append: without this, the loops
    // of accept would spin, taking "is closed" for a full disk.
    if (spool.isClosed()) {
      throw new IllegalStateException(
          "the spool of sink " + name() + " is closed: records cannot be spooled any more");
    }
  }

  // ---------------------------------------------------------------- the drainer

  private void drainLoop() {
    try {
      drainBatches();
    } finally {
      boolean closeSink;
      synchronized (flight) {
        drainerEnded = true;
        closeSink = closeSinkWhenDrainerEnds;
      }
      if (closeSink) {
        delivery.close();
      }
    }
  }

  private void drainBatches() {
    while (true) {
      synchronized (flight) {
        if (stopping) {
          return;
        }
      }
      Spool.Batch b;
      try {
        b = spool.read(readMax, IDLE_WAIT_NANOS);
        if (readFailing) {
          readFailing = false;
          LOG.info("Spool reads work again. sink={}", name());
        }
      } catch (InterruptedException e) {
        continue; // the stop flag or max_age is looked at again
      } catch (IOException e) {
        if (!readFailing) {
          readFailing = true;
          LOG.error(
              "Cannot read the spool; retrying every {}. sink={} dir={} error=\"{}\"",
              Units.formatDuration(writeRetry),
              name(),
              config.directory(),
              Logfmt.q(e.toString()));
        }
        spool.rewind();
        pause(writeRetry);
        continue;
      }
      if (b == null) {
        continue;
      }
      try {
        deliverBatch(b);
      } catch (InterruptedException e) {
        // Cut short by shutdown or by max_age: the batch was not acknowledged and is read again.
        spool.rewind();
      } catch (IOException e) {
        LOG.error(
            "Cannot write the spool's quarantine; retrying. sink={} error=\"{}\"",
            name(),
            Logfmt.q(e.toString()));
        spool.rewind();
        pause(writeRetry);
      } catch (RuntimeException e) {
        // A sink that throws has a bug or a resource that does not come back (as a closed stdout):
        // stop
        // here with the records kept, and fail the pipeline at its next accept.
        failure = e;
        LOG.error(
            "Spool delivery stopped by an error; the records stay in the spool. sink={} error=\"{}\"",
            name(),
            Logfmt.q(e.toString()));
        spool.rewind();
        spool.signal();
        return;
      }
    }
  }

  private final ByteBuf scratch = new ByteBuf(4096);

  /**
   * What the spool keeps of an event beside a record in a format other than json ({@link
   * EventSummary#keys}); {@code null} when the sink may read any field, so the whole event is kept.
   */
  private final List<String> summaryKeys;

  /** Rebuilds spooled events; the drainer thread's. */
  private final LogDecoder reader = new LogDecoder(d -> {});

  /**
   * What the spool stores for {@code r}: the record once when it is its event's slog JSON line (the
   * json format); else the record and the little of the event the sink reads ({@link
   * EventSummary}), or, for a sink that may read any field, the record and the event's JSON line.
   */
  private Spool.Pending pending(SinkRecord r) {
    byte[] text = r.bytes();
    if (text == r.event().jsonLine()) {
      return Spool.Pending.shared(text);
    }
    if (summaryKeys != null) {
      return Spool.Pending.summarized(text, EventSummary.encode(r.event(), summaryKeys));
    }
    byte[] event = json.record(r.event(), scratch);
    scratch.trim(256 * 1024);
    return Arrays.equals(text, event) ? Spool.Pending.shared(text) : new Spool.Pending(text, event);
  }

  private void deliverBatch(Spool.Batch b) throws InterruptedException, IOException {
    long cutoff = config.expires() ? clock.millis() - config.maxAge().toMillis() : Long.MIN_VALUE;
    List<SinkRecord> records = new ArrayList<>(b.entries().size());
    long oldest = -1;
    long expired = 0;
    for (Spool.Entry e : b.entries()) {
      if (e.appendedAt() < cutoff) {
        expired++;
        continue;
      }
      Event event;
      if (e.eventJson() == null) {
        event = EventSummary.decode(e.summary(), 0, e.summary().length);
        if (event == null) {
          spool.quarantineRecord(e, "the stored event summary does not decode");
          continue;
        }
      } else {
        Decoded d = reader.decodeJsonLine(e.eventJson());
        if (!(d instanceof Decoded.Ok ok)) {
          String why =
              d instanceof Decoded.Rejected r ? r.reason() : "not an audit or connection event";
          spool.quarantineRecord(e, "the stored event does not decode: " + why);
          continue;
        }
        event = ok.event();
      }
      records.add(new SinkRecord(event, e.record()));
      if (oldest < 0) {
        oldest = e.appendedAt();
      }
    }
    if (!records.isEmpty()) {
      synchronized (flight) {
        if (stopping) {
          throw new InterruptedException("stopping");
        }
        delivering = true;
        inFlightOldest = oldest;
      }
      try {
        delivery.deliver(records);
      } finally {
        synchronized (flight) {
          delivering = false;
          inFlightOldest = -1;
          expiryInterrupt = false;
        }
      }
      // An interrupt that came after the delivery finished has nothing left to cut short.
      Thread.interrupted();
    }
    spool.ack(b);
    // Counted only once the batch is acknowledged: a batch cut short is read again and must not
    // count its
    // expired records twice. (A record that does not decode is quarantined before the ack, so it is
    // kept
    // even if the process dies here; a re-read batch may quarantine it twice, never lose it.)
    if (expired > 0) {
      dropExpired(expired);
    } else if (ageDrops > 0 && !records.isEmpty()) {
      endAgeDrops();
    }
  }

  private void dropExpired(long count) {
    stats().dropped.addAndGet(count);
    if (ageDrops == 0) {
      LOG.warn(
          "Spooled events older than max_age dropped as configured; they are not delivered. They are counted "
              + "in dropped=; a summary follows. sink={} max_age={} dropped_now={}",
          name(),
          Units.formatDuration(config.maxAge()),
          count);
    }
    ageDrops += count;
  }

  private void endAgeDrops() {
    endAgeDrops("Spooled events are young enough again");
  }

  private void endAgeDrops(String lead) {
    LOG.warn("{}; events dropped for max_age: count={} sink={}", lead, ageDrops, name());
    ageDrops = 0;
  }

  private void watchAges() {
    while (true) {
      try {
        Thread.sleep(Math.max(1, expiryCheck.toMillis()));
      } catch (InterruptedException e) {
        return;
      }
      long cutoff = clock.millis() - config.maxAge().toMillis();
      synchronized (flight) {
        if (stopping) {
          return;
        }
        if (delivering && !expiryInterrupt && inFlightOldest >= 0 && inFlightOldest < cutoff) {
          // The sink is stuck on records that max_age says to drop: cut the delivery short; the
          // drainer
          // reads the batch again and drops what is expired.
          expiryInterrupt = true;
          drainer.interrupt();
        }
      }
    }
  }

  private void pause(Duration d) {
    try {
      spool.awaitChange(d.toNanos());
    } catch (InterruptedException e) {
      // looked at again by the loop
    }
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Delivers what is spooled, then stops the drainer (a delivery in progress is cut short and stays
   * in the spool) and logs what is left, all within {@code deadline}: the last quarter of it (at
   * most a second) is kept for the sink to let go of a delivery in progress. Interrupted, it stops
   * and logs at once.
   */
  @Override
  public void drain(Duration deadline) throws InterruptedException {
    long start = System.nanoTime();
    long grace = Math.min(deadline.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS));
    long end = start + deadline.toNanos() - grace;
    boolean interrupted = false;
    try {
      while (!spool.isEmpty() && failure == null) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        spool.awaitChange(Math.min(left, IDLE_WAIT_NANOS));
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    stopDrainer(
        interrupted
            ? 1
            : Math.max(
                1, TimeUnit.NANOSECONDS.toMillis(start + deadline.toNanos() - System.nanoTime())));
    reportLeft();
    if (interrupted) {
      throw new InterruptedException("spool drain of sink " + name() + " interrupted");
    }
  }

  /**
   * Logs, once, what the spool still holds when the drainer stopped, and the drop episodes still
   * open.
   */
  private synchronized void reportLeft() {
    if (reported) {
      return;
    }
    reported = true;
    SpoolGauges g = gauges();
    long dropped = stats().dropped.get();
    if (g.records() == 0 && dropped == 0) {
      LOG.info("Spool drained: every spooled event was delivered. sink={}", name());
    } else if (g.records() == 0) {
      LOG.info(
          "Spool empty: what it held was delivered, except the events dropped as configured"
              + " (max_age or when_full: drop_newest). sink={} dropped={}",
          name(),
          dropped);
    } else {
      LOG.info(
          "Shutdown: events left in the spool are delivered at the next start. sink={} records={} bytes={} "
              + "oldest_age_secs={} dir={}",
          name(),
          g.records(),
          g.bytes(),
          g.oldestAge().toSeconds(),
          config.directory());
    }
    if (fullDrops > 0) {
      endFullDrops("Shutdown");
    }
    if (ageDrops > 0) {
      endAgeDrops("Shutdown");
    }
  }

  private void stopDrainer(long graceMillis) {
    synchronized (flight) {
      stopping = true;
      if (delivering) {
        drainer.interrupt();
      }
    }
    spool.signal();
    if (watcher != null) {
      watcher.interrupt();
    }
    if (Thread.currentThread() != drainer) {
      try {
        drainer.join(graceMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (drainer.isAlive() && !stuckReported) {
      stuckReported = true;
      LOG.warn(
          "The sink did not let go of a delivery in time; its records stay in the spool and are sent again "
              + "at the next start. sink={}",
          name());
    }
  }

  /**
   * Stops the drainer, then closes the spool and the sink. A sink is used by one thread at a time
   * ({@code Sink}): when the drainer is still inside a send after the grace period (a sink that
   * does not let go when interrupted), closing the sink here would race it (for syslog, {@code
   * finish()} on the connection and replay window the send is using); the drainer closes it instead
   * once the send returns.
   */
  @Override
  public void close() {
    stopDrainer(STOP_GRACE_MILLIS);
    reportLeft();
    spool.close();
    boolean closeHere;
    synchronized (flight) {
      closeHere = drainerEnded || !drainer.isAlive();
      closeSinkWhenDrainerEnds = !closeHere;
    }
    if (closeHere) {
      delivery.close();
    }
  }
}
