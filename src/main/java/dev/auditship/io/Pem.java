package dev.auditship.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS material from PEM files with the JDK alone, shared by every TLS client: CA certificates to
 * trust ({@code tls.ca_file}, trusted <em>instead of</em> the JVM's trust store), and for mutual
 * TLS a client certificate chain ({@code tls.cert_file}) with its unencrypted key ({@code
 * tls.key_file}: PKCS#8 {@code PRIVATE KEY} of any algorithm the JDK knows, or PKCS#1 {@code RSA
 * PRIVATE KEY}). Every failure is an {@link IOException} that names the key and the file and says
 * what to do; no file content is ever printed.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  private Pem() {}

  /**
   * The trust managers for {@code tls.ca_file} and {@code tls.insecure_skip_verify}: with the
   * latter, a manager that accepts every certificate; else those trusting exactly the CA file's
   * certificates; with neither, null, which {@code SSLContext.init} takes as the JVM's default
   * trust store.
   */
  public static TrustManager[] trustManagers(Path caFile, boolean insecureSkipVerify)
      throws IOException, GeneralSecurityException {
    if (insecureSkipVerify) {
      return new TrustManager[] {new TrustAll()};
    }
    return caFile == null ? null : trustManagers(caFile);
  }

  private static TrustManager[] trustManagers(Path caFile)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> cas = certificates(caFile, "tls.ca_file");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      ks.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /**
   * Key managers that offer the chain of {@code certFile} with the key of {@code keyFile}, once the
   * key is known to belong to the first certificate. {@code encryptedAdvice}: see {@link
   * #privateKey}.
   */
  public static KeyManager[] keyManagers(Path certFile, Path keyFile, String encryptedAdvice)
      throws IOException, GeneralSecurityException {
    return keyManagers(certFile, keyFile, null, encryptedAdvice);
  }

  /** As {@link #keyManagers(Path, Path, String)}, for a key encrypted with {@code password}. */
  public static KeyManager[] keyManagers(
      Path certFile, Path keyFile, char[] password, String encryptedAdvice)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = certificates(certFile, "tls.cert_file");
    PrivateKey key = privateKey(keyFile, password, encryptedAdvice);
    if (!matches(key, chain.get(0))) {
      throw new IOException(
          "tls.key_file "
              + keyFile
              + " is not the key of the first certificate in "
              + "tls.cert_file "
              + certFile
              + "; give the key that belongs to the client certificate");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, NO_PASSWORD);
    return kmf.getKeyManagers();
  }

  /** The certificates of {@code file}, in order; {@code key} is the config key that named it. */
  public static List<X509Certificate> certificates(Path file, String key) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file, key)) {
        if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")) {
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(
          key + " " + file + " holds a certificate that cannot be read: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(
          key + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /**
   * The first private key of {@code file} ({@code tls.key_file}). {@code encryptedAdvice} completes
   * the error for an encrypted key after "is encrypted; ": what to do about it.
   */
  public static PrivateKey privateKey(Path file, String encryptedAdvice) throws IOException {
    return privateKey(file, null, encryptedAdvice);
  }

  /**
   * The first private key of {@code file}: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA, SEC1 EC
   * ({@code EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes), or encrypted PKCS#8
   * ({@code ENCRYPTED PRIVATE KEY}, RFC 5958 §3) decrypted with {@code password}. SEC1 and the
   * decryption are read with BouncyCastle's PKIX library, since the JDK reads neither.
   */
  public static PrivateKey privateKey(Path file, char[] password, String encryptedAdvice)
      throws IOException {
    for (Block b : blocks(file, "tls.key_file")) {
      switch (b.label()) {
        case "PRIVATE KEY" -> {
          return pkcs8(file, b.der());
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(file, wrapPkcs1Rsa(b.der()));
        }
        case "ENCRYPTED PRIVATE KEY" -> {
          if (password == null) {
            throw new IOException(
                "tls.key_file "
                    + file
                    + " is encrypted; set tls.key_password_file (or tls.key_password), or "
                    + encryptedAdvice);
          }
          return pkcs8(file, decrypt(file, b.der(), password));
        }
        case "EC PRIVATE KEY" -> {
          return pkcs8(file, sec1(file, b.der()));
        }
        default -> {
          // parameters (EC PARAMETERS before the key), certificates and other blocks may share the
          // file
        }
      }
    }
    if (legacyEncrypted(file)) {
      // OpenSSL's traditional encryption (RFC 1421 headers over PKCS#1 or SEC1, with an MD5-based
      // key derivation): the JDK cannot read it, and its body is not plain base64.
      throw new IOException(
          "tls.key_file "
              + file
              + " is a legacy OpenSSL-encrypted key (Proc-Type: 4,ENCRYPTED), which is not supported;"
              + " convert it to encrypted PKCS#8 (it asks for the old and a new password): openssl"
              + " pkcs8 -topk8 -v2 aes-256-cbc -in "
              + file
              + " -out key.pem");
    }
    throw new IOException(
        "tls.key_file " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /** Whether {@code file} holds a PEM block with OpenSSL's legacy encryption header. */
  private static boolean legacyEncrypted(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.ISO_8859_1);
      return text.contains("PRIVATE KEY-----") && text.contains("Proc-Type: 4,ENCRYPTED");
    } catch (IOException e) {
      return false; // read a moment ago; the general message is still right
    }
  }

  /** A SEC1 {@code ECPrivateKey} (RFC 5915) as PKCS#8, with the curve from its parameters. */
  private static byte[] sec1(Path file, byte[] der) throws IOException {
    try {
      org.bouncycastle.asn1.sec.ECPrivateKey ec =
          org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(der);
      if (ec.getParametersObject() == null) {
        throw new IOException(
            "tls.key_file "
                + file
                + " is an EC key without its curve; write it with the curve: openssl ec -in "
                + file
                + " -out key.pem");
      }
      return new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(
              new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                  org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey,
                  ec.getParametersObject()),
              ec)
          .getEncoded();
    } catch (IllegalArgumentException e) {
      throw new IOException("tls.key_file " + file + " holds an EC key that cannot be read", e);
    }
  }

  /** Decrypts an {@code EncryptedPrivateKeyInfo} (PBES2 and the PKCS#12 PBE schemes). */
  private static byte[] decrypt(Path file, byte[] der, char[] password) throws IOException {
    try {
      org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo enc =
          new org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo(der);
      return enc.decryptPrivateKeyInfo(
              // BouncyCastle's own provider, passed here and not installed in the JVM: the JDK's
              // providers lack the AES/CBC/PKCS7Padding name PBES2 asks for.
              new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder()
                  .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                  .build(password))
          .getEncoded();
    } catch (org.bouncycastle.pkcs.PKCSException
        | org.bouncycastle.operator.OperatorCreationException
        | RuntimeException e) {
      throw new IOException(
          "tls.key_file "
              + file
              + " cannot be decrypted with tls.key_password: the password is wrong, or the key is"
              + " encrypted with a scheme this JVM lacks (PBES2 with AES, what openssl pkcs8"
              + " -topk8 -v2 aes-256-cbc writes, works)",
          e);
    }
  }

  /**
   * Key managers from a PKCS#12 file ({@code tls.keystore_file}) holding the client certificate
   * chain and its key.
   */
  public static KeyManager[] keystoreManagers(Path file, char[] password) throws IOException {
    char[] pw = password == null ? new char[0] : password;
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, pw);
      boolean hasKey = false;
      for (String alias : Collections.list(ks.aliases())) {
        hasKey |= ks.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new IOException(
            "tls.keystore_file "
                + file
                + " holds no private key; it must hold the client certificate with its key");
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      return kmf.getKeyManagers();
    } catch (NoSuchFileException e) {
      throw new IOException("tls.keystore_file " + file + " does not exist", e);
    } catch (AccessDeniedException e) {
      throw new IOException("tls.keystore_file " + file + " cannot be read: permission denied", e);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "tls.keystore_file " + file + " is not a PKCS#12 keystore this JVM can read", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("tls.keystore_file")) {
        throw e;
      }
      throw new IOException(
          "tls.keystore_file "
              + file
              + " cannot be opened: the keystore_password is wrong, or it is not a PKCS#12 file",
          e);
    }
  }

  private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new IOException(
        "tls.key_file "
            + file
            + " holds a private key of an unsupported kind (RSA, EC, "
            + "Ed25519 and Ed448 work)");
  }

  /**
   * PKCS#1 {@code RSAPrivateKey} inside a PKCS#8 {@code PrivateKeyInfo} (RFC 5208 §5): version 0,
   * the rsaEncryption algorithm identifier with NULL parameters, the key as an OCTET STRING.
   */
  public static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] algId = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] octet = tlv(0x04, pkcs1);
    byte[] content = new byte[version.length + algId.length + octet.length];
    System.arraycopy(version, 0, content, 0, version.length);
    System.arraycopy(algId, 0, content, version.length, algId.length);
    System.arraycopy(octet, 0, content, version.length + algId.length, octet.length);
    return tlv(0x30, content);
  }

  // DER definite length (X.690 §8.1.3): short form below 128, else 0x80 | count, then big-endian
  // bytes.
  private static byte[] tlv(int tag, byte[] value) {
    int n = value.length;
    byte[] len;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else if (n < 0x100) {
      len = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + len.length + n];
    out[0] = (byte) tag;
    System.arraycopy(len, 0, out, 1, len.length);
    System.arraycopy(value, 0, out, 1 + len.length, n);
    return out;
  }

  /** True when {@code key} signs what {@code cert}'s public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "DSA" -> "SHA256withDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null;
        };
    if (alg == null) {
      return true; // cannot check this kind of key here; the handshake will tell
    }
    try {
      byte[] probe = "auditship key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private record Block(String label, byte[] der) {}

  // ISO-8859-1 maps every byte, so a stray non-ASCII comment around the blocks cannot fail the
  // read.
  private static List<Block> blocks(Path file, String key) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IOException("cannot read " + key + " " + file + ": " + IoErrors.reason(e), e);
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            key + " " + file + " has a " + m.group(1) + " block that is not valid base64", e);
      }
    }
    return out;
  }

  /**
   * For {@code insecure_skip_verify: true}: accepts every server certificate. Never the default.
   * Extended, so JSSE does not wrap it in its own host name check.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
