package dev.auditship.sink.hec;

import dev.auditship.tls.TlsFailures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;

/**
 * What a failed request to HEC means when no answer came back: a TLS failure an operator must fix
 * ({@link TlsFailures}) is a {@link HecClassifier.Fault}; everything else (no route, refused, timed
 * out, reset) is transient, a {@link HecClassifier.Retry}, with a sentence naming the URL and which
 * setting bounds the wait. Answers that did come back are {@link HecClassifier}'s.
 */
final class HecTransportFailures {
  private HecTransportFailures() {}

  /**
   * A transport failure: a certificate that cannot be verified needs an operator; the rest is
   * transient.
   */
  static HecClassifier.Verdict verdict(IOException e, String url) {
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
    return new HecClassifier.Retry(describe(e, url), null);
  }

  /**
   * Whether the failure came before a connection to HEC (or its proxy) was made, so that no byte of
   * the request left the machine: refused, no route, unresolvable host, connect timeout, or a TLS
   * handshake that failed.
   */
  static boolean neverConnected(IOException e) {
    return e instanceof UnknownHostException
        || e instanceof ConnectTimeoutException
        || e instanceof HttpHostConnectException
        || e instanceof ConnectException
        || e instanceof NoRouteToHostException
        || e instanceof SSLHandshakeException;
  }

  static String describe(IOException e, String url) {
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
}
