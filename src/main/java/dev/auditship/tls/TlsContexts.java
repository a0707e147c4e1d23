package dev.auditship.tls;

import dev.auditship.config.TlsSettings;
import dev.auditship.io.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Builds the {@link SSLContext} of a TLS client from PEM files read by {@link Pem}: the CA
 * certificates to trust ({@code ca_file}, trusted <em>instead of</em> the JVM's trust store, so the
 * client trusts exactly the operator's CA; else the JVM's) and, for mutual TLS, a client
 * certificate chain and its unencrypted private key ({@code cert_file}, {@code key_file}). Reads
 * the files once, when the client is built; a problem is an {@link IOException} that names the file
 * and what to do. Protocol versions ({@link TlsSettings#protocols()}) and host name checks are set
 * on the connection by each client, in its library's terms.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** The context for {@code tls}, without a stand-in key manager. */
  public static SSLContext build(TlsSettings tls) throws IOException {
    return build(tls, null, TlsContexts::encryptedKeyAdvice);
  }

  /**
   * The context for {@code tls}.
   *
   * @param withoutCertificate key manager used when no client certificate is configured (e.g.
   *     {@link NoClientCertificate}, to notice a server asking for one), or {@code null}
   * @param encryptedKeyAdvice what to tell an operator whose key file is encrypted
   */
  public static SSLContext build(
      TlsSettings tls,
      X509ExtendedKeyManager withoutCertificate,
      Function<Path, String> encryptedKeyAdvice)
      throws IOException {
    try {
      TrustManager[] trust = Pem.trustManagers(tls.caFile(), tls.insecureSkipVerify());
      KeyManager[] keys = withoutCertificate == null ? null : new KeyManager[] {withoutCertificate};
      if (tls.certFile() != null && tls.keyFile() != null) {
        keys =
            Pem.keyManagers(
                tls.certFile(),
                tls.keyFile(),
                tls.keyPassword() == null ? null : tls.keyPassword().value().toCharArray(),
                encryptedKeyAdvice.apply(tls.keyFile()));
      } else if (tls.keystoreFile() != null) {
        keys =
            Pem.keystoreManagers(
                tls.keystoreFile(),
                tls.keystorePassword() == null
                    ? null
                    : tls.keystorePassword().value().toCharArray());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Reads a PEM private key, with the standard advice for an encrypted one. */
  public static PrivateKey privateKey(Path file) throws IOException {
    return Pem.privateKey(file, encryptedKeyAdvice(file));
  }

  /** The standard advice for an encrypted key file. */
  public static String encryptedKeyAdvice(Path file) {
    return "decrypt it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem";
  }
}
