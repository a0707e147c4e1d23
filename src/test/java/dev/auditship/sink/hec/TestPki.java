package dev.auditship.sink.hec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throw-away PKI made with the JDK's keytool: a CA, a server certificate for 127.0.0.1 and a
 * client certificate (RSA) it signed, another unrelated CA, and the PEM files the sink reads.
 */
final class TestPki {
  static final String PASSWORD = "changeit";

  final Path dir;
  final Path caPem;
  final Path otherCaPem;
  final Path serverP12;
  final Path trustP12;
  final Path clientCertPem;
  final Path clientKeyPem;
  final byte[] clientKeyPkcs8;

  TestPki(Path dir) throws Exception {
    this.dir = dir;
    Path caP12 = dir.resolve("ca.p12");
    caPem = dir.resolve("ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=auditship test CA",
        "-ext",
        "bc:c",
        "-validity",
        "3",
        "-keystore",
        caP12.toString());
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        caP12.toString(),
        "-file",
        caPem.toString());

    Path otherP12 = dir.resolve("other.p12");
    otherCaPem = dir.resolve("other-ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "other",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=some other CA",
        "-ext",
        "bc:c",
        "-validity",
        "3",
        "-keystore",
        otherP12.toString());
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "other",
        "-keystore",
        otherP12.toString(),
        "-file",
        otherCaPem.toString());

    serverP12 = dir.resolve("server.p12");
    issue(caP12, serverP12, "server", "EC", "CN=127.0.0.1", "san=ip:127.0.0.1", "eku=serverAuth");

    Path clientP12 = dir.resolve("client.p12");
    clientCertPem =
        issue(caP12, clientP12, "client", "RSA", "CN=auditship", null, "eku=clientAuth");

    trustP12 = dir.resolve("trust.p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        trustP12.toString());

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(clientP12)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Key key = ks.getKey("client", PASSWORD.toCharArray());
    clientKeyPkcs8 = key.getEncoded();
    clientKeyPem = dir.resolve("client-key.pem");
    Files.writeString(clientKeyPem, pem("PRIVATE KEY", clientKeyPkcs8));
  }

  /**
   * A key pair in {@code p12} with a certificate signed by the CA; returns the certificate's PEM
   * file.
   */
  private Path issue(
      Path caP12, Path p12, String alias, String alg, String dn, String san, String eku)
      throws Exception {
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
    List<String> sign =
        new ArrayList<>(
            List.of(
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
                eku));
    if (san != null) {
      sign.addAll(List.of("-ext", san));
    }
    keytool(sign.toArray(new String[0]));
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        p12.toString());
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

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
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
