package dev.auditship.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of a client without a client certificate: offers none, but counts the servers
 * that asked for one, so a handshake refused for want of a client certificate (which TLS 1.3
 * reports only as a broken connection, RFC 8446 §4.4.2.4) can be named. Thread-safe.
 */
public final class NoClientCertificate extends X509ExtendedKeyManager {
  private final AtomicLong asked = new AtomicLong();

  /**
   * Handshakes that asked, counted by the thread that ran them: a blocking client handshakes on the
   * thread that sends the request, so a request can tell its own handshake from one of another
   * request in flight at the same time.
   */
  private final ThreadLocal<long[]> askedHere = ThreadLocal.withInitial(() -> new long[1]);

  /** How many handshakes asked for a client certificate so far. */
  public long asked() {
    return asked.get();
  }

  /** How many handshakes run on this thread asked for a client certificate so far. */
  public long askedOnThisThread() {
    return askedHere.get()[0];
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    asked.incrementAndGet();
    askedHere.get()[0]++;
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    asked.incrementAndGet();
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return null;
  }
}
