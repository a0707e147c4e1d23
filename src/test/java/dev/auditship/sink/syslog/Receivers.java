package dev.auditship.sink.syslog;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the interop tests need from the machine: real receivers, found where {@code
 * .ci/install-receivers.sh} puts them. Under {@code CI=true} a missing one fails the test (a CI
 * that silently skips the interop tests would prove nothing); elsewhere it is skipped with a
 * message saying how to install it.
 */
final class Receivers {
  static final String INSTALL = "install the receivers with: sudo bash .ci/install-receivers.sh";

  private Receivers() {}

  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Fails under CI, else skips, when {@code present} is false. */
  static void require(boolean present, String what) {
    if (present) {
      return;
    }
    String msg = what + " is not installed; " + INSTALL;
    if (ci()) {
      fail("CI=true and " + msg);
    }
    System.err.println("SKIPPED (not a failure outside CI): " + msg);
    Assumptions.abort(msg);
  }

  static Path rsyslogd() {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/local/sbin")) {
      Path p = Path.of(dir, "rsyslogd");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** The private syslog-ng unpack ({@code SNG_ROOT}, default as in install-receivers.sh). */
  static Path syslogNgRoot() {
    String env = System.getenv("SNG_ROOT");
    Path root = Path.of(env != null && !env.isBlank() ? env : "/opt/auditship/syslog-ng");
    return Files.isExecutable(root.resolve("usr/sbin/syslog-ng")) ? root : null;
  }

  /** A TCP port that was free a moment ago on 127.0.0.1 (the daemon binds it next). */
  static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A port free for both TCP and UDP (syslog-ng listens on both with one number). */
  static int freeTcpAndUdpPort() throws IOException {
    for (int i = 0; i < 50; i++) {
      int port = freeTcpPort();
      try (DatagramSocket d =
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        return d.getLocalPort(); // bound, so the UDP port is free too

      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no port free for both TCP and UDP");
  }

  /**
   * Waits until every TCP port is listening and every UDP port is bound, as the kernel reports
   * them.
   */
  static void awaitListening(Process p, Path stderr, List<Integer> tcp, List<Integer> udp) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!p.isAlive()) {
                fail("the receiver exited with " + p.exitValue() + ": " + Files.readString(stderr));
              }
              for (int port : tcp) {
                if (!bound("tcp", port, "0A")) {
                  return false;
                }
              }
              for (int port : udp) {
                if (!bound("udp", port, null)) {
                  return false;
                }
              }
              return true;
            });
  }

  /**
   * {@code /proc/net/{tcp,udp}}: is a socket bound to 127.0.0.1:{@code port} (in {@code state})?
   */
  private static boolean bound(String proto, int port, String state) throws IOException {
    String local = String.format(Locale.ROOT, "0100007F:%04X", port);
    for (String line : Files.readAllLines(Path.of("/proc/net/" + proto))) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[1].equals(local) && (state == null || f[3].equals(state))) {
        return true;
      }
    }
    return false;
  }

  /** SIGTERM, then a bounded wait; a daemon that does not stop is killed and reported. */
  static void stop(Process p) throws InterruptedException {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy(); // SIGTERM
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      fail("the receiver did not stop within 10 s of SIGTERM");
    }
  }
}
