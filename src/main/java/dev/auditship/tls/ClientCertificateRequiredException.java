package dev.auditship.tls;

import javax.net.ssl.SSLHandshakeException;

/**
 * A handshake asked for a client certificate, none is configured, and the connection failed: with
 * TLS 1.3 the server's refusal arrives as a broken connection, which would otherwise look
 * transient. Raised by clients that watch a {@link NoClientCertificate}.
 */
public final class ClientCertificateRequiredException extends SSLHandshakeException {
  public ClientCertificateRequiredException(String message) {
    super(message);
  }
}
