package dev.auditship.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;

/** One classifier for every TLS client: what needs an operator and what is worth a retry. */
class TlsFailuresTest {

  private static <T extends Throwable> T causedBy(T e, Throwable cause) {
    e.initCause(cause);
    return e;
  }

  @Test
  void certificateTrustAndAlertFailuresNeedAnOperator() {
    assertThat(
            TlsFailures.needsOperator(
                causedBy(
                    new SSLHandshakeException("PKIX path building failed"),
                    new CertificateException("unable to find valid certification path"))))
        .isTrue();
    assertThat(TlsFailures.needsOperator(new SSLPeerUnverifiedException("peer not authenticated")))
        .isTrue();
    assertThat(
            TlsFailures.needsOperator(
                new SSLHandshakeException("Received fatal alert: protocol_version")))
        .isTrue();
    assertThat(
            TlsFailures.needsOperator(
                new ClientCertificateRequiredException("the server asked for a certificate")))
        .isTrue();
    assertThat(
            TlsFailures.needsOperator(
                new SSLHandshakeException(
                    "No appropriate protocol (protocol is disabled or cipher suites are"
                        + " inappropriate)")))
        .isTrue();
  }

  @Test
  void brokenConnectionsAreTransient() {
    assertThat(
            TlsFailures.needsOperator(
                causedBy(
                    new SSLHandshakeException("Remote host terminated the handshake"),
                    new EOFException("SSL peer shut down incorrectly"))))
        .isFalse();
    assertThat(
            TlsFailures.needsOperator(
                causedBy(new SSLHandshakeException("handshake"), new SocketException("reset"))))
        .isFalse();
    assertThat(TlsFailures.needsOperator(new SSLException("Connection reset"))).isFalse();
    assertThat(TlsFailures.needsOperator(new ConnectException("Connection refused"))).isFalse();
  }
}
