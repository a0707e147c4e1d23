package dev.auditship.pipeline;

import dev.auditship.event.Event;
import dev.auditship.filter.EventFilter;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.SinkState;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Target;
import dev.auditship.source.Source;
import dev.auditship.text.ByteBuf;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run loop (docs/design.md §1): take a batch from the source, filter it, format it for each
 * sink, hand it to every sink at once, and commit the source position only when every sink has
 * accepted its records (delivered, spooled, filtered out or dead-lettered). Batches are committed
 * in the order they were read. A slow sink therefore holds the source back (back-pressure) with at
 * most {@code d + 1} batches in memory: the {@code d} it sends and the next one, formatted
 * meanwhile, where {@code d} is the most batches any sink takes at once ({@link
 * Target#batchesInFlight()}: 1 for most sinks, a HEC sink's {@code concurrency}). More than one
 * batch is handed out only while they hold together no more than two full batches' bytes ({@link
 * #IN_FLIGHT_BYTES}), so memory stays bounded in bytes whatever {@code d} is.
 *
 * <p>Threads: {@link #run} runs on the caller's thread, which reads and formats the next batch
 * while the sinks send the last ones. Each sink has its own delivery threads, as many as the
 * batches it takes at once, fed in order: a sink that takes one batch at a time gets its batches
 * one after the other, whatever the others take. {@link #stop()} may be called from any thread (the
 * shutdown hook).
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final Source source;

  /** Replaced by a reload, between batches, on the run loop's thread; read by others. */
  private volatile EventFilter globalFilter;

  /** Replaced by a reload, between batches, on the run loop's thread; read by others. */
  private volatile List<SinkRuntime> sinks;

  /**
   * A configuration reload asked for by SIGHUP, applied before the next batch is read, or at once
   * when it changes a sink that retries a batch handed out ({@link #applyReload}).
   */
  private final AtomicReference<Reload> pendingReload = new AtomicReference<>();

  /**
   * A change of filters and sinks (Assembly#reload). It runs on the run loop's thread between two
   * batches, when every event read so far has been accepted by every sink, so no event is lost or
   * sent twice: unchanged sinks keep running (with a new filter if it changed), removed and changed
   * ones are drained and closed, new ones start with the next batch. The one exception: a sink it
   * changes or removes that is retrying a batch is not waited for; that sink's deliveries are cut
   * short, and the batch, not yet committed, goes to the sink as reloaded (events the old settings
   * got across in an attempt may then arrive twice). See docs/operations.md, "Reload (SIGHUP)".
   */
  interface Reload {
    Applied apply(EventFilter global, List<SinkRuntime> sinks) throws IOException;

    /**
     * The running sinks this reload closes (changed or removed), by name. One of them that is
     * retrying a batch is not waited for: its retries stop, and what it held goes to the sink of
     * that name after the reload ({@link #applyReload}).
     */
    default Set<String> replaces() {
      return Set.of();
    }
  }

  /** What a reload made: the global filter and the sinks from now on. */
  record Applied(EventFilter global, List<SinkRuntime> sinks) {}

  private final int batchMax;
  private final Duration linger;
  private final Duration statsInterval;
  private final Duration shutdownTimeout;

  /**
   * Each sink's delivery threads ({@link Target#batchesInFlight()} of them, FIFO), by target
   * identity; made on first use, shut down when a reload removes the sink and at {@link #close()}.
   */
  private final Map<Target, ThreadPoolExecutor> lanes = new IdentityHashMap<>();

  private volatile boolean stopping;

  /**
   * {@link System#nanoTime()} of the first {@link #stop()}; the shutdown deadline counts from it.
   */
  private volatile long stopRequestedAt;

  private volatile boolean readingSource;
  private volatile boolean aborted;

  /**
   * Orders {@link #stop()}'s interrupt with the end of a source read, so that it can only wake a
   * read.
   */
  private final Object readLock = new Object();

  private volatile Thread runner;
  private long globallyFiltered;

  /** Where the run is, for the health endpoint. */
  public enum Phase {
    /** Built, not yet running. */
    STARTING,
    /** Reading the source and delivering. */
    RUNNING,
    /** The input ended or a stop was requested: delivering what was read, reading no more. */
    STOPPING,
    /** Over. */
    STOPPED
  }

  /**
   * The run's state for {@code /readyz}.
   *
   * @param phase where the run is
   * @param sinks each sink's state by name, in config order
   * @param sourceFault the configuration fault that keeps the source from reading, or null
   */
  public record Health(
      Phase phase,
      Map<String, SinkState.Snapshot> sinks,
      Source.Fault sourceFault,
      ReloadWait reload) {
    public Health(Phase phase, Map<String, SinkState.Snapshot> sinks, Source.Fault sourceFault) {
      this(phase, sinks, sourceFault, null);
    }
  }

  /**
   * A SIGHUP reload accepted and not yet applied.
   *
   * @param since when it was asked for
   * @param waitingFor the sinks it waits for: kept by it and retrying a batch handed out (empty
   *     while it only waits for deliveries in progress to end)
   */
  public record ReloadWait(Instant since, List<String> waitingFor) {}

  /** The reload not yet applied, for the health endpoint; null when none. */
  private volatile ReloadWait reloadWait;

  private volatile Phase phase = Phase.STARTING;

  /** The phase and every sink's state now. */
  public Health health() {
    Map<String, SinkState.Snapshot> m = new LinkedHashMap<>();
    for (SinkRuntime s : sinks) {
      m.put(s.name(), s.target().stats().state.get());
    }
    return new Health(phase, m, source.fault(), reloadWait);
  }

  /** Events of the batches being delivered (read, not yet committed); 0 between batches. */
  private volatile int inFlight;

  Pipeline(
      Source source,
      EventFilter globalFilter,
      List<SinkRuntime> sinks,
      int batchMax,
      Duration linger,
      Duration statsInterval,
      Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
    this.source = source;
    this.globalFilter = globalFilter;
    this.sinks = List.copyOf(sinks);
    this.batchMax = batchMax;
    this.linger = linger;
    this.statsInterval = statsInterval;
  }

  /**
   * Most bytes of events ({@link Event#weight()}) in the batches handed out and not yet committed,
   * when there is more than one: two full batches' worth. A batch of 500 of Coder's usual events
   * weighs about 1.5 MB (a line held lazily counts three times its bytes), so four go out at once;
   * batches of large events go out at most two at a time, one more than with a sink that takes one.
   */
  static final long IN_FLIGHT_BYTES = 2L * Source.BATCH_BYTES;

  /** The most batches any sink takes at once: how many may be handed out and not yet committed. */
  private static int depth(List<SinkRuntime> sinks) {
    int d = 1;
    for (SinkRuntime s : sinks) {
      d = Math.max(d, s.target().batchesInFlight());
    }
    return d;
  }

  /**
   * Runs until the source ends or {@link #stop()} is called. Returns normally when everything read
   * was accepted; throws {@link InterruptedException} when shutdown cut delivery short (the last
   * batch stays uncommitted).
   */
  public void run() throws IOException, InterruptedException {
    runner = Thread.currentThread();
    phase = Phase.RUNNING;
    ScheduledExecutorService ticker = startProgressTicker();
    // Batches overlap: while the sinks send batch N (and, for a sink that takes more than one at
    // once, the batches before it), this thread reads and formats batch N+1. A sink that takes one
    // batch at a time still gets its batches one after the other, in order; batches are committed
    // in order, each once every sink has accepted it.
    Deque<Pending> pending = new ArrayDeque<>();
    int depth = depth(sinks);
    try {
      while (true) {
        Source.Batch batch;
        if (stopping) {
          // Stopped: no more input is read, but what the source has already read and cannot read
          // again (stdin's read-ahead) is delivered like any batch, until the deadline aborts.
          if (aborted) {
            if (source.heldEvents() > 0) {
              throw new InterruptedException("cut short with events read ahead");
            }
            break;
          }
          batch = source.nextAlreadyRead(batchMax); // interrupted only by abort(): cut short
          if (batch == null) {
            break;
          }
        } else {
          Reload reload = pendingReload.getAndSet(null);
          if (reload != null) {
            applyReload(reload, pending);
            depth = depth(sinks);
          }
          readingSource = true;
          try {
            if (stopping) {
              continue;
            }
            batch = source.next(batchMax, linger);
          } catch (InterruptedException e) {
            if (stopping) {
              continue; // interrupted while waiting for input: nothing was read, nothing is lost
            }
            throw e;
          } finally {
            synchronized (readLock) {
              readingSource = false;
              if (stopping && !aborted) {
                // stop() interrupted the read to wake it, but the read returned a batch anyway:
                // that batch is delivered and committed as usual, so the interrupt must not cut it
                // short.
                Thread.interrupted();
              }
            }
          }
          if (batch == null) {
            break;
          }
        }
        inFlight = pendingEvents(pending) + batch.events().size();
        Formatted records;
        try {
          records = batch.events().isEmpty() ? null : format(batch.events());
        } catch (RuntimeException e) {
          cancelAll(pending);
          throw e;
        }
        if (records == null) {
          // Nothing to hand out; committed after every batch read before it, in order. (A
          // following source returns such batches while idle: a reload that changes a sink
          // retrying the last batch runs here.)
          while (!pending.isEmpty()) {
            if (!finishOldestUnlessReload(pending)) {
              applyReload(pendingReload.getAndSet(null), pending);
              depth = depth(sinks);
            }
          }
          source.commit(batch);
          inFlight = 0;
        } else {
          long weight = weight(batch.events());
          while (pending.size() >= depth
              || (!pending.isEmpty() && pendingWeight(pending) + weight > IN_FLIGHT_BYTES)) {
            if (!finishOldestUnlessReload(pending)) {
              // A reload changes a sink that is retrying a batch handed out: it runs now rather
              // than after that batch (which may never come), and this batch, read before it, goes
              // to the sinks after it.
              applyReload(pendingReload.getAndSet(null), pending);
              depth = depth(sinks);
              records = reformat(records);
            }
          }
          pending.addLast(submit(batch, records, weight));
          inFlight = pendingEvents(pending);
          // Commit what is already accepted, so the position moves on as deliveries end.
          while (!pending.isEmpty() && pending.peekFirst().done()) {
            finishOldest(pending);
          }
        }
      }
      finishAll(pending);
      phase = Phase.STOPPING;
      drain();
    } finally {
      cancelAll(pending); // only when run() ends by an exception: otherwise nothing is pending
      if (ticker != null) {
        ticker.shutdownNow();
      }
      phase = Phase.STOPPED;
      Thread.interrupted(); // a late interrupt from stop() must not leak into the caller
    }
  }

  /**
   * A batch handed to the sinks and not yet committed: each sink it went to ({@code to}) and that
   * sink's delivery ({@code futures}, same order; {@code null} for one a reload cut short, until it
   * is handed to the sink after the reload), and the events the global filter let through, for a
   * sink that must be given them again.
   */
  private record Pending(
      Source.Batch batch,
      List<Event> passed,
      List<SinkRuntime> to,
      List<Future<?>> futures,
      long weight) {
    boolean done() {
      for (Future<?> f : futures) {
        if (f == null || !f.isDone()) {
          return false;
        }
      }
      return true;
    }
  }

  /** A batch's events past the global filter, formatted for each of {@code sinks}. */
  private record Formatted(
      List<Event> passed, List<SinkRuntime> sinks, List<List<SinkRecord>> records) {}

  /**
   * Waits until every sink accepted the oldest pending batch's records, then commits that batch.
   */
  private void finishOldest(Deque<Pending> pending) throws IOException, InterruptedException {
    Pending p = pending.peekFirst();
    try {
      await(p.futures());
    } catch (InterruptedException | RuntimeException e) {
      cancelAll(pending); // the batches after it are not committed either
      throw e;
    }
    pending.removeFirst();
    source.commit(p.batch());
    inFlight = pendingEvents(pending);
  }

  /** Finishes every pending batch, oldest first. */
  private void finishAll(Deque<Pending> pending) throws IOException, InterruptedException {
    while (!pending.isEmpty()) {
      finishOldest(pending);
    }
  }

  /**
   * As {@link #finishOldest}, unless a reload is waiting that changes or removes a sink retrying
   * one of the batches handed out: then returns false at once, without committing, for the reload
   * to run first (the batch may never be accepted by the sink as it is). While a reload waits for
   * another sink that is retrying, a WARN says so ({@link #warnReloadWaits}).
   */
  private boolean finishOldestUnlessReload(Deque<Pending> pending)
      throws IOException, InterruptedException {
    Pending p = pending.peekFirst();
    while (!settled(p)) {
      Reload r = pendingReload.get();
      if (r != null && !stopping) {
        if (!retryingReplaced(pending, r.replaces()).isEmpty()) {
          return false;
        }
        warnReloadWaits(pending, r);
      }
      waitAWhile(p, pending);
    }
    finishOldest(pending);
    return true;
  }

  /**
   * Whether {@link #finishOldest} would return or throw at once for {@code p}: every delivery is
   * done, or one failed before any that is still running (it waits for them in order).
   */
  private static boolean settled(Pending p) {
    for (Future<?> f : p.futures()) {
      if (f == null || !f.isDone()) {
        return false;
      }
      if (f.isCancelled()) {
        return true;
      }
      try {
        f.get(); // done: does not block
      } catch (ExecutionException | InterruptedException e) {
        return true;
      }
    }
    return true;
  }

  /** How often a delivery in progress is checked for a reload that waits for it. */
  private static final long RELOAD_CHECK_MILLIS = 100;

  /** How often the WARN that a reload waits for a retrying sink is repeated. */
  static final Duration RELOAD_WAIT_WARN_EVERY = Duration.ofSeconds(30);

  /** The reload the last "reload waits" WARN was about, and when ({@link System#nanoTime()}). */
  private Reload reloadWarnedFor;

  private long reloadWarnedAt;

  /**
   * Waits up to {@link #RELOAD_CHECK_MILLIS} for the first unfinished delivery of {@code p}; a
   * failed delivery returns at once (its error is thrown when the batch is finished).
   */
  private static void waitAWhile(Pending p, Deque<Pending> pending) throws InterruptedException {
    for (Future<?> f : p.futures()) {
      if (f != null && !f.isDone()) {
        try {
          f.get(RELOAD_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          cancelAll(pending);
          throw e;
        } catch (ExecutionException | CancellationException e) {
          // done: finishOldest reports it
        } catch (TimeoutException e) {
          // still delivering
        }
        return;
      }
    }
  }

  /**
   * The sinks a reload replaces ({@code replaced}, by name) that are retrying or paused on a batch
   * handed out: those the reload does not wait for.
   */
  private static Set<Target> retryingReplaced(Deque<Pending> pending, Set<String> replaced) {
    Set<Target> out = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Pending p : pending) {
      for (int i = 0; i < p.futures().size(); i++) {
        Future<?> f = p.futures().get(i);
        SinkRuntime s = p.to().get(i);
        if (f != null
            && !f.isDone()
            && replaced.contains(s.name())
            && s.target().stats().state.get().mode() != SinkState.Mode.OK) {
          out.add(s.target());
        }
      }
    }
    return out;
  }

  /**
   * A reload waits for a sink it keeps that is retrying or paused on a batch handed out: says so,
   * at once and then every {@link #RELOAD_WAIT_WARN_EVERY}, so that an operator who reloaded to fix
   * something knows why nothing changes yet and what to do.
   */
  private void warnReloadWaits(Deque<Pending> pending, Reload r) {
    Set<String> replaced = r.replaces();
    Map<String, SinkState.Snapshot> waitingFor = new LinkedHashMap<>();
    for (Pending p : pending) {
      for (int i = 0; i < p.futures().size(); i++) {
        Future<?> f = p.futures().get(i);
        SinkRuntime s = p.to().get(i);
        SinkState.Snapshot st = s.target().stats().state.get();
        if (f != null
            && !f.isDone()
            && !replaced.contains(s.name())
            && st.mode() != SinkState.Mode.OK) {
          waitingFor.putIfAbsent(s.name(), st);
        }
      }
    }
    ReloadWait w = reloadWait;
    if (w != null && !w.waitingFor().equals(List.copyOf(waitingFor.keySet()))) {
      reloadWait = new ReloadWait(w.since(), List.copyOf(waitingFor.keySet()));
    }
    long now = System.nanoTime();
    if (waitingFor.isEmpty()
        || r == reloadWarnedFor && now - reloadWarnedAt < RELOAD_WAIT_WARN_EVERY.toNanos()) {
      return;
    }
    reloadWarnedFor = r;
    reloadWarnedAt = now;
    waitingFor.forEach(
        (name, st) ->
            LOG.warn(
                "The reload waits for sink {}, which is retrying a batch (state={} reason=\"{}\");"
                    + " it is applied when that batch is delivered. A restart applies it now;"
                    + " nothing is lost: the batch is not committed.",
                name,
                st.mode().name().toLowerCase(Locale.ROOT),
                Logfmt.q(st.reason())));
  }

  /**
   * Applies {@code reload} (on the run loop's thread). It waits until the sinks have accepted the
   * batches handed out, except a sink it changes or removes that is retrying or paused on one: that
   * sink's deliveries are stopped (not counted delivered, not dead-lettered) and, after the reload,
   * the events it held go to the sink of that name as the reload made it (a removed sink's are not
   * delivered to it). A batch is committed only once every sink has accepted it, so nothing is
   * lost; events the old sink may have got across in an attempt are sent again.
   */
  private void applyReload(Reload first, Deque<Pending> pending)
      throws IOException, InterruptedException {
    Reload reload = first;
    Set<String> replaced = reload.replaces();
    Set<Target> cut = Collections.newSetFromMap(new IdentityHashMap<>());
    // Oldest first; a batch is committed when every sink has accepted it, in order, as always.
    waiting:
    for (Pending p : pending) {
      for (int i = 0; i < p.futures().size(); i++) {
        if (settled(p) && !p.done()) {
          break waiting; // a delivery failed: finishOldest below throws its error, as before
        }
        while (p.futures().get(i) != null && !p.futures().get(i).isDone()) {
          for (Target t : retryingReplaced(pending, replaced)) {
            cut(t, pending);
            cut.add(t);
          }
          if (p.futures().get(i) == null) {
            break;
          }
          Reload newer = pendingReload.getAndSet(null);
          if (newer != null) {
            // Another SIGHUP while this one waits (to fix the sink it waits for, say): nothing of
            // this one is applied yet, so the newer one takes its place, as before the wait.
            LOG.info("A newer reload takes the place of the one waiting.");
            reload = newer;
            replaced = reload.replaces();
            continue;
          }
          warnReloadWaits(pending, reload);
          waitAWhile(p, pending);
        }
      }
    }
    while (!pending.isEmpty() && settled(pending.peekFirst())) {
      finishOldest(pending);
    }
    Applied a = reload.apply(globalFilter, sinks);
    globalFilter = a.global();
    sinks = List.copyOf(a.sinks());
    if (pendingReload.get() == null) {
      reloadWait = null;
    }
    if (!cut.isEmpty()) {
      resubmitCut(pending);
    }
    retireLanes(sinks);
  }

  /**
   * Stops the deliveries of {@code t}, a sink a reload replaces, that are retrying or waiting: they
   * are cancelled (the retrying wrapper is interrupted between attempts, or its send fails when the
   * reload closes the sink) and marked for the sink after the reload.
   */
  private void cut(Target t, Deque<Pending> pending) throws InterruptedException {
    SinkState.Snapshot st = t.stats().state.get();
    int batches = 0;
    for (Pending p : pending) {
      for (int i = 0; i < p.futures().size(); i++) {
        Future<?> f = p.futures().get(i);
        if (f != null && p.to().get(i).target() == t && !f.isDone()) {
          f.cancel(true);
          p.futures().set(i, null);
          batches++;
        }
      }
    }
    LOG.warn(
        "The reload changes sink {}, which is retrying a batch (state={} reason=\"{}\"): its"
            + " retries stop, and the events it holds go to the sink as reloaded. Nothing is"
            + " committed before it accepts them; events the previous settings may have got across"
            + " are sent again. batches={}",
        t.name(),
        st.mode().name().toLowerCase(Locale.ROOT),
        Logfmt.q(st.reason()),
        batches);
    ThreadPoolExecutor lane;
    synchronized (lanes) {
      lane = lanes.remove(t);
    }
    if (lane != null) {
      lane.shutdownNow();
      // A send in progress ends when it is answered, or at the latest when the reload closes the
      // sink; the retry wait ends at once.
      lane.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Hands what a reload cut short ({@link #cut}) to the sinks of those names after it. */
  private void resubmitCut(Deque<Pending> pending) throws InterruptedException {
    Map<String, SinkRuntime> byName = new HashMap<>();
    for (SinkRuntime s : sinks) {
      byName.put(s.name(), s);
    }
    Map<String, Long> resent = new LinkedHashMap<>();
    for (Pending p : pending) {
      for (int i = 0; i < p.futures().size(); i++) {
        if (p.futures().get(i) != null) {
          continue;
        }
        SinkRuntime old = p.to().get(i);
        String name = old.name();
        SinkRuntime s = byName.get(name);
        List<SinkRecord> r = s == null ? List.of() : format(s, p.passed());
        if (s == null) {
          // No sink of its name is left to take them, and the batch is committed without it:
          // they go to the dead-letter file, from which `replay --to` sends them to another sink
          // (a sink renamed by the reload, say), never dropped silently.
          List<SinkRecord> held = format(old, p.passed());
          if (!held.isEmpty() && old.target() instanceof RetryingSink rs) {
            rs.deadLetterAll(
                held, "sink " + name + " was removed by a reload while it retried this event");
          }
          LOG.warn(
              "Sink {} was removed by the reload while it retried a batch; its events were written"
                  + " to the dead-letter file (replay --to SINK sends them to another sink)."
                  + " events={}",
              name,
              held.size());
        }
        if (r.isEmpty()) {
          p.futures().set(i, CompletableFuture.completedFuture(null));
          continue;
        }
        p.to().set(i, s);
        p.futures().set(i, submit(s.target(), r));
        resent.merge(name, (long) r.size(), Long::sum);
      }
    }
    resent.forEach(
        (name, n) ->
            LOG.info("Sending again through the reloaded sink. sink={} events={}", name, n));
  }

  private static long pendingWeight(Deque<Pending> pending) {
    long w = 0;
    for (Pending p : pending) {
      w += p.weight();
    }
    return w;
  }

  /** The bytes the events of a batch hold ({@link Event#weight()}, computed once per event). */
  private static long weight(List<Event> events) {
    long w = 0;
    for (int i = 0, n = events.size(); i < n; i++) {
      w += events.get(i).weight();
    }
    return w;
  }

  private static int pendingEvents(Deque<Pending> pending) {
    int n = 0;
    for (Pending p : pending) {
      n += p.batch().events().size();
    }
    return n;
  }

  private static void cancelAll(Deque<Pending> pending) {
    for (Pending p : pending) {
      for (Future<?> f : p.futures()) {
        if (f != null) {
          f.cancel(true);
        }
      }
    }
  }

  /** Filters {@code events} and formats them for every sink (on this thread). */
  private Formatted format(List<Event> events) {
    List<Event> passed = passGlobalFilter(events);
    List<SinkRuntime> to = sinks;
    List<List<SinkRecord>> out = new ArrayList<>(to.size());
    for (SinkRuntime s : to) {
      out.add(format(s, passed));
    }
    return new Formatted(passed, to, out);
  }

  /**
   * {@code f}, formatted before a reload, for the sinks after it: a sink that kept running keeps
   * its records; a new or changed one gets the same events formatted its way.
   */
  private Formatted reformat(Formatted f) {
    Map<Target, List<SinkRecord>> before = new IdentityHashMap<>();
    for (int i = 0; i < f.sinks().size(); i++) {
      before.put(f.sinks().get(i).target(), f.records().get(i));
    }
    List<SinkRuntime> to = sinks;
    List<List<SinkRecord>> out = new ArrayList<>(to.size());
    for (SinkRuntime s : to) {
      List<SinkRecord> r = before.get(s.target());
      out.add(r != null ? r : format(s, f.passed()));
    }
    return new Formatted(f.passed(), to, out);
  }

  /**
   * The events the global filter lets through. A method of its own, like each sink's format loop,
   * so that the JIT compiles these per-event loops alone, not the per-batch code around them.
   */
  private List<Event> passGlobalFilter(List<Event> events) {
    EventFilter f = globalFilter;
    List<Event> passed = new ArrayList<>(events.size());
    for (int i = 0, n = events.size(); i < n; i++) {
      Event e = events.get(i);
      if (f.matches(e)) {
        passed.add(e);
      } else {
        globallyFiltered++;
      }
    }
    return passed;
  }

  /** Hands each sink its records, all sinks at once, each on its own delivery threads. */
  private Pending submit(Source.Batch batch, Formatted records, long weight) {
    List<SinkRuntime> all = records.sinks();
    List<SinkRuntime> to = new ArrayList<>(all.size());
    List<Future<?>> futures = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      List<SinkRecord> r = records.records().get(i);
      if (r.isEmpty()) {
        continue;
      }
      to.add(all.get(i));
      futures.add(submit(all.get(i).target(), r));
    }
    return new Pending(batch, records.passed(), to, futures, weight);
  }

  private Future<?> submit(Target t, List<SinkRecord> r) {
    return lane(t)
        .submit(
            () -> {
              t.accept(r);
              return null;
            });
  }

  /**
   * The delivery threads of {@code t}: as many as the batches it takes at once, taking them in the
   * order they were handed out (a FIFO queue, so one thread means one batch after the other).
   */
  private ThreadPoolExecutor lane(Target t) {
    synchronized (lanes) {
      ThreadPoolExecutor e = lanes.get(t);
      if (e == null) {
        int n = Math.max(1, t.batchesInFlight());
        e =
            new ThreadPoolExecutor(
                n,
                n,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> {
                  Thread th = new Thread(r, "auditship-sink");
                  th.setDaemon(true);
                  return th;
                });
        e.allowCoreThreadTimeOut(true); // an idle sink (a follow source waiting) holds no thread
        lanes.put(t, e);
      }
      return e;
    }
  }

  /** Shuts down the delivery threads of sinks a reload removed (idle: everything was finished). */
  private void retireLanes(List<SinkRuntime> now) {
    Set<Target> live = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SinkRuntime s : now) {
      live.add(s.target());
    }
    synchronized (lanes) {
      lanes
          .entrySet()
          .removeIf(
              e -> {
                if (live.contains(e.getKey())) {
                  return false;
                }
                e.getValue().shutdownNow();
                return true;
              });
    }
  }

  private static void await(List<Future<?>> futures) throws InterruptedException {
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof InterruptedException ie) {
        throw ie;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }

  private static List<SinkRecord> format(SinkRuntime s, List<Event> events) {
    List<SinkRecord> records = new ArrayList<>(events.size());
    ByteBuf scratch = s.scratch();
    long filtered = 0;
    for (Event e : events) {
      if (!s.filter().matches(e)) {
        filtered++;
        continue;
      }
      records.add(new SinkRecord(e, s.format().record(e, scratch)));
    }
    scratch.trim(SinkRuntime.SCRATCH_KEEP);
    if (filtered > 0) {
      s.target().stats().filtered.addAndGet(filtered);
      LOG.debug("Events filtered out. sink={} count={}", s.name(), filtered);
    }
    return records;
  }

  /**
   * Lets spooled sinks deliver until the shutdown deadline (counted from the stop request, or from
   * now when the input ended), all at once: each drains in the background, so waiting for them one
   * after the other costs no time. Interrupted (the deadline watchdog or a second signal), the
   * remaining sinks stop at once; what they hold stays in their spools, which each logs, so the run
   * still ends normally: everything read was accepted.
   */
  private void drain() {
    long from = stopping ? stopRequestedAt : System.nanoTime();
    // End a little before the shutdown watchdog (which starts with the stop request) so that the
    // sinks log
    // what they left before it interrupts anything.
    long margin = Math.min(shutdownTimeout.toNanos() / 10, Duration.ofMillis(250).toNanos());
    long deadline = from + shutdownTimeout.toNanos() - margin;
    boolean cut = false;
    for (SinkRuntime s : sinks) {
      try {
        s.target().drain(Duration.ofNanos(cut ? 0 : Math.max(0, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        cut = true;
      }
    }
  }

  /**
   * Asks the loop to apply {@code reload} before it reads the next batch (a later request replaces
   * one not yet applied).
   */
  void requestReload(Reload reload) {
    ReloadWait w = reloadWait;
    reloadWait = new ReloadWait(w != null ? w.since() : Instant.now(), List.of());
    pendingReload.set(reload);
  }

  /** Asks the loop to stop after the current batch; wakes it when it is only waiting for input. */
  public void stop() {
    if (phase == Phase.RUNNING) {
      phase = Phase.STOPPING;
    }
    if (!stopping) {
      stopRequestedAt = System.nanoTime();
    }
    synchronized (readLock) {
      stopping = true;
      Thread t = runner;
      if (t != null && readingSource) {
        t.interrupt();
      }
    }
  }

  /** Interrupts delivery in progress (the shutdown deadline passed). */
  public void abort() {
    aborted = true;
    stopping = true;
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Events read but not yet accepted by every sink and committed: after {@link #run} was cut short,
   * how many were neither delivered, spooled nor dead-lettered.
   */
  public int inFlightEvents() {
    return inFlight;
  }

  /** Events the source read and held, not yet in a batch, that it cannot read again (stdin). */
  public int heldEvents() {
    return source.heldEvents();
  }

  /**
   * Every {@code stats_interval_secs}, on its own thread so that it keeps coming while a sink holds
   * the run loop back (an outage): a Progress line per source and sink with rates since the last
   * one and the lag, and for every sink that is paused or retrying a WARN saying since when, why
   * and how much is waiting. {@code null} when the interval is 0.
   */
  private ScheduledExecutorService startProgressTicker() {
    if (statsInterval.isZero()) {
      return null;
    }
    ScheduledExecutorService t =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread th = new Thread(r, "auditship-stats");
              th.setDaemon(true);
              return th;
            });
    long ms = statsInterval.toMillis();
    t.scheduleAtFixedRate(
        () -> {
          try {
            logProgress();
          } catch (RuntimeException e) {
            LOG.debug("Progress logging failed: {}", e.toString());
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
    return t;
  }

  private long lastTick = System.nanoTime();
  private long lastEvents;
  private final Map<String, Long> lastDelivered = new HashMap<>();

  /** One Progress round (see {@link #startProgressTicker}); called from the ticker thread only. */
  void logProgress() {
    long now = System.nanoTime();
    double secs = Math.max(0.001, (now - lastTick) / 1e9);
    lastTick = now;
    long events = source.stats().events.get();
    double eventsPerSec = (events - lastEvents) / secs;
    lastEvents = events;
    logSource("Progress.", rate("events_per_sec", eventsPerSec));
    Instant wall = Instant.now();
    for (SinkRuntime s : sinks) {
      SinkStats st = s.target().stats();
      long delivered = st.delivered.get();
      double perSec = (delivered - lastDelivered.getOrDefault(s.name(), 0L)) / secs;
      lastDelivered.put(s.name(), delivered);
      SinkState.Snapshot state = st.state.get();
      long lag =
          state.oldestWaiting() == null
              ? 0
              : Math.max(0, wall.getEpochSecond() - state.oldestWaiting().getEpochSecond());
      logSink(
          "Progress.",
          s.name(),
          st,
          rate("delivered_per_sec", perSec),
          kv("lag_secs", lag),
          kv("state", state.mode().name().toLowerCase(java.util.Locale.ROOT)));
      if (state.mode() != SinkState.Mode.OK) {
        LOG.warn(
            "Sink still not delivering; events are kept. {} {} {} {} {} {} {}",
            kv("sink", s.name()),
            kv("state", state.mode().name().toLowerCase(java.util.Locale.ROOT)),
            kv("since", String.valueOf(state.since())),
            kv("for_secs", java.time.Duration.between(state.since(), wall).toSeconds()),
            kv("waiting_events", state.waiting()),
            kv("oldest_waiting_age_secs", lag),
            kv("reason", state.reason()));
      }
    }
  }

  private static Object rate(String key, double v) {
    return kv(key, Math.round(v * 10) / 10.0);
  }

  private static Object kv(String key, Object value) {
    return net.logstash.logback.argument.StructuredArguments.kv(key, value);
  }

  /**
   * Logs source and per-sink counters. With {@code --log-format json} every counter is also a field
   * of the log event (logstash-logback-encoder's StructuredArguments), not only text.
   */
  /** How many events the source has read so far. */
  public long eventsRead() {
    return source.stats().events.get();
  }

  public void logStats(String what) {
    logSource(what);
    for (SinkRuntime s : sinks) {
      logSink(what, s.name(), s.target().stats());
    }
  }

  private void logSource(String what, Object... extra) {
    var st = source.stats();
    List<Object> args = new ArrayList<>();
    args.add(what);
    args.add(kv("read", st.lines.get()));
    args.add(kv("events", st.events.get()));
    args.add(kv("skipped", st.skipped.get()));
    args.add(kv("rejected", st.rejected.get()));
    args.add(kv("filtered_globally", globallyFiltered));
    args.addAll(List.of(extra));
    LOG.info("{} source:" + " {}".repeat(args.size() - 1), args.toArray());
  }

  private static void logSink(String what, String name, SinkStats st, Object... extra) {
    List<Object> args = new ArrayList<>();
    args.add(what);
    args.add(kv("sink", name));
    args.add(kv("delivered", st.delivered.get()));
    args.add(kv("retried", st.retried.get()));
    args.add(kv("dead_lettered", st.deadLettered.get()));
    args.add(kv("filtered", st.filtered.get()));
    args.add(kv("dropped", st.dropped.get()));
    args.add(kv("paused_ms", st.pausedMillis()));
    var g = st.spoolGauges();
    if (g != null) {
      args.add(kv("spool_records", g.records()));
      args.add(kv("spool_bytes", g.bytes()));
      args.add(kv("spool_oldest_age_secs", g.oldestAge().toSeconds()));
      args.add(kv("spool_quarantined_bytes", g.quarantined()));
    }
    args.addAll(List.of(extra));
    LOG.info("{}" + " {}".repeat(args.size() - 1), args.toArray());
  }

  public void close() {
    synchronized (lanes) {
      lanes.values().forEach(ExecutorService::shutdownNow);
      lanes.clear();
    }
    for (SinkRuntime s : sinks) {
      try {
        s.target().close();
      } catch (RuntimeException e) {
        LOG.warn(
            "Error while closing a sink. sink={} error=\"{}\"", s.name(), Logfmt.q(e.toString()));
      }
    }
    try {
      source.close();
    } catch (IOException e) {
      LOG.debug("Error while closing the source: {}", e.toString());
    }
  }

  Source source() {
    return source;
  }

  List<SinkRuntime> sinks() {
    return sinks;
  }
}
