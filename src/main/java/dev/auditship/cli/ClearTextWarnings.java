package dev.auditship.cli;

import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.SinkConfig;
import dev.auditship.io.HttpProxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Endpoints that would carry a secret in clear text: an {@code http://} URL for the Coder API (its
 * session token) or a Splunk HEC endpoint (its token) on a host other than this one. Valid, since a
 * TLS-terminating proxy on the same network may be meant, but worth a warning at {@code validate}
 * and at start. Loopback addresses and {@code localhost} are not warned about.
 */
final class ClearTextWarnings {
  private ClearTextWarnings() {}

  static List<String> of(AuditshipConfig c) {
    List<String> out = new ArrayList<>();
    if (c.source() != null && c.source().settings() instanceof CoderApiSourceConfig a) {
      check(out, "source.endpoint", a.endpoint(), "Coder session token");
    }
    if (c.coder() != null) {
      check(out, "coder.endpoint", c.coder().endpoint(), "Coder session token");
    }
    for (SinkConfig s : c.sinks()) {
      if (s.settings() instanceof HecSinkConfig h) {
        check(out, "sinks." + s.name() + ".endpoint", h.endpoint(), "HEC token");
      }
    }
    return out;
  }

  private static void check(List<String> out, String key, URI endpoint, String secret) {
    if (endpoint == null
        || !"http".equalsIgnoreCase(endpoint.getScheme())
        || endpoint.getHost() == null
        || HttpProxy.loopback(endpoint.getHost())) {
      return;
    }
    out.add(
        key
            + ": "
            + endpoint.getScheme()
            + "://"
            + endpoint.getHost()
            + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
            + " sends the "
            + secret
            + " in clear text; use https://");
  }
}
