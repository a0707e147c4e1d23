package dev.auditship.sink.syslog;

import static dev.auditship.sink.syslog.SyslogSinkTest.records;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.LogCapture;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * UDP to a port nothing listens on (QA #5): the kernel's ICMP "port unreachable" surfaces on a
 * later send. The batch is kept whole, each attempt costs one probe datagram, not one lost event,
 * and the operator gets one WARN per episode with a count, not an INFO "Connected" per retry.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogUdpRefusedTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static int closedPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      return s.getLocalPort();
    }
  }

  @Test
  void aClosedPortKeepsTheBatchWarnsOnceAndDeliversEverythingOnceTheReceiverIsBack()
      throws Exception {
    int port = closedPort();
    Configs c = Configs.udp(port);
    String endpoint = "udp://127.0.0.1:" + port;
    List<SinkRecord> batch = records(5, "audit_user_login");
    try (LogCapture logs = new LogCapture(SyslogSink.class);
        SyslogSink sink = c.sink()) {
      for (int attempt = 0; attempt < 3; attempt++) {
        Outcome o = sink.send(batch);
        assertThat(o.retry()).containsExactlyElementsOf(batch);
        assertThat(o.configFault()).isFalse();
        assertThat(o.reason())
            .isEqualTo(
                "the receiver "
                    + endpoint
                    + " refused datagrams (ICMP port unreachable: nothing listens on its port)");
      }
      assertThat(sink.refused()).isEqualTo(3);

      try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
        receiver.setSoTimeout(10_000);
        assertThat(sink.send(batch)).isEqualTo(Outcome.delivered());
        for (SinkRecord r : batch) {
          DatagramPacket p = new DatagramPacket(new byte[70_000], 70_000);
          receiver.receive(p);
          assertThat(Arrays.copyOf(p.getData(), p.getLength()))
              .isEqualTo(c.encoder().encode(r).message());
        }
      }
      assertThat(logs.messages(Level.INFO))
          .containsExactly("Connected to the syslog receiver. sink=test endpoint=" + endpoint);
      List<String> warns = logs.messages(Level.WARN);
      assertThat(warns).hasSize(2);
      assertThat(warns.get(0))
          .isEqualTo(
              "The syslog receiver refuses datagrams (ICMP port unreachable: nothing listens on its "
                  + "port); the events are kept and sent again with back-off, one probe datagram per "
                  + "attempt. Events sent just before may be lost: UDP does not say which datagram was "
                  + "refused. sink=test endpoint="
                  + endpoint);
      assertThat(warns.get(1))
          .startsWith(
              "The syslog receiver accepts datagrams again. Events sent just before it first refused "
                  + "may be lost (UDP cannot tell). sink=test endpoint="
                  + endpoint
                  + " refused=3 refused_ms=");
    }
  }

  @Test
  void closingWhileTheReceiverRefusesSaysSoWithTheCount() throws Exception {
    int port = closedPort();
    try (LogCapture logs = new LogCapture(SyslogSink.class)) {
      SyslogSink sink = Configs.udp(port).sink();
      sink.send(records(3, "audit_user_login"));
      sink.send(records(3, "audit_user_login"));
      sink.close();
      assertThat(logs.messages(Level.WARN))
          .last()
          .asString()
          .startsWith(
              "The syslog receiver was still refusing datagrams when the sink closed; the events not "
                  + "delivered stay with the source (or the spool). sink=test endpoint=udp://127.0.0.1:"
                  + port
                  + " refused=2 refused_ms=");
    }
  }
}
