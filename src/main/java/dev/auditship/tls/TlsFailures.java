package dev.auditship.tls;

import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one classifier of TLS failures, for every client: which ones only an operator can fix (a sink
 * pauses and probes instead of hammering the server) and which are transient (retry).
 */
public final class TlsFailures {
  private TlsFailures() {}

  /**
   * True when TLS failed for a reason an operator must fix: the server's certificate cannot be
   * verified (unknown CA, expired, host name not in it: a {@link CertificateException} underneath,
   * or {@link SSLPeerUnverifiedException}); the server refused us with a fatal alert (RFC 8446
   * §6.2: bad or missing client certificate, no common protocol version or cipher); a server asked
   * for a client certificate we do not have ({@link ClientCertificateRequiredException}); or the
   * handshake failed on our side for no I/O reason. A connection that merely broke during the
   * handshake (end of stream, reset) is transient.
   *
   * <p>JSSE reports received alerts only in the message text ("Received fatal alert: ..."), so that
   * text is what is looked for.
   */
  public static boolean needsOperator(Throwable e) {
    if (e instanceof SSLPeerUnverifiedException
        || e instanceof ClientCertificateRequiredException) {
      return true;
    }
    if (!(e instanceof SSLException)) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof CertificateException
          || m.contains("Received fatal alert")
          || m.contains("refused the client certificate")) {
        return true;
      }
    }
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof EOFException || c instanceof SocketException) {
        return false;
      }
    }
    return e instanceof SSLHandshakeException
        && !String.valueOf(e.getMessage()).contains("terminated the handshake");
  }
}
