package dev.auditship.source;

import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import dev.auditship.metrics.SourceStats;
import dev.auditship.source.ApiCheckpoint.Delta;
import dev.auditship.source.ApiJson.J;
import dev.auditship.source.ApiJson.Obj;
import dev.auditship.source.ApiMapper.Line;
import dev.auditship.source.ApiMapper.RowInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: coder_api}: polls {@code GET /api/v2/audit} and {@code GET /api/v2/connectionlog}
 * (reference coder-events.md §6) and emits each row's events exactly once, oldest first
 * (docs/coder-api-source.md).
 *
 * <p>One poll, per kind: page newest first with {@code limit}/{@code offset} until a row older than
 * the checkpoint's cutoff ({@code newest - overlap}, or {@code start_at}) or the end of the
 * listing. Rows that arrive while paging push older rows to later offsets, so a row can come twice
 * (dropped by ID) but none is skipped. {@code count} is not used: Coder caps it at 2000. New rows
 * become events (an SSH-like row that is already closed gives its connect and disconnect lines);
 * rows already exported are dropped by ID. Then, for the SSH-like connections the checkpoint holds
 * open, one listing of {@code q=status:ongoing} tells which closed, and each closed one is fetched
 * with {@code q=connection_id:<id>} for its disconnect time, exit code and reason. The poll's
 * events are sorted by time and handed out in batches.
 *
 * <p>Commit: each batch carries the checkpoint changes of its events ({@link ApiCheckpoint.Delta});
 * they are applied and the checkpoint saved atomically only in {@link #commit}, which the pipeline
 * calls once every sink accepted the batch. A new poll starts only when every batch of the last one
 * is committed.
 *
 * <p>Errors: the source owns its back-off (the HTTP client never retries). 401/403, 404, a refused
 * query and an unreadable token file are logged once at ERROR; 429, 5xx, broken answers and network
 * errors once at WARN; the poll is retried with exponential back-off (honouring {@code
 * Retry-After}) and the checkpoint does not move. A 400 about {@code limit} halves the page size. A
 * row that cannot be mapped is quarantined through {@link Rejects} and the poll goes on.
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
   * What the source runs with, resolved from the config.
   *
   * @param floor where a kind without a checkpoint starts; {@code null} for the beginning
   * @param backoffInitial first delay after a failed poll, doubled per failure up to {@code
   *     backoffMax}
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
      Duration backoffMax) {}

  /** One event waiting to be handed out; the row text is in the spool. */
  private record Pending(
      Instant time,
      int order,
      String eventId,
      Line line,
      Kind kind,
      String rowId,
      Instant rowTime,
      String connectionId,
      PollSpool.Ref ref) {}

  private static final Comparator<Pending> ORDER =
      Comparator.comparing(Pending::time)
          .thenComparingInt(Pending::order)
          .thenComparing(Pending::eventId);

  private enum Trouble {
    CONFIG,
    TRANSIENT
  }

  /** A poll that could not complete; the poll is dropped and retried after back-off. */
  private static final class PollFailed extends Exception {
    final Trouble trouble;
    final Duration retryAfter;

    PollFailed(Trouble trouble, String message, Duration retryAfter) {
      super(message, null, false, false);
      this.trouble = trouble;
      this.retryAfter = retryAfter;
    }
  }

  /** The rows of one listing page and the page size that was asked for. */
  private record Page(List<J> rows, int limit) {}

  private final Settings settings;
  private final io.github.resilience4j.core.IntervalFunction backoff;
  private final CoderApiClient client;
  private final Rejects rejects;
  private final ApiMapper mapper;
  private final ApiCheckpoint checkpoint;
  private final SourceStats stats = new SourceStats();
  private final Set<String> rejectedRows = new LinkedHashSet<>();

  private List<Pending> pending = new ArrayList<>();
  private int nextPending;
  private List<Delta> extra = new ArrayList<>();
  private PollSpool spool;
  private int outstanding;
  private long nextPollNanos = System.nanoTime();
  private int pageSize;
  private int failures;
  private Trouble lastTrouble;

  CoderApiSource(Settings settings, CoderApiClient client, Rejects rejects) throws IOException {
    this.settings = settings;
    this.backoff =
        io.github.resilience4j.core.IntervalFunction.ofExponentialRandomBackoff(
            settings.backoffInitial(), 2.0, 0.2, settings.backoffMax());
    this.client = client;
    this.rejects = rejects;
    this.mapper = new ApiMapper(settings.loggerNames());
    this.pageSize = settings.pageSize();
    this.checkpoint =
        ApiCheckpoint.load(
            settings.checkpointFile(),
            settings.endpoint().toString(),
            settings.kinds(),
            settings.floor(),
            settings.overlap(),
            settings.maxOpenConnections());
    if (!settings.endpoint().toString().equals(checkpoint.endpoint())) {
      LOG.warn(
          "The checkpoint was written for another Coder endpoint; it is used as is. Delete it if this is "
              + "another deployment. checkpoint={} checkpoint_endpoint={} endpoint={}",
          settings.checkpointFile(),
          checkpoint.endpoint(),
          settings.endpoint());
    }
    PollSpool.removeStale(spoolDir());
    LOG.info(
        "Polling Coder's API. endpoint={} kinds={} poll_interval={} page_size={} checkpoint={}",
        settings.endpoint(),
        settings.kinds().stream().map(Kind::label).toList(),
        settings.pollInterval(),
        settings.pageSize(),
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
    Path cp =
        c.checkpointFile() != null
            ? c.checkpointFile()
            : dataDir.resolve("coder-api.checkpoint.json");
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
            cp,
            c.maxOpenConnections(),
            c.overlap(),
            loggerNames,
            Duration.ofSeconds(1),
            Duration.ofMinutes(5).compareTo(c.pollInterval()) > 0
                ? Duration.ofMinutes(5)
                : c.pollInterval());
    CoderApiClient client = new CoderApiClient(c.endpoint(), c.token(), c.timeout(), c.tls());
    try {
      return new CoderApiSource(s, client, rejects);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private Path spoolDir() {
    Path parent = settings.checkpointFile().toAbsolutePath().getParent();
    return parent != null ? parent : Path.of(".");
  }

  // ------------------------------------------------------------------ Source

  @Override
  public Batch next(int max, Duration linger) throws IOException, InterruptedException {
    if (nextPending < pending.size()) {
      return take(max);
    }
    if (!extra.isEmpty() || outstanding > 0) {
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
  public void close() throws IOException {
    try {
      dropPoll();
    } finally {
      client.close();
    }
  }

  /** Hands out up to {@code max} pending events with their checkpoint changes. */
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
      case AUDIT -> List.of(new ApiCheckpoint.Seen(Kind.AUDIT, p.rowId(), p.rowTime()));
      case WEB -> List.of(new ApiCheckpoint.Seen(Kind.CONNECTION, p.rowId(), p.rowTime()));
      case CONNECTED ->
          List.of(
              new ApiCheckpoint.Seen(Kind.CONNECTION, p.rowId(), p.rowTime()),
              new ApiCheckpoint.Track(p.rowId(), p.connectionId(), p.rowTime()));
      case DISCONNECTED -> List.of(new ApiCheckpoint.Untrack(p.rowId()));
    };
  }

  private void dropPoll() throws IOException {
    pending = new ArrayList<>();
    nextPending = 0;
    if (spool != null) {
      PollSpool s = spool;
      spool = null;
      s.close();
    }
  }

  // ------------------------------------------------------------------ one poll

  /** The events and extra checkpoint changes one poll found. */
  private final class Poll {
    final List<Pending> events = new ArrayList<>();
    final List<Delta> extra = new ArrayList<>();

    /** SSH-like rows whose disconnect line this poll already emits. */
    final Set<String> closed = new HashSet<>();

    void add(Line line, J row, RowInfo info) throws IOException {
      if (spool == null) {
        spool = new PollSpool(spoolDir());
      }
      PollSpool.Ref ref = spool.append(ApiJson.write(row));
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
              ref));
    }
  }

  private void poll() throws IOException, InterruptedException {
    long started = System.nanoTime();
    dropPoll();
    Poll poll = new Poll();
    try {
      for (Kind k : settings.kinds()) {
        list(poll, k);
      }
      if (settings.kinds().contains(Kind.CONNECTION)) {
        checkOpenConnections(poll);
      }
    } catch (PollFailed f) {
      dropPoll();
      failed(f);
      return;
    } catch (IOException | InterruptedException | RuntimeException e) {
      dropPoll();
      throw e;
    }
    if (failures > 0) {
      LOG.info(
          "Coder's API answers again. endpoint={} failed_polls={}", settings.endpoint(), failures);
    }
    failures = 0;
    lastTrouble = null;
    nextPollNanos = started + settings.pollInterval().toNanos();
    poll.events.sort(ORDER);
    pending = poll.events;
    nextPending = 0;
    extra.addAll(poll.extra);
    if (pending.isEmpty()) {
      dropPoll();
    }
    LOG.debug(
        "Poll done. events={} elapsed_ms={}",
        pending.size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** Reads one kind's listing back to the checkpoint's cutoff. */
  private void list(Poll poll, Kind k) throws PollFailed, IOException, InterruptedException {
    Instant cutoff = checkpoint.cutoff(k);
    Set<String> thisPoll = new HashSet<>();
    int offset = 0;
    int repeatedPages = 0;
    while (true) {
      Page page = fetch(k, settings.q().get(k), offset);
      boolean done = page.rows().size() < page.limit();
      int before = thisPoll.size();
      for (int i = 0; i < page.rows().size(); i++) {
        J row = page.rows().get(i);
        ApiMapper.Checked c = mapper.check(k, row);
        if (c instanceof ApiMapper.Bad b) {
          quarantine(k, offset + i + 1, row, b.reason());
          continue;
        }
        RowInfo info = ((ApiMapper.Good) c).info();
        if (!thisPoll.add(info.id())) {
          continue; // pushed to a later offset by rows that arrived while paging
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
        return;
      }
      // A full page of rows already listed in this poll happens when more rows arrived than a page
      // holds;
      // page after page of them means the server ignores offset, and paging would never end.
      repeatedPages = thisPoll.size() == before ? repeatedPages + 1 : 0;
      if (repeatedPages >= 10) {
        throw new PollFailed(
            Trouble.TRANSIENT,
            "Coder returned the same rows for 10 offsets in a row. path="
                + path(k)
                + " offset="
                + offset,
            null);
      }
      offset += page.rows().size();
    }
  }

  /**
   * Finds which tracked connections closed: those no longer listed by {@code status:ongoing} are
   * fetched by connection ID. On a first start from {@code now} or a time, connections already open
   * then are tracked too, so their disconnect lines are exported.
   */
  private void checkOpenConnections(Poll poll)
      throws PollFailed, IOException, InterruptedException {
    ApiCheckpoint.PerKind state = checkpoint.kind(Kind.CONNECTION);
    List<Map.Entry<String, ApiCheckpoint.Open>> open = new ArrayList<>();
    for (Map.Entry<String, ApiCheckpoint.Open> e : checkpoint.openConnections()) {
      if (!poll.closed.contains(e.getKey())) {
        open.add(e);
      }
    }
    boolean baseline = state.fresh && state.floor != null;
    if (open.isEmpty() && !baseline) {
      return;
    }
    Map<String, RowInfo> ongoing = new LinkedHashMap<>();
    int offset = 0;
    while (true) {
      Page page = fetch(Kind.CONNECTION, "status:ongoing", offset);
      for (J row : page.rows()) {
        if (mapper.check(Kind.CONNECTION, row) instanceof ApiMapper.Good g) {
          ongoing.putIfAbsent(g.info().id(), g.info());
        }
      }
      if (page.rows().size() < page.limit()) {
        break;
      }
      offset += page.rows().size();
    }
    if (baseline) {
      for (RowInfo i : ongoing.values()) {
        if (i.sshLike()
            && !i.closed()
            && i.time().isBefore(state.floor)
            && !checkpoint.isOpen(i.id())) {
          poll.extra.add(new ApiCheckpoint.Track(i.id(), i.connectionId(), i.time()));
        }
      }
      poll.extra.add(new ApiCheckpoint.BaselineDone());
    }
    for (Map.Entry<String, ApiCheckpoint.Open> e : open) {
      if (ongoing.containsKey(e.getKey())) {
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
        continue;
      }
      ApiMapper.Checked c = mapper.check(Kind.CONNECTION, row);
      if (c instanceof ApiMapper.Bad b) {
        quarantine(Kind.CONNECTION, 0, row, b.reason());
        poll.extra.add(new ApiCheckpoint.Untrack(e.getKey()));
      } else if (((ApiMapper.Good) c).info().closed()) {
        poll.closed.add(e.getKey());
        poll.add(Line.DISCONNECTED, row, ((ApiMapper.Good) c).info());
      }
    }
  }

  /**
   * The connection row with ID {@code rowId}, looked up by its connection ID, or null when gone.
   */
  private J lookup(String rowId, String connectionId)
      throws PollFailed, IOException, InterruptedException {
    int offset = 0;
    while (true) {
      Page page = fetch(Kind.CONNECTION, "connection_id:" + connectionId, offset);
      for (J row : page.rows()) {
        if (row instanceof Obj o
            && o.get("id") instanceof ApiJson.Str s
            && s.value().equals(rowId)) {
          return row;
        }
      }
      if (page.rows().size() < page.limit()) {
        return null;
      }
      offset += page.rows().size();
    }
  }

  private void quarantine(Kind k, long position, J row, String reason) throws IOException {
    String text = ApiJson.write(row);
    if (!rejectedRows.add(text)) {
      return; // re-read within the overlap window: quarantined once per process
    }
    if (rejectedRows.size() > MAX_REMEMBERED_REJECTS) {
      rejectedRows.remove(rejectedRows.iterator().next());
    }
    stats.rejected.incrementAndGet();
    rejects.reject("coder_api " + path(k), new Decoded.Rejected(position, reason, text));
  }

  // ------------------------------------------------------------------ HTTP

  private static String path(Kind k) {
    return k == Kind.AUDIT ? AUDIT_PATH : CONNECTION_PATH;
  }

  /** One page; shrinks the page size while Coder refuses it. */
  private Page fetch(Kind k, String q, int offset) throws PollFailed, InterruptedException {
    while (true) {
      int limit = pageSize;
      String pq = CoderApiClient.pathWithQuery(path(k), CoderApiClient.params(q, limit, offset));
      CoderApiClient.Response r;
      try {
        r = client.get(pq);
      } catch (CoderApiClient.TokenUnreadable e) {
        throw new PollFailed(Trouble.CONFIG, e.getMessage(), null);
      } catch (IOException e) {
        throw new PollFailed(
            Trouble.TRANSIENT, "the request failed: " + e + " path=" + path(k), null);
      }
      int st = r.status();
      if (st == 200) {
        return new Page(rows(k, r.body()), limit);
      }
      String coder = coderMessage(r.body());
      if (st == 400 && aboutLimit(r.body()) && limit > 1) {
        pageSize = Math.max(1, limit / 2);
        LOG.warn(
            "Coder refused the page size; asking for smaller pages. page_size={} new_page_size={} "
                + "message=\"{}\"",
            limit,
            pageSize,
            coder);
        continue;
      }
      String where = " path=" + path(k) + " message=\"" + coder + "\"";
      if (st == 401 || st == 403) {
        throw new PollFailed(
            Trouble.CONFIG,
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
            "Coder has no such endpoint (HTTP 404): check endpoint; "
                + "connection logs need a Coder release that has them (or poll kinds: [audit])."
                + where,
            null);
      }
      if (st == 400) {
        throw new PollFailed(
            Trouble.CONFIG, "Coder refused the request (HTTP 400): check q." + where, null);
      }
      throw new PollFailed(
          Trouble.TRANSIENT, "Coder answered HTTP " + st + "." + where, retryAfter(r.retryAfter()));
    }
  }

  private static List<J> rows(Kind k, String body) throws PollFailed {
    String key = k == Kind.AUDIT ? "audit_logs" : "connection_logs";
    J doc;
    try {
      doc = ApiJson.parse(body);
    } catch (IOException e) {
      throw new PollFailed(
          Trouble.TRANSIENT,
          "Coder's answer is not JSON: " + e.getMessage() + " path=" + path(k),
          null);
    }
    J list = doc instanceof Obj o ? o.get(key) : null;
    if (list instanceof ApiJson.Null) {
      return List.of();
    }
    if (!(list instanceof ApiJson.Arr a)) {
      throw new PollFailed(
          Trouble.TRANSIENT, "Coder's answer has no \"" + key + "\" list. path=" + path(k), null);
    }
    return a.items();
  }

  /**
   * Coder's error body: {@code {"message": ..., "detail": ..., "validations": [{field, detail}]}}.
   */
  static String coderMessage(String body) {
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
    String s = sb.toString().replace('\n', ' ').replace('"', '\'');
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
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

  private void failed(PollFailed f) {
    failures++;
    // The same exponential back-off with jitter (resilience4j) as the sinks' retry wrapper.
    long d = Duration.ofMillis(backoff.apply(Math.min(failures, 30))).toNanos();
    if (f.retryAfter != null) {
      d = Math.max(d, Math.min(f.retryAfter.toNanos(), Duration.ofHours(1).toNanos()));
    }
    nextPollNanos = System.nanoTime() + d;
    Duration retryIn = Duration.ofMillis(d / 1_000_000);
    if (f.trouble != lastTrouble) {
      lastTrouble = f.trouble;
      if (f.trouble == Trouble.CONFIG) {
        LOG.error(
            "Cannot poll Coder's API: {} Retrying with back-off; the checkpoint does not move. "
                + "endpoint={} retry_in={}",
            f.getMessage(),
            settings.endpoint(),
            retryIn);
      } else {
        LOG.warn(
            "Polling Coder's API failed: {} Retrying with back-off; the checkpoint does not move. "
                + "endpoint={} retry_in={}",
            f.getMessage(),
            settings.endpoint(),
            retryIn);
      }
    } else {
      LOG.debug(
          "Polling Coder's API failed again: {} failed_polls={} retry_in={}",
          f.getMessage(),
          failures,
          retryIn);
    }
  }
}
