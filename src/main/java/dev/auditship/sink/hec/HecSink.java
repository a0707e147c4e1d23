package dev.auditship.sink.hec;

import dev.auditship.config.HecSinkConfig;
import dev.auditship.metrics.Metrics;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Sleeper;
import dev.auditship.tls.TlsFailures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: splunk_hec}: posts events to {@code <endpoint>/services/collector/event} (reference
 * sinks-and-peers.md §1). {@link #send} makes one delivery pass over a batch and reports per event:
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
 * <p>Used by one delivery thread at a time; {@link #close()} may be called from another thread.
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
  private final Set<Integer> warnedCodes = new HashSet<>();

  // Token state: touched only by the delivery thread (and checkConnectivity, before delivery
  // starts).
  private String token;
  private byte[] tokenDigest;
  private boolean tokenRefused;

  private boolean startupChecked;
  private boolean warnedNoAckId;
  private boolean warnedUnpolledAck;

  /** The sink as the pipeline builds it. */
  public HecSink(String name, String format, HecSinkConfig cfg, Clock clock) throws IOException {
    this(name, format, cfg, clock, Sleeper.REAL);
  }

  /**
   * @param format the sink's record format: {@code json} embeds the record as the {@code event}
   *     object, anything else sends it as a string
   * @param sleeper how to wait between acknowledgement polls (tests substitute one that moves a
   *     clock)
   */
  HecSink(String name, String format, HecSinkConfig cfg, Clock clock, Sleeper sleeper)
      throws IOException {
    this.name = name;
    this.cfg = cfg;
    this.clock = clock;
    this.sleeper = sleeper;
    this.encoder =
        new HecEncoder(
            "json".equals(format),
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

  private static final int PENDING = 0;
  private static final int DELIVERED = 1;
  private static final int REJECTED = 2;
  private static final int RETRY = 3;
  private static final int AWAITING_ACK = 4;

  @Override
  public Outcome send(List<SinkRecord> batch) throws InterruptedException {
    if (cfg.healthCheck() && !startupChecked) {
      startupChecked = true;
      startupCheck();
    }
    int n = batch.size();
    int[] state = new int[n];
    String[] rejection = new String[n];
    byte[][] envelopes = new byte[n][];
    int[] sizes = new int[n];
    List<Integer> sendable = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      envelopes[i] = encoder.encode(batch.get(i));
      sizes[i] = envelopes[i].length;
      if (sizes[i] > cfg.maxBytes()) {
        state[i] = REJECTED;
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
    if (sendable.isEmpty()) {
      return outcome(batch, state, rejection, null, null, false);
    }
    String tok;
    try {
      tok = token();
    } catch (TokenException e) {
      sendable.forEach(i -> state[i] = RETRY);
      return outcome(batch, state, rejection, e.getMessage(), null, true);
    }

    Deque<List<Integer>> queue =
        new ArrayDeque<>(HecRequests.plan(sizes, sendable, cfg.maxEvents(), cfg.maxBytes()));
    HecAcks acks = new HecAcks(stats);
    String reason = null;
    Duration retryAfter = null;
    boolean fault = false;
    while (!queue.isEmpty()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("delivery to sink " + name + " interrupted");
      }
      List<Integer> req = queue.pollFirst();
      HecClassifier.Verdict v = post(req, envelopes, tok);
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
            state[req.get(k)] = DELIVERED;
          }
        }
        state[req.get(p.invalid())] = REJECTED;
        rejection[req.get(p.invalid())] = p.reason();
        tail.addAll(req.subList(p.invalid() + 1, req.size()));
        LOG.debug(
            "Splunk refused one event of a request; the events after it are sent again. sink={} "
                + "events={} invalid_event_number={} reason=\"{}\"",
            name,
            req.size(),
            p.invalid(),
            p.reason());
        if (!tail.isEmpty()) {
          queue.addFirst(new ArrayList<>(tail));
        }
      } else if (v instanceof HecClassifier.Split || v instanceof HecClassifier.Bisect) {
        String why =
            v instanceof HecClassifier.Split s ? s.reason() : ((HecClassifier.Bisect) v).reason();
        if (req.size() == 1) {
          state[req.get(0)] = REJECTED;
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
                why);
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
            refuseToken();
            reason =
                reason
                    + (cfg.token().file() != null
                        ? "; " + cfg.token().describe() + " is read again before the next attempt"
                        : "; the token is set inline (token:): correct it and restart");
          }
        }
        req.forEach(i -> state[i] = RETRY);
        for (List<Integer> rest : queue) {
          rest.forEach(i -> state[i] = RETRY);
        }
        queue.clear();
      }
    }
    if (!acks.isEmpty()) {
      HecAcks.Result r =
          acks.await(
              ids -> pollAcks(ids), sleeper, clock, cfg.ack().pollInterval(), cfg.ack().timeout());
      r.acked().forEach(i -> state[i] = DELIVERED);
      r.unacked().forEach(i -> state[i] = RETRY);
      if (!r.unacked().isEmpty() && reason == null) {
        reason = r.reason();
      }
      fault |= r.fault();
    }
    return outcome(batch, state, rejection, reason, retryAfter, fault);
  }

  private void accepted(HecClassifier.Accepted a, List<Integer> req, int[] state, HecAcks acks) {
    if (a.warningCode() != null && warnedCodes.add(a.warningCode())) {
      LOG.warn(
          "Splunk accepted events with a warning code (logged once per code). sink={} code={} text=\"{}\"",
          name,
          a.warningCode(),
          a.text());
    }
    if (cfg.ack().enabled() && a.ackId() != null) {
      acks.add(a.ackId(), req, clock.instant().plus(cfg.ack().timeout()));
      req.forEach(i -> state[i] = AWAITING_ACK);
      return;
    }
    if (cfg.ack().enabled() && !warnedNoAckId) {
      warnedNoAckId = true;
      LOG.warn(
          "ack.enabled is true but Splunk returned no ackId: indexer acknowledgement is off for this "
              + "token, so events count as delivered when Splunk accepts them. sink={}",
          name);
    }
    if (!cfg.ack().enabled() && a.ackId() != null && !warnedUnpolledAck) {
      warnedUnpolledAck = true;
      LOG.warn(
          "Splunk returned an ackId: indexer acknowledgement is on for this token but ack.enabled is "
              + "false. Set ack: {enabled: true} (or turn acknowledgement off for the token): unpolled "
              + "acknowledgements pile up on the indexer. sink={}",
          name);
    }
    req.forEach(i -> state[i] = DELIVERED);
  }

  /** Posts one request and classifies the answer (a transport failure is classified too). */
  private HecClassifier.Verdict post(List<Integer> req, byte[][] envelopes, String tok) {
    byte[] body = HecRequests.body(envelopes, req);
    byte[] wire = cfg.gzip() ? HecRequests.gzip(body) : body;
    stats.requests.incrementAndGet();
    stats.bodyBytes.addAndGet(body.length);
    stats.wireBytes.addAndGet(wire.length);
    long t0 = System.nanoTime();
    try {
      HecResponse r = service.post(HecService.EVENT_PATH, wire, cfg.gzip(), tok);
      HecClassifier.Verdict v = HecClassifier.classify(r, req.size());
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "HEC request sent. sink={} events={} body_bytes={} wire_bytes={} answer=\"{}\" ms={}",
            name,
            req.size(),
            body.length,
            wire.length,
            r.describe(),
            (System.nanoTime() - t0) / 1_000_000);
      }
      return v;
    } catch (IOException e) {
      LOG.debug(
          "HEC request failed. sink={} events={} error=\"{}\"", name, req.size(), e.toString());
      return transportVerdict(e, service.url(HecService.EVENT_PATH));
    }
  }

  private HecAcks.PollResult pollAcks(List<Long> ids) {
    StringBuilder body = new StringBuilder("{\"acks\":[");
    for (int i = 0; i < ids.size(); i++) {
      body.append(i == 0 ? "" : ",").append(ids.get(i));
    }
    body.append("]}");
    String tok;
    try {
      tok = token();
    } catch (TokenException e) {
      return new HecAcks.Failed(e.getMessage(), true);
    }
    try {
      HecResponse r =
          service.post(
              HecService.ACK_PATH, body.toString().getBytes(StandardCharsets.US_ASCII), false, tok);
      LOG.debug(
          "HEC ack poll. sink={} ids={} answer=\"{}\" acks={}", name, ids, r.describe(), r.acks());
      if (r.status() == 200) {
        return new HecAcks.Acks(r.acks());
      }
      HecClassifier.Verdict v = HecClassifier.classify(r, 0);
      if (v instanceof HecClassifier.Fault f) {
        if (f.tokenRefused()) {
          refuseToken();
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
      int[] state,
      String[] rejection,
      String reason,
      Duration retryAfter,
      boolean fault) {
    List<Outcome.Rejection> rejected = new ArrayList<>();
    List<SinkRecord> retry = new ArrayList<>();
    for (int i = 0; i < state.length; i++) {
      if (state[i] == REJECTED) {
        rejected.add(new Outcome.Rejection(batch.get(i), rejection[i]));
      } else if (state[i] == RETRY || state[i] == PENDING || state[i] == AWAITING_ACK) {
        retry.add(batch.get(i));
      }
    }
    if (retry.isEmpty()) {
      return rejected.isEmpty() ? Outcome.delivered() : Outcome.rejected(rejected);
    }
    return new Outcome(rejected, retry, reason, retryAfter, fault);
  }

  /**
   * A transport failure: a certificate that cannot be verified needs an operator; the rest is
   * transient.
   */
  static HecClassifier.Verdict transportVerdict(IOException e, String url) {
    if (TlsFailures.needsOperator(e)) {
      return new HecClassifier.Fault(
          "TLS handshake with "
              + url
              + " failed: "
              + message(e)
              + "; check tls.ca_file (the CA that signed Splunk's certificate), that the endpoint's host name "
              + "is in that certificate, and tls.cert_file/key_file if Splunk requires a client certificate",
          false);
    }
    return new HecClassifier.Retry(describeTransport(e, url), null);
  }

  static String describeTransport(IOException e, String url) {
    if (e instanceof HecService.DeadlineException) {
      return "no answer from Splunk HEC at " + url + ": " + e.getMessage();
    }
    if (e instanceof UnknownHostException) {
      return "cannot resolve the host of " + url + ": " + message(e);
    }
    if (e instanceof ConnectTimeoutException) {
      return "cannot connect to " + url + ": connect_timeout_secs passed";
    }
    if (e instanceof HttpHostConnectException
        || e instanceof ConnectException
        || e instanceof NoRouteToHostException) {
      return "cannot connect to " + url + ": " + message(e);
    }
    if (e instanceof SocketTimeoutException) {
      return "no answer from Splunk HEC at " + url + " within request_timeout_secs: " + message(e);
    }
    if (e instanceof SSLException) {
      return "TLS failure talking to " + url + ": " + message(e);
    }
    return "cannot reach Splunk HEC at "
        + url
        + ": "
        + e.getClass().getSimpleName()
        + " "
        + message(e);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : HecResponse.clip(m);
  }

  // ------------------------------------------------------------------------------------------
  // token

  /**
   * A token problem an operator must fix; the message names where the token comes from, never its
   * value.
   */
  static final class TokenException extends Exception {
    TokenException(String message) {
      super(message);
    }
  }

  /** The token, read on first use and again after Splunk refused it. */
  private String token() throws TokenException {
    if (token != null) {
      return token;
    }
    String v;
    try {
      v = cfg.token().value();
    } catch (IOException e) {
      throw new TokenException(
          "cannot read the HEC token from "
              + cfg.token().describe()
              + ": "
              + e.getClass().getSimpleName());
    }
    if (v.isEmpty()) {
      throw new TokenException("the HEC token from " + cfg.token().describe() + " is empty");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new TokenException(
            "the HEC token from "
                + cfg.token().describe()
                + " holds characters that "
                + "cannot be sent in an HTTP header (white space, line breaks or non-ASCII)");
      }
    }
    byte[] digest = sha256(v);
    if (tokenRefused) {
      stats.tokenReloads.incrementAndGet();
      LOG.info(
          "Token read again after Splunk refused it; it {}. sink={} token_source=\"{}\"",
          Arrays.equals(digest, tokenDigest) ? "has not changed" : "has changed",
          name,
          cfg.token().describe());
      tokenRefused = false;
    }
    tokenDigest = digest;
    token = v;
    return v;
  }

  private void refuseToken() {
    token = null;
    tokenRefused = true;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }

  // ------------------------------------------------------------------------------------------
  // health

  /**
   * The result of a health check: {@code problem} is null when healthy; {@code transient} for
   * 503/unreachable.
   */
  record Health(String problem, boolean transientProblem) {
    static final Health OK = new Health(null, false);
  }

  /**
   * {@code GET /services/collector/health} (with the token, so Splunk versions that validate it
   * there answer 400 code 21/22), then a token check: an empty {@code POST
   * /services/collector/event}, which Splunk answers 400 code 5 "No data" once it has accepted the
   * token and 401/403 when it has not (nothing is indexed). Returns a sentence per failure, or
   * {@code null} when HEC is healthy.
   */
  @Override
  public String checkConnectivity() {
    return health().problem();
  }

  Health health() {
    String tok;
    try {
      tok = token();
    } catch (TokenException e) {
      return new Health(e.getMessage(), false);
    }
    String url = service.url(HecService.HEALTH_PATH);
    HecResponse r;
    try {
      r = service.get(HecService.HEALTH_PATH, tok);
    } catch (IOException e) {
      if (TlsFailures.needsOperator(e)) {
        return new Health(((HecClassifier.Fault) transportVerdict(e, url)).reason(), false);
      }
      return new Health("unreachable: " + describeTransport(e, url), !(e instanceof SSLException));
    }
    int s = r.status();
    if (s == 503) {
      return new Health(
          "Splunk HEC is unhealthy: "
              + r.describe()
              + " (its queues are full or its "
              + "acknowledgement service is unavailable); delivery waits and retries",
          true);
    }
    if (s == 400 || s == 401 || s == 403) {
      refuseToken();
      return new Health(
          "Splunk refused the token at " + url + ": " + r.describe() + "; check " + tokenKey(),
          false);
    }
    if (s == 404) {
      return new Health(
          "GET "
              + url
              + " answered "
              + r.describe()
              + ": not a Splunk HEC endpoint; check "
              + "endpoint: (the base URL, e.g. https://splunk:8088) and that HTTP Event Collector is enabled",
          false);
    }
    if (s >= 300 && s < 400) {
      return new Health(((HecClassifier.Fault) HecClassifier.classify(r, 0)).reason(), false);
    }
    if (s != 200) {
      return new Health(
          "Splunk HEC health check at " + url + " answered " + r.describe(), s >= 500);
    }
    // Healthy; now the token (Splunk 10.x ignores the token on /health).
    HecResponse t;
    try {
      t = service.post(HecService.EVENT_PATH, new byte[0], false, tok);
    } catch (IOException e) {
      return new Health(
          "unreachable: " + describeTransport(e, service.url(HecService.EVENT_PATH)), true);
    }
    HecClassifier.Verdict v = HecClassifier.classify(t, 0);
    if (v instanceof HecClassifier.Fault f && f.tokenRefused()) {
      refuseToken();
      return new Health(f.reason() + "; check " + tokenKey(), false);
    }
    if (t.status() == 404 || (t.status() >= 300 && t.status() < 400)) {
      return new Health(((HecClassifier.Fault) v).reason(), false);
    }
    return Health.OK;
  }

  private String tokenKey() {
    return cfg.token().file() != null ? "token_file (" + cfg.token().file() + ")" : "token";
  }

  /** The start-up check (once, before the first delivery): logs, never stops the sink. */
  private void startupCheck() {
    Health h = health();
    if (h.problem() == null) {
      LOG.info(
          "Splunk HEC is healthy and accepts the token. sink={} endpoint={}", name, cfg.endpoint());
    } else if (h.transientProblem()) {
      LOG.warn(
          "Splunk HEC health check failed; events are kept and delivery retries. sink={} problem=\"{}\"",
          name,
          h.problem());
    } else {
      LOG.error(
          "Splunk HEC health check failed; events are kept and the sink pauses until this is fixed. "
              + "sink={} problem=\"{}\"",
          name,
          h.problem());
    }
  }

  // ------------------------------------------------------------------------------------------ misc

  @Override
  public void close() {
    if (stats.requests.get() > 0) {
      LOG.info("Splunk HEC sink closed. sink={} {}", name, stats.summary());
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
