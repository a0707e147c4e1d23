package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.auditship.sink.hec.HecFixtures.jsonRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.auditship.config.TlsSettings;
import dev.auditship.io.Pem;
import dev.auditship.sink.Outcome;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against WireMock's https port with a CA made in the test: verification on by default,
 * ca_file, host name check, insecure_skip_verify, mutual TLS; and the PEM reader's errors.
 */
class HecTlsTest {
  private static final String EVENT = "/services/collector/event";
  private static final String OK = "{\"text\":\"Success\",\"code\":0}";

  @TempDir static Path dir;
  static TestPki pki;
  static WireMockServer tls;
  static WireMockServer mtls;

  private final List<HecSink> open = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    pki = new TestPki(dir);
    tls =
        new WireMockServer(
            wireMockConfig()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .dynamicHttpsPort()
                .keystorePath(pki.serverP12.toString())
                .keystorePassword(TestPki.PASSWORD)
                .keyManagerPassword(TestPki.PASSWORD)
                .keystoreType("PKCS12"));
    mtls =
        new WireMockServer(
            wireMockConfig()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .dynamicHttpsPort()
                .keystorePath(pki.serverP12.toString())
                .keystorePassword(TestPki.PASSWORD)
                .keyManagerPassword(TestPki.PASSWORD)
                .keystoreType("PKCS12")
                .needClientAuth(true)
                .trustStorePath(pki.trustP12.toString())
                .trustStorePassword(TestPki.PASSWORD)
                .trustStoreType("PKCS12"));
    tls.start();
    mtls.start();
  }

  @AfterAll
  static void stop() {
    tls.stop();
    mtls.stop();
  }

  @BeforeEach
  void stubs() {
    for (WireMockServer s : List.of(tls, mtls)) {
      s.resetAll();
      s.stubFor(post(urlEqualTo(EVENT)).willReturn(aResponse().withStatus(200).withBody(OK)));
    }
  }

  @AfterEach
  void closeSinks() {
    open.forEach(HecSink::close);
  }

  private HecSink sink(String endpoint, Consumer<HecFixtures.Cfg> tweak) throws IOException {
    HecFixtures.Cfg c = new HecFixtures.Cfg(endpoint);
    tweak.accept(c);
    HecSink s = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {});
    open.add(s);
    return s;
  }

  private static String url(WireMockServer s) {
    return "https://127.0.0.1:" + s.httpsPort();
  }

  private static TlsSettings ca(Path caFile) {
    return new TlsSettings(caFile, null, null, null, false);
  }

  @Test
  void theCaFromCaFileVerifiesTheServer() throws Exception {
    Outcome o = sink(url(tls), c -> c.tls = ca(pki.caPem)).send(jsonRecords(2));
    assertThat(o).isEqualTo(Outcome.delivered());
    tls.verify(1, postRequestedFor(urlEqualTo(EVENT)));
  }

  @Test
  void verificationIsOnByDefaultAndFailsWithoutTheCaKeepingTheEvents() throws Exception {
    HecSink sink = sink(url(tls), c -> {});
    Outcome o = sink.send(jsonRecords(2));
    assertThat(o.retry()).hasSize(2);
    assertThat(o.configFault()).isTrue();
    assertThat(o.reason())
        .startsWith(
            "TLS handshake with " + url(tls) + EVENT + " failed: PKIX path building " + "failed: ")
        .endsWith(
            "; check tls.ca_file (the CA that signed Splunk's certificate), that the endpoint's host "
                + "name is in that certificate, and tls.cert_file/key_file if Splunk requires a client "
                + "certificate");
    assertThat(sink.checkConnectivity())
        .startsWith("TLS handshake with " + url(tls) + "/services/collector/health failed: ");
    tls.verify(0, postRequestedFor(urlEqualTo(EVENT)));
  }

  @Test
  void anotherCaDoesNotVerifyTheServer() throws Exception {
    Outcome o = sink(url(tls), c -> c.tls = ca(pki.otherCaPem)).send(jsonRecords(1));
    assertThat(o.configFault()).isTrue();
    assertThat(o.reason()).startsWith("TLS handshake with ");
  }

  @Test
  void theHostNameMustBeInTheCertificate() throws Exception {
    // The certificate names 127.0.0.1 only.
    Outcome o =
        sink("https://localhost:" + tls.httpsPort(), c -> c.tls = ca(pki.caPem))
            .send(jsonRecords(1));
    assertThat(o.configFault()).isTrue();
    assertThat(o.reason())
        .startsWith(
            "TLS handshake with https://localhost:"
                + tls.httpsPort()
                + EVENT
                + " failed: No name matching localhost found; check tls.ca_file");
    tls.verify(0, postRequestedFor(urlEqualTo(EVENT)));
  }

  @Test
  void insecureSkipVerifyConnectsAndWarnsLoudly() throws Exception {
    try (LogCapture logs = LogCapture.everything()) {
      HecSink sink =
          sink(
              "https://localhost:" + tls.httpsPort(),
              c -> c.tls = new TlsSettings(null, null, null, null, true));
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "TLS VERIFICATION IS OFF for this sink "
                  + "(tls.insecure_skip_verify: true): anyone on the network path can read the token and the audit "
                  + "events, or impersonate Splunk. Use tls.ca_file instead. sink=splunk endpoint=https://localhost:"
                  + tls.httpsPort());
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
    }
  }

  @Test
  void mutualTlsWithAClientCertificate() throws Exception {
    Outcome o =
        sink(
                url(mtls),
                c ->
                    c.tls =
                        new TlsSettings(
                            pki.caPem, pki.clientCertPem, pki.clientKeyPem, null, false))
            .send(jsonRecords(1));
    assertThat(o).isEqualTo(Outcome.delivered());
    mtls.verify(1, postRequestedFor(urlEqualTo(EVENT)));
  }

  @Test
  void withoutTheClientCertificateTheServerRefusesAndEventsAreKept() throws Exception {
    Outcome o = sink(url(mtls), c -> c.tls = ca(pki.caPem)).send(jsonRecords(1));
    assertThat(o.retry()).hasSize(1);
    assertThat(o.rejected()).isEmpty();
    assertThat(o.configFault()).isTrue();
    assertThat(o.reason())
        .startsWith(
            "TLS handshake with "
                + url(mtls)
                + EVENT
                + " failed: Splunk asked for a "
                + "client certificate (mutual TLS) and none is configured; check tls.ca_file");
    mtls.verify(0, postRequestedFor(urlEqualTo(EVENT)));
  }

  // ------------------------------------------------------------------ PEM files

  @Test
  void pkcs1RsaKeysAreReadToo() throws Exception {
    byte[] pkcs1 = TestPki.pkcs1Of(pki.clientKeyPkcs8);
    Path f = dir.resolve("client-key-pkcs1.pem");
    Files.writeString(f, TestPki.pem("RSA PRIVATE KEY", pkcs1));
    PrivateKey k = PemTls.privateKey(f);
    assertThat(k.getAlgorithm()).isEqualTo("RSA");
    assertThat(k.getEncoded()).isEqualTo(pki.clientKeyPkcs8);
    assertThat(PemTls.keyManagers(pki.clientCertPem, f)).hasSize(1);
  }

  @Test
  void serverNameIsTheNameTheCertificateMustCarryWhenTheEndpointSaysOtherwise() throws Exception {
    // The server's certificate names only 127.0.0.1; the endpoint says localhost.
    String endpoint = "https://localhost:" + tls.httpsPort();
    HecSink wrong = sink(endpoint, c -> c.tls = ca(pki.caPem));
    Outcome refused = wrong.send(List.of(HecFixtures.json(HecFixtures.audit())));
    assertThat(refused.configFault()).as(refused.reason()).isTrue();
    assertThat(refused.reason()).doesNotContain("sun.security").doesNotContain("Exception");
    HecSink named =
        sink(endpoint, c -> c.tls = new TlsSettings(pki.caPem, null, null, "127.0.0.1", false));
    assertThat(named.send(List.of(HecFixtures.json(HecFixtures.audit()))))
        .isEqualTo(Outcome.delivered());
  }

  @Test
  void pemErrorsNameTheFileAndTheFix() throws Exception {
    Path encrypted = dir.resolve("enc.pem");
    Files.writeString(encrypted, TestPki.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> PemTls.privateKey(encrypted))
        .hasMessage(
            "tls.key_file "
                + encrypted
                + " is "
                + "encrypted; set tls.key_password_file (or tls.key_password), or give an"
                + " unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt -in key.pem -out "
                + "key.pk8.pem) and protect the file with its permissions");
    assertThatThrownBy(() -> PemTls.privateKey(pki.caPem))
        .hasMessage(
            "tls.key_file "
                + pki.caPem
                + " holds no "
                + "PEM private key (-----BEGIN PRIVATE KEY-----)");
    assertThatThrownBy(() -> Pem.certificates(pki.clientKeyPem, "tls.ca_file"))
        .hasMessage(
            "tls.ca_file "
                + pki.clientKeyPem
                + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> Pem.certificates(missing, "tls.ca_file"))
        .hasMessage("cannot read tls.ca_file " + missing + ": no such file or directory");
    // the client key does not belong to the server certificate
    Path serverCert = dir.resolve("server.pem");
    assertThatThrownBy(() -> PemTls.keyManagers(serverCert, pki.clientKeyPem))
        .hasMessage(
            "tls.key_file "
                + pki.clientKeyPem
                + " is not the key of the first certificate in tls.cert_file "
                + serverCert
                + "; give the key that belongs to the client certificate");
  }

  @Test
  void aSinkWithAMissingCaFileCannotBeBuiltAndSaysWhy() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> sink(url(tls), c -> c.tls = ca(missing)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "sinks.splunk: cannot read tls.ca_file " + missing + ": no such file or directory");
  }
}
