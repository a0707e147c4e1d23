package dev.auditship.sink.syslog;

import static dev.auditship.sink.syslog.SyslogSinkTest.concat;
import static dev.auditship.sink.syslog.SyslogSinkTest.framed;
import static dev.auditship.sink.syslog.SyslogSinkTest.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.TlsSettings;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  /** Accepts one connection and reads {@code n} bytes through TLS; {@link #close} closes it. */
  private static final class TlsPeer implements AutoCloseable {
    final CompletableFuture<Socket> socket;
    final CompletableFuture<byte[]> bytes;

    TlsPeer(SSLServerSocket server, int n) {
      socket =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return server.accept();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      bytes =
          socket.thenApplyAsync(
              s -> {
                try {
                  return SyslogSinkTest.readExactly(s.getInputStream(), n);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
    }

    byte[] await() throws Exception {
      return bytes.get(20, TimeUnit.SECONDS);
    }

    /** Reads on until the sender closes (its close_notify), confirming what came before. */
    void drain() throws Exception {
      try (Socket s = socket.get(20, TimeUnit.SECONDS)) {
        s.getInputStream().transferTo(OutputStream.nullOutputStream());
      }
    }

    @Override
    public void close() throws IOException {
      try {
        socket.get(20, TimeUnit.SECONDS).close(); // close_notify, then FIN
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the peer's connection", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("the peer never connected", e);
      }
    }
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
        try (TlsPeer peer = new TlsPeer(server, firstBytes.length)) {
          Outcome o = sink.send(first);
          assertThat(o.reason()).isNull();
          assertThat(o.done()).isTrue();
          assertThat(peer.await()).isEqualTo(firstBytes);
        } // the receiver closes its connection
        TlsPeer peer = new TlsPeer(server, firstBytes.length + secondBytes.length);
        Outcome o = sink.send(second);
        assertThat(o.reason()).isNull();
        assertThat(o.done()).isTrue();
        assertThat(peer.await()).isEqualTo(concat(firstBytes, secondBytes));
        assertThat(sink.replayed()).isEqualTo(3);
        CompletableFuture<Void> drained =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    peer.drain();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        sink.close(); // while the receiver is there to confirm
        drained.get(20, TimeUnit.SECONDS);
      }
    }
  }
}
