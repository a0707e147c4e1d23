package dev.auditship.source;

import dev.auditship.config.Secret;
import dev.auditship.config.TlsSettings;
import dev.auditship.io.HttpProxy;
import dev.auditship.tls.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * GET requests to Coder's REST API with the session token. Retries are the source's business (it
 * owns its back-off), so the client is built with {@code disableAutomaticRetries()}. A request runs
 * on a worker thread so that {@code Pipeline.stop()}'s interrupt of the pipeline thread cancels it
 * at once instead of waiting for the response timeout. The token is read for every request (a token
 * file may be rotated) and never logged.
 */
final class CoderApiClient implements AutoCloseable {
  /** Largest response body read; a page of 10 000 rows is a few tens of MiB. */
  static final int MAX_BODY_CHARS = 256 * 1024 * 1024;

  /**
   * The answer to one request.
   *
   * @param date the {@code Date} header (the server's clock, RFC 9110 §6.6.1), or null
   */
  record Response(int status, String body, String retryAfter, String date) {}

  private final String base;
  private final Secret token;
  private final CloseableHttpClient http;

  /** The proxy from the environment (HTTPS_PROXY, NO_PROXY), or null. */
  final HttpProxy proxy;

  private final ExecutorService worker;

  CoderApiClient(URI endpoint, Secret token, Duration timeout, TlsSettings tls) throws IOException {
    String e = endpoint.toString();
    this.base = e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
    this.token = token;
    Timeout t = Timeout.of(timeout);
    PoolingHttpClientConnectionManagerBuilder cm =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setDefaultConnectionConfig(
                ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build());
    if (tls.caFile() != null || tls.insecureSkipVerify() || tls.serverName() != null) {
      SSLContext ssl = TlsContexts.build(tls);
      cm.setTlsSocketStrategy(dev.auditship.tls.HttpTls.strategy(ssl, tls));
    }
    HttpClientBuilder hb =
        HttpClients.custom()
            .setConnectionManager(cm.build())
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .setUserAgent("auditship");
    try {
      this.proxy = HttpProxy.select(endpoint, null, System::getenv);
    } catch (IllegalArgumentException bad) {
      throw new IOException("source: " + bad.getMessage(), bad);
    }
    HttpProxy.apply(proxy, hb);
    this.http = hb.build();
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread th = new Thread(r, "auditship-coder-api");
              th.setDaemon(true);
              return th;
            });
  }

  /** {@code path} with its query parameters (in order, URL-encoded), for logs and requests. */
  static String pathWithQuery(String path, Map<String, String> params) {
    StringBuilder sb = new StringBuilder(path);
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      sb.append(sep)
          .append(p.getKey())
          .append('=')
          .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
      sep = '&';
    }
    return sb.toString();
  }

  static Map<String, String> params(String q, int limit, int offset) {
    Map<String, String> m = new LinkedHashMap<>();
    if (q != null) {
      m.put("q", q);
    }
    m.put("limit", Integer.toString(limit));
    m.put("offset", Integer.toString(offset));
    return m;
  }

  /**
   * Sends {@code GET base + pathAndQuery}. Throws IOException for network failures and timeouts,
   * InterruptedException when the calling thread is interrupted (the request is cancelled).
   */
  Response get(String pathAndQuery) throws IOException, InterruptedException {
    String tokenValue;
    try {
      tokenValue = token.value();
    } catch (IOException e) {
      throw new TokenUnreadable("cannot read the " + token.describe() + ": " + e.getMessage());
    }
    HttpGet req = new HttpGet(base + pathAndQuery);
    req.setHeader("Coder-Session-Token", tokenValue);
    req.setHeader("Accept", "application/json");
    Future<Response> f =
        worker.submit(
            () ->
                http.execute(
                    req,
                    resp -> {
                      HttpEntity entity = resp.getEntity();
                      String body;
                      try {
                        body =
                            entity == null
                                ? ""
                                : EntityUtils.toString(
                                    entity, StandardCharsets.UTF_8, MAX_BODY_CHARS);
                      } catch (ParseException pe) {
                        throw new IOException("unreadable response body: " + pe.getMessage(), pe);
                      }
                      if (resp.getCode() != 200 && !tokenValue.isEmpty()) {
                        // An error page that echoes the request (a proxy, a gateway) must not put
                        // the token into the log lines that quote Coder's answer.
                        body = body.replace(tokenValue, "[redacted]");
                      }
                      Header ra = resp.getFirstHeader("Retry-After");
                      Header date = resp.getFirstHeader("Date");
                      return new Response(
                          resp.getCode(),
                          body,
                          ra == null ? null : ra.getValue(),
                          date == null ? null : date.getValue());
                    }));
    try {
      return f.get();
    } catch (InterruptedException e) {
      req.cancel();
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c.toString(), c);
    }
  }

  /**
   * {@code text} with the session token replaced by {@code [redacted]}, for an excerpt of an answer
   * that is logged (error answers are redacted as they are read).
   */
  String redact(String text) {
    try {
      String t = token.value();
      return t.isEmpty() ? text : text.replace(t, "[redacted]");
    } catch (IOException e) {
      return text;
    }
  }

  /** The token file could not be read: a configuration fault, not a network one. */
  static final class TokenUnreadable extends IOException {
    TokenUnreadable(String message) {
      super(message);
    }
  }

  @Override
  public void close() throws IOException {
    worker.shutdownNow();
    http.close();
  }
}
