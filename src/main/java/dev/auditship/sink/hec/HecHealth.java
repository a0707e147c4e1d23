package dev.auditship.sink.hec;

import dev.auditship.io.Logfmt;
import dev.auditship.tls.TlsFailures;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HEC health check, for {@code validate --check-connectivity} and once before a sink's first
 * delivery ({@code health_check}): {@code GET /services/collector/health} (with the token, so
 * Splunk versions that validate it there answer 400 code 21/22), then a token check: an empty
 * {@code POST /services/collector/event}, which Splunk answers 400 code 5 "No data" once it has
 * accepted the token and 401/403 when it has not (nothing is indexed). See docs/splunk-hec.md.
 */
final class HecHealth {
  private static final Logger LOG =
      LoggerFactory.getLogger(HecSink.class); // the sink's messages under one name

  private final String sink;
  private final HecService service;
  private final HecToken token;

  HecHealth(String sink, HecService service, HecToken token) {
    this.sink = sink;
    this.service = service;
    this.token = token;
  }

  /**
   * The result of a health check: {@code problem} is null when healthy; {@code transientProblem}
   * for 503 or an unreachable server.
   */
  record Health(String problem, boolean transientProblem) {
    static final Health OK = new Health(null, false);
  }

  /** Checks HEC and the token; one sentence per failure. */
  Health check() {
    String tok;
    try {
      tok = token.get();
    } catch (HecToken.TokenException e) {
      return new Health(e.getMessage(), false);
    }
    String url = service.url(HecService.HEALTH_PATH);
    HecResponse r;
    try {
      r = service.get(HecService.HEALTH_PATH, tok);
    } catch (IOException e) {
      if (TlsFailures.needsOperator(e)) {
        return new Health(
            ((HecClassifier.Fault) HecTransportFailures.verdict(e, url)).reason(), false);
      }
      return new Health(
          "unreachable: " + HecTransportFailures.describe(e, url), !(e instanceof SSLException));
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
      token.refused();
      return new Health(
          "Splunk refused the token at " + url + ": " + r.describe() + "; check " + token.key(),
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
          "unreachable: " + HecTransportFailures.describe(e, service.url(HecService.EVENT_PATH)),
          true);
    }
    HecClassifier.Verdict v = HecClassifier.classify(t, 0);
    if (v instanceof HecClassifier.Fault f && f.tokenRefused()) {
      token.refused();
      return new Health(f.reason() + "; check " + token.key(), false);
    }
    if (t.status() == 404 || (t.status() >= 300 && t.status() < 400)) {
      return new Health(((HecClassifier.Fault) v).reason(), false);
    }
    return Health.OK;
  }

  /** The start-up check (once, before the first delivery): logs, never stops the sink. */
  void startupCheck(Object endpoint) {
    Health h = check();
    if (h.problem() == null) {
      LOG.info("Splunk HEC is healthy and accepts the token. sink={} endpoint={}", sink, endpoint);
    } else if (h.transientProblem()) {
      LOG.warn(
          "Splunk HEC health check failed; events are kept and delivery retries. sink={} problem=\"{}\"",
          sink,
          Logfmt.q(h.problem()));
    } else {
      LOG.error(
          "Splunk HEC health check failed; events are kept and the sink pauses until this is fixed. "
              + "sink={} problem=\"{}\"",
          sink,
          Logfmt.q(h.problem()));
    }
  }
}
