package dev.auditship.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: syslog}: each record as one syslog message (RFC 5424, or RFC 3164 for legacy
 * receivers) over UDP (RFC 5426), TCP (RFC 6587) or TLS (RFC 5425). The option table is in {@code
 * docs/syslog.md}.
 *
 * @param transport {@code udp}, {@code tcp} or {@code tls}, from the endpoint's scheme
 * @param host the receiver's host name or address (IPv6 without brackets)
 * @param port the receiver's port (defaults: 514 UDP, 601 TCP, 6514 TLS)
 * @param protocol the message format
 * @param framing how messages are delimited on a stream ({@link Framing#NONE} for UDP)
 * @param facility the facility code, 0 to 23
 * @param severity the severity of an event whose action succeeded, 0 to 7
 * @param failureSeverity the severity of an event whose action failed (audit {@code StatusCode}
 *     &ge; 400, a connection's non-zero exit code or an HTTP status &ge; 400)
 * @param hostname the HOSTNAME header field, or {@code null} for the local host name
 * @param appName APP-NAME (RFC 5424) or TAG (RFC 3164)
 * @param structuredData whether RFC 5424 messages carry identifying fields as STRUCTURED-DATA
 * @param sdId the SD-ID of that element
 * @param bom whether an RFC 5424 MSG starts with the UTF-8 byte order mark
 * @param maxMessageBytes the longest syslog message sent (without framing); longer ones are
 *     truncated
 * @param tls TLS options for {@code tls://}, else {@code null}
 * @param connectTimeout TCP connect (and TLS handshake) timeout
 * @param writeTimeout how long a write may block before the connection is dropped and the batch
 *     retried
 * @param keepAlive TCP keep-alive idle time, or {@link Duration#ZERO} for no keep-alive
 * @param replayWindowBytes how many of the bytes last written on a TCP/TLS connection are kept, to
 *     be written again on the next connection if it breaks (0: none; always 0 for UDP)
 */
public record SyslogSinkConfig(
    Transport transport,
    String host,
    int port,
    Protocol protocol,
    Framing framing,
    int facility,
    int severity,
    int failureSeverity,
    String hostname,
    String appName,
    boolean structuredData,
    String sdId,
    boolean bom,
    int maxMessageBytes,
    TlsSettings tls,
    Duration connectTimeout,
    Duration writeTimeout,
    Duration keepAlive,
    long replayWindowBytes)
    implements SinkSettings {

  /** The transport, named by the endpoint's scheme. */
  public enum Transport {
    UDP(514),
    TCP(601),
    TLS(6514);

    private final int defaultPort;

    Transport(int defaultPort) {
      this.defaultPort = defaultPort;
    }

    public int defaultPort() {
      return defaultPort;
    }

    public String scheme() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Protocol {
    RFC5424,
    RFC3164
  }

  /**
   * Stream framing (RFC 6587 §3.4): octet counting ({@code MSG-LEN SP SYSLOG-MSG}) or a LF trailer.
   * {@code NONE} is UDP's one message per datagram and cannot be configured.
   */
  public enum Framing {
    OCTET_COUNTING,
    LF,
    NONE
  }

  /** Syslog's wording of the {@code tls:} conflicts: the server is "the receiver". */
  static final TlsSettings.Wording TLS_WORDING =
      TlsSettings.Wording.insecureWithCa(
          "insecure_skip_verify: true ignores ca_file",
          "remove insecure_skip_verify: to verify the receiver against ca_file");

  /** Maximum UDP payload over IPv4 (65,535 − 20 IP − 8 UDP header; RFC 5426 §3.2). */
  public static final int MAX_UDP_BYTES = 65_507;

  /** Upper bound of {@code max_message_bytes} on streams. */
  public static final int MAX_STREAM_BYTES = 16 * 1024 * 1024;

  /** RFC 5424 §6.1: every receiver must accept 480 octets, so nothing smaller is useful. */
  public static final int MIN_MESSAGE_BYTES = 480;

  public static final String DEFAULT_SD_ID = "coder@32473";

  /** Default {@code replay_window_bytes}: see {@code docs/syslog.md} for how to size it. */
  public static final long DEFAULT_REPLAY_WINDOW_BYTES = 1024 * 1024;

  /** Upper bound of {@code replay_window_bytes}: the window is held in memory. */
  public static final long MAX_REPLAY_WINDOW_BYTES = 1024L * 1024 * 1024;

  /** Facility names (RFC 5424 §6.2.1 table 1) with the names rsyslog and syslog-ng use. */
  static final Map<String, Integer> FACILITIES = new LinkedHashMap<>();

  /** Severity names (RFC 5424 §6.2.1 table 2), long and short spellings. */
  static final Map<String, Integer> SEVERITIES = new LinkedHashMap<>();

  static {
    String[] fac = {
      "kern",
      "user",
      "mail",
      "daemon",
      "auth",
      "syslog",
      "lpr",
      "news",
      "uucp",
      "cron",
      "authpriv",
      "ftp",
      "ntp",
      "audit",
      "alert",
      "clock"
    };
    for (int i = 0; i < fac.length; i++) {
      FACILITIES.put(fac[i], i);
    }
    for (int i = 0; i < 8; i++) {
      FACILITIES.put("local" + i, 16 + i);
    }
    String[][] sev = {
      {"emerg", "emergency"},
      {"alert"},
      {"crit", "critical"},
      {"err", "error"},
      {"warning", "warn"},
      {"notice"},
      {"info", "informational"},
      {"debug"}
    };
    for (int i = 0; i < sev.length; i++) {
      for (String n : sev[i]) {
        SEVERITIES.put(n, i);
      }
    }
  }

  @Override
  public boolean network() {
    return true;
  }

  public static SyslogSinkConfig parse(Section s) {
    Transport transport = null;
    String host = null;
    int port = 0;
    String endpoint =
        s.requiredString(
            "endpoint", "set endpoint: to tls://host:6514, tcp://host:601 or udp://host:514");
    if (endpoint != null) {
      URI u = endpoint(s, endpoint);
      if (u != null) {
        transport = Transport.valueOf(u.getScheme().toUpperCase(Locale.ROOT));
        host =
            u.getHost().startsWith("[")
                ? u.getHost().substring(1, u.getHost().length() - 1)
                : u.getHost();
        port = u.getPort() < 0 ? transport.defaultPort() : u.getPort();
      }
    }
    boolean stream = transport != Transport.UDP;

    Protocol protocol =
        "rfc3164".equals(s.oneOf("protocol", "rfc5424", List.of("rfc5424", "rfc3164")))
            ? Protocol.RFC3164
            : Protocol.RFC5424;

    Framing framing = transport == Transport.UDP ? Framing.NONE : Framing.OCTET_COUNTING;
    String fr = s.oneOf("framing", null, List.of("octet_counting", "lf"));
    if (fr != null && transport == Transport.UDP) {
      s.problem(
          "framing",
          "framing does not apply to udp:// (one message per datagram)",
          "remove framing:");
    } else if ("lf".equals(fr) && transport == Transport.TLS) {
      s.problem(
          "framing",
          "framing: lf cannot be used with tls:// (RFC 5425 requires octet counting)",
          "remove framing: (tls:// always uses octet_counting)");
    } else if (fr != null && transport != null) {
      framing = fr.equals("lf") ? Framing.LF : Framing.OCTET_COUNTING;
    }

    int facility = facility(s);
    int severity = 6;
    int failureSeverity = 4;
    Section sev = s.section("severity");
    if (sev != null) {
      severity = severity(sev, "default", severity);
      failureSeverity = severity(sev, "failure", failureSeverity);
      sev.finish();
    }

    String hostname = s.string("hostname", null);
    if (hostname != null && !printable(hostname, 255)) {
      s.problem(
          "hostname",
          "\"" + hostname + "\" is not a valid syslog HOSTNAME",
          "use 1 to 255 printable ASCII characters without spaces, e.g. the host's fully qualified name");
      hostname = null;
    }
    String appName = s.string("app_name", "coderd");
    if (!printable(appName, protocol == Protocol.RFC3164 ? 32 : 48)
        || (protocol == Protocol.RFC3164 && !appName.matches("[A-Za-z0-9_.-]+"))) {
      s.problem(
          "app_name",
          "\""
              + appName
              + "\" is not a valid "
              + (protocol == Protocol.RFC3164 ? "RFC 3164 TAG" : "syslog APP-NAME"),
          protocol == Protocol.RFC3164
              ? "use 1 to 32 letters, digits, '_', '-' or '.'"
              : "use 1 to 48 printable ASCII characters without spaces");
      appName = "coderd";
    }

    boolean structuredData = s.bool("structured_data", true);
    String sdId = s.string("sd_id", DEFAULT_SD_ID);
    if (!sdId.matches("[!#-\\[^-~&&[^=@]]+@[0-9]+(\\.[0-9]+)*") || sdId.length() > 32) {
      s.problem(
          "sd_id",
          "\"" + sdId + "\" is not a private SD-ID",
          "write name@<enterprise number>, at most "
              + "32 printable ASCII characters without '=', ']', '\"' or spaces, e.g. "
              + DEFAULT_SD_ID);
      sdId = DEFAULT_SD_ID;
    }
    if (protocol == Protocol.RFC3164) {
      if (s.has("structured_data")) {
        s.problem(
            "structured_data",
            "RFC 3164 messages have no structured data",
            "remove structured_data:");
      }
      if (s.has("sd_id")) {
        s.problem("sd_id", "RFC 3164 messages have no structured data", "remove sd_id:");
      }
    }
    boolean bom = s.bool("bom", false);
    if (bom && protocol == Protocol.RFC3164) {
      s.problem("bom", "the byte order mark is part of RFC 5424 only", "remove bom:");
    }

    int maxDefault = stream ? 65_536 : 2048;
    int maxMessage =
        (int)
            s.bytes(
                "max_message_bytes",
                maxDefault,
                MIN_MESSAGE_BYTES,
                stream ? MAX_STREAM_BYTES : MAX_UDP_BYTES);

    TlsSettings tls = null;
    Section t = s.section("tls");
    if (t != null) {
      tls = tls(t);
      if (transport != null && transport != Transport.TLS) {
        s.problem(
            "tls",
            "tls: applies only to tls:// endpoints",
            "remove tls:, or change the endpoint to tls://" + hostPort(host, port));
      }
    } else if (transport == Transport.TLS) {
      tls = TlsSettings.DEFAULT;
    }

    Duration connect =
        s.duration(
            "connect_timeout_secs",
            Duration.ofSeconds(10),
            Duration.ofMillis(10),
            Duration.ofMinutes(10));
    Duration write =
        s.duration(
            "write_timeout_secs",
            Duration.ofSeconds(30),
            Duration.ofMillis(10),
            Duration.ofHours(1));
    Duration keepAlive =
        s.duration("keep_alive_secs", Duration.ofSeconds(60), Duration.ZERO, Duration.ofHours(2));
    long replayWindow =
        s.bytes("replay_window_bytes", DEFAULT_REPLAY_WINDOW_BYTES, 0, MAX_REPLAY_WINDOW_BYTES);
    if (transport == Transport.UDP) {
      replayWindow = 0;
      for (String k :
          List.of(
              "connect_timeout_secs",
              "write_timeout_secs",
              "keep_alive_secs",
              "replay_window_bytes")) {
        if (s.has(k)) {
          s.problem(k, k + " applies only to tcp:// and tls:// endpoints", "remove " + k + ":");
        }
      }
    }
    return new SyslogSinkConfig(
        transport,
        host,
        port,
        protocol,
        framing,
        facility,
        severity,
        failureSeverity,
        hostname,
        appName,
        structuredData && protocol == Protocol.RFC5424,
        sdId,
        bom,
        maxMessage,
        tls,
        connect,
        write,
        keepAlive,
        replayWindow);
  }

  private static URI endpoint(Section s, String v) {
    String fix =
        "write it as tls://host:6514, tcp://host:601 or udp://host:514 (IPv6: tls://[::1]:6514)";
    URI u;
    try {
      u = new URI(v);
    } catch (URISyntaxException e) {
      s.problem(
          "endpoint",
          "\"" + Endpoints.shown(v) + "\" is not a valid endpoint: " + e.getReason(),
          fix);
      return null;
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!List.of("udp", "tcp", "tls").contains(scheme) || u.isOpaque()) {
      s.problem(
          "endpoint",
          "\"" + Endpoints.shown(v) + "\" is not a udp://, tcp:// or tls:// endpoint",
          fix);
      return null;
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      s.problem("endpoint", "\"" + Endpoints.shown(v) + "\" has no host (or an invalid one)", fix);
      return null;
    }
    if (u.getRawUserInfo() != null) {
      // Not echoed: what is before the @ may be a password.
      s.problem("endpoint", "the endpoint must not contain credentials", fix);
      return null;
    }
    if ((u.getRawPath() != null && !u.getRawPath().isEmpty())
        || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      s.problem("endpoint", "\"" + Endpoints.shown(v) + "\" has more than scheme://host:port", fix);
      return null;
    }
    if (u.getPort() == 0 || u.getPort() > 65535) {
      s.problem(
          "endpoint",
          "\"" + Endpoints.shown(v) + "\" has port " + u.getPort(),
          "use the receiver's port, from 1 to 65535");
      return null;
    }
    try {
      return new URI(scheme, null, u.getHost(), u.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      s.problem(
          "endpoint",
          "\"" + Endpoints.shown(v) + "\" is not a valid endpoint: " + e.getReason(),
          fix);
      return null;
    }
  }

  private static int facility(Section s) {
    String v = s.string("facility", "authpriv");
    Integer n = FACILITIES.get(v.toLowerCase(Locale.ROOT));
    if (n == null && v.matches("[0-9]{1,2}")) {
      n = Integer.parseInt(v);
      if (n > 23) {
        n = null;
      }
    }
    if (n == null) {
      s.problem(
          "facility",
          "\"" + v + "\" is not a syslog facility",
          "use a name ("
              + String.join(", ", FACILITIES.keySet())
              + ") or a number from 0 to 23"
              + Units.suggest(v, List.copyOf(FACILITIES.keySet())));
      return 10;
    }
    return n;
  }

  private static int severity(Section s, String key, int def) {
    String v = s.string(key, null);
    if (v == null) {
      return def;
    }
    Integer n = SEVERITIES.get(v.toLowerCase(Locale.ROOT));
    if (n == null && v.matches("[0-7]")) {
      n = Integer.parseInt(v);
    }
    if (n == null) {
      s.problem(
          key,
          "\"" + v + "\" is not a syslog severity",
          "use a name (emerg, alert, crit, err, warning, "
              + "notice, info, debug) or a number from 0 to 7"
              + Units.suggest(v, List.copyOf(SEVERITIES.keySet())));
      return def;
    }
    return n;
  }

  private static TlsSettings tls(Section t) {
    TlsSettings tls =
        TlsSettings.parse(
            t,
            Set.of(TlsSettings.Option.CLIENT_CERTIFICATE, TlsSettings.Option.SERVER_NAME),
            TLS_WORDING);
    t.finish();
    return tls;
  }

  /** RFC 5424 §6: 1 to {@code max} PRINTUSASCII (33..126) characters. */
  static boolean printable(String v, int max) {
    if (v.isEmpty() || v.length() > max) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 33 || c > 126) {
        return false;
      }
    }
    return true;
  }

  private static String hostPort(String host, int port) {
    if (host == null) {
      return "host:6514";
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + (port == 0 ? 6514 : port);
  }

  /** {@code tls://host:6514}, for logs and messages. */
  public String endpoint() {
    return transport.scheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
