package dev.auditship.sink.hec;

import dev.auditship.config.TlsSettings;
import dev.auditship.io.Pem;
import dev.auditship.tls.NoClientCertificate;
import dev.auditship.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The HEC sink's use of the shared TLS builder ({@link TlsContexts}): its advice for an encrypted
 * key, and a {@link NoClientCertificate} stand-in so a handshake refused for want of a client
 * certificate can be named.
 */
final class PemTls {
  private static final String ENCRYPTED_ADVICE =
      "give an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt "
          + "-in key.pem -out key.pk8.pem) and protect the file with its permissions";

  private PemTls() {}

  static SSLContext context(TlsSettings tls, NoClientCertificate noCertificate) throws IOException {
    return TlsContexts.build(tls, noCertificate, file -> ENCRYPTED_ADVICE);
  }

  static KeyManager[] keyManagers(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    return Pem.keyManagers(certFile, keyFile, ENCRYPTED_ADVICE);
  }

  static PrivateKey privateKey(Path file) throws IOException {
    return Pem.privateKey(file, ENCRYPTED_ADVICE);
  }
}
