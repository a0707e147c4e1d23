package dev.auditship.config;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: splunk_hec}: events posted to Splunk's HTTP Event Collector, {@code
 * /services/collector/event}, as JSON envelopes (docs/coder-reference.md §10). Options and defaults
 * are listed in docs/splunk-hec.md. Parsing does no I/O: the token file and the TLS files are read
 * when the sink is built (TLS files) or used (token file, re-read after Splunk refuses the token).
 *
 * @param endpoint base URL of the HEC input ({@code https://splunk.example.com:8088}), without
 *     {@code /services/collector}
 * @param token the HEC token ({@code token} or {@code token_file})
 * @param index the {@code index} of every event, or {@code null} for the token's default
 * @param source the {@code source} of every event, or {@code null} for the token's default
 * @param auditSourcetype the {@code sourcetype} of audit events
 * @param connectionSourcetype the {@code sourcetype} of connection events
 * @param host the {@code host} of every event, or {@code null} for this machine's host name
 * @param fields indexed fields sent with every event (flat strings)
 * @param maxEvents most events per request
 * @param concurrency requests of one batch in flight at once ({@code concurrency}, default 1:
 *     strictly in order; more lets Splunk index a request's events before those of an earlier one)
 * @param maxBytes most bytes of one request body before compression
 * @param gzip compress request bodies with gzip
 * @param tls TLS options
 * @param proxy an {@code http://} proxy, or {@code null} (then {@code HTTPS_PROXY}/{@code
 *     HTTP_PROXY}/{@code NO_PROXY} decide)
 * @param proxyAuth Basic credentials for {@code proxy}, or {@code null}
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param requestTimeout deadline of one request, from sending to the end of the response
 * @param ack indexer acknowledgement
 * @param healthCheck check {@code /services/collector/health} before the first delivery
 */
public record HecSinkConfig(
    URI endpoint,
    Secret token,
    String index,
    String source,
    String auditSourcetype,
    String connectionSourcetype,
    String host,
    Map<String, String> fields,
    int maxEvents,
    int concurrency,
    long maxBytes,
    boolean gzip,
    TlsSettings tls,
    URI proxy,
    ProxyAuth proxyAuth,
    Duration connectTimeout,
    Duration requestTimeout,
    Ack ack,
    boolean healthCheck)
    implements SinkSettings {

  /**
   * Basic credentials for the configured proxy ({@code proxy_user}, {@code proxy_password} or
   * {@code proxy_password_file}); the password is a {@link Secret}, never printed.
   */
  public record ProxyAuth(String user, Secret password) {}

  public static final String DEFAULT_AUDIT_SOURCETYPE = "coder:audit";
  public static final String DEFAULT_CONNECTION_SOURCETYPE = "coder:connection";
  public static final int DEFAULT_MAX_EVENTS = 500;

  /**
   * Portable to Splunk Cloud and to Splunk 6.x ({@code max_content_length}, docs/coder-reference.md
   * §10.9).
   */
  public static final long DEFAULT_MAX_BYTES = 1_000_000;

  /**
   * Splunk Enterprise's current {@code max_content_length} default; a bigger request is refused
   * anyway.
   */
  static final long MAX_MAX_BYTES = 800L * 1024 * 1024;

  /** HEC's wording of the {@code tls:} conflicts (docs/splunk-hec.md). */
  static final TlsSettings.Wording TLS_WORDING =
      new TlsSettings.Wording(
          List.of(
              "cert_file and key_file go together (mTLS)",
              "set both cert_file and key_file, or neither"),
          List.of(
              "cert_file and key_file go together (mTLS)",
              "set both cert_file and key_file, or neither"),
          List.of(
              "insecure_skip_verify turns off the verification ca_file is for",
              "remove insecure_skip_verify: and keep ca_file"));

  /**
   * Indexer acknowledgement (docs/coder-reference.md §10.6).
   *
   * @param enabled wait for Splunk to confirm indexing before a batch counts as delivered
   * @param pollInterval longest wait between two polls of {@code /services/collector/ack}
   * @param timeout how long to wait for an acknowledgement before sending the events again
   */
  public record Ack(boolean enabled, Duration pollInterval, Duration timeout) {
    public static final Ack DEFAULT =
        new Ack(false, Duration.ofSeconds(10), Duration.ofSeconds(300));
  }

  /** The paths HEC serves; {@code endpoint} is the base URL in front of them. */
  private static final List<String> HEC_PATHS =
      List.of(
          "/services/collector/event/1.0",
          "/services/collector/event",
          "/services/collector/raw",
          "/services/collector/health",
          "/services/collector");

  @Override
  public boolean network() {
    return true;
  }

  @Override
  public String toString() {
    // Records print every component; spell it out so no future component can leak the token.
    return "HecSinkConfig[endpoint="
        + endpoint
        + ", token="
        + token
        + ", index="
        + index
        + ", source="
        + source
        + ", sourcetypes="
        + auditSourcetype
        + "/"
        + connectionSourcetype
        + ", host="
        + host
        + ", fields="
        + fields.keySet()
        + ", max_events="
        + maxEvents
        + ", concurrency="
        + concurrency
        + ", max_bytes="
        + maxBytes
        + ", gzip="
        + gzip
        + ", tls="
        + tls
        + ", proxy="
        + proxy
        + (proxyAuth != null ? " (user " + proxyAuth.user() + ")" : "")
        + ", ack="
        + ack
        + ", health_check="
        + healthCheck
        + "]";
  }

  /** Whether an inline token can go in an HTTP header: printable ASCII, no space. */
  private static boolean sendableToken(Secret token) {
    String v;
    try {
      v = token.value();
    } catch (IOException e) {
      return true; // not inline: read at run time
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  public static HecSinkConfig parse(Section s) {
    URI endpoint = Endpoints.httpUrl(s, "endpoint", true);
    if (endpoint != null) {
      endpoint = checkBase(s, endpoint);
    }
    Secret token = s.secret("token", true);
    if (token != null && token.file() == null && !sendableToken(token)) {
      // Refused before start (a token file is read, and checked, at run time: it may change).
      s.problem(
          "token",
          "holds characters that cannot be sent in an HTTP header (white space, line breaks or "
              + "non-ASCII); its value is not printed",
          "set the token Splunk shows for the HEC input");
    }
    String index = name(s, "index");
    String source = name(s, "source");
    String sourcetype = name(s, "sourcetype");
    String audit = name(s, "audit_sourcetype");
    String connection = name(s, "connection_sourcetype");
    String host = name(s, "host");
    Map<String, String> fields = s.stringMap("fields");
    for (String k : fields.keySet()) {
      if (k.isBlank()) {
        s.problem("fields", "an indexed field has an empty name", "give every field a name");
      }
    }
    int maxEvents = (int) s.integer("max_events", DEFAULT_MAX_EVENTS, 1, 100_000);
    int concurrency = (int) s.integer("concurrency", 1, 1, 4);
    long maxBytes = s.bytes("max_bytes", DEFAULT_MAX_BYTES, 1024, MAX_MAX_BYTES);
    boolean gzip = s.bool("gzip", false);
    TlsSettings tls = parseTls(s, endpoint);
    URI proxy = Endpoints.httpUrl(s, "proxy", false);
    if (proxy != null && !"http".equalsIgnoreCase(proxy.getScheme())) {
      s.problem(
          "proxy",
          "only http:// proxies are supported (an https endpoint is tunnelled through them "
              + "with CONNECT)",
          "write the proxy as http://host:port");
      proxy = null;
    } else if (proxy != null
        && proxy.getRawPath() != null
        && !proxy.getRawPath().isEmpty()
        && !proxy.getRawPath().equals("/")) {
      s.problem("proxy", "a proxy URL has no path", "write the proxy as http://host:port");
    }
    ProxyAuth proxyAuth = null;
    String proxyUser = s.string("proxy_user", null);
    Secret proxyPassword = s.secret("proxy_password", false);
    if (proxyUser != null || proxyPassword != null) {
      if (!s.has("proxy")) {
        s.problem(
            proxyUser != null ? "proxy_user" : "proxy_password",
            "proxy credentials without proxy:",
            "set proxy: http://host:port (credentials for HTTPS_PROXY go in its URL)");
      } else if (proxyUser == null || proxyPassword == null) {
        s.problem(
            proxyUser == null ? "proxy_password" : "proxy_user",
            "proxy_user and proxy_password go together",
            "set both, or neither");
      } else {
        proxyAuth = new ProxyAuth(proxyUser, proxyPassword);
      }
    }
    Duration connect =
        s.duration(
            "connect_timeout_secs",
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            Duration.ofMinutes(10));
    Duration request =
        s.duration(
            "request_timeout_secs",
            Duration.ofSeconds(60),
            Duration.ofMillis(100),
            Duration.ofHours(1));
    Ack ack = parseAck(s);
    boolean health = s.bool("health_check", true);
    return new HecSinkConfig(
        endpoint,
        token,
        index,
        source,
        audit != null ? audit : sourcetype != null ? sourcetype : DEFAULT_AUDIT_SOURCETYPE,
        connection != null
            ? connection
            : sourcetype != null ? sourcetype : DEFAULT_CONNECTION_SOURCETYPE,
        host,
        Map.copyOf(fields),
        maxEvents,
        concurrency,
        maxBytes,
        gzip,
        tls,
        proxy,
        proxyAuth,
        connect,
        request,
        ack,
        health);
  }

  /**
   * The endpoint is the base URL: a HEC path, a query or a fragment in it is a mistake worth
   * naming.
   */
  private static URI checkBase(Section s, URI endpoint) {
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    String lower = path.toLowerCase(Locale.ROOT);
    while (lower.endsWith("/")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    for (String p : HEC_PATHS) {
      if (lower.endsWith(p)) {
        String base =
            endpoint.getScheme()
                + "://"
                + endpoint.getRawAuthority()
                + path.substring(0, lower.length() - p.length());
        s.problem(
            "endpoint",
            "\"" + endpoint + "\" includes the HEC path " + p,
            "write only the base URL, e.g. endpoint: "
                + base
                + " (the sink posts to "
                + "/services/collector/event itself)");
        return null;
      }
    }
    if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
      s.problem(
          "endpoint",
          "\"" + endpoint + "\" has a query or fragment",
          "write only scheme, host, port (and a path prefix if a reverse proxy needs one)");
      return null;
    }
    return endpoint;
  }

  /** A metadata value: absent is fine, empty is a mistake (Splunk would index an empty name). */
  private static String name(Section s, String key) {
    String v = s.string(key, null);
    if (v != null && v.isBlank()) {
      s.problem(key, "is empty", "remove " + key + ": to use the default, or give a value");
      return null;
    }
    return v;
  }

  private static TlsSettings parseTls(Section s, URI endpoint) {
    Section t = s.section("tls");
    if (t == null) {
      return TlsSettings.DEFAULT;
    }
    TlsSettings tls =
        TlsSettings.parse(
            t,
            Set.of(TlsSettings.Option.CLIENT_CERTIFICATE, TlsSettings.Option.SERVER_NAME),
            TLS_WORDING);
    t.finish();
    if (endpoint != null
        && "http".equalsIgnoreCase(endpoint.getScheme())
        && (tls.caFile() != null || tls.certFile() != null || tls.insecureSkipVerify())) {
      s.problem(
          "tls",
          "TLS options are set but endpoint is http://",
          "use an https:// endpoint, or remove tls:");
    }
    return tls;
  }

  private static Ack parseAck(Section s) {
    Section a = s.section("ack");
    if (a == null) {
      return Ack.DEFAULT;
    }
    boolean enabled = a.bool("enabled", false);
    Duration poll =
        a.duration(
            "poll_interval_secs",
            Ack.DEFAULT.pollInterval(),
            Duration.ofMillis(100),
            Duration.ofMinutes(10));
    Duration timeout =
        a.duration(
            "timeout_secs", Ack.DEFAULT.timeout(), Duration.ofSeconds(1), Duration.ofHours(24));
    a.finish();
    if (timeout.compareTo(poll) < 0) {
      a.problem(
          "timeout_secs",
          "is shorter than poll_interval_secs",
          "make timeout_secs at least poll_interval_secs");
    }
    return new Ack(enabled, poll, timeout);
  }
}
