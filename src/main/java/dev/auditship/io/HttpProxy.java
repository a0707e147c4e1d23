package dev.auditship.io;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpHost;

/**
 * The HTTP proxy of one destination, for the three HTTP clients (Splunk HEC, the Coder API source,
 * the filter's name lookups). A sink's own {@code proxy:} option wins; otherwise the conventional
 * environment variables decide, with the rules curl and Go's {@code net/http} share:
 *
 * <ul>
 *   <li>{@code https_proxy} / {@code HTTPS_PROXY} for an {@code https://} destination, {@code
 *       http_proxy} / {@code HTTP_PROXY} for {@code http://} (lower case first);
 *   <li>{@code no_proxy} / {@code NO_PROXY}: comma-separated host names (matching the host and its
 *       subdomains; a leading {@code .} or {@code *.} matches subdomains only), IP addresses, CIDR
 *       blocks, each optionally with {@code :port}, or {@code *} for everything;
 *   <li>loopback destinations ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) are never sent
 *       to an environment proxy (as in Go's {@code httpproxy}).
 * </ul>
 *
 * <p>A proxy URL is {@code http://[user:password@]host[:port]} (a bare {@code host:port} means
 * http; port 80 by default). Credentials answer the proxy's {@code 407} challenge with Basic
 * authentication (RFC 9110 §11.7.1); they are never logged: {@link #toString()} leaves them out.
 */
public final class HttpProxy {
  private final HttpHost host;
  private final String user;
  private final char[] password;
  private final String source;

  private HttpProxy(HttpHost host, String user, char[] password, String source) {
    this.host = host;
    this.user = user;
    this.password = password;
    this.source = source;
  }

  /**
   * The proxy for {@code target}: {@code configured} when not null, else the environment's; {@code
   * null} for a direct connection.
   *
   * @throws IllegalArgumentException with an operator's message when a proxy URL is unusable
   */
  public static HttpProxy select(URI target, URI configured, Function<String, String> env) {
    if (configured != null) {
      return parse(configured.toString(), "proxy:");
    }
    String scheme =
        target.getScheme() == null ? "http" : target.getScheme().toLowerCase(Locale.ROOT);
    String var = "https".equals(scheme) ? "https_proxy" : "http_proxy";
    String name = var;
    String value = env.apply(var);
    if (blank(value)) {
      name = var.toUpperCase(Locale.ROOT);
      value = env.apply(name);
    }
    if (blank(value)) {
      return null;
    }
    String host = target.getHost();
    int port = target.getPort() > 0 ? target.getPort() : "https".equals(scheme) ? 443 : 80;
    if (host == null || loopback(host)) {
      return null;
    }
    String noProxy = env.apply("no_proxy");
    if (blank(noProxy)) {
      noProxy = env.apply("NO_PROXY");
    }
    if (!blank(noProxy) && excluded(host, port, noProxy)) {
      return null;
    }
    return parse(value.strip(), name);
  }

  /** This proxy with Basic credentials (the sink's {@code proxy_user}/{@code proxy_password}). */
  public HttpProxy withCredentials(String user, char[] password) {
    return new HttpProxy(host, user, password.clone(), source);
  }

  /**
   * Applies the proxy and its credentials to {@code builder}; nothing when {@code proxy} is null.
   */
  public static void apply(HttpProxy proxy, HttpClientBuilder builder) {
    if (proxy == null) {
      return;
    }
    builder.setProxy(proxy.host);
    if (proxy.user != null) {
      BasicCredentialsProvider creds = new BasicCredentialsProvider();
      creds.setCredentials(
          new AuthScope(proxy.host), new UsernamePasswordCredentials(proxy.user, proxy.password));
      builder.setDefaultCredentialsProvider(creds);
    }
  }

  /** The proxy's address, e.g. {@code http://proxy.example:3128}. */
  public HttpHost host() {
    return host;
  }

  /** Whether it has credentials. */
  public boolean authenticated() {
    return user != null;
  }

  /** {@code http://host:port (from HTTPS_PROXY, with credentials)}; never the credentials. */
  @Override
  public String toString() {
    return host.toURI() + " (from " + source + (user != null ? ", with credentials)" : ")");
  }

  private static HttpProxy parse(String text, String source) {
    String t = text.contains("://") ? text : "http://" + text;
    URI u;
    try {
      u = new URI(t);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "the proxy given by " + source + " is not a URL: " + redact(text));
    }
    if (!"http".equalsIgnoreCase(u.getScheme())) {
      throw new IllegalArgumentException(
          "the proxy given by "
              + source
              + " must be an http:// URL (https destinations are tunnelled through it with"
              + " CONNECT), got "
              + u.getScheme()
              + "://");
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException(
          "the proxy given by " + source + " has no host: " + redact(text));
    }
    String user = null;
    char[] password = new char[0];
    String info = u.getRawUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      if (colon >= 0) {
        password = decode(info.substring(colon + 1)).toCharArray();
      }
    }
    return new HttpProxy(
        new HttpHost("http", u.getHost(), u.getPort() > 0 ? u.getPort() : 80),
        user,
        password,
        source);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** {@code text} without any {@code user:password@}. */
  private static String redact(String text) {
    return text.replaceAll("//[^/@]*@", "//[credentials]@");
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * Whether {@code host} (a name, or an IP literal with or without brackets) is this machine:
   * {@code localhost}, {@code *.localhost} or a loopback address. Names are never looked up.
   */
  public static boolean loopback(String host) {
    String h = stripBrackets(host).toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    InetAddress a = literal(h);
    return a != null && a.isLoopbackAddress();
  }

  /** Whether {@code no_proxy} exempts {@code host:port}. */
  static boolean excluded(String host, int port, String noProxy) {
    String h = stripBrackets(host).toLowerCase(Locale.ROOT);
    InetAddress ip = literal(h);
    for (String raw : noProxy.split(",")) {
      String e = raw.strip().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      if (e.equals("*")) {
        return true;
      }
      // an optional :port (not for bare IPv6 addresses, which have colons of their own)
      int entryPort = -1;
      int colon = e.lastIndexOf(':');
      if (colon > 0 && e.indexOf(':') == colon && e.indexOf('/') < 0) {
        try {
          entryPort = Integer.parseInt(e.substring(colon + 1));
          e = e.substring(0, colon);
        } catch (NumberFormatException ignored) {
          // not a port
        }
      } else if (e.startsWith("[") && e.contains("]:")) {
        int end = e.indexOf("]:");
        try {
          entryPort = Integer.parseInt(e.substring(end + 2));
        } catch (NumberFormatException ignored) {
          continue; // a malformed entry (from the environment) is skipped, as curl and Go do
        }
        e = e.substring(1, end);
      }
      if (entryPort >= 0 && entryPort != port) {
        continue;
      }
      e = stripBrackets(e);
      if (e.contains("/")) {
        if (ip != null && inCidr(ip, e)) {
          return true;
        }
        continue;
      }
      InetAddress entryIp = literal(e);
      if (entryIp != null) {
        if (entryIp.equals(ip)) {
          return true;
        }
        continue;
      }
      if (e.startsWith("*.")) {
        e = e.substring(1);
      }
      if (e.startsWith(".")) {
        if (h.endsWith(e)) {
          return true;
        }
      } else if (h.equals(e) || h.endsWith("." + e)) {
        return true;
      }
    }
    return false;
  }

  private static boolean inCidr(InetAddress ip, String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress net = literal(cidr.substring(0, slash));
    int bits;
    try {
      bits = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (net == null) {
      return false;
    }
    byte[] a = ip.getAddress();
    byte[] b = net.getAddress();
    if (a.length != b.length || bits < 0 || bits > a.length * 8) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static String stripBrackets(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  /** The address when {@code h} is an IP literal (no DNS lookup), else null. */
  private static InetAddress literal(String h) {
    boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = h.contains(":") && h.matches("[0-9a-f:.%a-z]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(h); // a literal: parsed, not resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
