package dev.auditship.sink.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.event.Value;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sink against in-process loopback peers: framing on the wire, connection handling, outcomes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogSinkTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  static List<SinkRecord> records(int n, String golden) {
    List<SinkRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SinkRecord r = TestEvents.json(golden);
      out.add(
          new SinkRecord(
              TestEvents.with(r.event(), "ID", Value.str(UUID.randomUUID().toString())), r.text()));
    }
    return out;
  }

  static byte[] framed(Configs c, List<SinkRecord> records) {
    MessageEncoder enc = c.encoder();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (SinkRecord r : records) {
      Framer.frame(enc.encode(r).message(), c.build().framing(), out);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertThat(b).hasSize(n);
    return b;
  }

  @Test
  void connectsLazilyAndReportsRefusedConnectionAsRetryOfTheWholeBatch() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      port = s.getLocalPort();
    } // closed: nothing listens on the port now
    try (SyslogSink sink = Configs.tcp(port).sink()) { // building does not connect
      List<SinkRecord> batch = records(3, "audit_user_login");
      Outcome o = sink.send(batch);
      assertThat(o.retry()).containsExactlyElementsOf(batch);
      assertThat(o.configFault()).isFalse();
      assertThat(o.reason())
          .isEqualTo("cannot connect to tcp://127.0.0.1:" + port + ": Connection refused");
      assertThat(sink.checkConnectivity())
          .isEqualTo("cannot connect to tcp://127.0.0.1:" + port + ": Connection refused");
    }
  }

  /**
   * A receiver connection that reads {@code n} bytes, then reads on until the sender closes and
   * closes too (as rsyslog and syslog-ng do), or until {@link #close}.
   */
  static final class Peer implements AutoCloseable {
    private final CompletableFuture<Socket> socket;
    final CompletableFuture<byte[]> bytes;

    Peer(ServerSocket server, int n) {
      socket =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return server.accept();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      bytes =
          socket.thenApplyAsync(
              s -> {
                try {
                  return readExactly(s.getInputStream(), n);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      bytes.thenAcceptBothAsync(
          socket,
          (b, s) -> {
            try (s) {
              s.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
              // closed by the test
            }
          });
    }

    byte[] await() throws Exception {
      return bytes.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      try {
        socket.get(10, TimeUnit.SECONDS).close();
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
  void writesOctetCountedFramesInOrderAndReconnectsWhenTheReceiverClosed() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      Configs c = Configs.tcp(server.getLocalPort());
      List<SinkRecord> first = records(3, "audit_user_login");
      List<SinkRecord> second = records(2, "conn_ssh_disconnect_exit");
      byte[] firstBytes = framed(c, first);
      byte[] secondBytes = framed(c, second);
      assertThat(new String(firstBytes, StandardCharsets.UTF_8))
          .startsWith(
              c.encoder().encode(first.get(0)).message().length
                  + " <86>1 2025-07-03T06:55:02.117803Z ");
      try (SyslogSink sink = c.sink()) {
        try (Peer peer = new Peer(server, firstBytes.length)) {
          assertThat(sink.send(first).done()).isTrue();
          assertThat(peer.await()).isEqualTo(firstBytes);
        } // the receiver goes away
        try (Peer peer = new Peer(server, firstBytes.length + secondBytes.length)) {
          // The sink notices the closed connection before writing and reconnects: nothing is lost.
          // It
          // cannot know whether the receiver read the first batch before closing, so the new
          // connection
          // gets it again (the replay window), then the second.
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

  @Test
  void lfFramingPutsOneMessagePerLine() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      Configs c = Configs.tcp(server.getLocalPort()).framing(Framing.LF);
      List<SinkRecord> batch =
          List.of(TestEvents.human("edge_multiline_reason"), TestEvents.json("edge_escaping"));
      byte[] expected = framed(c, batch);
      try (Peer peer = new Peer(server, expected.length);
          SyslogSink sink = c.sink()) {
        assertThat(sink.send(batch).done()).isTrue();
        String wire = new String(peer.await(), StandardCharsets.UTF_8);
        assertThat(wire.split("\n", -1)).hasSize(3).endsWith("");
        assertThat(wire)
            .contains("ConnectionStatus=disconnected ...#012    DisconnectReason= line one#012");
      }
    }
  }

  /** Accepts one connection into {@code accepted} and never reads from it. */
  static CompletableFuture<Void> acceptWithoutReading(ServerSocket server, List<Socket> accepted) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            accepted.add(server.accept());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** About 24 MB of records: more than the socket buffers hold, so a writer blocks. */
  static List<SinkRecord> moreThanTheBuffersHold() {
    List<SinkRecord> batch = new ArrayList<>();
    for (SinkRecord r : records(400, "audit_user_login")) {
      batch.add(new SinkRecord(r.event(), "z".repeat(60_000)));
    }
    return batch;
  }

  @Test
  void aWriteThatBlocksLongerThanTheTimeoutDropsTheConnectionAndRetriesTheRest() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      Configs c =
          Configs.tcp(server.getLocalPort()).max(65_536).writeTimeout(Duration.ofMillis(300));
      List<Socket> accepted = new ArrayList<>();
      CompletableFuture<Void> acceptor = acceptWithoutReading(server, accepted);
      List<SinkRecord> batch = moreThanTheBuffersHold();
      try (SyslogSink sink = c.sink()) {
        long t0 = System.nanoTime();
        Outcome o = sink.send(batch);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(o.done()).isFalse();
        assertThat(o.reason())
            .isEqualTo(
                "cannot write to tcp://127.0.0.1:"
                    + server.getLocalPort()
                    + ": a write blocked longer than write_timeout_secs (300 ms); the receiver is not reading");
        assertThat(o.retry()).isNotEmpty();
        assertThat(o.retry())
            .isEqualTo(batch.subList(batch.size() - o.retry().size(), batch.size()));
      } finally {
        acceptor.get(10, TimeUnit.SECONDS);
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }

  @Test
  void udpSendsOneDatagramPerMessageAndCountsTruncation() throws Exception {
    try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      receiver.setSoTimeout(10_000);
      Configs c = Configs.udp(receiver.getLocalPort());
      SinkRecord small = TestEvents.json("audit_user_login");
      SinkRecord big = new SinkRecord(TestEvents.event("audit_user_login"), "é".repeat(3000));
      try (SyslogSink sink = c.sink()) {
        assertThat(sink.checkConnectivity()).isNull();
        assertThat(sink.send(List.of(small, big, big)).done()).isTrue();
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          DatagramPacket p = new DatagramPacket(new byte[70_000], 70_000);
          receiver.receive(p);
          got.add(Arrays.copyOf(p.getData(), p.getLength()));
        }
        assertThat(got.get(0)).isEqualTo(c.encoder().encode(small).message());
        assertThat(got.get(1))
            .hasSizeBetween(2045, 2048)
            .isEqualTo(c.encoder().encode(big).message());
        assertThat(new String(got.get(2), StandardCharsets.UTF_8))
            .endsWith("éé [truncated by auditship: message was 6240 bytes, limit 2048]");
        assertThat(sink.truncated()).isEqualTo(2);
      }
    }
  }

  @Test
  void rfc3164OverUdpUsesTheShortHostName() {
    assertThat(SyslogSink.sanitizeHostName("coder-1.example.com", Protocol.RFC3164))
        .isEqualTo("coder-1");
    assertThat(SyslogSink.sanitizeHostName("coder-1.example.com", Protocol.RFC5424))
        .isEqualTo("coder-1.example.com");
    assertThat(SyslogSink.sanitizeHostName("10.1.2.3", Protocol.RFC3164)).isEqualTo("10.1.2.3");
    assertThat(SyslogSink.sanitizeHostName("my host", Protocol.RFC5424)).isEqualTo("my_host");
    assertThat(SyslogSink.sanitizeHostName(null, Protocol.RFC5424)).isEqualTo("-");
    assertThat(SyslogSink.sanitizeHostName("", Protocol.RFC3164)).isEqualTo("localhost");
  }

  @Test
  void onlyCertificateAndAlertFailuresAreConfigurationFaults() {
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new CertificateException("unable to find valid certification path"));
    assertThat(SyslogSink.tlsConfigFault(untrusted)).isTrue();
    assertThat(
            SyslogSink.tlsConfigFault(
                new SSLHandshakeException("Received fatal alert: certificate_required")))
        .isTrue();
    assertThat(
            SyslogSink.tlsConfigFault(
                new SSLException(
                    "the receiver closed the connection "
                        + "right after the TLS handshake (it may have refused the client certificate)")))
        .isTrue();
    assertThat(
            SyslogSink.tlsConfigFault(
                new SSLHandshakeException("Remote host terminated the handshake")))
        .isFalse();
    assertThat(SyslogSink.tlsConfigFault(new ConnectException("Connection refused"))).isFalse();
  }
}
