package dev.auditship.sink.hec;

import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.Units;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.Metrics;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Sleeper;
import dev.auditship.text.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: splunk_hec}: posts events to {@code <endpoint>/services/collector/event}
 * (docs/coder-reference.md §10). {@link #send} makes one delivery pass over a batch and reports per
 * event:
 *
 * <ol>
 *   <li>every record becomes one envelope ({@link HecEncoder}); one larger than {@code max_bytes}
 *       is rejected with the reason and never sent;
 *   <li>the rest is cut into requests of at most {@code max_events} events and {@code max_bytes}
 *       uncompressed bytes ({@link HecRequests}), sent in order;
 *   <li>each answer is classified ({@link HecClassifier}). Within the same pass: a 400 naming a bad
 *       event ({@code invalid-event-number} N) counts the events before N as delivered, rejects N
 *       with Splunk's text and sends the events after N again at once; a 413, or a bad-event 400
 *       without a usable N, halves the request and sends both halves, down to a single event, which
 *       is then rejected. Every step makes progress, so a pass ends;
 *   <li>a transient failure (transport error, timeout, 408, 429, 5xx) or a configuration fault
 *       (401, 403, 404, 3xx, index not allowed, unreadable token file) stops the pass: the
 *       request's events and every event not yet sent are returned for retry ({@link Outcome#retry}
 *       with {@code Retry-After}, or {@link Outcome#configFault}, which pauses the sink in {@link
 *       RetryingSink}). Nothing is dropped;
 *   <li>with {@code ack.enabled}, accepted requests count as delivered only when Splunk confirms
 *       indexing ({@link HecAcks}); the pass waits for that, at most {@code ack.timeout_secs}, and
 *       returns unconfirmed events for retry.
 * </ol>
 *
 * The token is read when first needed and again after Splunk refuses it (401/403), so a rotated
 * {@code token_file} is picked up by the next probe. It never appears in a log line, an outcome or
 * a {@code toString()}.
 *
 * <p>Thread-safe: with {@code concurrency} above 1 and no indexer acknowledgement the pipeline
 * hands it that many batches at once ({@link #batchesInFlight()}), each on a thread of its own,
 * with at most {@code concurrency} requests in flight in all; {@link #close()} may be called from
 * any thread.
 */
public final class HecSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(HecSink.class);

  private final String name;
  private final HecSinkConfig cfg;
  private final HecEncoder encoder;
  private final HecService service;
  private final Clock clock;
  private final Sleeper sleeper;
  private final HecStats stats = new HecStats();
  private final String channel = UUID.randomUUID().toString();
  private final Set<Integer> warnedCodes = ConcurrentHashMap.newKeySet();

  /** 2xx answers without HEC's body since the last warning about them, and when that was. */
  private final AtomicLong notHecAnswers = new AtomicLong();

  private volatile Instant notHecWarnedAt;
  private static final Duration NOT_HEC_WARN_EVERY = Duration.ofMinutes(10);

  private final HecToken token;
  private final HecHealth health;

  /** Guarded by {@code this}. */
  private boolean startupChecked;

  /**
   * With {@code ack.enabled} (one batch at a time): the requests Splunk accepted whose
   * acknowledgement could not be polled in the last send (a configuration fault on {@code /ack}: a
   * 403, a 404 or a redirect from a load balancer). The retry wrapper sends the same records again
   * at its next probe; their ackIds are then polled again instead of posting them again, until
   * {@code ack.timeout_secs} has passed since they were accepted, as for any acknowledgement that
   * does not come (docs/splunk-hec.md). Without this, every probe would index the batch once more.
   */
  private List<Carried> carried = List.of();

  /** An accepted, unconfirmed request kept for the next send: its records, by identity. */
  private record Carried(long ackId, List<SinkRecord> records, Instant deadline) {}

  private final AtomicBoolean warnedNoAckId = new AtomicBoolean();
  private final AtomicBoolean warnedUnpolledAck = new AtomicBoolean();

  /**
   * Requests in flight, at most {@code concurrency} across every batch being sent (the sink takes
   * that many batches at once, and a batch posts its next requests ahead).
   */
  private final Semaphore requestSlots;

  /** How much of a request body buffer is kept between requests (see the constructor). */
  private final int keepBody;

  /**
   * The sink as the pipeline builds it.
   *
   * @param jsonObject whether each record of the sink's format is one JSON object (the format's
   *     registration says so): such records are embedded as the envelope's {@code event} object,
   *     others are sent as a string
   */
  public HecSink(String name, boolean jsonObject, HecSinkConfig cfg, Clock clock)
      throws IOException {
    this(name, jsonObject, cfg, clock, Sleeper.REAL);
  }

  /**
   * @param sleeper how to wait between acknowledgement polls (tests substitute one that moves a
   *     clock)
   */
  HecSink(String name, boolean jsonObject, HecSinkConfig cfg, Clock clock, Sleeper sleeper)
      throws IOException {
    this.name = name;
    this.cfg = cfg;
    this.clock = clock;
    this.sleeper = sleeper;
    this.encoder =
        new HecEncoder(
            jsonObject,
            cfg.host() != null ? cfg.host() : localHostName(),
            cfg.source(),
            cfg.auditSourcetype(),
            cfg.connectionSourcetype(),
            cfg.index(),
            cfg.fields());
    try {
      this.service = new HecService(cfg, channel, userAgent(), clock);
    } catch (IOException e) {
      throw new IOException("sinks." + name + ": " + e.getMessage(), e);
    }
    this.token = new HecToken(name, cfg.token(), stats.tokenReloads);
    this.health = new HecHealth(name, service, token);
    this.requestSlots = new Semaphore(cfg.concurrency());
    // What a request body buffer keeps for the next: a share of KEEP_BYTES per set kept, but never
    // less than a request of max_bytes (the default 1,000,000), so requests of a usual size do not
    // make a new buffer each time.
    this.keepBody =
        (int)
            Math.min(
                KEEP_BYTES, Math.max(KEEP_BYTES / batchesInFlight(), cfg.maxBytes() + 64 * 1024));
    if (service.proxy() != null) {
      LOG.info("Requests go through a proxy. sink={} proxy={}", name, service.proxy());
    }
    if (cfg.tls().insecureSkipVerify()) {
      LOG.warn(
          "TLS VERIFICATION IS OFF for this sink (tls.insecure_skip_verify: true): anyone on the network "
              + "path can read the token and the audit events, or impersonate Splunk. Use tls.ca_file instead. "
              + "sink={} endpoint={}",
          name,
          cfg.endpoint());
    }
    if ("http".equalsIgnoreCase(cfg.endpoint().getScheme())
        && !isLoopback(cfg.endpoint().getHost())) {
      LOG.warn(
          "The endpoint uses plain http: the token and the audit events cross the network unencrypted. "
              + "Use https. sink={} endpoint={}",
          name,
          cfg.endpoint());
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** The data channel GUID sent with every request ({@code X-Splunk-Request-Channel}). */
  String channel() {
    return channel;
  }

  @Override
  public void registerMetrics(Metrics metrics) {
    stats.register(metrics, name);
  }

  HecStats hecStats() {
    return stats;
  }

  @Override
  public String toString() {
    return "HecSink[" + name + " " + cfg.endpoint() + "]";
  }

  // ------------------------------------------------------------------------------------------ send

  /** Where one event of a batch stands during a delivery pass. */
  private enum State {
    /** Not yet sent in this pass. */
    PENDING,
    /** Splunk accepted it (and, with acknowledgement, confirmed indexing). */
    DELIVERED,
    /** Refused for good (too large, or named by Splunk): dead-lettered with its reason. */
    REJECTED,
    /** Sent again by the retry wrapper. */
    RETRY,
    /** Accepted; waiting for Splunk to confirm indexing. */
    AWAITING_ACK
  }

  /**
   * With {@code concurrency} above 1, that many batches at once: a batch's last request is then
   * still waiting for Splunk's answer while the next batch's first is posted (without it, {@code
   * concurrency} only helped batches larger than {@code max_events}, and one batch per round trip
   * bounded the rate on a slow link). Not with indexer acknowledgement, whose bookkeeping is per
   * request in order.
   */
  @Override
  public int batchesInFlight() {
    return cfg.ack().enabled() ? 1 : cfg.concurrency();
  }

  @Override
  public Outcome send(List<SinkRecord> batch) throws InterruptedException {
    Buffers b = spare.poll();
    if (b == null) {
      b = new Buffers();
    }
    Outcome o = sendBatch(batch, b);
    // Reused only after a send that ended normally, when no request posted ahead still reads them
    // (one cut short may leave such a request running until its own timeout). A batch of huge
    // records must not pin its memory: all the sets kept hold at most what one set did.
    b.trim(batchesInFlight(), keepBody);
    spare.push(b);
    return o;
  }

  private synchronized void startupCheck() {
    if (!startupChecked) {
      startupChecked = true;
      health.startupCheck(cfg.endpoint());
    }
  }

  private Outcome sendBatch(List<SinkRecord> batch, Buffers bufs) throws InterruptedException {
    if (cfg.healthCheck()) {
      startupCheck();
    }
    int n = batch.size();
    State[] state = new State[n];
    Arrays.fill(state, State.PENDING);
    String[] rejection = new String[n];
    // Every envelope is written once into the arena, each followed by '\n': a request of
    // consecutive records is then one slice of it, posted without another copy.
    ByteBuf envelopes = bufs.arena.reset();
    int[] starts = new int[n + 1];
    int[] sizes = new int[n];
    List<Integer> sendable = encodeAll(batch, envelopes, starts, sizes, state, rejection);
    if (sendable.isEmpty()) {
      return outcome(batch, state, rejection, null, null, false);
    }
    String tok;
    try {
      tok = token.get();
    } catch (HecToken.TokenException e) {
      sendable.forEach(i -> state[i] = State.RETRY);
      return outcome(batch, state, rejection, e.getMessage(), null, true);
    }

    HecAcks acks = new HecAcks(stats);
    if (!carried.isEmpty()) {
      sendable = resumeAcks(batch, sendable, state, acks);
    }
    Deque<List<Integer>> queue =
        new ArrayDeque<>(HecRequests.plan(sizes, sendable, cfg.maxEvents(), cfg.maxBytes()));
    String reason = null;
    Duration retryAfter = null;
    boolean fault = false;
    // With concurrency above 1 the next requests are posted in the background while this thread
    // posts (and then judges) the first; verdicts are judged in queue order as before. Not with
    // indexer acknowledgement, whose bookkeeping is per request in order.
    int ahead = cfg.ack().enabled() ? 0 : cfg.concurrency() - 1;
    Map<List<Integer>, Future<HecClassifier.Verdict>> inFlight = new IdentityHashMap<>();
    byte[] arena = envelopes.array();
    boolean completed = false;
    try {
      while (!queue.isEmpty()) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("delivery to sink " + name + " interrupted");
        }
        List<Integer> req = queue.pollFirst();
        int started = 0;
        for (List<Integer> next : queue) {
          if (started == ahead) {
            break;
          }
          started++;
          inFlight.computeIfAbsent(
              next, r -> parallel().submit(() -> postAside(r, arena, starts, tok)));
        }
        Future<HecClassifier.Verdict> posted = inFlight.remove(req);
        HecClassifier.Verdict v;
        if (posted != null) {
          v = verdict(posted);
        } else {
          requestSlots.acquire();
          try {
            v = post(req, arena, starts, tok, bufs);
          } finally {
            requestSlots.release();
          }
        }
        if (v instanceof HecClassifier.Accepted a) {
          accepted(a, req, state, acks);
        } else if (v instanceof HecClassifier.Partial p) {
          stats.partials.incrementAndGet();
          List<Integer> tail = new ArrayList<>();
          if (cfg.ack().enabled()) {
            // Splunk indexed the events before the bad one, but a refused request carries no ackId:
            // with
            // acknowledgement on, nothing counts as delivered unconfirmed, so they are sent again
            // (a possible duplicate, never an unconfirmed commit).
            tail.addAll(req.subList(0, p.invalid()));
          } else {
            for (int k = 0; k < p.invalid(); k++) {
              state[req.get(k)] = State.DELIVERED;
            }
          }
          state[req.get(p.invalid())] = State.REJECTED;
          rejection[req.get(p.invalid())] = p.reason();
          tail.addAll(req.subList(p.invalid() + 1, req.size()));
          LOG.debug(
              "Splunk refused one event of a request; the events after it are sent again. sink={} "
                  + "events={} invalid_event_number={} reason=\"{}\"",
              name,
              req.size(),
              p.invalid(),
              Logfmt.q(p.reason()));
          if (!tail.isEmpty()) {
            queue.addFirst(new ArrayList<>(tail));
          }
        } else if (v instanceof HecClassifier.Split || v instanceof HecClassifier.Bisect) {
          String why =
              v instanceof HecClassifier.Split s ? s.reason() : ((HecClassifier.Bisect) v).reason();
          if (req.size() == 1) {
            state[req.get(0)] = State.REJECTED;
            rejection[req.get(0)] =
                v instanceof HecClassifier.Split
                    ? why
                        + "; the event alone is larger than Splunk accepts (raise max_content_length in "
                        + "Splunk's limits.conf [http_input])"
                    : why;
          } else {
            stats.splits.incrementAndGet();
            int half = req.size() / 2;
            if (v instanceof HecClassifier.Split) {
              LOG.info(
                  "Splunk refused a request as too large; sending it in two halves. Lower max_bytes "
                      + "to match Splunk's max_content_length. sink={} events={} max_bytes={}",
                  name,
                  req.size(),
                  cfg.maxBytes());
            } else {
              LOG.debug(
                  "Splunk refused an event without naming it; halving the request to find it. "
                      + "sink={} events={} reason=\"{}\"",
                  name,
                  req.size(),
                  Logfmt.q(why));
            }
            queue.addFirst(new ArrayList<>(req.subList(half, req.size())));
            queue.addFirst(new ArrayList<>(req.subList(0, half)));
          }
        } else {
          // Transient or fault: stop here and keep this request and everything after it, in order.
          if (v instanceof HecClassifier.Retry r) {
            reason = r.reason();
            retryAfter = r.retryAfter();
          } else {
            HecClassifier.Fault f = (HecClassifier.Fault) v;
            reason = f.reason();
            fault = true;
            if (f.tokenRefused()) {
              token.refused();
              reason = reason + token.afterRefusal();
            }
          }
          req.forEach(i -> state[i] = State.RETRY);
          for (List<Integer> rest : queue) {
            rest.forEach(i -> state[i] = State.RETRY);
          }
          queue.clear();
        }
      }
      completed = true;
    } finally {
      if (completed) {
        // Requests already posted when an earlier one failed: their answers still count (an
        // accepted request is delivered, whatever came before it); the rest stay to be retried.
        for (Map.Entry<List<Integer>, Future<HecClassifier.Verdict>> e : inFlight.entrySet()) {
          HecClassifier.Verdict late = verdict(e.getValue());
          if (late instanceof HecClassifier.Accepted a) {
            accepted(a, e.getKey(), state, acks);
          }
        }
      } else {
        // Cut short (an interrupt at shutdown): the batch is not committed and is sent again.
        inFlight.values().forEach(f -> f.cancel(true));
      }
    }
    if (!acks.isEmpty()) {
      HecAcks.Result r =
          acks.await(
              ids -> pollAcks(ids), sleeper, clock, cfg.ack().pollInterval(), cfg.ack().timeout());
      r.acked().forEach(i -> state[i] = State.DELIVERED);
      r.unacked().forEach(i -> state[i] = State.RETRY);
      if (!r.unacked().isEmpty() && reason == null) {
        reason = r.reason();
        if (!r.unconfirmed().isEmpty()) {
          reason +=
              "; Splunk accepted the events, so they are not posted again before ack.timeout_secs ("
                  + Units.formatDuration(cfg.ack().timeout())
                  + ") has passed: the same ack ids are polled at every probe";
        }
      }
      fault |= r.fault();
      List<Carried> keep = new ArrayList<>(r.unconfirmed().size());
      for (HecAcks.Unconfirmed u : r.unconfirmed()) {
        List<SinkRecord> recs = new ArrayList<>(u.indices().size());
        u.indices().forEach(i -> recs.add(batch.get(i)));
        keep.add(new Carried(u.ackId(), recs, u.deadline()));
      }
      carried = keep;
    }
    return outcome(batch, state, rejection, reason, retryAfter, fault);
  }

  /**
   * Takes back the requests of {@link #carried} whose records are all in {@code batch} (the retry
   * wrapper sends the same records again): their ackIds are polled again rather than posted, until
   * their deadline. Returns the indices left to post. Forgets {@link #carried} either way.
   */
  private List<Integer> resumeAcks(
      List<SinkRecord> batch, List<Integer> sendable, State[] state, HecAcks acks) {
    Map<SinkRecord, Integer> index = new IdentityHashMap<>();
    for (int i : sendable) {
      index.put(batch.get(i), i);
    }
    Instant now = clock.instant();
    Set<Integer> resumed = new HashSet<>();
    for (Carried c : carried) {
      List<Integer> idx = new ArrayList<>(c.records().size());
      for (SinkRecord rec : c.records()) {
        Integer i = index.get(rec);
        if (i != null) {
          idx.add(i);
        }
      }
      if (idx.size() != c.records().size()) {
        continue; // not the same records (another delivery): posted as usual
      }
      if (!now.isBefore(c.deadline())) {
        stats.ackTimeouts.incrementAndGet();
        LOG.warn(
            "Splunk did not confirm indexing within ack.timeout_secs while the ack poll failed; "
                + "sending the events again (duplicates are possible). sink={} ack_id={} events={}",
            name,
            c.ackId(),
            idx.size());
        continue;
      }
      acks.add(c.ackId(), idx, c.deadline());
      idx.forEach(i -> state[i] = State.AWAITING_ACK);
      resumed.addAll(idx);
    }
    carried = List.of();
    if (resumed.isEmpty()) {
      return sendable;
    }
    List<Integer> left = new ArrayList<>(sendable.size());
    for (int i : sendable) {
      if (!resumed.contains(i)) {
        left.add(i);
      }
    }
    return left;
  }

  /**
   * Writes every record's envelope into {@code envelopes}, each followed by '\n', with its start
   * and size ({@code starts[n]} is the end); returns the indices of those within max_bytes, the
   * others marked rejected. A method of its own so that the JIT compiles this per-event loop alone,
   * not the whole of {@link #sendBatch} around it (once on-stack, once whole: about 0.18 s of C2
   * time in every busy run).
   */
  private List<Integer> encodeAll(
      List<SinkRecord> batch,
      ByteBuf envelopes,
      int[] starts,
      int[] sizes,
      State[] state,
      String[] rejection) {
    int n = batch.size();
    List<Integer> sendable = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      starts[i] = envelopes.length();
      encoder.encode(batch.get(i), envelopes);
      sizes[i] = envelopes.length() - starts[i];
      envelopes.put('\n');
      if (sizes[i] > cfg.maxBytes()) {
        state[i] = State.REJECTED;
        rejection[i] =
            "event too large for this sink: its HEC envelope is "
                + sizes[i]
                + " bytes and max_bytes is "
                + cfg.maxBytes()
                + "; not sent to Splunk";
        stats.oversize.incrementAndGet();
      } else {
        sendable.add(i);
      }
    }
    starts[n] = envelopes.length();
    return sendable;
  }

  private void accepted(HecClassifier.Accepted a, List<Integer> req, State[] state, HecAcks acks) {
    if (!a.hecAnswer()) {
      // Splunk answers every accepted request with {"text":"Success","code":0}, and so do the
      // HEC-compatible receivers; a 2xx without it comes from something else at the endpoint (a
      // proxy's page, another service, one bad backend behind a load balancer). Splunk's own
      // clients count any 2xx as accepted, and so does this sink, but the operator hears of it: at
      // most every ten minutes, with how many such answers came since the last time.
      long since = notHecAnswers.incrementAndGet();
      Instant now = clock.instant();
      Instant last = notHecWarnedAt;
      if ((last == null || !now.isBefore(last.plus(NOT_HEC_WARN_EVERY)))
          && notHecAnswers.compareAndSet(since, 0)) {
        notHecWarnedAt = now;
        LOG.warn(
            "The endpoint accepted a request with HTTP {} but did not answer as Splunk HEC does (no "
                + "\"code\" in the body); the events count as delivered. Check that the endpoint is "
                + "Splunk HEC and not a proxy or another service (logged at most every 10 minutes)."
                + " sink={} answers={} body=\"{}\"",
            a.status(),
            name,
            since,
            Logfmt.q(a.text()));
      }
    }
    if (a.warningCode() != null && warnedCodes.add(a.warningCode())) {
      LOG.warn(
          "Splunk accepted events with a warning code (logged once per code). sink={} code={} text=\"{}\"",
          name,
          a.warningCode(),
          Logfmt.q(a.text()));
    }
    if (cfg.ack().enabled() && a.ackId() != null) {
      acks.add(a.ackId(), req, clock.instant().plus(cfg.ack().timeout()));
      req.forEach(i -> state[i] = State.AWAITING_ACK);
      return;
    }
    if (cfg.ack().enabled() && warnedNoAckId.compareAndSet(false, true)) {
      LOG.warn(
          "ack.enabled is true but Splunk returned no ackId: indexer acknowledgement is off for this "
              + "token, so events count as delivered when Splunk accepts them. sink={}",
          name);
    }
    if (!cfg.ack().enabled() && a.ackId() != null && warnedUnpolledAck.compareAndSet(false, true)) {
      LOG.warn(
          "Splunk returned an ackId: indexer acknowledgement is on for this token but ack.enabled is "
              + "false. Set ack: {enabled: true} (or turn acknowledgement off for the token): unpolled "
              + "acknowledgements pile up on the indexer. sink={}",
          name);
    }
    req.forEach(i -> state[i] = State.DELIVERED);
  }

  /** Threads that post requests ahead ({@code concurrency} above 1); made when first needed. */
  private volatile ExecutorService parallel;

  private synchronized ExecutorService parallel() {
    if (parallel == null) {
      parallel =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "auditship-hec-" + name);
                t.setDaemon(true);
                return t;
              });
    }
    return parallel;
  }

  /**
   * {@link #post} from another thread, with buffers of its own, once a request slot is free (taken
   * here, not by the caller, so that a request cancelled before it starts holds none).
   */
  private HecClassifier.Verdict postAside(
      List<Integer> req, byte[] envelopes, int[] starts, String tok) {
    try {
      requestSlots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HecClassifier.Retry("delivery to sink " + name + " interrupted", null);
    }
    try {
      return post(req, envelopes, starts, tok, new ByteBuf(16 * 1024), new ByteBuf(16 * 1024));
    } finally {
      requestSlots.release();
    }
  }

  /** The verdict of a request posted ahead; an interrupt cancels it. */
  private static HecClassifier.Verdict verdict(Future<HecClassifier.Verdict> f)
      throws InterruptedException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }

  /** Posts one request and classifies the answer (a transport failure is classified too). */
  private HecClassifier.Verdict post(
      List<Integer> req, byte[] envelopes, int[] starts, String tok, Buffers bufs) {
    try {
      return post(req, envelopes, starts, tok, bufs.body.reset(), bufs.gzip.reset());
    } finally {
      // A request is at most max_bytes (up to 800 MiB): do not keep a huge one for the next.
      bufs.trimBodies(keepBody);
    }
  }

  /**
   * The buffers one batch is sent through: its envelopes, and the request bodies built from them,
   * reused from batch to batch (one set per batch in flight, kept in {@link #spare} between them).
   */
  private static final class Buffers {
    final ByteBuf arena = new ByteBuf(64 * 1024);
    final ByteBuf body = new ByteBuf(64 * 1024);
    final ByteBuf gzip = new ByteBuf(16 * 1024);

    void trim(int sets, int keepBody) {
      arena.trim(KEEP_ARENA_BYTES / sets);
      trimBodies(keepBody);
    }

    void trimBodies(int keep) {
      body.trim(keep);
      gzip.trim(keep);
    }
  }

  /** Buffers of batches sent before, for the next ones. */
  private final Deque<Buffers> spare = new ConcurrentLinkedDeque<>();

  private static final int KEEP_BYTES = 2 * 1024 * 1024;

  private static final int KEEP_ARENA_BYTES = 8 * 1024 * 1024;

  private HecClassifier.Verdict post(
      List<Integer> req,
      byte[] envelopes,
      int[] starts,
      String tok,
      ByteBuf bodyOut,
      ByteBuf gzipOut) {
    byte[] wire;
    int wireOff;
    int wireLength;
    int bodyLength;
    if (!cfg.gzip() && HecRequests.consecutive(req)) {
      wire = envelopes;
      wireOff = starts[req.get(0)];
      wireLength = starts[req.get(req.size() - 1) + 1] - 1 - wireOff;
      bodyLength = wireLength;
    } else {
      HecRequests.body(envelopes, starts, req, bodyOut);
      bodyLength = bodyOut.length();
      ByteBuf wireOut = bodyOut;
      if (cfg.gzip()) {
        HecRequests.gzip(bodyOut.array(), bodyOut.length(), gzipOut);
        wireOut = gzipOut;
      }
      wire = wireOut.array();
      wireOff = 0;
      wireLength = wireOut.length();
    }
    long t0 = System.nanoTime();
    try {
      HecResponse r =
          service.post(HecService.EVENT_PATH, wire, wireOff, wireLength, cfg.gzip(), tok);
      countSent(bodyLength, wireLength);
      HecClassifier.Verdict v = HecClassifier.classify(r, req.size());
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "HEC request sent. sink={} events={} body_bytes={} wire_bytes={} answer=\"{}\" ms={}",
            name,
            req.size(),
            bodyLength,
            wireLength,
            Logfmt.q(r.describe()),
            (System.nanoTime() - t0) / 1_000_000);
      }
      return v;
    } catch (IOException e) {
      if (!HecTransportFailures.neverConnected(e)) {
        countSent(bodyLength, wireLength); // it may have reached Splunk before the failure
      }
      LOG.debug(
          "HEC request failed. sink={} events={} error=\"{}\"",
          name,
          req.size(),
          Logfmt.q(e.toString()));
      return HecTransportFailures.verdict(e, service.url(HecService.EVENT_PATH));
    }
  }

  /**
   * Counts a request that left the machine: answered, or failed after the connection was made. One
   * refused, unresolvable or never connected sent nothing, so the counters say what was sent.
   */
  private void countSent(int bodyLength, int wireLength) {
    stats.requests.incrementAndGet();
    stats.bodyBytes.addAndGet(bodyLength);
    stats.wireBytes.addAndGet(wireLength);
  }

  private HecAcks.PollResult pollAcks(List<Long> ids) {
    StringBuilder body = new StringBuilder("{\"acks\":[");
    for (int i = 0; i < ids.size(); i++) {
      body.append(i == 0 ? "" : ",").append(ids.get(i));
    }
    body.append("]}");
    String tok;
    try {
      tok = token.get();
    } catch (HecToken.TokenException e) {
      return new HecAcks.Failed(e.getMessage(), true);
    }
    try {
      HecResponse r =
          service.post(
              HecService.ACK_PATH, body.toString().getBytes(StandardCharsets.US_ASCII), false, tok);
      LOG.debug(
          "HEC ack poll. sink={} ids={} answer=\"{}\" acks={}",
          name,
          ids,
          Logfmt.q(r.describe()),
          r.acks());
      if (r.status() == 200) {
        return new HecAcks.Acks(r.acks());
      }
      HecClassifier.Verdict v = HecClassifier.classify(r, 0);
      if (v instanceof HecClassifier.Fault f) {
        if (f.tokenRefused()) {
          token.refused();
        }
        return new HecAcks.Failed("ack poll: " + f.reason(), true);
      }
      return new HecAcks.Failed("ack poll: Splunk HEC answered " + r.describe(), false);
    } catch (IOException e) {
      return new HecAcks.Failed("ack poll: " + e, false);
    }
  }

  private static Outcome outcome(
      List<SinkRecord> batch,
      State[] state,
      String[] rejection,
      String reason,
      Duration retryAfter,
      boolean fault) {
    List<Outcome.Rejection> rejected = new ArrayList<>();
    List<SinkRecord> retry = new ArrayList<>();
    for (int i = 0; i < state.length; i++) {
      if (state[i] == State.REJECTED) {
        rejected.add(new Outcome.Rejection(batch.get(i), rejection[i]));
      } else if (state[i] == State.RETRY
          || state[i] == State.PENDING
          || state[i] == State.AWAITING_ACK) {
        retry.add(batch.get(i));
      }
    }
    if (retry.isEmpty()) {
      return rejected.isEmpty() ? Outcome.delivered() : Outcome.rejected(rejected);
    }
    return new Outcome(rejected, retry, reason, retryAfter, fault);
  }

  // ------------------------------------------------------------------------------------------ misc

  /**
   * Checks HEC and the token ({@link HecHealth}); a sentence naming the problem, or {@code null}
   * when HEC is healthy.
   */
  /** The envelope reads only the kind and the time ({@link HecEncoder}). */
  @Override
  public Set<String> eventFields() {
    return Set.of();
  }

  @Override
  public String checkConnectivity() {
    return health.check().problem();
  }

  HecHealth.Health health() {
    return health.check();
  }

  @Override
  public void close() {
    if (stats.requests.get() > 0) {
      LOG.info("Splunk HEC sink closed. sink={} {}", name, stats.summary());
    }
    if (parallel != null) {
      parallel.shutdownNow();
    }
    service.close();
  }

  private static String userAgent() {
    String v = HecSink.class.getPackage().getImplementationVersion();
    return "auditship/" + (v != null ? v : "dev");
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }

  /**
   * This machine's host name, as Splunk's {@code host} default (the HEC host itself) would be
   * wrong.
   */
  static String localHostName() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      if (h != null && !h.isBlank()) {
        return h;
      }
    } catch (UnknownHostException e) {
      // fall through: the name may still be in the environment
    }
    String env = System.getenv("HOSTNAME");
    return env != null && !env.isBlank() ? env : "localhost";
  }
}
