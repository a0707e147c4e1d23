package dev.auditship.sink.syslog;

import static dev.auditship.sink.syslog.SyslogSinkTest.concat;
import static dev.auditship.sink.syslog.SyslogSinkTest.framed;
import static dev.auditship.sink.syslog.SyslogSinkTest.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.TlsSettings;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestPki;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS receiver that closes the connection (close_notify, then its FIN) between two batches: the
 * sink sees it before writing the next batch, without a blocking read, and sends the replay window
 * and the batch on a new connection. A loopback TLS server with the test PKI; the real receivers'
 * TLS runs are in RsyslogIT and SyslogNgIT.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogTlsCloseTest {
  @TempDir static Path tmp;
  static TestPki pki;

  @BeforeAll
  static void pki() throws Exception {
    pki = new TestPki(tmp.resolve("pki"));
  }

  private static SSLServerSocket server() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pki.serverP12)) {
      ks.load(in, TestPki.PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, TestPki.PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return (SSLServerSocket)
        ctx.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
  }

  @Test
  @SuppressWarnings(
      "try") // the sink is closed inside its try on purpose, while the receiver is there
  void aClosedTlsConnectionIsSeenBeforeTheNextBatchWhichGoesOutOnANewOneWithTheWindow()
      throws Exception {
    try (SSLServerSocket server = server()) {
      Configs c =
          Configs.tls(server.getLocalPort(), new TlsSettings(pki.caPem, null, null, null, false));
      List<SinkRecord> first = records(3, "audit_user_login");
      List<SinkRecord> second = records(2, "conn_ssh_disconnect_exit");
      byte[] firstBytes = framed(c, first);
      byte[] secondBytes = framed(c, second);
      try (SyslogSink sink = c.sink()) {
        // The same receiver connection as over TCP (SyslogSinkTest.Peer), here through TLS.
        try (SyslogSinkTest.Peer peer = new SyslogSinkTest.Peer(server, firstBytes.length)) {
          Outcome o = sink.send(first);
          assertThat(o.reason()).isNull();
          assertThat(o.done()).isTrue();
          assertThat(peer.await()).isEqualTo(firstBytes);
        } // the receiver closes its connection: close_notify, then its FIN
        try (SyslogSinkTest.Peer peer =
            new SyslogSinkTest.Peer(server, firstBytes.length + secondBytes.length)) {
          Outcome o = sink.send(second);
          assertThat(o.reason()).isNull();
          assertThat(o.done()).isTrue();
          assertThat(peer.await()).isEqualTo(concat(firstBytes, secondBytes));
          assertThat(sink.replayed()).isEqualTo(3);
          sink.close(); // while the receiver is there to confirm
        }
      }
    }
  }
}
