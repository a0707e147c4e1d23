package dev.auditship.sink.syslog;

import static dev.auditship.sink.syslog.SyslogSinkTest.concat;
import static dev.auditship.sink.syslog.SyslogSinkTest.framed;
import static dev.auditship.sink.syslog.SyslogSinkTest.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.LogCapture;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An interrupt (shutdown, or the spool's {@code max_age} watcher) while the drainer is in {@code
 * send} (review #9): an interrupt, not "the receiver closed the connection", and a healthy
 * connection is not dropped (which would replay the window on the next one).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogInterruptTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void anInterruptBeforeWritingKeepsTheConnectionAndReplaysNothing() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK);
        LogCapture logs = new LogCapture(SyslogSink.class)) {
      Configs c = Configs.tcp(server.getLocalPort());
      List<SinkRecord> first = records(3, "audit_user_login");
      List<SinkRecord> second = records(2, "conn_ssh_disconnect_exit");
      byte[] expected = concat(framed(c, first), framed(c, second));
      try (SyslogSinkTest.Peer peer = new SyslogSinkTest.Peer(server, expected.length);
          SyslogSink sink = c.sink()) {
        assertThat(sink.send(first).done()).isTrue();
        Thread.currentThread().interrupt();
        try {
          assertThatThrownBy(() -> sink.send(second))
              .isInstanceOf(InterruptedException.class)
              .hasMessage("delivery to sink test interrupted");
        } finally {
          Thread.interrupted();
        }
        assertThat(sink.send(second).done()).isTrue();
        assertThat(peer.await()).isEqualTo(expected);
        assertThat(sink.replayed()).isZero();
      }
      assertThat(logs.messages(Level.INFO))
          .containsExactly(
              "Connected to the syslog receiver. sink=test endpoint=tcp://127.0.0.1:"
                  + server.getLocalPort());
    }
  }

  @Test
  void anInterruptDuringABlockedWriteIsAnInterruptNotAClosedReceiver() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK);
        LogCapture logs = new LogCapture(SyslogSink.class)) {
      Configs c =
          Configs.tcp(server.getLocalPort())
              .max(65_536)
              .writeTimeout(Duration.ofSeconds(1)); // bounds the close after the test
      List<Socket> accepted = new ArrayList<>();
      CompletableFuture<Void> acceptor = SyslogSinkTest.acceptWithoutReading(server, accepted);
      List<SinkRecord> batch = SyslogSinkTest.moreThanTheBuffersHold();
      Thread me = Thread.currentThread();
      ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
      try (SyslogSink sink = c.sink()) {
        later.schedule(me::interrupt, 500, TimeUnit.MILLISECONDS);
        try {
          assertThatThrownBy(() -> sink.send(batch))
              .isInstanceOf(InterruptedException.class)
              .hasMessage("delivery to sink test interrupted");
        } finally {
          later.shutdownNow();
          Thread.interrupted();
          later.awaitTermination(5, TimeUnit.SECONDS);
          Thread.interrupted(); // in case the interrupt came after the send
        }
      } finally {
        acceptor.get(10, TimeUnit.SECONDS);
        for (Socket s : accepted) {
          s.close();
        }
      }
      assertThat(logs.all()).noneMatch(m -> m.contains("closed the connection"));
    }
  }
}
