package dev.auditship.sink.hec;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.Units;
import dev.auditship.io.HttpProxy;
import dev.auditship.tls.ClientCertificateRequiredException;
import dev.auditship.tls.NoClientCertificate;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP side of the sink: one pooled, keep-alive httpclient5 classic client per sink, built with
 * {@code disableAutomaticRetries()} (retries belong to {@code RetryingSink}) and without redirect
 * handling (a redirect means the endpoint is wrong, docs/coder-reference.md §10.7: never post audit
 * data to a login page). TLS 1.2+ from PEM files ({@link PemTls}), an optional http proxy (CONNECT
 * for https), a connect timeout and a hard deadline per request: the response timeout bounds each
 * read and a timer aborts a request that is still running at the deadline (a server that trickles
 * bytes cannot hold the sink).
 *
 * <p>Cookies are kept: load balancers in front of indexers use them for the stickiness that indexer
 * acknowledgement needs (§10.6, §10.10). Response bodies are always read (up to 64 KiB) and the
 * connection released, so connections are reused. Thread-safe; {@link #close()} aborts requests in
 * flight.
 */
final class HecService implements AutoCloseable {
  static final String EVENT_PATH = "/services/collector/event";
  static final String ACK_PATH = "/services/collector/ack";
  static final String HEALTH_PATH = "/services/collector/health";
  private static final int MAX_BODY = 64 * 1024;
  private static final ContentType JSON = ContentType.create("application/json");

  private final String base;
  private final String channel;
  private final Duration requestTimeout;
  private final CloseableHttpClient client;

  /** The proxy requests go through, or null (direct). */
  private final HttpProxy proxy;

  private final ScheduledThreadPoolExecutor deadlines;
  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock;
  private final NoClientCertificate noClientCertificate = new NoClientCertificate();

  /** Thrown for a request aborted at its deadline, so the caller can say "timed out after …". */
  static final class DeadlineException extends InterruptedIOException {
    DeadlineException(String message) {
      super(message);
    }
  }

  HecService(HecSinkConfig cfg, String channel, String userAgent, Clock clock) throws IOException {
    String b = cfg.endpoint().toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    this.base = b;
    this.channel = channel;
    this.clock = clock;
    this.requestTimeout = cfg.requestTimeout();
    Timeout connect = Timeout.ofMilliseconds(cfg.connectTimeout().toMillis());
    Timeout request = Timeout.ofMilliseconds(cfg.requestTimeout().toMillis());

    PoolingHttpClientConnectionManagerBuilder cm =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(4)
            .setMaxConnPerRoute(4)
            .setDefaultSocketConfig(
                SocketConfig.custom()
                    .setSoKeepAlive(true)
                    .setTcpNoDelay(true)
                    .setSoTimeout(request)
                    .build())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(connect)
                    .setSocketTimeout(request)
                    // A pooled connection idle for a while may have been closed by Splunk or a load
                    // balancer; check it before use, since the client does not retry on its own.
                    .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                    .build())
            .setDefaultTlsConfig(
                TlsConfig.custom()
                    .setHandshakeTimeout(connect)
                    .setSupportedProtocols(cfg.tls().protocols().toArray(String[]::new))
                    .build());
    if ("https".equalsIgnoreCase(cfg.endpoint().getScheme())) {
      SSLContext ctx = PemTls.context(cfg.tls(), noClientCertificate);
      cm.setTlsSocketStrategy(dev.auditship.tls.HttpTls.strategy(ctx, cfg.tls()));
    } else {
      // An http:// endpoint (its proxy is http:// too, and redirects are off) never needs TLS; the
      // client's default would load the JVM's trust store and the public suffix list at start
      // (0.2-0.3 s of CPU in a cold JVM), so it is made only if it is ever asked for.
      cm.setTlsSocketStrategy(new LazyTls());
    }
    HttpClientBuilder hb =
        HttpClients.custom()
            .setConnectionManager(cm.build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            // Splunk's answers are a few dozen bytes of JSON: no Accept-Encoding to negotiate and
            // no
            // response decoding step in every request's chain (request bodies are gzipped by the
            // sink itself when gzip: true).
            .disableContentCompression()
            .disableAuthCaching()
            .setUserAgent(userAgent)
            .evictExpiredConnections()
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectionRequestTimeout(connect)
                    .setResponseTimeout(request)
                    .build());
    HttpProxy p;
    try {
      p = HttpProxy.select(cfg.endpoint(), cfg.proxy(), System::getenv);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (p != null && cfg.proxyAuth() != null) {
      p =
          p.withCredentials(
              cfg.proxyAuth().user(), cfg.proxyAuth().password().value().toCharArray());
    }
    this.proxy = p;
    HttpProxy.apply(proxy, hb);
    this.client = hb.build();
    ScheduledThreadPoolExecutor d =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "auditship-hec-deadline");
              t.setDaemon(true);
              return t;
            });
    // Every request schedules its deadline and cancels it when the answer comes. By default a
    // cancelled task stays queued until its delay (request_timeout_secs, 60 s) elapses, holding its
    // request and, through the entity, the request body's array: at 1,000 requests a second that is
    // 60,000 requests kept, tens of MB of a 128 MiB heap, growing with the rate, not bounded by it.
    d.setRemoveOnCancelPolicy(true);
    this.deadlines = d;
  }

  /** Deadlines scheduled and neither run nor cancelled: one per request in flight. */
  int pendingDeadlines() {
    return deadlines.getQueue().size();
  }

  /** The proxy requests go through, or null when they go direct. */
  HttpProxy proxy() {
    return proxy;
  }

  /** The endpoint's URIs of the paths posted to, parsed once rather than for every request. */
  private final Map<String, URI> uris = new ConcurrentHashMap<>();

  private URI uri(String path) {
    return uris.computeIfAbsent(path, p -> URI.create(base + p));
  }

  /** The URL of {@code path} (for messages). */
  String url(String path) {
    return base + path;
  }

  /** POSTs {@code body} (gzip-compressed already when {@code gzip}) to {@code path}. */
  HecResponse post(String path, byte[] body, boolean gzip, String token) throws IOException {
    return post(path, body, body.length, gzip, token);
  }

  /** POSTs {@code body[0, len)}; the array is only read while this call runs. */
  HecResponse post(String path, byte[] body, int len, boolean gzip, String token)
      throws IOException {
    return post(path, body, 0, len, gzip, token);
  }

  /** POSTs {@code body[off, off+len)}; the array is only read while this call runs. */
  HecResponse post(String path, byte[] body, int off, int len, boolean gzip, String token)
      throws IOException {
    HttpPost post = new HttpPost(uri(path));
    post.setEntity(new ByteArrayEntity(body, off, len, JSON));
    if (gzip) {
      post.setHeader("Content-Encoding", "gzip");
    }
    return execute(post, token);
  }

  /** GETs {@code path}. */
  HecResponse get(String path, String token) throws IOException {
    return execute(new HttpGet(uri(path)), token);
  }

  private HecResponse execute(HttpUriRequestBase req, String token) throws IOException {
    if (token != null) {
      // Never logged by this exporter; httpclient's own header logging is off in
      // config/logback.xml.
      req.setHeader("Authorization", "Splunk " + token);
    }
    req.setHeader("X-Splunk-Request-Channel", channel);
    AtomicBoolean expired = new AtomicBoolean();
    // Counted on this thread, where the blocking client handshakes: another request in flight at
    // the same time (concurrency) must not make this one's failure look like a refused handshake.
    long certificateRequests = noClientCertificate.askedOnThisThread();
    ScheduledFuture<?> deadline =
        deadlines.schedule(
            () -> {
              expired.set(true);
              req.cancel();
            },
            requestTimeout.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      return client.execute(
          req,
          response -> {
            HttpEntity entity = response.getEntity();
            String body;
            try {
              body =
                  entity == null
                      ? ""
                      : EntityUtils.toString(entity, StandardCharsets.UTF_8, MAX_BODY);
            } catch (ParseException e) {
              body = "";
            }
            // A proxy echoing the request, or a gateway putting the credential in the redirect it
            // answers with (a login page's URL), must not leak it: the answer's text and its
            // Location reach log lines, validate's report and /readyz.
            body = redacted(body, token);
            Header ra = response.getFirstHeader("Retry-After");
            Header loc = response.getFirstHeader("Location");
            return HecResponse.parse(
                json,
                response.getCode(),
                body,
                ra == null ? null : ra.getValue(),
                loc == null ? null : redacted(loc.getValue(), token),
                clock.instant());
          });
    } catch (IOException e) {
      // A server that asked for a client certificate we do not have usually ends the handshake (or,
      // with
      // TLS 1.3, the first write) at once; a timeout is no sign of that, only of a slow or gone
      // server.
      if (noClientCertificate.askedOnThisThread() > certificateRequests
          && !expired.get()
          && !(e instanceof InterruptedIOException)) {
        throw new ClientCertificateRequiredException(
            "Splunk asked for a client certificate (mutual TLS) and none is configured");
      }
      if (expired.get()) {
        throw new DeadlineException(
            "no complete answer within request_timeout_secs ("
                + Units.formatDuration(requestTimeout)
                + ")");
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    client.close(CloseMode.IMMEDIATE);
  }

  /** The client's default TLS strategy, made on first use. */
  private static final class LazyTls implements TlsSocketStrategy {
    private volatile TlsSocketStrategy made;

    @Override
    public SSLSocket upgrade(
        Socket socket, String target, int port, Object attachment, HttpContext context)
        throws IOException {
      TlsSocketStrategy t = made;
      if (t == null) {
        synchronized (this) {
          t = made;
          if (t == null) {
            t = DefaultClientTlsStrategy.createDefault();
            made = t;
          }
        }
      }
      return t.upgrade(socket, target, port, attachment, context);
    }
  }

  /** {@code text} with every occurrence of {@code token} replaced by {@code [redacted]}. */
  static String redacted(String text, String token) {
    if (token == null || token.isEmpty() || !text.contains(token)) {
      return text;
    }
    return text.replace(token, "[redacted]");
  }
}
