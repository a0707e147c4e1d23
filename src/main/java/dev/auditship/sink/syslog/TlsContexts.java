package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig.Tls;
import dev.auditship.io.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Builds the {@link SSLContext} of a {@code tls://} sink from PEM files read by {@link Pem}: the CA
 * certificates to trust ({@code ca_file}, else the JVM's trust store) and, for mutual TLS, a client
 * certificate chain and its unencrypted private key ({@code cert_file}, {@code key_file}). Reads
 * the files once, when the sink is built; a problem is an {@link IOException} that names the file
 * and what to do. Protocol versions and server names are the transport's ({@link StreamTransport}).
 */
final class TlsContexts {
  private TlsContexts() {}

  static SSLContext build(Tls tls) throws IOException {
    try {
      TrustManager[] trust = Pem.trustManagers(tls.caFile(), tls.insecureSkipVerify());
      KeyManager[] keys = null;
      if (tls.certFile() != null && tls.keyFile() != null) {
        keys = Pem.keyManagers(tls.certFile(), tls.keyFile(), encryptedAdvice(tls.keyFile()));
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(Path file) throws IOException {
    return Pem.privateKey(file, encryptedAdvice(file));
  }

  private static String encryptedAdvice(Path file) {
    return "decrypt it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem";
  }
}
