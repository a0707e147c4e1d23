package dev.auditship.sink.syslog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with openssl for the TLS tests: a CA, a server certificate for localhost,
 * 127.0.0.1 and ::1, and a client certificate {@code CN=exporter-client} (reference
 * test-receivers.md §1.2), plus a second CA that signed nothing (to show an untrusted server is
 * refused).
 */
public final class TestPki {
  final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** The server certificate (localhost, 127.0.0.1, ::1) and its PKCS#8 key. */
  public Path serverCert() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  public Path otherCa() {
    return dir.resolve("other-ca.pem");
  }

  public Path clientCert() {
    return dir.resolve("client.pem");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /** The client key in the PKCS#1 "RSA PRIVATE KEY" form. */
  public Path clientKeyPkcs1() {
    return dir.resolve("client-rsa.key");
  }

  public static TestPki create(Path dir) throws IOException, InterruptedException {
    Receivers.require(Receivers.openssl() != null, "openssl");
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("server.ext"),
        // clientAuth too: a Kafka broker checks that its own certificate also works for the
        // connections it makes to brokers (inter-broker TLS).
        "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth,clientAuth\n");
    Files.writeString(
        dir.resolve("client.ext"),
        "subjectAltName=DNS:exporter-client\nextendedKeyUsage=clientAuth\n");
    run(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    run(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Other CA",
        "-keyout",
        "other-ca.key",
        "-out",
        "other-ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE");
    run(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr");
    run(
        dir,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem");
    run(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=exporter-client",
        "-keyout",
        "client.key",
        "-out",
        "client.csr");
    run(
        dir,
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "client.ext",
        "-out",
        "client.pem");
    run(dir, "rsa", "-in", "client.key", "-traditional", "-out", "client-rsa.key");
    return new TestPki(dir);
  }

  private static void run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Receivers.openssl().toString());
    cmd.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(
          "openssl " + String.join(" ", args) + " failed: " + Files.readString(log));
    }
  }
}
