package dev.auditship.pipeline;

import dev.auditship.codec.Format;
import dev.auditship.codec.JsonFormat;
import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.config.CoderConfig;
import dev.auditship.config.FileSourceConfig;
import dev.auditship.config.FilterRef;
import dev.auditship.config.Problem;
import dev.auditship.config.Secret;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.StdinSourceConfig;
import dev.auditship.event.Kind;
import dev.auditship.filter.CoderNameResolver;
import dev.auditship.filter.EventFilter;
import dev.auditship.filter.NameResolver;
import dev.auditship.filter.QueryCompiler;
import dev.auditship.io.Logfmt;
import dev.auditship.io.NdjsonFile;
import dev.auditship.io.OwnerLock;
import dev.auditship.metrics.Metrics;
import dev.auditship.metrics.SinkStats;
import dev.auditship.registry.FormatContext;
import dev.auditship.registry.Registry;
import dev.auditship.registry.SinkContext;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.Sink;
import dev.auditship.sink.Sleeper;
import dev.auditship.sink.Target;
import dev.auditship.source.CoderApiSource;
import dev.auditship.source.FileFollower;
import dev.auditship.source.Rejects;
import dev.auditship.source.Source;
import dev.auditship.source.StreamSource;
import dev.auditship.spool.SpoolTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Wiring: turns a validated {@link AuditshipConfig} into live components (docs/design.md §6 {@code
 * pipeline/}). {@link #check} does everything that needs no I/O (filters compile, formats resolve)
 * so {@code validate} can report every problem; {@link #build} then opens files and connections.
 */
public final class Assembly {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Assembly.class);

  /** The config built from; a reload replaces it (on the run loop's thread). */
  private AuditshipConfig config;

  private final Clock clock;
  private final InputStream stdin;
  private final OutputStream stdout;
  private final Registry registry;
  private final FormatContext formatContext;
  private Metrics metrics = new Metrics();

  /** The dead-letter file of the run ({@link #build}), shared by every sink, also after reloads. */
  private DeadLetters deadLetters;

  private NameResolver resolver;

  /** With the built-in sink types and formats ({@link Registry#standard()}). */
  public Assembly(AuditshipConfig config, Clock clock, InputStream stdin, OutputStream stdout) {
    this(config, clock, stdin, stdout, Registry.standard());
  }

  /**
   * @param registry the sink types and formats; the same the config was loaded with
   */
  public Assembly(
      AuditshipConfig config,
      Clock clock,
      InputStream stdin,
      OutputStream stdout,
      Registry registry) {
    this.config = config;
    this.clock = clock;
    this.stdin = stdin;
    this.stdout = stdout;
    this.registry = registry;
    this.formatContext = new FormatContext(config.envelope(), config.humanTime());
  }

  /** The counters and gauges of what {@link #build} built, by name and labels (for an exporter). */
  public Metrics metrics() {
    return metrics;
  }

  /** The warnings of the last {@link #check()}: filter terms that can match no event. */
  private List<String> checkWarnings = List.of();

  /**
   * Problems found while compiling filters (names are looked up in Coder when one is configured)
   * and making formats; the warnings are kept for {@link #checkWarnings()}.
   */
  public List<Problem> check() {
    List<Problem> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    EventFilter global = Filters.compile(resolver(), config.filter(), problems, warnings);
    for (SinkConfig s : config.sinks()) {
      Filters.disjoint(
          global, Filters.compile(resolver(), s.filter(), problems, warnings), s, warnings);
      try {
        format(s);
      } catch (IllegalArgumentException e) {
        problems.add(
            new Problem(null, 0, 0, "sinks." + s.name() + ".format", e.getMessage(), null));
      }
    }
    checkWarnings = List.copyOf(warnings);
    return problems;
  }

  /** What the last {@link #check()} warned about (the run logs the same at start). */
  public List<String> checkWarnings() {
    return checkWarnings;
  }

  /** The format of sink {@code sink}. */
  private Format format(SinkConfig sink) {
    return registry.format(sink, formatContext);
  }

  /**
   * Builds the pipeline: compiles the filters, opens the source, then the sinks (with their
   * spools). The source comes first because a missing input is the likeliest failure at start, and
   * then nothing else (spool locks, drainer threads, connections) has been opened yet; a sink that
   * fails to open closes everything opened before it.
   */
  public Pipeline build() throws IOException {
    List<Problem> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    EventFilter global = Filters.compile(resolver(), config.filter(), problems, warnings);
    List<EventFilter> sinkFilters = new ArrayList<>();
    for (SinkConfig sc : config.sinks()) {
      EventFilter f = Filters.compile(resolver(), sc.filter(), problems, warnings);
      Filters.disjoint(global, f, sc, warnings);
      sinkFilters.add(f);
    }
    for (String w : warnings) {
      LOG.warn("{}", w);
    }
    closeResolver(); // names are looked up only while filters are compiled
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the filters have problems: "
              + String.join("; ", problems.stream().map(Problem::render).toList()));
    }
    // The rejects and dead-letter files are written only when a line or an event needs them, maybe
    // days after the start: what would stop the run then is said now.
    writable("rejects file", config.rejectsFile());
    writable("dead-letter file", config.deadLetterFile());
    Source source = buildSource();
    source.stats().register(metrics, config.source().type());
    deadLetters =
        new DeadLetters(
            new NdjsonFile(config.deadLetterFile(), config.deadLetterRetention(), clock),
            new JsonFormat(config.envelope()),
            clock);
    List<SinkRuntime> sinks = new ArrayList<>();
    try {
      for (int i = 0; i < config.sinks().size(); i++) {
        sinks.add(openSink(config.sinks().get(i), sinkFilters.get(i)));
      }
    } catch (IOException | RuntimeException e) {
      // Release what was opened (spool locks, drainer threads, connections, the source) before
      // giving up.
      sinks.forEach(s -> s.target().close());
      try {
        source.close();
      } catch (IOException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return new Pipeline(
        source,
        global,
        sinks,
        config.batchMaxEvents(),
        config.batchLinger(),
        config.statsInterval(),
        config.shutdownTimeout());
  }

  /** Opens one sink: the sink, its retry wrapper, its spool; registers its metrics. */
  private SinkRuntime openSink(SinkConfig sc, EventFilter filter) throws IOException {
    Sink sink = buildSink(sc);
    SinkStats stats = new SinkStats();
    RetryingSink delivery =
        new RetryingSink(sink, sc.retry(), deadLetters, stats, Sleeper.REAL, clock);
    sink.registerMetrics(metrics);
    Target target = delivery;
    if (sc.spool() != null) {
      try {
        target =
            SpoolTarget.open(
                sc.spool(),
                delivery,
                new JsonFormat(config.envelope()),
                clock,
                config.batchMaxEvents());
      } catch (IOException | RuntimeException e) {
        delivery.close();
        throw new IOException(
            "cannot open the spool of sink "
                + sc.name()
                + " in "
                + sc.spool().directory()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    stats.register(metrics, sc.name(), clock); // after the spool, whose gauges it registers too
    return new SinkRuntime(sc.name(), filter, format(sc), target);
  }

  /**
   * Asks {@code pipeline} (built by {@link #build}) to move to {@code next}, a config that loaded
   * and checked without problems, before it reads its next batch. Filters and sinks change: a sink
   * whose options are unchanged keeps running (with its new filter), a removed or changed one
   * delivers what it holds (its spool for up to {@code shutdown_timeout_secs}) and closes, a new or
   * changed one opens and takes the events read from then on. What else changed is logged as
   * needing a restart. When a new or changed sink cannot be opened (its spool directory cannot be
   * made, say), the reload is undone: the sinks it opened are closed, the ones it closed open again
   * with their previous options, and the run goes on with the previous configuration (logged at
   * ERROR). Only when one of those cannot be opened again either does the run stop (exit 1) rather
   * than go on without it; the batch after the reload is then not committed.
   */
  public void requestReload(Pipeline pipeline, AuditshipConfig next) {
    pipeline.requestReload(
        new Pipeline.Reload() {
          @Override
          public Pipeline.Applied apply(EventFilter global, List<SinkRuntime> current)
              throws IOException {
            return reload(next, global, current);
          }

          @Override
          public Set<String> replaces() {
            return replacedBy(next);
          }
        });
  }

  /**
   * The sinks of the running config that {@code next} removes or changes (closes and, when changed,
   * opens again with its new options). Read on the run loop's thread, like {@link #config}.
   */
  private Set<String> replacedBy(AuditshipConfig next) {
    Map<String, SinkConfig> after = new HashMap<>();
    next.sinks().forEach(sc -> after.put(sc.name(), sc));
    Set<String> out = new HashSet<>();
    for (SinkConfig sc : config.sinks()) {
      SinkConfig nc = after.get(sc.name());
      if (nc == null || !sameDelivery(sc, nc)) {
        out.add(sc.name());
      }
    }
    return out;
  }

  private Pipeline.Applied reload(
      AuditshipConfig next, EventFilter previousGlobal, List<SinkRuntime> current)
      throws IOException {
    Assembly na = new Assembly(next, clock, stdin, stdout, registry);
    na.metrics = metrics;
    na.deadLetters = deadLetters;
    List<Problem> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    EventFilter global;
    Map<String, EventFilter> filters = new HashMap<>();
    try {
      global = Filters.compile(na.resolver(), next.filter(), problems, warnings);
      for (SinkConfig sc : next.sinks()) {
        EventFilter f = Filters.compile(na.resolver(), sc.filter(), problems, warnings);
        Filters.disjoint(global, f, sc, warnings);
        filters.put(sc.name(), f);
      }
    } finally {
      na.closeResolver();
    }
    for (String w : warnings) {
      LOG.warn("{}", w);
    }
    if (!problems.isEmpty()) {
      // The names were looked up when SIGHUP checked the config; a lookup that fails now (Coder
      // not answering for a moment) leaves everything as it was: nothing has been closed yet.
      LOG.error(
          "Reload failed; still running on the previous configuration. error=\"the filters have"
              + " problems: {}\"",
          Logfmt.q(String.join("; ", problems.stream().map(Problem::render).toList())));
      return new Pipeline.Applied(previousGlobal, current);
    }
    Map<String, SinkConfig> before = new HashMap<>();
    config.sinks().forEach(sc -> before.put(sc.name(), sc));
    Map<String, SinkConfig> after = new HashMap<>();
    next.sinks().forEach(sc -> after.put(sc.name(), sc));
    Map<String, SinkRuntime> kept = new HashMap<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> added = new ArrayList<>();
    for (SinkRuntime s : current) {
      SinkConfig nc = after.get(s.name());
      if (nc != null && sameDelivery(before.get(s.name()), nc)) {
        kept.put(s.name(), s);
        continue;
      }
      (nc == null ? removed : changed).add(s.name());
      try {
        s.target().drain(config.shutdownTimeout());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      s.target().close();
      metrics.unregister("sink", s.name());
    }
    List<SinkRuntime> out = new ArrayList<>();
    List<SinkRuntime> opened = new ArrayList<>();
    try {
      for (SinkConfig sc : next.sinks()) {
        SinkRuntime k = kept.get(sc.name());
        if (k != null) {
          out.add(new SinkRuntime(sc.name(), filters.get(sc.name()), k.format(), k.target()));
        } else {
          if (!changed.contains(sc.name())) {
            added.add(sc.name());
          }
          SinkRuntime o =
              openWaitingForLock(() -> na.openSink(sc, filters.get(sc.name())), Sleeper.REAL);
          opened.add(o);
          out.add(o);
        }
      }
    } catch (IOException | RuntimeException e) {
      return undo(next, previousGlobal, current, kept, opened, e);
    }
    List<String> restart = new ArrayList<>();
    if (!next.source().equals(config.source())) {
      restart.add("source");
    }
    if (!next.dataDir().equals(config.dataDir())
        || !next.deadLetterFile().equals(config.deadLetterFile())
        || !next.rejectsFile().equals(config.rejectsFile())) {
      restart.add("data_dir/dead_letter_file/rejects_file");
    }
    if (next.batchMaxEvents() != config.batchMaxEvents()
        || !next.batchLinger().equals(config.batchLinger())
        || !next.shutdownTimeout().equals(config.shutdownTimeout())
        || !next.statsInterval().equals(config.statsInterval())
        || !Objects.equals(next.metrics(), config.metrics())) {
      restart.add("batch/shutdown/stats/metrics settings");
    }
    // Filters whose query text changed (where it is written in the file does not count): the global
    // one and those of sinks that keep running; a changed or added sink's filter is new with it.
    List<String> filtersChanged = new ArrayList<>();
    if (!Objects.equals(query(config.filter()), query(next.filter()))) {
      filtersChanged.add("global");
    }
    for (SinkConfig sc : next.sinks()) {
      if (kept.containsKey(sc.name())
          && !Objects.equals(query(before.get(sc.name()).filter()), query(sc.filter()))) {
        filtersChanged.add(sc.name());
      }
    }
    LOG.info(
        "Configuration reloaded. added={} removed={} changed={} unchanged={} filters_changed={}",
        added,
        removed,
        changed,
        kept.keySet().stream().sorted().toList(),
        filtersChanged);
    if (!restart.isEmpty()) {
      LOG.warn(
          "Changes that take effect only at the next restart were not applied: {}",
          String.join(", ", restart));
    }
    config = next;
    return new Pipeline.Applied(global, out);
  }

  /**
   * A reload that could not open one of its sinks ({@code failure}): the sinks it opened close, the
   * ones it closed open again with their previous options and filters, and the run goes on as
   * before the reload. Throws when one of those cannot be opened again either.
   */
  private Pipeline.Applied undo(
      AuditshipConfig next,
      EventFilter previousGlobal,
      List<SinkRuntime> current,
      Map<String, SinkRuntime> kept,
      List<SinkRuntime> opened,
      Exception failure)
      throws IOException {
    for (SinkRuntime o : opened) {
      o.target().close();
    }
    for (SinkConfig sc : next.sinks()) {
      if (!kept.containsKey(sc.name())) {
        metrics.unregister("sink", sc.name()); // also what a sink that failed half-way registered
      }
    }
    Map<String, SinkConfig> before = new HashMap<>();
    config.sinks().forEach(sc -> before.put(sc.name(), sc));
    List<SinkRuntime> restored = new ArrayList<>();
    for (SinkRuntime s : current) {
      if (kept.containsKey(s.name())) {
        restored.add(s);
        continue;
      }
      try {
        restored.add(
            openWaitingForLock(() -> openSink(before.get(s.name()), s.filter()), Sleeper.REAL));
      } catch (IOException | RuntimeException e) {
        for (SinkRuntime r : restored) {
          if (!kept.containsKey(r.name())) {
            r.target().close();
          }
        }
        IOException stop =
            new IOException(
                "the reload could not open its sinks ("
                    + failure.getMessage()
                    + "), and sink "
                    + s.name()
                    + " could not be opened again with its previous options: "
                    + e.getMessage(),
                e);
        stop.addSuppressed(failure);
        throw stop;
      }
    }
    LOG.error(
        "Reload failed; still running on the previous configuration. error=\"{}\"",
        Logfmt.q(failure.getMessage()));
    return new Pipeline.Applied(previousGlobal, restored);
  }

  /** Opens a sink (may throw). */
  interface SinkOpener {
    SinkRuntime open() throws IOException;
  }

  /**
   * How long a reload waits for a spool directory this process still holds: a spool closed by the
   * reload keeps its lock until its last read pointer is on the disk, up to its close wait (10 s).
   */
  static final long LOCK_WAIT_MILLIS = 12_000;

  /**
   * Opens a sink at a reload, waiting (up to {@link #LOCK_WAIT_MILLIS}) while its spool directory
   * is still held by this process: the same sink before the reload, whose spool lets go once its
   * disk has taken the last save. Anything else fails at once.
   */
  static SinkRuntime openWaitingForLock(SinkOpener opener, Sleeper sleeper) throws IOException {
    long waited = 0;
    while (true) {
      try {
        return opener.open();
      } catch (IOException e) {
        boolean heldHere =
            e instanceof OwnerLock.InUse u && u.heldHere()
                || e.getCause() instanceof OwnerLock.InUse c && c.heldHere();
        if (!heldHere || waited >= LOCK_WAIT_MILLIS) {
          throw e;
        }
        try {
          sleeper.sleep(Duration.ofMillis(100));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        waited += 100;
      }
    }
  }

  private static String query(FilterRef f) {
    return f == null ? null : f.query();
  }

  /** Whether a sink can keep running: everything but its filter is the same. */
  private static boolean sameDelivery(SinkConfig a, SinkConfig b) {
    return a != null
        && a.type().equals(b.type())
        && a.format().equals(b.format())
        && Objects.equals(a.formatOptions(), b.formatOptions())
        && Objects.equals(a.retry(), b.retry())
        && Objects.equals(a.spool(), b.spool())
        && Objects.equals(a.settings(), b.settings());
  }

  /**
   * For {@code validate --check-connectivity}: one line per sink whose destination does not answer.
   */
  public List<String> checkConnectivity() {
    List<String> failures = new ArrayList<>();
    if (config.source() != null && config.source().settings() instanceof CoderApiSourceConfig api) {
      for (String p : dev.auditship.source.CoderApiProbe.check(api)) {
        failures.add("source (coder_api): " + p);
      }
    }
    for (SinkConfig sc : config.sinks()) {
      try (Sink sink = buildSink(sc)) {
        String problem = sink.checkConnectivity();
        if (problem != null) {
          failures.add("sinks." + sc.name() + ": " + problem);
        }
      } catch (IOException | RuntimeException e) {
        failures.add("sinks." + sc.name() + ": cannot be set up: " + e.getMessage());
      }
    }
    return failures;
  }

  private static void writable(String what, Path file) throws IOException {
    String o = NdjsonFile.obstacle(file);
    if (o != null) {
      throw new IOException("cannot write the " + what + " " + file + ": " + o);
    }
  }

  private Sink buildSink(SinkConfig sc) throws IOException {
    return registry.buildSink(sc, new SinkContext(registry.formatType(sc.format()), clock, stdout));
  }

  private Source buildSource() throws IOException {
    Rejects rejects =
        new Rejects(new NdjsonFile(config.rejectsFile(), config.rejectsRetention(), clock), clock);
    if (config.source().settings() instanceof StdinSourceConfig) {
      StreamSource s = new StreamSource("stdin", stdin, rejects);
      s.start();
      return s;
    }
    if (config.source().settings() instanceof FileSourceConfig f && f.follow()) {
      return FileFollower.open(
          f.path(),
          f.checkpointFile() != null
              ? f.checkpointFile()
              : config.dataDir().resolve(FileFollower.defaultCheckpointName(f.path())),
          "end".equals(f.startAt()),
          f.pollInterval(),
          rejects);
    }
    if (config.source().settings() instanceof CoderApiSourceConfig c) {
      return CoderApiSource.create(
          c, config.dataDir(), config.envelope().loggerNames(), rejects, clock);
    }
    if (config.source().settings() instanceof FileSourceConfig f) {
      InputStream in;
      try {
        in = Files.newInputStream(f.path());
      } catch (NoSuchFileException e) {
        throw new IOException("the source file " + f.path() + " does not exist", e);
      } catch (AccessDeniedException e) {
        throw new IOException(
            "the source file " + f.path() + " cannot be read: permission denied", e);
      }
      StreamSource s = new StreamSource(f.path().toString(), in, rejects);
      s.start();
      return s;
    }
    throw new IllegalStateException("no builder for source type " + config.source().type());
  }

  /** Filter compilation, with problems that name the config key and show the query. */
  static final class Filters {
    private Filters() {}

    static EventFilter compile(
        NameResolver resolver, FilterRef ref, List<Problem> problems, List<String> warnings) {
      if (ref == null || ref.query().isBlank()) {
        return EventFilter.ALL;
      }
      QueryCompiler.Compiled c = new QueryCompiler(resolver).compile(ref.query());
      for (String error : c.errors()) {
        String fix =
            c.needsCoder(error)
                ? "add coder: {endpoint: https://coder.example.com, token: ${CODER_SESSION_TOKEN}} to the config"
                : null;
        problems.add(
            new Problem(
                null,
                ref.loc().line(),
                ref.loc().column(),
                ref.path(),
                error + " (in the query \"" + ref.query() + "\")",
                fix));
      }
      if (c.ok() && warnings != null) {
        for (String w : c.warnings()) {
          warnings.add(ref.path() + ": " + w + " (in the query \"" + ref.query() + "\")");
        }
      }
      return c.ok() ? c.filter() : EventFilter.ALL;
    }

    /**
     * A sink whose filter allows only kinds of event the global filter does not let through (the
     * global {@code kind:audit}, the sink's {@code type:ssh}) can receive nothing: valid, but said.
     */
    static void disjoint(
        EventFilter global, EventFilter sink, SinkConfig sc, List<String> warnings) {
      Set<Kind> both = EnumSet.copyOf(global.kinds());
      both.retainAll(sink.kinds());
      if (both.isEmpty() && warnings != null) {
        warnings.add(
            "sinks."
                + sc.name()
                + ".filter: it lets only "
                + labels(sink.kinds())
                + " events through and the global filter only "
                + labels(global.kinds())
                + " events, so this sink receives no event");
      }
    }

    private static String labels(Set<Kind> kinds) {
      return String.join(" and ", kinds.stream().map(Kind::label).toList());
    }
  }

  /**
   * Closes the name resolver's HTTP client, if one was made: names are looked up only while filters
   * are compiled (at the check, at start and at a reload). A later compile makes a new one.
   */
  public void closeResolver() {
    if (resolver instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("Error while closing the Coder name resolver: {}", e.toString());
      }
    }
    resolver = null;
  }

  /** Name lookups for filters: Coder's API when {@code coder:} is configured, else none. */
  private NameResolver resolver() {
    if (resolver == null) {
      CoderConfig coder = config.coder();
      if (coder == null
          && config.source() != null
          && config.source().settings() instanceof CoderApiSourceConfig api
          && api.endpoint() != null
          && api.token() != null) {
        // The API source already knows where Coder is: filters may resolve names through it too.
        coder = new CoderConfig(api.endpoint(), api.token(), api.timeout());
      }
      if (coder == null || coder.endpoint() == null || coder.token() == null) {
        resolver = NameResolver.NONE;
      } else {
        Secret token = coder.token();
        resolver =
            new CoderNameResolver(
                coder.endpoint(),
                () -> {
                  try {
                    return token.value();
                  } catch (IOException e) {
                    throw new UncheckedIOException(
                        "cannot read the Coder token from "
                            + token.describe()
                            + ": "
                            + e.getMessage(),
                        e);
                  }
                },
                coder.timeout());
      }
    }
    return resolver;
  }
}
