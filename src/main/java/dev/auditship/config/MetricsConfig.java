package dev.auditship.config;

import java.net.InetSocketAddress;

/**
 * {@code metrics:}: the optional HTTP listener for Prometheus metrics and health checks (off when
 * absent; docs/operations.md, "Monitoring").
 *
 * @param listen the address to bind, e.g. {@code 127.0.0.1:9464} (port 9464 is the one registered
 *     for Prometheus exporters of this kind; 0 picks a free port and logs it)
 */
public record MetricsConfig(InetSocketAddress listen) {

  static MetricsConfig parse(Section s) {
    String fix = "write listen: \"127.0.0.1:9464\" (host or IP address, then the port)";
    String v = s.requiredString("listen", fix);
    s.finish();
    if (v == null) {
      return null;
    }
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      s.problem("listen", "\"" + v + "\" is not host:port", fix);
      return null;
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      s.problem(
          "listen", "\"" + v + "\": write an IPv6 address in brackets", "e.g. \"[::1]:9464\"");
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      s.problem("listen", "\"" + v + "\": the port must be a number from 0 to 65535", fix);
      return null;
    }
    // Resolved when the listener starts, not while loading (loading does no I/O).
    return new MetricsConfig(InetSocketAddress.createUnresolved(host, port));
  }
}
