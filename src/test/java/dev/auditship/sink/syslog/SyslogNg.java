package dev.auditship.sink.syslog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * syslog-ng 3.38 ({@code syslog-ng-receiver.conf}), unpacked privately under {@code SNG_ROOT}: UDP
 * and strictly octet-counted TCP on {@link #port}, LF-framed RFC 5424 on {@link #lf}, TLS and mTLS.
 */
final class SyslogNg extends ReceiverDaemon {
  final int port = Receivers.freeTcpAndUdpPort();
  final int lf = Receivers.freeTcpPort();
  final int tlsPort = Receivers.freeTcpPort();
  final int mtls = Receivers.freeTcpPort();
  private final Path root = Receivers.syslogNgRoot();
  private final Path conf;

  SyslogNg(Path dir, Path tls) throws IOException {
    super(dir, tls);
    conf = config("syslog-ng-receiver.conf");
  }

  static boolean installed() {
    return Receivers.syslogNgRoot() != null;
  }

  @Override
  List<String> command() {
    // -F foreground, -e internal log to stderr; private persist file, pid file and control socket.
    return List.of(
        root.resolve("usr/sbin/syslog-ng").toString(),
        "--module-path=" + root.resolve("usr/lib/syslog-ng/3.38"),
        "-F",
        "-e",
        "-f",
        conf.toString(),
        "-R",
        dir.resolve("persist").toString(),
        "-p",
        dir.resolve("pid").toString(),
        "-c",
        dir.resolve("ctl").toString());
  }

  @Override
  Map<String, String> env() {
    return Map.of(
        "LD_LIBRARY_PATH",
        root.resolve("usr/lib/syslog-ng").toString(),
        "SNG_PORT",
        Integer.toString(port),
        "SNG_LF_PORT",
        Integer.toString(lf),
        "SNG_TLS_PORT",
        Integer.toString(tlsPort),
        "SNG_MTLS_PORT",
        Integer.toString(mtls));
  }

  @Override
  List<Integer> tcpPorts() {
    return List.of(port, lf, tlsPort, mtls);
  }

  @Override
  List<Integer> udpPorts() {
    return List.of(port);
  }
}
