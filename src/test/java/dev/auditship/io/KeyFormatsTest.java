package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys as OpenSSL writes them: SEC1 EC ({@code openssl ecparam -genkey}), encrypted PKCS#8 ({@code
 * openssl pkcs8 -topk8 -v2 aes-256-cbc}) and PKCS#12 ({@code openssl pkcs12 -export}), made by the
 * real openssl (installed by .ci/install-receivers.sh) and read as the TLS clients read them.
 */
class KeyFormatsTest {
  @TempDir Path dir;

  private void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @BeforeEach
  void keys() throws Exception {
    boolean have;
    try {
      have = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
    } catch (IOException e) {
      have = false;
    }
    if (!have && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("openssl is missing: .ci/install-receivers.sh installs it");
    }
    assumeTrue(have, "openssl is not installed");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem");
    openssl(
        "pkcs8",
        "-topk8",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:s3cret",
        "-in",
        "ec.pem",
        "-out",
        "enc.pem");
    openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ec.pem", "-out", "plain.pem");
    openssl(
        "req",
        "-new",
        "-x509",
        "-key",
        "ec.pem",
        "-subj",
        "/CN=auditship",
        "-days",
        "2",
        "-out",
        "cert.pem");
    openssl(
        "pkcs12",
        "-export",
        "-inkey",
        "ec.pem",
        "-in",
        "cert.pem",
        "-passout",
        "pass:pw",
        "-out",
        "client.p12");
  }

  @Test
  void sec1AndEncryptedPkcs8KeysReadAsTheSameKey() throws Exception {
    assertThat(Files.readString(dir.resolve("ec.pem")))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(Files.readString(dir.resolve("enc.pem")))
        .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    PrivateKey plain = Pem.privateKey(dir.resolve("plain.pem"), "x");
    PrivateKey sec1 = Pem.privateKey(dir.resolve("ec.pem"), "x");
    PrivateKey enc = Pem.privateKey(dir.resolve("enc.pem"), "s3cret".toCharArray(), "x");
    assertThat(sec1.getAlgorithm()).isEqualTo("EC");
    // the same private value (the encodings may differ: SEC1 keeps the curve inside the key)
    assertThat(((ECPrivateKey) sec1).getS()).isEqualTo(((ECPrivateKey) plain).getS());
    assertThat(((ECPrivateKey) enc).getS()).isEqualTo(((ECPrivateKey) plain).getS());
    // the key belongs to the certificate: the client's key managers accept the pair
    assertThat(Pem.keyManagers(dir.resolve("cert.pem"), dir.resolve("ec.pem"), "x")).hasSize(1);
    assertThat(
            Pem.keyManagers(
                dir.resolve("cert.pem"), dir.resolve("enc.pem"), "s3cret".toCharArray(), "x"))
        .hasSize(1);
  }

  @Test
  void aWrongOrMissingPasswordIsSaidInOperatorWords() {
    Path enc = dir.resolve("enc.pem");
    assertThatThrownBy(() -> Pem.privateKey(enc, "wrong".toCharArray(), "x"))
        .hasMessage(
            "tls.key_file "
                + enc
                + " cannot be decrypted with tls.key_password: the password is wrong, or the key is"
                + " encrypted with a scheme this JVM lacks (PBES2 with AES, what openssl pkcs8"
                + " -topk8 -v2 aes-256-cbc writes, works)");
    assertThatThrownBy(() -> Pem.privateKey(enc, null, "decrypt it"))
        .hasMessage(
            "tls.key_file "
                + enc
                + " is encrypted; set tls.key_password_file (or tls.key_password), or decrypt it");
  }

  @Test
  void aLegacyOpenSslEncryptedKeyIsNamedAsSuchWithTheConversion() throws Exception {
    // What openssl genrsa -aes256 -traditional (and OpenSSL 1.x by default) writes: PKCS#1 with
    // Proc-Type/DEK-Info headers, which the JDK cannot decrypt.
    openssl(
        "genrsa",
        "-aes256",
        "-passout",
        "pass:s3cret",
        "-traditional",
        "-out",
        "legacy.pem",
        "1024");
    Path legacy = dir.resolve("legacy.pem");
    assertThat(Files.readString(legacy)).contains("Proc-Type: 4,ENCRYPTED");
    String message =
        "tls.key_file "
            + legacy
            + " is a legacy OpenSSL-encrypted key (Proc-Type: 4,ENCRYPTED), which is not supported;"
            + " convert it to encrypted PKCS#8 (it asks for the old and a new password): openssl"
            + " pkcs8 -topk8 -v2 aes-256-cbc -in "
            + legacy
            + " -out key.pem";
    assertThatThrownBy(() -> Pem.privateKey(legacy, "s3cret".toCharArray(), "x"))
        .hasMessage(message);
    assertThatThrownBy(() -> Pem.privateKey(legacy, null, "x")).hasMessage(message);
  }

  @Test
  void aPkcs12KeystoreGivesTheClientCertificateAndAWrongPasswordIsNamed() throws Exception {
    Path p12 = dir.resolve("client.p12");
    assertThat(Pem.keystoreManagers(p12, "pw".toCharArray())).hasSize(1);
    assertThatThrownBy(() -> Pem.keystoreManagers(p12, "nope".toCharArray()))
        .hasMessage(
            "tls.keystore_file "
                + p12
                + " cannot be opened: the keystore_password is wrong, or it is not a PKCS#12 file")
        .hasMessageNotContaining("java.")
        .hasMessageNotContaining("Exception");
    assertThatThrownBy(() -> Pem.keystoreManagers(dir.resolve("nope.p12"), null))
        .hasMessage("tls.keystore_file " + dir.resolve("nope.p12") + " does not exist");
  }
}
