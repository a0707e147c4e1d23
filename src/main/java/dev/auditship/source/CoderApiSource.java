package dev.auditship.source;

import dev.auditship.codec.Decoded;
import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.SourceStats;
import dev.auditship.source.ApiCheckpoint.Delta;
import dev.auditship.source.ApiJson.J;
import dev.auditship.source.ApiJson.Obj;
import dev.auditship.source.ApiMapper.Line;
import dev.auditship.source.ApiMapper.RowInfo;
import dev.auditship.text.GoTime;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: coder_api}: polls {@code GET /api/v2/audit} and {@code GET /api/v2/connectionlog}
 * (docs/coder-reference.md §6) and emits each row's events exactly once, oldest first
 * (docs/coder-api-source.md).
 *
 * <p>One poll, per kind: page newest first with {@code limit}/{@code offset} until a row older than
 * the poll's lower bound or the end of the listing. Rows that arrive while paging push older rows
 * to later offsets, so a row can come twice (dropped by ID) but none is skipped. New rows become
 * events (an SSH-like row that is already closed gives its connect and disconnect lines); rows
 * already exported are dropped by ID.
 *
 * <p>Backfill: when the lower bound is far behind and the listing is long, a poll reads one time
 * window of history ({@code date_from}/{@code date_to} for audit, {@code connected_after}/{@code
 * connected_before} for connections, Coder's own search keys), oldest window first; its events are
 * delivered and committed before the next window is read, and the checkpoint's {@code scanned}
 * records the last window done, so a restart resumes there and the rows held by a poll stay bounded
 * by the window size.
 *
 * <p>Closed sessions: SSH-like connections the checkpoint holds open are found closed in bulk by
 * one {@code status:completed} listing newest first down to the oldest tracked session's connect
 * time (bounded by {@link #CLOSE_LOOKBACK}), not one request per session. Sessions open longer than
 * that are checked against a {@code status:ongoing} listing at most once per {@link
 * #LONG_OPEN_CHECK}. On a first start from {@code now} or a time, the sessions open at that moment
 * are tracked, and those that closed since get their disconnect lines ({@code listSpanning}).
 *
 * <p>Clocks: a row's time never moves the checkpoint past this host's clock, so a row an agent
 * dated in the future cannot hide later rows (docs/coder-api-source.md, "Clocks").
 *
 * <p>Commit: each batch carries the checkpoint changes of its events ({@link ApiCheckpoint.Delta});
 * they are applied and the checkpoint saved atomically only in {@link #commit}, which the pipeline
 * calls once every sink accepted the batch. A new poll starts only when every batch of the last one
 * is committed.
 *
 * <p>Errors: the source owns its retries (the HTTP client never retries). A failed request is
 * retried where it failed, after an exponential back-off that honours {@code Retry-After}: the poll
 * keeps what it already fetched. 401/403, 404, a refused query and an unreadable token file are
 * logged at ERROR (and reported by {@link #fault()} for {@code /readyz}); 429, 5xx, broken answers
 * and network errors at WARN; each kind of failure once until Coder answers, a new kind again. A
 * 400 about {@code limit} halves that endpoint's page size until a poll completes ({@link
 * PageSize}). A row that cannot be mapped is quarantined through {@link Rejects} and the poll goes
 * on. Requests are paced under {@code max_requests_per_minute}.
 *
 * <p>First start from {@code now} or a time: rows Coder already holds from before it are history;
 * rows it lists later dated up to {@code overlap_secs} before it are exported ({@link
 * ApiCheckpoint.Known}, docs/coder-api-source.md, "Clocks").
 *
 * <p>Threads: the pipeline thread calls everything; HTTP requests run on the client's worker thread
 * so the pipeline's interrupt (shutdown) cancels them.
 */
public final class CoderApiSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(CoderApiSource.class);
  static final String AUDIT_PATH = "/api/v2/audit";
  static final String CONNECTION_PATH = "/api/v2/connectionlog";

  /** How long {@link #next} waits before it returns an empty batch while idle. */
  private static final Duration IDLE_RETURN = Duration.ofSeconds(1);

  private static final int MAX_REMEMBERED_REJECTS = 10_000;

  /**
   * A row dated more than this after the answer that listed it is reported as clock skew: about
   * what NTP-synchronised clocks may differ by. The checkpoint's bound does not depend on it
   * ({@link ApiCheckpoint.Seen}).
   */
  static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(5);

  /** At most this many agents (and Coder itself) are remembered as warned about clock skew. */
  private static final int MAX_SKEW_WARNINGS = 1000;

  /**
   * A lower bound further back than this is a backfill candidate: the first page tells whether the
   * listing is long enough to read in time windows.
   */
  static final Duration BACKFILL_AFTER = Duration.ofHours(1);

  /**
   * Coder's count is exact up to its cap of 2000 (2001 means more, docs/coder-reference.md §6.4); a
   * listing that long is read in time windows.
   */
  static final long LONG_LISTING = 2000;

  /**
   * Rows a backfill window aims at, under Coder's count cap so that the first page's count tells
   * when a window holds too many; doubled below a quarter of this.
   */
  static final int WINDOW_TARGET_ROWS = 1500;

  /** How far back the per-poll {@code status:completed} listing reaches at most. */
  static final Duration CLOSE_LOOKBACK = Duration.ofHours(24);

  /** How often sessions open longer than {@link #CLOSE_LOOKBACK} are checked. */
  static final Duration LONG_OPEN_CHECK = Duration.ofHours(1);

  private static final Instant EPOCH = Instant.EPOCH;

  /**
   * What the source runs with, resolved from the config.
   *
   * @param floor where a kind without a checkpoint starts; {@code null} for the beginning
   * @param backoffInitial first delay after a failed request, doubled per failure up to {@code
   *     backoffMax}
   * @param maxRequestsPerMinute requests started per minute at most
   */
  record Settings(
      URI endpoint,
      List<Kind> kinds,
      Duration pollInterval,
      int pageSize,
      Instant floor,
      Map<Kind, String> q,
      Path checkpointFile,
      int maxOpenConnections,
      Duration overlap,
      List<String> loggerNames,
      Duration backoffInitial,
      Duration backoffMax,
      int maxRequestsPerMinute) {}

  /** One event waiting to be handed out; the row text is in the poll buffer. */
  private record Pending(
      Instant time,
      int order,
      String eventId,
      Line line,
      Kind kind,
      String rowId,
      Instant rowTime,
      String connectionId,
      Instant polledAt,
      PollBuffer.Ref ref) {}

  private static final Comparator<Pending> ORDER =
      Comparator.comparing(Pending::time)
          .thenComparingInt(Pending::order)
          .thenComparing(Pending::eventId);

  private enum Trouble {
    CONFIG,
    TRANSIENT,
    /**
     * Coder answers, but page after page is the same: it ignores {@code offset}. The episode ends
     * when a poll completes, not at the next answer.
     */
    OFFSET
  }

  /** A request that failed; the poll waits and retries it where it failed. */
  private static final class PollFailed extends Exception {
    final Trouble trouble;

    /**
     * The kind of failure ({@code token}, {@code http_5xx}, {@code not_json}, …): a new kind is
     * logged again, the same one is not logged at every retry.
     */
    final String what;

    final Duration retryAfter;

    PollFailed(Trouble trouble, String what, String message, Duration retryAfter) {
      super(message, null, false, false);
      this.trouble = trouble;
      this.what = what;
      this.retryAfter = retryAfter;
    }
  }

  /**
   * The rows of one listing page, the page size asked for, and Coder's {@code count} (-1 when
   * absent); {@code exact} when that count is the listing's size (current releases cap it at {@code
   * count_cap}, 2000, and answer 2001 for more; older ones have no cap and an exact count,
   * docs/coder-reference.md §6.4).
   */
  private record Page(List<J> rows, int limit, long count, boolean exact) {
    /**
     * Whether this page, read at {@code offset}, ends its listing. A page shorter than asked ends
     * it only when it is empty or Coder's exact count agrees: a release or a proxy that returns
     * fewer rows than {@code limit} in the middle of a listing would otherwise end every poll after
     * its first page, and the rows behind it would be lost. When the count cannot tell, one more
     * page is asked for (an empty one ends the listing).
     */
    boolean last(int offset) {
      int n = rows.size();
      if (n == 0) {
        return true;
      }
      if (n >= limit) {
        return false;
      }
      return exact && offset + n >= count;
    }
  }

  /**
   * What a poll reads of one kind.
   *
   * @param lo rows older than this end the listing (null: read to the end)
   * @param hi the window's end (inclusive) in a backfill, else null
   * @param q the search query sent
   * @param probe true when the first page decides whether to backfill in windows
   */
  private record Window(Instant lo, Instant hi, String q, boolean probe) {
    boolean backfill() {
      return hi != null;
    }
  }

  /**
   * The page size of one listing endpoint. Halved while Coder answers 400 about {@code limit}, for
   * that endpoint only; after a poll completes with a smaller size, the next poll tries the
   * configured size once more, so a transient refusal costs one poll of small pages. If Coder still
   * refuses it, the size that worked is used again at once and the next try waits twice as many
   * polls (at most {@link #MAX_PAGE_RETRY_POLLS}), so a server whose maximum is below {@code
   * page_size} costs one refused request now and then.
   */
  private final class PageSize {
    int size = settings.pageSize();

    /** The size that worked before the configured one was tried again. */
    int good;

    /** The configured size is being tried again. */
    boolean trying;

    int pollsToRetry;
    int retryEvery = 1;
  }

  /** Completed polls between two tries of a refused page size, at most. */
  static final int MAX_PAGE_RETRY_POLLS = 64;

  private enum Stage {
    LIST,
    ONGOING,
    SPANNING,
    COMPLETED,
    LOOKUP,
    DONE
  }

  private final Settings settings;
  private final Clock clock;
  private final io.github.resilience4j.core.IntervalFunction backoff;
  private final CoderApiClient client;
  private final Rejects rejects;
  private final ApiMapper mapper;
  private final ApiCheckpoint checkpoint;
  private final dev.auditship.io.OwnerLock owner;
  private final RequestPacer pacer;
  private final SourceStats stats = new SourceStats();

  /**
   * SHA-256 digests of the rows quarantined, so each is quarantined once per process: 32 bytes
   * each, whatever the row's size (template-version diffs make rows of hundreds of KB).
   */
  private final Set<ByteBuffer> rejectedRows = new LinkedHashSet<>();

  private final Map<Kind, Duration> windowSize = new EnumMap<>(Kind.class);
  private final Set<String> skewWarned = new HashSet<>();

  /** This host's clock when the last page was answered. */
  private Instant answeredAt = Instant.EPOCH;

  /** Whether Coder's clock was compared with this host's (once per process). */
  private boolean clockChecked;

  private List<Pending> pending = new ArrayList<>();
  private int nextPending;
  private List<Delta> extra = new ArrayList<>();
  private List<Delta> tail = new ArrayList<>();
  private PollBuffer spool;
  private Poll current;
  private int outstanding;
  private long nextPollNanos = System.nanoTime();
  private long lastLongOpenCheck = System.nanoTime() - LONG_OPEN_CHECK.toNanos();

  /** {@link #LONG_OPEN_CHECK}; tests shorten it. */
  Duration longOpenCheckEvery = LONG_OPEN_CHECK;

  /** The page size of each listing endpoint (docs/coder-api-source.md, "Errors and back-off"). */
  private final Map<Kind, PageSize> pageSizes = new EnumMap<>(Kind.class);

  private int failures;
  private Trouble lastTrouble;

  /** {@link PollFailed#what} of the last failure logged, until Coder answers again. */
  private String lastWhat;

  /**
   * The configuration fault of the last request (401/403, 404, a refused query, an unreadable token
   * file), or null once a request is answered or fails for a transient reason; read by {@code
   * /readyz} from the status thread.
   */
  private volatile Fault fault;

  private long requests;
  private long lastPollRequests;

  CoderApiSource(Settings settings, CoderApiClient client, Rejects rejects) throws IOException {
    this(settings, client, rejects, Clock.systemUTC());
  }

  CoderApiSource(Settings settings, CoderApiClient client, Rejects rejects, Clock clock)
      throws IOException {
    this.settings = settings;
    this.clock = clock;
    this.backoff =
        io.github.resilience4j.core.IntervalFunction.ofExponentialRandomBackoff(
            settings.backoffInitial(), 2.0, 0.2, settings.backoffMax());
    this.client = client;
    this.rejects = rejects;
    this.mapper = new ApiMapper(settings.loggerNames());
    for (Kind k : Kind.values()) {
      pageSizes.put(k, new PageSize());
    }
    this.pacer = new RequestPacer(settings.maxRequestsPerMinute());
    this.owner = FileFollower.lockCheckpoint(settings.checkpointFile());
    try {
      this.checkpoint =
          ApiCheckpoint.load(
              settings.checkpointFile(),
              settings.endpoint().toString(),
              settings.kinds(),
              settings.floor(),
              settings.overlap(),
              settings.maxOpenConnections(),
              clock.instant());
    } catch (IOException | RuntimeException e) {
      owner.close();
      throw e;
    }
    if (!settings.endpoint().toString().equals(checkpoint.endpoint())) {
      LOG.warn(
          "The checkpoint was written for another Coder endpoint; it is used as is. Delete it if this is "
              + "another deployment. checkpoint={} checkpoint_endpoint={} endpoint={}",
          settings.checkpointFile(),
          checkpoint.endpoint(),
          settings.endpoint());
    }
    PollBuffer.removeStale(spoolDir());
    LOG.info(
        "Polling Coder's API. endpoint={} kinds={} poll_interval={} page_size={} "
            + "max_requests_per_minute={} checkpoint={}",
        settings.endpoint(),
        settings.kinds().stream().map(Kind::label).toList(),
        settings.pollInterval(),
        settings.pageSize(),
        settings.maxRequestsPerMinute(),
        settings.checkpointFile());
  }

  /** Builds the source from its config ({@code start_at: now} is the clock's instant now). */
  public static CoderApiSource create(
      CoderApiSourceConfig c, Path dataDir, List<String> loggerNames, Rejects rejects, Clock clock)
      throws IOException {
    Instant floor =
        switch (c.startAt()) {
          case "beginning" -> null;
          case "now" -> clock.instant();
          default ->
              OffsetDateTime.parse(c.startAt(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        };
    List<Kind> kinds =
        c.kinds().stream().map(k -> k.equals("audit") ? Kind.AUDIT : Kind.CONNECTION).toList();
    Map<Kind, String> q = new LinkedHashMap<>();
    c.q().forEach((k, v) -> q.put(k.equals("audit") ? Kind.AUDIT : Kind.CONNECTION, v));
    if (c.tls().insecureSkipVerify()) {
      LOG.warn(
          "TLS certificate and host name checks are off for Coder's API (tls.insecure_skip_verify). "
              + "endpoint={}",
          c.endpoint());
    }
    Settings s =
        new Settings(
            c.endpoint(),
            kinds,
            c.pollInterval(),
            c.pageSize(),
            floor,
            q,
            checkpointFile(c, dataDir),
            c.maxOpenConnections(),
            c.overlap(),
            loggerNames,
            Duration.ofSeconds(1),
            Duration.ofMinutes(5).compareTo(c.pollInterval()) > 0
                ? Duration.ofMinutes(5)
                : c.pollInterval(),
            c.maxRequestsPerMinute());
    CoderApiClient client = new CoderApiClient(c.endpoint(), c.token(), c.timeout(), c.tls());
    if (client.proxy != null) {
      LOG.info("Coder API requests go through a proxy. proxy={}", client.proxy);
    }
    try {
      return new CoderApiSource(s, client, rejects, clock);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The checkpoint file a config uses. */
  static Path checkpointFile(CoderApiSourceConfig c, Path dataDir) {
    return c.checkpointFile() != null
        ? c.checkpointFile()
        : dataDir.resolve("coder-api.checkpoint.json");
  }

  private Path spoolDir() {
    Path parent = settings.checkpointFile().toAbsolutePath().getParent();
    return parent != null ? parent : Path.of(".");
  }

  /** The bytes the memory of quarantined rows holds (for tests). */
  long rememberedRejectBytes() {
    return rejectedRows.stream().mapToLong(ByteBuffer::remaining).sum();
  }

  /** Requests sent since the source was opened (for tests and debug logs). */
  long requests() {
    return requests;
  }

  /** Requests the last completed poll made, retries included. */
  long lastPollRequests() {
    return lastPollRequests;
  }

  /** Events read by the last poll and not yet handed out: what a poll holds at most. */
  int buffered() {
    return pending.size() - nextPending;
  }

  // ------------------------------------------------------------------ Source

  @Override
  public Batch next(int max, Duration linger) throws IOException, InterruptedException {
    if (nextPending < pending.size()) {
      return take(max);
    }
    if (!extra.isEmpty() || !tail.isEmpty() || outstanding > 0) {
      return take(max);
    }
    long wait = nextPollNanos - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(Math.max(1, Math.min(wait, IDLE_RETURN.toNanos()) / 1_000_000));
      if (nextPollNanos - System.nanoTime() > 0) {
        return new Batch(List.of(), List.of());
      }
    }
    poll();
    return take(max);
  }

  @Override
  public void commit(Batch batch) throws IOException {
    if (batch.position() instanceof List<?> l && !l.isEmpty()) {
      outstanding = Math.max(0, outstanding - 1);
      List<Delta> deltas = new ArrayList<>(l.size());
      for (Object o : l) {
        deltas.add((Delta) o);
      }
      for (String id : checkpoint.apply(deltas)) {
        LOG.warn(
            "More open connections than max_open_connections; the oldest is no longer tracked and its "
                + "disconnect line will not be exported. id={} max_open_connections={}",
            id,
            settings.maxOpenConnections());
      }
    }
    checkpoint.saveIfChanged();
  }

  @Override
  public SourceStats stats() {
    return stats;
  }

  @Override
  public Fault fault() {
    return fault;
  }

  @Override
  public void close() throws IOException {
    try {
      current = null;
      dropPoll();
    } finally {
      try {
        client.close();
      } finally {
        owner.close();
      }
    }
  }

  /**
   * Hands out up to {@code max} pending events with their checkpoint changes; the poll's tail
   * changes (a backfill window done) go with its last batch, so they are committed only after every
   * event of the poll.
   */
  private Batch take(int max) throws IOException {
    int end = Math.min(pending.size(), nextPending + max);
    List<Event> events = new ArrayList<>(end - nextPending);
    List<Delta> deltas = new ArrayList<>(extra);
    extra = new ArrayList<>();
    for (int i = nextPending; i < end; i++) {
      Pending p = pending.get(i);
      J row = ApiJson.parse(spool.read(p.ref()));
      events.add(mapper.event(p.line(), (Obj) row));
      deltas.addAll(deltas(p));
    }
    nextPending = end;
    if (nextPending >= pending.size()) {
      deltas.addAll(tail);
      tail = new ArrayList<>();
      dropPoll();
    }
    stats.events.addAndGet(events.size());
    if (!deltas.isEmpty()) {
      outstanding++; // a batch with changes to commit; a new poll waits until none is outstanding
    }
    return new Batch(events, deltas);
  }

  private static List<Delta> deltas(Pending p) {
    return switch (p.line()) {
      case AUDIT ->
          List.of(new ApiCheckpoint.Seen(Kind.AUDIT, p.rowId(), p.rowTime(), p.polledAt()));
      case WEB ->
          List.of(new ApiCheckpoint.Seen(Kind.CONNECTION, p.rowId(), p.rowTime(), p.polledAt()));
      case CONNECTED ->
          List.of(
              new ApiCheckpoint.Seen(Kind.CONNECTION, p.rowId(), p.rowTime(), p.polledAt()),
              new ApiCheckpoint.Track(p.rowId(), p.connectionId(), p.rowTime()));
      case DISCONNECTED -> List.of(new ApiCheckpoint.Untrack(p.rowId()));
    };
  }

  private void dropPoll() throws IOException {
    pending = new ArrayList<>();
    nextPending = 0;
    if (spool != null && current == null) {
      PollBuffer s = spool;
      spool = null;
      s.close();
    }
  }

  // ------------------------------------------------------------------ one poll

  /**
   * One poll, resumable: a failed request leaves the poll's position (kind, stage, offset) and
   * everything it fetched in place, and the next attempt goes on from there.
   */
  private final class Poll {
    final long startedNanos = System.nanoTime();
    final Instant now = clock.instant();
    final long requestsAtStart = requests;
    final List<Pending> events = new ArrayList<>();
    final List<Delta> extra = new ArrayList<>();
    final List<Delta> tail = new ArrayList<>();

    /** SSH-like rows whose disconnect line this poll already emits. */
    final Set<String> closed = new HashSet<>();

    /** True when a kind read a backfill window: the next poll starts at once. */
    boolean backfilling;

    int kindIndex;
    Stage stage = Stage.LIST;
    Window window;

    // The position in the current listing.
    int offset;
    int repeatedPages;
    List<J> previousPage;
    Set<String> listed = new HashSet<>();

    /** The ongoing listing: rows connected at or before this (inclusive), then {@code offset}. */
    Instant before;

    // Backfill from the beginning: the bisection for the oldest row.
    boolean findOldest;
    Instant oldest;
    LocalDate searchLo;
    LocalDate searchHi;

    // Connection stages.
    Map<String, RowInfo> ongoing;
    boolean ongoingListed;

    void add(Line line, J row, RowInfo info) throws IOException {
      if (spool == null) {
        spool = new PollBuffer(spoolDir());
      }
      PollBuffer.Ref ref = spool.append(ApiJson.write(row));
      boolean disc = line == Line.DISCONNECTED;
      events.add(
          new Pending(
              disc ? info.disconnectTime() : info.time(),
              disc ? 1 : 0,
              disc ? ApiMapper.disconnectId(info.id()) : info.id(),
              line,
              info.kind(),
              info.id(),
              info.time(),
              info.connectionId(),
              now,
              ref));
    }

    /**
     * After a page that does not end the listing: the same page as at the previous offset, ten
     * times in a row, means the server ignores offset (exactly a page of rows arriving between two
     * requests, ten times in a row, is not a real case), and paging would never end. Pages of rows
     * this poll already listed (more rows arrived than a page holds, or pages read again after a
     * reset) and pages of rows that cannot be mapped are distinct pages: progress, not a repeat.
     */
    void notRepeated(Kind k, Page page) throws PollFailed {
      boolean same = page.rows().equals(previousPage);
      previousPage = page.rows();
      repeatedPages = same ? repeatedPages + 1 : 0;
      if (repeatedPages >= 10) {
        int at = offset;
        // Offsets cannot be trusted: the retry pages again from the start (rows already listed in
        // this poll are dropped by ID).
        repeatedPages = 0;
        previousPage = null;
        offset = 0;
        throw new PollFailed(Trouble.OFFSET, "offset", "path=" + path(k) + " offset=" + at, null);
      }
    }

    void resetListing() {
      offset = 0;
      repeatedPages = 0;
      previousPage = null;
      before = null;
      listed = new HashSet<>();
    }

    /** Runs (or resumes) the poll to its end. */
    void run() throws PollFailed, IOException, InterruptedException {
      List<Kind> kinds = settings.kinds();
      while (kindIndex < kinds.size()) {
        Kind k = kinds.get(kindIndex);
        switch (stage) {
          case LIST -> {
            if (window == null) {
              window = window(k, now, false, null);
            }
            list(this, k);
            stage = k == Kind.CONNECTION && !window.backfill() ? Stage.ONGOING : Stage.DONE;
          }
          case ONGOING -> {
            listOngoing(this);
            stage = Stage.SPANNING;
          }
          case SPANNING -> {
            listSpanning(this);
            stage = Stage.COMPLETED;
          }
          case COMPLETED -> {
            listCompleted(this);
            stage = Stage.LOOKUP;
          }
          case LOOKUP -> {
            lookupLongOpen(this);
            stage = Stage.DONE;
          }
          case DONE -> {
            kindIndex++;
            stage = Stage.LIST;
            window = null;
            resetListing();
          }
        }
        if (stage != Stage.DONE && stage != Stage.LIST) {
          resetListing();
        }
      }
    }
  }

  private void poll() throws IOException, InterruptedException {
    if (current == null) {
      dropPoll();
      current = new Poll();
    }
    Poll poll = current;
    try {
      poll.run();
    } catch (PollFailed f) {
      failed(f);
      return;
    } catch (IOException | InterruptedException | RuntimeException e) {
      current = null;
      dropPoll();
      throw e;
    }
    current = null;
    if (lastTrouble == Trouble.OFFSET) {
      LOG.info(
          "Coder's listing pages by offset again. endpoint={} failed_polls={}",
          settings.endpoint(),
          failures);
      failures = 0;
      lastTrouble = null;
      lastWhat = null;
    }
    lastPollRequests = requests - poll.requestsAtStart;
    for (PageSize ps : pageSizes.values()) {
      if (ps.size < settings.pageSize() && !ps.trying && --ps.pollsToRetry <= 0) {
        ps.good = ps.size;
        ps.size = settings.pageSize();
        ps.trying = true;
      }
    }
    nextPollNanos =
        poll.backfilling
            ? System.nanoTime()
            : poll.startedNanos + settings.pollInterval().toNanos();
    poll.events.sort(ORDER);
    pending = poll.events;
    nextPending = 0;
    extra.addAll(poll.extra);
    tail.addAll(poll.tail);
    if (pending.isEmpty()) {
      dropPoll();
    }
    LOG.debug(
        "Poll done. events={} requests={} backfill={} elapsed_ms={}",
        pending.size(),
        requests - poll.requestsAtStart,
        poll.backfilling,
        (System.nanoTime() - poll.startedNanos) / 1_000_000);
  }

  /**
   * What a poll reads of {@code k}: from the checkpoint's cutoff (newest exported minus the
   * overlap, or {@code start_at}) to now; or, in a backfill, one time window from where the last
   * window ended. The probe decides on the first page whether a far lower bound needs windows.
   */
  private Window window(Kind k, Instant now, boolean longListing, Instant oldest) {
    Instant cutoff = checkpoint.cutoff(k);
    Instant scanned = checkpoint.kind(k).scanned;
    String userQ = settings.q().get(k);
    if (!windowsAllowed(k, userQ)) {
      return new Window(cutoff, null, userQ, false);
    }
    Instant lo = cutoff != null ? cutoff : oldest != null ? oldest : EPOCH;
    if (scanned != null && scanned.isAfter(lo)) {
      lo = scanned;
    }
    boolean far = lo.isBefore(now.minus(BACKFILL_AFTER));
    if (!far || (scanned == null && !longListing)) {
      // Live: from the cutoff, but never further back than the backfill already covered.
      Instant live = cutoff;
      if (scanned != null) {
        Instant s = scanned.minus(settings.overlap());
        live = live == null || s.isAfter(live) ? s : live;
      }
      return new Window(live, null, userQ, far);
    }
    Duration size = windowSize.computeIfAbsent(k, x -> Duration.ofDays(1));
    Instant hi;
    String wq;
    if (k == Kind.AUDIT) {
      // date_from/date_to take whole UTC days; date_to:D means up to D 23:59:59
      // (docs/coder-reference.md §7.2).
      // A window ends at that instant, and the next starts there: date_from of the same day lists
      // the rows of that day's last second again, and the cutoff drops those already seen.
      LocalDate first = LocalDate.ofInstant(lo.plusSeconds(1), ZoneOffset.UTC);
      LocalDate last = first.plusDays(Math.max(1, size.toDays()) - 1);
      hi = last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
      wq = "date_from:" + LocalDate.ofInstant(lo, ZoneOffset.UTC) + " date_to:" + last;
    } else {
      hi = lo.plus(size);
      wq =
          "connected_after:\""
              + GoTime.rfc3339Nano(lo)
              + "\" connected_before:\""
              + GoTime.rfc3339Nano(hi)
              + "\"";
    }
    if (!hi.plus(settings.overlap()).isBefore(now)) {
      // The window reaches the present: read live from the backfill's end instead.
      Instant live = cutoff;
      Instant s = lo.minus(settings.overlap());
      live = live == null || s.isAfter(live) ? s : live;
      return new Window(live, null, userQ, false);
    }
    return new Window(lo, hi, userQ == null ? wq : userQ + " " + wq, false);
  }

  /** Windows add time keys to the query; a query that has them already is read as it is. */
  private static boolean windowsAllowed(Kind k, String userQ) {
    if (userQ == null) {
      return true;
    }
    String q = userQ.toLowerCase(Locale.ROOT);
    return k == Kind.AUDIT
        ? !q.contains("date_from:") && !q.contains("date_to:")
        : !q.contains("connected_after:") && !q.contains("connected_before:");
  }

  /** After a window: aim at {@link #WINDOW_TARGET_ROWS} rows per window. */
  private void adapt(Kind k, int rows) {
    Duration size = windowSize.getOrDefault(k, Duration.ofDays(1));
    Duration min = k == Kind.AUDIT ? Duration.ofDays(1) : Duration.ofSeconds(1);
    if (rows == 0) {
      size = size.multipliedBy(4);
    } else if (rows < WINDOW_TARGET_ROWS / 4) {
      size = size.multipliedBy(2);
    }
    if (size.compareTo(min) < 0) {
      size = min;
    }
    if (size.compareTo(Duration.ofDays(36_500)) > 0) {
      size = Duration.ofDays(36_500);
    }
    windowSize.put(k, size);
  }

  /** Reads one kind's listing (or backfill window) back to its lower bound. */
  private void list(Poll poll, Kind k) throws PollFailed, IOException, InterruptedException {
    while (true) {
      Window w = poll.window;
      Page page;
      if (w.probe()) {
        // A far lower bound: is the listing long enough to read in windows?
        page = fetch(k, w.q(), 0, Integer.MAX_VALUE);
        if (page.count() > LONG_LISTING) {
          Window next = window(k, poll.now, true, null);
          if (next.backfill() || checkpoint.cutoff(k) == null) {
            poll.findOldest = checkpoint.cutoff(k) == null && checkpoint.kind(k).scanned == null;
            poll.window = next;
            LOG.info(
                "A long history to read: it is read in time windows, oldest first, and committed as "
                    + "it goes. kind={} from={}",
                k.label(),
                poll.findOldest ? "the oldest row" : next.lo());
            continue; // the probe page is not used
          }
        }
        poll.window = new Window(w.lo(), null, w.q(), false);
        w = poll.window;
      } else if (poll.findOldest) {
        poll.oldest = findOldest(poll, k);
        poll.findOldest = false;
        poll.window = window(k, poll.now, true, poll.oldest);
        continue;
      } else {
        page = fetch(k, w.q(), poll.offset, Integer.MAX_VALUE);
        if (w.backfill() && poll.offset == 0 && page.count() > LONG_LISTING) {
          Window smaller = shrink(k, poll, page);
          if (smaller != null) {
            poll.window = smaller;
            continue; // the page is not used: the narrower window is read instead
          }
        }
      }
      Instant cutoff = w.lo();
      ApiCheckpoint.PerKind state = checkpoint.kind(k);
      boolean history = state.historyPending && state.floor != null;
      boolean done = page.last(poll.offset);
      for (int i = 0; i < page.rows().size(); i++) {
        J row = page.rows().get(i);
        ApiMapper.Checked c = mapper.check(k, row);
        if (c instanceof ApiMapper.Bad b) {
          quarantine(k, poll.offset + i + 1, row, b.reason());
          continue;
        }
        RowInfo info = ((ApiMapper.Good) c).info();
        if (!poll.listed.add(info.id())) {
          continue; // pushed to a later offset by rows that arrived while paging
        }
        if (info.time().isAfter(answeredAt.plus(CLOCK_TOLERANCE))) {
          warnAhead(row, info, Duration.between(answeredAt, info.time()));
        }
        if (cutoff != null && info.time().isBefore(cutoff)) {
          done = true;
          break;
        }
        if (checkpoint.seen(k, info.id())) {
          if (info.sshLike()
              && info.closed()
              && checkpoint.isOpen(info.id())
              && poll.closed.add(info.id())) {
            poll.add(Line.DISCONNECTED, row, info);
          }
          continue;
        }
        if (history && info.time().isBefore(state.floor)) {
          // Coder held it at the first poll, dated before start_at: history, not exported. A row
          // listed later with such a time was committed late (or stamped by a clock behind ours)
          // and is exported, down to read_from (docs/coder-api-source.md, "Clocks").
          poll.extra.add(new ApiCheckpoint.Known(k, info.id(), info.time()));
          continue;
        }
        if (k == Kind.AUDIT) {
          poll.add(Line.AUDIT, row, info);
        } else if (!info.sshLike()) {
          poll.add(Line.WEB, row, info);
        } else {
          poll.add(Line.CONNECTED, row, info);
          if (info.closed()) {
            poll.closed.add(info.id());
            poll.add(Line.DISCONNECTED, row, info);
          }
        }
      }
      if (done) {
        if (history && (!w.backfill() || !w.hi().isBefore(state.floor))) {
          poll.extra.add(new ApiCheckpoint.HistoryListed(k));
        }
        if (w.backfill()) {
          poll.backfilling = true;
          poll.tail.add(new ApiCheckpoint.Scanned(k, w.hi()));
          adapt(k, poll.listed.size());
          LOG.debug(
              "Backfill window read. kind={} from={} to={} rows={} next_window={}",
              k.label(),
              w.lo(),
              w.hi(),
              poll.listed.size(),
              windowSize.get(k));
        }
        return;
      }
      poll.notRepeated(k, page);
      poll.offset += page.rows().size();
    }
  }

  /**
   * A backfill window holds more rows than Coder counts (its count stops at 2000): a narrower one,
   * sized from the first page's time span (rows per second there), or null when it cannot shrink.
   */
  private Window shrink(Kind k, Poll poll, Page page) {
    Duration size = windowSize.getOrDefault(k, Duration.ofDays(1));
    Duration min = k == Kind.AUDIT ? Duration.ofDays(1) : Duration.ofSeconds(1);
    if (size.compareTo(min) <= 0) {
      return null; // a dense day (audit): read whole, the rows are buffered on disk
    }
    Duration next = size.dividedBy(2);
    List<J> rows = page.rows();
    if (rows.size() >= 2
        && mapper.check(k, rows.get(0)) instanceof ApiMapper.Good first
        && mapper.check(k, rows.get(rows.size() - 1)) instanceof ApiMapper.Good last) {
      Duration span = Duration.between(last.info().time(), first.info().time());
      Duration estimate = span.multipliedBy(WINDOW_TARGET_ROWS).dividedBy(rows.size());
      if (estimate.compareTo(next) < 0) {
        next = estimate;
      }
    }
    if (next.compareTo(min) < 0) {
      next = min;
    }
    windowSize.put(k, next);
    return window(k, poll.now, true, poll.oldest);
  }

  /**
   * The day of the oldest row a from-the-beginning backfill starts at, found by bisecting with
   * one-row requests ({@code date_to} / {@code connected_before}): about 15 requests instead of a
   * window for every empty stretch since 1970.
   */
  private Instant findOldest(Poll poll, Kind k) throws PollFailed, InterruptedException {
    if (poll.searchHi == null) {
      poll.searchLo = LocalDate.EPOCH;
      poll.searchHi = LocalDate.ofInstant(poll.now, ZoneOffset.UTC);
    }
    String userQ = settings.q().get(k);
    while (poll.searchLo.isBefore(poll.searchHi)) {
      LocalDate mid =
          poll.searchLo.plusDays(ChronoUnit.DAYS.between(poll.searchLo, poll.searchHi) / 2);
      String term =
          k == Kind.AUDIT
              ? "date_to:" + mid
              : "connected_before:\""
                  + GoTime.rfc3339Nano(
                      mid.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1))
                  + "\"";
      Page page = fetch(k, userQ == null ? term : userQ + " " + term, 0, 1);
      if (page.rows().isEmpty()) {
        poll.searchLo = mid.plusDays(1);
      } else {
        poll.searchHi = mid;
      }
    }
    return poll.searchLo.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Tracked open connections not yet found closed in this poll, oldest first. */
  private List<Map.Entry<String, ApiCheckpoint.Open>> stillOpen(Poll poll) {
    List<Map.Entry<String, ApiCheckpoint.Open>> open = new ArrayList<>();
    for (Map.Entry<String, ApiCheckpoint.Open> e : checkpoint.openConnections()) {
      if (!poll.closed.contains(e.getKey())) {
        open.add(e);
      }
    }
    return open;
  }

  /**
   * On a first start from {@code now} or a time, lists the ongoing sessions so that those already
   * open then are tracked and their disconnect lines exported; at most once per {@link
   * #LONG_OPEN_CHECK}, the same listing tells which sessions open longer than {@link
   * #CLOSE_LOOKBACK} closed or are gone.
   *
   * <p>The listing keeps to the user's {@code q}: a session outside it is not exported, so it is
   * not tracked either. It pages by {@code connected_before} of the last row read rather than by
   * offset alone: a session that closes while the pages are read leaves the listing, and with
   * offsets the rows after it would move up and one of them would be skipped.
   */
  private void listOngoing(Poll poll) throws PollFailed, IOException, InterruptedException {
    ApiCheckpoint.PerKind state = checkpoint.kind(Kind.CONNECTION);
    Instant lookback = poll.now.minus(CLOSE_LOOKBACK);
    boolean longOpen =
        System.nanoTime() - lastLongOpenCheck >= longOpenCheckEvery.toNanos()
            && stillOpen(poll).stream()
                .anyMatch(e -> e.getValue().connectTime().isBefore(lookback));
    String userQ = settings.q().get(Kind.CONNECTION);
    String status = CoderQuery.value(userQ, "status");
    // With another status in q, no ongoing session is exported: none to track at start_at; the
    // long-open check, which only looks at tracked sessions, lists every ongoing one.
    boolean baseline = state.fresh && state.floor != null && !"completed".equals(status);
    String q =
        status == null
            ? CoderQuery.and(userQ, "status:ongoing")
            : status.equals("ongoing") ? userQ : "status:ongoing";
    if (!baseline && !longOpen) {
      return;
    }
    boolean keyset = !CoderQuery.has(q, "connected_before");
    if (poll.ongoing == null) {
      poll.ongoing = new LinkedHashMap<>();
    }
    while (true) {
      String pq =
          poll.before == null
              ? q
              : q + " connected_before:\"" + GoTime.rfc3339Nano(poll.before) + "\"";
      Page page = fetch(Kind.CONNECTION, pq, poll.offset, Integer.MAX_VALUE);
      Instant last = null;
      int tied = 0;
      for (J row : page.rows()) {
        if (mapper.check(Kind.CONNECTION, row) instanceof ApiMapper.Good g) {
          poll.ongoing.putIfAbsent(g.info().id(), g.info());
          Instant t = g.info().time();
          tied = t.equals(last) ? tied + 1 : 1;
          last = t;
        } else {
          tied = 0; // a row without a time ends the run of ties: counted short, read again
        }
      }
      if (page.last(poll.offset)) {
        break;
      }
      poll.notRepeated(Kind.CONNECTION, page);
      if (keyset && last != null) {
        // Next: the rows connected at or before the last one, past those of its time already read
        // (the boundary is inclusive). Under-counting the ties only reads a row again.
        poll.offset = last.equals(poll.before) ? poll.offset + page.rows().size() : tied;
        poll.before = last;
      } else {
        poll.offset += page.rows().size();
      }
    }
    poll.ongoingListed = true;
    if (longOpen) {
      lastLongOpenCheck = System.nanoTime();
    }
    if (baseline) {
      for (RowInfo i : poll.ongoing.values()) {
        if (i.sshLike()
            && !i.closed()
            && i.time().isBefore(state.floor)
            && !checkpoint.isOpen(i.id())) {
          poll.extra.add(new ApiCheckpoint.Track(i.id(), i.connectionId(), i.time()));
        }
      }
    }
  }

  /**
   * On a first start from {@code now} or a time: the sessions that were open at {@code start_at}
   * but closed before this poll listed the ongoing ones (a past {@code start_at}, or a first poll
   * delayed by a refused token or an outage) get their disconnect lines. They are in one {@code
   * status:completed} listing of the sessions that connected in the {@link #CLOSE_LOOKBACK} before
   * {@code start_at}; each whose disconnect time is at or after {@code start_at} is tracked (with
   * the baseline, so a stop before its line is committed finds it again) and its line emitted.
   * Sessions that connected longer before than that are not looked for (docs/coder-api-source.md).
   */
  private void listSpanning(Poll poll) throws PollFailed, IOException, InterruptedException {
    ApiCheckpoint.PerKind state = checkpoint.kind(Kind.CONNECTION);
    if (!state.fresh || state.floor == null) {
      return;
    }
    Instant floor = state.floor;
    Instant from = floor.minus(CLOSE_LOOKBACK);
    String userQ = settings.q().get(Kind.CONNECTION);
    String status = CoderQuery.value(userQ, "status");
    if (status == null || status.equals("completed")) {
      // Coder refuses a key given twice: with the user's own connect-time keys, the range is kept
      // here instead (newest first, so the listing stops at the first row before it).
      boolean ownRange =
          !CoderQuery.has(userQ, "connected_after") && !CoderQuery.has(userQ, "connected_before");
      String q =
          CoderQuery.and(
              userQ,
              status == null ? "status:completed" : null,
              ownRange
                  ? "connected_after:\""
                      + GoTime.rfc3339Nano(from)
                      + "\" connected_before:\""
                      + GoTime.rfc3339Nano(floor)
                      + "\""
                  : null);
      while (true) {
        Page page = fetch(Kind.CONNECTION, q, poll.offset, Integer.MAX_VALUE);
        boolean done = page.last(poll.offset);
        for (J row : page.rows()) {
          if (!(mapper.check(Kind.CONNECTION, row) instanceof ApiMapper.Good g)) {
            continue; // not exportable; the main listing quarantines what it reads
          }
          RowInfo info = g.info();
          if (info.time().isBefore(from)) {
            done = true;
            break;
          }
          if (info.sshLike()
              && info.closed()
              && info.time().isBefore(floor)
              && !info.disconnectTime().isBefore(floor)
              && !checkpoint.isOpen(info.id())
              && poll.closed.add(info.id())) {
            poll.extra.add(new ApiCheckpoint.Track(info.id(), info.connectionId(), info.time()));
            poll.add(Line.DISCONNECTED, row, info);
          }
        }
        if (done) {
          break;
        }
        poll.notRepeated(Kind.CONNECTION, page);
        poll.offset += page.rows().size();
      }
    }
    poll.extra.add(new ApiCheckpoint.BaselineDone());
  }

  /**
   * Finds the tracked sessions that closed, in bulk: one {@code status:completed} listing newest
   * first, from the newest session down to the oldest tracked one's connect time (at most {@link
   * #CLOSE_LOOKBACK} back). The number of requests depends on how many sessions completed in that
   * span, not on how many are open.
   */
  private void listCompleted(Poll poll) throws PollFailed, IOException, InterruptedException {
    Instant lookback = poll.now.minus(CLOSE_LOOKBACK);
    Instant oldest = null;
    for (Map.Entry<String, ApiCheckpoint.Open> e : stillOpen(poll)) {
      Instant t = e.getValue().connectTime();
      if (!t.isBefore(lookback) && (oldest == null || t.isBefore(oldest))) {
        oldest = t;
      }
    }
    if (oldest == null) {
      return;
    }
    String q = "status:completed connected_after:\"" + GoTime.rfc3339Nano(oldest) + "\"";
    while (true) {
      Page page = fetch(Kind.CONNECTION, q, poll.offset, Integer.MAX_VALUE);
      for (int i = 0; i < page.rows().size(); i++) {
        J row = page.rows().get(i);
        if (!(mapper.check(Kind.CONNECTION, row) instanceof ApiMapper.Good g)) {
          continue; // quarantined when the main listing reads it
        }
        RowInfo info = g.info();
        if (info.closed() && checkpoint.isOpen(info.id()) && poll.closed.add(info.id())) {
          poll.add(Line.DISCONNECTED, row, info);
        }
      }
      if (page.last(poll.offset)) {
        return;
      }
      poll.notRepeated(Kind.CONNECTION, page);
      poll.offset += page.rows().size();
    }
  }

  /**
   * After an ongoing listing: a tracked session that is neither ongoing nor found completed is
   * fetched by its connection ID (it closed long after it opened, or its row is gone).
   */
  private void lookupLongOpen(Poll poll) throws PollFailed, IOException, InterruptedException {
    if (!poll.ongoingListed) {
      return;
    }
    for (Map.Entry<String, ApiCheckpoint.Open> e : stillOpen(poll)) {
      if (poll.ongoing.containsKey(e.getKey())) {
        continue;
      }
      J row = lookup(e.getKey(), e.getValue().connectionId());
      if (row == null) {
        LOG.warn(
            "A tracked open connection is no longer listed by Coder (purged by retention, or deleted); "
                + "its disconnect line cannot be exported. id={} connection_id={}",
            e.getKey(),
            e.getValue().connectionId());
        poll.extra.add(new ApiCheckpoint.Untrack(e.getKey()));
        poll.closed.add(e.getKey());
        continue;
      }
      ApiMapper.Checked c = mapper.check(Kind.CONNECTION, row);
      if (c instanceof ApiMapper.Bad b) {
        quarantine(Kind.CONNECTION, 0, row, b.reason());
        poll.extra.add(new ApiCheckpoint.Untrack(e.getKey()));
        poll.closed.add(e.getKey());
      } else if (((ApiMapper.Good) c).info().closed()) {
        poll.closed.add(e.getKey());
        poll.add(Line.DISCONNECTED, row, ((ApiMapper.Good) c).info());
      }
    }
  }

  /**
   * The connection row with ID {@code rowId}, looked up by its connection ID, or null when gone.
   */
  private J lookup(String rowId, String connectionId) throws PollFailed, InterruptedException {
    int offset = 0;
    List<J> previous = null;
    int repeated = 0;
    while (true) {
      Page page =
          fetch(Kind.CONNECTION, "connection_id:" + connectionId, offset, Integer.MAX_VALUE);
      for (J row : page.rows()) {
        if (row instanceof Obj o
            && o.get("id") instanceof ApiJson.Str s
            && s.value().equals(rowId)) {
          return row;
        }
      }
      if (page.last(offset)) {
        return null;
      }
      // The same rule as Poll.notRepeated; the lookup starts again from offset 0 on the retry.
      repeated = page.rows().equals(previous) ? repeated + 1 : 0;
      if (repeated >= 10) {
        throw new PollFailed(
            Trouble.OFFSET, "offset", "path=" + CONNECTION_PATH + " offset=" + offset, null);
      }
      previous = page.rows();
      offset += page.rows().size();
    }
  }

  /**
   * Logs once per agent (SSH-like rows, stamped by the agent) or once for Coder itself (audit and
   * web rows, stamped by coderd) that a row is dated ahead of this host's clock.
   */
  private void warnAhead(J row, RowInfo info, Duration ahead) {
    Obj o = (Obj) row;
    String workspaceId = text(o, "workspace_id");
    String agent = text(o, "agent_name");
    String key = info.sshLike() ? "agent " + workspaceId + " " + agent : "coderd";
    if (skewWarned.size() >= MAX_SKEW_WARNINGS || !skewWarned.add(key)) {
      return;
    }
    if (info.sshLike()) {
      LOG.warn(
          "A connection row is dated ahead of this host's clock: Coder stores the time the "
              + "workspace agent reported for SSH-like connections, so that agent's clock is "
              + "probably ahead. The row is exported once, and the checkpoint does not move past "
              + "this host's clock, so later rows are still read. Logged once per agent. "
              + "workspace={} workspace_id={} agent={} type={} id={} connect_time={} ahead_by={}",
          text(o, "workspace_name"),
          workspaceId,
          agent,
          text(o, "type"),
          info.id(),
          info.time(),
          ahead);
    } else {
      LOG.warn(
          "A row is dated ahead of this host's clock: Coder stamps audit and web connection rows "
              + "with its own clock, so Coder's clock or this host's is off (check NTP on both). The "
              + "row is exported once, and the checkpoint does not move past this host's clock. "
              + "Logged once. kind={} id={} time={} ahead_by={}",
          info.kind().label(),
          info.id(),
          info.time(),
          ahead);
    }
  }

  /**
   * Once: warns when Coder's clock (the {@code Date} header of its first answer, whole seconds) is
   * behind this host's by more than {@link #CLOCK_TOLERANCE}. Rows Coder stamps then look older
   * than they are; at a first start, those dated more than {@code overlap_secs} before {@code
   * start_at} are missed (docs/coder-api-source.md, "Clocks"). A clock ahead shows in the rows
   * themselves ({@link #warnAhead}).
   */
  private void checkClock(String date) {
    if (clockChecked || date == null) {
      return;
    }
    clockChecked = true;
    Instant coder;
    try {
      coder = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return;
    }
    // The header has whole seconds: Coder's clock is up to a second later than it says.
    Duration behind = Duration.between(coder.plusSeconds(1), answeredAt);
    if (behind.compareTo(CLOCK_TOLERANCE) > 0) {
      LOG.warn(
          "Coder's clock is behind this host's (the Date header of its answer): rows it stamps look "
              + "older than they are. Rows it lists after a first start dated more than "
              + "overlap_secs before start_at are missed; check NTP on both, or raise overlap_secs "
              + "above the difference. behind_by_at_least={} overlap_secs={} coder_date=\"{}\"",
          behind.truncatedTo(ChronoUnit.SECONDS),
          settings.overlap().toSeconds(),
          date);
    }
  }

  private static String text(Obj o, String key) {
    return o.get(key) instanceof ApiJson.Str s ? s.value() : "";
  }

  private void quarantine(Kind k, long position, J row, String reason) throws IOException {
    String text = ApiJson.write(row);
    ByteBuffer d = digest(text);
    if (!rejectedRows.add(d)) {
      return; // re-read within the overlap window: quarantined once per process
    }
    if (rejectedRows.size() > MAX_REMEMBERED_REJECTS) {
      rejectedRows.remove(rejectedRows.iterator().next());
    }
    try {
      rejects.reject("coder_api " + path(k), new Decoded.Rejected(position, reason, text));
    } catch (IOException e) {
      // As for the other sources, the run stops here, the row not committed; the error says why.
      rejectedRows.remove(d);
      throw new IOException(rejects.writeFailure(e), e);
    }
    stats.rejected.incrementAndGet();
  }

  private static ByteBuffer digest(String text) {
    try {
      return ByteBuffer.wrap(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  // ------------------------------------------------------------------ HTTP

  private static String path(Kind k) {
    return k == Kind.AUDIT ? AUDIT_PATH : CONNECTION_PATH;
  }

  /**
   * One page; shrinks the page size while Coder refuses it. A failure is thrown to the poll, which
   * keeps its position and retries this request after back-off.
   */
  private Page fetch(Kind k, String q, int offset, int want)
      throws PollFailed, InterruptedException {
    PageSize ps = pageSizes.get(k);
    while (true) {
      int limit = Math.min(want, ps.size);
      String pq = CoderApiClient.pathWithQuery(path(k), CoderApiClient.params(q, limit, offset));
      CoderApiClient.Response r;
      pacer.await();
      requests++;
      try {
        r = client.get(pq);
      } catch (CoderApiClient.TokenUnreadable e) {
        throw new PollFailed(Trouble.CONFIG, "token_file", e.getMessage(), null);
      } catch (IOException e) {
        throw new PollFailed(
            Trouble.TRANSIENT, "network", "the request failed: " + e + " path=" + path(k), null);
      }
      int st = r.status();
      if (st == 200) {
        answeredAt = clock.instant();
        checkClock(r.date());
        Page page = page(k, r.body(), limit, client);
        answered();
        if (ps.trying && limit == settings.pageSize()) {
          ps.trying = false;
          ps.retryEvery = 1;
          LOG.info(
              "Coder accepts the configured page size again. path={} page_size={}", path(k), limit);
        }
        return page;
      }
      String coder = quoted(coderText(r.body()));
      boolean aboutLimit = st == 400 && aboutLimit(r.body());
      if (aboutLimit && ps.trying && limit == settings.pageSize()) {
        ps.trying = false;
        ps.size = ps.good;
        ps.retryEvery = Math.min(ps.retryEvery * 2, MAX_PAGE_RETRY_POLLS);
        ps.pollsToRetry = ps.retryEvery;
        LOG.debug(
            "Coder still refuses the configured page size. path={} page_size={} used={} "
                + "next_try_after_polls={} message={}",
            path(k),
            limit,
            ps.size,
            ps.retryEvery,
            coder);
        continue;
      }
      if (aboutLimit && limit > 1) {
        ps.size = Math.max(1, limit / 2);
        ps.trying = false;
        ps.pollsToRetry = ps.retryEvery;
        LOG.warn(
            "Coder refused the page size; asking for smaller pages of {} (the configured size is "
                + "tried again after a poll). page_size={} new_page_size={} message={}",
            path(k),
            limit,
            ps.size,
            coder);
        continue;
      }
      String where = " path=" + path(k) + " message=" + coder;
      if (st == 401 || st == 403) {
        throw new PollFailed(
            Trouble.CONFIG,
            "token",
            "Coder refused the session token (HTTP "
                + st
                + "): check token "
                + "or token_file, and that its user has the Owner or Auditor role (and a Premium licence)."
                + where,
            null);
      }
      if (st == 404) {
        throw new PollFailed(
            Trouble.CONFIG,
            "endpoint",
            "Coder has no such endpoint (HTTP 404): check endpoint; "
                + "connection logs need a Coder release that has them (or poll kinds: [audit])."
                + where,
            null);
      }
      if (aboutLimit) {
        throw new PollFailed(
            Trouble.CONFIG,
            "limit",
            "Coder refused the page size even at limit=1 (HTTP 400): Coder's message names "
                + "limit, so something between auditship and Coder (a proxy) or this Coder release "
                + "reads it differently; check endpoint."
                + (settings.q().get(k) != null
                    ? " If the message is about the search rather than limit, check q."
                    : "")
                + where,
            null);
      }
      if (st == 400) {
        throw new PollFailed(Trouble.CONFIG, "query", refusedQuery(k, q) + where, null);
      }
      if (st == 429) {
        throw new PollFailed(
            Trouble.TRANSIENT,
            "rate_limit",
            "Coder rate-limited the exporter (HTTP 429): lower max_requests_per_minute (now "
                + settings.maxRequestsPerMinute()
                + "), or raise Coder's --api-rate-limit."
                + where,
            retryAfter(r.retryAfter()));
      }
      throw new PollFailed(
          Trouble.TRANSIENT,
          st >= 500 && st <= 599 ? "http_5xx" : "http_" + st,
          "Coder answered HTTP " + st + "." + where,
          retryAfter(r.retryAfter()));
    }
  }

  /**
   * Why Coder refused a search: the user's {@code q}, or the terms the source adds (to {@code q} or
   * alone), which an older Coder release may not know.
   */
  private String refusedQuery(Kind k, String sent) {
    String userQ = settings.q().get(k);
    if (sent == null) {
      return "Coder refused the request (HTTP 400).";
    }
    if (userQ == null) {
      return "Coder refused the search auditship sent (HTTP 400; no q is configured): this Coder "
          + "release may not know one of its keys. q="
          + quoted(sent);
    }
    if (sent.equals(userQ)) {
      return "Coder refused the request (HTTP 400): check q.";
    }
    return "Coder refused the request (HTTP 400): check q, or this Coder release may not know one "
        + "of the keys auditship adds to it. q="
        + quoted(sent);
  }

  private static Page page(Kind k, String body, int limit, CoderApiClient client)
      throws PollFailed {
    String key = k == Kind.AUDIT ? "audit_logs" : "connection_logs";
    J doc;
    try {
      doc = ApiJson.parse(body);
    } catch (IOException e) {
      // Where the parser stopped and how the answer starts (a proxy's HTML page, a cut body), not
      // the parser's own wording (docs/coder-api-source.md, "Errors and back-off").
      String at =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  && j.getLocation() != null
              ? "at line "
                  + j.getLocation().getLineNr()
                  + ", column "
                  + j.getLocation().getColumnNr()
              : e.getMessage();
      throw new PollFailed(
          Trouble.TRANSIENT,
          "not_json",
          "Coder's answer is not JSON ("
              + at
              + "). path="
              + path(k)
              + " body_chars="
              + body.length()
              + " body_start="
              + quoted(bounded(client.redact(body), BODY_EXCERPT_CHARS)),
          null);
    }
    J list = doc instanceof Obj o ? o.get(key) : null;
    long count = doc instanceof Obj o ? number(o.get("count")) : -1;
    long cap = doc instanceof Obj o ? number(o.get("count_cap")) : -1;
    boolean exact = count >= 0 && (cap < 0 || count <= cap);
    if (list instanceof ApiJson.Null) {
      return new Page(List.of(), limit, count, exact);
    }
    if (!(list instanceof ApiJson.Arr a)) {
      throw new PollFailed(
          Trouble.TRANSIENT,
          "no_list",
          "Coder's answer has no \"" + key + "\" list. path=" + path(k),
          null);
    }
    return new Page(a.items(), limit, count, exact);
  }

  /** A non-negative whole JSON number, else -1. */
  private static long number(J v) {
    if (v instanceof ApiJson.Num n) {
      try {
        return Math.max(-1, Long.parseLong(n.text()));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  /** Most characters of an answer quoted in a log line. */
  static final int BODY_EXCERPT_CHARS = 200;

  /**
   * Coder's error text on one line, for prose ({@code validate}): {@link #coderText} with line
   * breaks as spaces and {@code "} as {@code '}.
   */
  static String coderMessage(String body) {
    return coderText(body).replace('\n', ' ').replace('"', '\'');
  }

  /** {@code s} quoted as in every log line ({@link Logfmt#quoted}). */
  static String quoted(String s) {
    return Logfmt.quoted(s);
  }

  /** The first {@code max} characters of {@code s} (a surrogate pair is not split), then "…". */
  static String bounded(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end) + "…";
  }

  /**
   * Coder's error body as Coder wrote it, at most 300 characters: {@code {"message": ..., "detail":
   * ..., "validations": [{field, detail}]}} as {@code message: detail; field: detail}, or the body
   * itself when it is not JSON.
   */
  static String coderText(String body) {
    StringBuilder sb = new StringBuilder();
    try {
      if (ApiJson.parse(body) instanceof Obj o) {
        if (o.get("message") instanceof ApiJson.Str m) {
          sb.append(m.value());
        }
        if (o.get("detail") instanceof ApiJson.Str d && !d.value().isEmpty()) {
          sb.append(": ").append(d.value());
        }
        if (o.get("validations") instanceof ApiJson.Arr a) {
          for (J v : a.items()) {
            if (v instanceof Obj vo
                && vo.get("field") instanceof ApiJson.Str f
                && vo.get("detail") instanceof ApiJson.Str d) {
              sb.append("; ").append(f.value()).append(": ").append(d.value());
            }
          }
        }
      }
    } catch (IOException e) {
      sb.append(body.strip());
    }
    return bounded(sb.toString(), 300);
  }

  private static boolean aboutLimit(String body) {
    try {
      if (ApiJson.parse(body) instanceof Obj o && o.get("validations") instanceof ApiJson.Arr a) {
        for (J v : a.items()) {
          if (v instanceof Obj vo
              && vo.get("field") instanceof ApiJson.Str f
              && f.value().equals("limit")) {
            return true;
          }
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** {@code Retry-After} as seconds or an HTTP date (RFC 9110 §10.2.3), or null. */
  static Duration retryAfter(String v) {
    return dev.auditship.io.RetryAfter.parse(v, Instant.now());
  }

  private void answered() {
    fault = null;
    if (lastTrouble == Trouble.OFFSET) {
      return; // the requests are answered; the episode ends when a poll completes
    }
    if (failures > 0) {
      LOG.info(
          "Coder's API answers again. endpoint={} failed_requests={}",
          settings.endpoint(),
          failures);
    }
    failures = 0;
    lastTrouble = null;
    lastWhat = null;
  }

  private void failed(PollFailed f) {
    failures++;
    // The same exponential back-off with jitter (resilience4j) as the sinks' retry wrapper.
    long d = Duration.ofMillis(backoff.apply(Math.min(failures, 30))).toNanos();
    if (f.retryAfter != null) {
      d = Math.max(d, Math.min(f.retryAfter.toNanos(), Duration.ofHours(1).toNanos()));
    }
    nextPollNanos = System.nanoTime() + d;
    Duration retryIn = Duration.ofMillis(d / 1_000_000);
    if (f.trouble == Trouble.CONFIG) {
      Fault was = fault;
      fault = new Fault(f.getMessage(), was != null ? was.since() : clock.instant());
    } else {
      fault = null;
    }
    if (!f.what.equals(lastWhat)) {
      lastTrouble = f.trouble;
      lastWhat = f.what;
      if (f.trouble == Trouble.OFFSET) {
        LOG.warn(
            "Coder answered 10 offsets in a row with the same page: it seems to ignore offset. The "
                + "listing is read again from offset 0 after a back-off; the rows already read are "
                + "kept and the checkpoint does not move. Logged once until a poll completes. {} "
                + "endpoint={} retry_in={}",
            f.getMessage(),
            settings.endpoint(),
            retryIn);
      } else if (f.trouble == Trouble.CONFIG) {
        LOG.error(
            "Cannot poll Coder's API: {} Retrying this request with back-off; what the poll fetched "
                + "is kept and the checkpoint does not move. endpoint={} retry_in={}",
            f.getMessage(),
            settings.endpoint(),
            retryIn);
      } else {
        LOG.warn(
            "Polling Coder's API failed: {} Retrying this request with back-off; what the poll fetched "
                + "is kept and the checkpoint does not move. endpoint={} retry_in={}",
            f.getMessage(),
            settings.endpoint(),
            retryIn);
      }
    } else {
      LOG.debug(
          "Polling Coder's API failed again: {} failed_requests={} retry_in={}",
          f.getMessage(),
          failures,
          retryIn);
    }
  }
}
