package dev.auditship.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.config.TlsSettings;
import dev.auditship.io.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading PEM trust and key material, and the error texts when it cannot be read. */
class TlsContextsTest {
  @TempDir Path dir;

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Test
  void pkcs8KeysOfSeveralAlgorithmsAreRead() throws Exception {
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      PrivateKey k = KeyPairGenerator.getInstance(alg).generateKeyPair().getPrivate();
      Path f = dir.resolve(alg + ".key");
      Files.writeString(f, "comment line\n" + pem("PRIVATE KEY", k.getEncoded()));
      assertThat(TlsContexts.privateKey(f).getEncoded()).as(alg).isEqualTo(k.getEncoded());
    }
  }

  @Test
  void pkcs1RsaKeyIsWrappedAsPkcs8() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
    // 30 82 LL LL | 02 01 00 | 30 0D <rsaEncryption> 05 00 | 04 82 LL LL | RSAPrivateKey (PKCS#1)
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    assertThat(pkcs1[0]).isEqualTo((byte) 0x30);
    assertThat(Pem.wrapPkcs1Rsa(pkcs1)).isEqualTo(pkcs8);
    Path f = dir.resolve("rsa.key");
    Files.writeString(f, pem("RSA PRIVATE KEY", pkcs1));
    assertThat(TlsContexts.privateKey(f).getEncoded()).isEqualTo(pkcs8);
  }

  @Test
  void keyProblemsSayWhatToDo() throws Exception {
    Path enc = dir.resolve("enc.key");
    Files.writeString(enc, pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> TlsContexts.privateKey(enc))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "tls.key_file "
                + enc
                + " is encrypted; set tls.key_password_file (or tls.key_password), or decrypt it:"
                + " openssl pkcs8 -topk8 -nocrypt -in "
                + enc
                + " -out key.pem");
    Path ec = dir.resolve("ec.key");
    Files.writeString(
        ec, pem("EC PARAMETERS", new byte[] {6, 1, 0}) + pem("EC PRIVATE KEY", new byte[] {1}));
    assertThatThrownBy(() -> TlsContexts.privateKey(ec))
        .hasMessage(
            // SEC1 keys are read since issue 15 (KeyFormatsTest); a broken one is named as such
            "tls.key_file " + ec + " holds an EC key that cannot be read");
    Path none = dir.resolve("none.key");
    Files.writeString(none, "not a key\n");
    assertThatThrownBy(() -> TlsContexts.privateKey(none))
        .hasMessage(
            "tls.key_file " + none + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    Path junk = dir.resolve("junk.key");
    Files.writeString(junk, pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
    assertThatThrownBy(() -> TlsContexts.privateKey(junk))
        .hasMessage(
            "tls.key_file "
                + junk
                + " holds a private key of an unsupported kind (RSA, EC, Ed25519 and Ed448 work)");
  }

  @Test
  void certificateProblemsNameTheFile() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> TlsContexts.build(new TlsSettings(missing, null, null, null, false)))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot read tls.ca_file " + missing + ": no such file or directory");
    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> TlsContexts.build(new TlsSettings(empty, null, null, null, false)))
        .hasMessage(
            "tls.ca_file " + empty + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    Path broken = dir.resolve("broken.pem");
    Files.writeString(broken, pem("CERTIFICATE", new byte[] {0x30, 0x00}));
    assertThatThrownBy(() -> TlsContexts.build(new TlsSettings(broken, null, null, null, false)))
        .hasMessageStartingWith(
            "tls.ca_file " + broken + " holds a certificate that cannot be read: ");
  }

  @Test
  void withoutOptionsTheJvmTrustStoreIsUsed() throws Exception {
    SSLContext ctx = TlsContexts.build(TlsSettings.DEFAULT);
    assertThat(ctx.getProtocol()).isEqualTo("TLS");
    assertThat(TlsContexts.build(new TlsSettings(null, null, null, null, true))).isNotNull();
  }
}
