package dev.auditship.sink.hec;

import dev.auditship.config.HecSinkConfig;
import dev.auditship.io.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The HEC sink's {@link SSLContext}: PEM material read by {@link Pem} ({@code ca_file} trusted
 * <em>instead of</em> the JVM's trust store, so the sink trusts exactly the operator's CA; {@code
 * cert_file} and {@code key_file} for mutual TLS), and without a client certificate a key manager
 * that notices a server asking for one.
 */
final class PemTls {
  private static final String ENCRYPTED_ADVICE =
      "give an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt "
          + "-in key.pem -out key.pk8.pem) and protect the file with its permissions";

  private PemTls() {}

  /**
   * The context for {@code tls}. Without a client certificate, {@code noCertificate} stands in as
   * key manager: it offers none but counts the servers that asked for one, so a handshake refused
   * for want of a client certificate (which TLS 1.3 reports only as a broken connection) can be
   * named.
   */
  static SSLContext context(HecSinkConfig.Tls tls, NoClientCertificate noCertificate)
      throws IOException {
    try {
      TrustManager[] trust = Pem.trustManagers(tls.caFile(), tls.insecureSkipVerify());
      KeyManager[] keys = {noCertificate};
      if (tls.certFile() != null && tls.keyFile() != null) {
        keys = keyManagers(tls.certFile(), tls.keyFile());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  static KeyManager[] keyManagers(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    return Pem.keyManagers(certFile, keyFile, ENCRYPTED_ADVICE);
  }

  static PrivateKey privateKey(Path file) throws IOException {
    return Pem.privateKey(file, ENCRYPTED_ADVICE);
  }

  /** Offers no client certificate; counts how often a server asked for one. Thread-safe. */
  static final class NoClientCertificate extends X509ExtendedKeyManager {
    private final java.util.concurrent.atomic.AtomicLong asked =
        new java.util.concurrent.atomic.AtomicLong();

    /** How many handshakes asked for a client certificate so far. */
    long asked() {
      return asked.get();
    }

    @Override
    public String chooseClientAlias(
        String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      asked.incrementAndGet();
      return null;
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
      asked.incrementAndGet();
      return null;
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(
        String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
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
}
