package dev.auditship.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A throw-away PKI for every TLS test, made with the JDK's keytool (no other tool needed): a CA
 * ({@code ca.pem}) and an unrelated CA that signed nothing ({@code other-ca.pem}, to show an
 * untrusted server is refused), and certificates the CA signed:
 *
 * <ul>
 *   <li>{@code https.p12}: the HTTPS server of the WireMock tests, named only by IP 127.0.0.1 (so a
 *       client that asks for {@code localhost} is refused);
 *   <li>{@code server.pem} and {@code server.key} (PKCS#8): the TLS syslog receivers' certificate
 *       for localhost, 127.0.0.1 and ::1;
 *   <li>{@code client.pem} with {@code client.key} (PKCS#8) and {@code client-rsa.key} (PKCS#1):
 *       the client certificate {@code CN=exporter-client} for mutual TLS (RSA);
 *   <li>{@code trust.p12}: a trust store holding the CA, for servers that verify clients.
 * </ul>
 */
public final class TestPki {
  /** The password of every PKCS#12 file. */
  public static final String PASSWORD = "changeit";

  public final Path dir;
  public final Path caPem;
  public final Path otherCaPem;
  public final Path serverP12;
  public final Path trustP12;
  public final Path clientCertPem;
  public final Path clientKeyPem;
  public final Path clientKeyPkcs1Pem;
  public final byte[] clientKeyPkcs8;

  public TestPki(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    Files.createDirectories(dir);
    Path caP12 = dir.resolve("ca.p12");
    caPem = dir.resolve("ca.pem");
    selfSigned(caP12, "ca", "CN=auditship test CA", caPem);
    otherCaPem = dir.resolve("other-ca.pem");
    selfSigned(dir.resolve("other.p12"), "other", "CN=some other CA", otherCaPem);

    serverP12 = dir.resolve("https.p12");
    issue(caP12, serverP12, "https", "EC", "CN=127.0.0.1", "san=ip:127.0.0.1", "eku=serverAuth");

    Path receiverP12 = dir.resolve("server.p12");
    issue(
        caP12,
        receiverP12,
        "server",
        "RSA",
        "CN=localhost",
        "san=dns:localhost,ip:127.0.0.1,ip:::1",
        // clientAuth too: a Kafka broker checks that its certificate also serves the connections
        // it makes to brokers itself (KafkaTlsIT).
        "eku=serverAuth,clientAuth");
    Files.writeString(
        dir.resolve("server.key"), pem("PRIVATE KEY", privateKey(receiverP12, "server")));

    Path clientP12 = dir.resolve("client.p12");
    clientCertPem =
        issue(
            caP12,
            clientP12,
            "client",
            "RSA",
            "CN=exporter-client",
            "san=dns:exporter-client",
            "eku=clientAuth");
    clientKeyPkcs8 = privateKey(clientP12, "client");
    clientKeyPem = dir.resolve("client.key");
    Files.writeString(clientKeyPem, pem("PRIVATE KEY", clientKeyPkcs8));
    clientKeyPkcs1Pem = dir.resolve("client-rsa.key");
    Files.writeString(clientKeyPkcs1Pem, pem("RSA PRIVATE KEY", pkcs1Of(clientKeyPkcs8)));

    trustP12 = dir.resolve("trust.p12");
    importCa(trustP12);
  }

  /** A PEM block. */
  public static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: the content of its OCTET STRING. */
  public static byte[] pkcs1Of(byte[] pkcs8) {
    int[] pos = {0};
    readHeader(pkcs8, pos, 0x30); // PrivateKeyInfo
    int len = readHeader(pkcs8, pos, 0x02); // version
    pos[0] += len;
    len = readHeader(pkcs8, pos, 0x30); // AlgorithmIdentifier
    pos[0] += len;
    len = readHeader(pkcs8, pos, 0x04); // privateKey
    return Arrays.copyOfRange(pkcs8, pos[0], pos[0] + len);
  }

  private static int readHeader(byte[] b, int[] pos, int tag) {
    if ((b[pos[0]++] & 0xff) != tag) {
      throw new IllegalArgumentException("not a PKCS#8 RSA key: expected tag " + tag);
    }
    int l = b[pos[0]++] & 0xff;
    if (l < 0x80) {
      return l;
    }
    int n = l & 0x7f;
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (b[pos[0]++] & 0xff);
    }
    return len;
  }

  private void selfSigned(Path p12, String alias, String dn, Path pemOut)
      throws IOException, InterruptedException {
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        dn,
        "-ext",
        "bc:c",
        "-validity",
        "3",
        "-keystore",
        p12.toString());
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        alias,
        "-keystore",
        p12.toString(),
        "-file",
        pemOut.toString());
  }

  /**
   * A key pair in {@code p12} with a certificate signed by the CA; returns the certificate's PEM
   * file ({@code <alias>.pem}).
   */
  private Path issue(
      Path caP12, Path p12, String alias, String alg, String dn, String san, String eku)
      throws IOException, InterruptedException {
    List<String> gen =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                alg,
                "-dname",
                dn,
                "-validity",
                "3",
                "-keystore",
                p12.toString()));
    if (alg.equals("EC")) {
      gen.addAll(List.of("-groupname", "secp256r1"));
    } else {
      gen.addAll(List.of("-keysize", "2048"));
    }
    keytool(gen.toArray(new String[0]));
    Path csr = dir.resolve(alias + ".csr");
    Path cert = dir.resolve(alias + ".pem");
    keytool("-certreq", "-alias", alias, "-keystore", p12.toString(), "-file", csr.toString());
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        caP12.toString(),
        "-infile",
        csr.toString(),
        "-outfile",
        cert.toString(),
        "-validity",
        "3",
        "-ext",
        eku,
        "-ext",
        san);
    importCa(p12);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        alias,
        "-file",
        cert.toString(),
        "-keystore",
        p12.toString());
    return cert;
  }

  /** Adds the CA's certificate to {@code p12} (created when missing). */
  private void importCa(Path p12) throws IOException, InterruptedException {
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        p12.toString());
  }

  private static byte[] privateKey(Path p12, String alias) throws IOException {
    try (InputStream in = Files.newInputStream(p12)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      Key key = ks.getKey(alias, PASSWORD.toCharArray());
      return key.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key " + alias + " from " + p12, e);
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
