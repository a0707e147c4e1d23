package dev.auditship.sink.syslog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * rsyslog 8 ({@code rsyslog-receiver.conf}): UDP, TCP (either framing), TLS via GnuTLS and OpenSSL,
 * mTLS.
 */
final class Rsyslog extends ReceiverDaemon {
  final int udp = Receivers.freeTcpAndUdpPort();
  final int tcp = Receivers.freeTcpPort();
  final int gtls = Receivers.freeTcpPort();
  final int ossl = Receivers.freeTcpPort();
  final int mtls = Receivers.freeTcpPort();
  private final Path conf;

  Rsyslog(Path dir, Path tls) throws IOException {
    super(dir, tls);
    conf = config("rsyslog-receiver.conf");
  }

  static boolean installed() {
    return Receivers.rsyslogd() != null;
  }

  @Override
  List<String> command() {
    // -n foreground, -iNONE no pid file (the default one belongs to a system rsyslog).
    return List.of(Receivers.rsyslogd().toString(), "-n", "-iNONE", "-f", conf.toString());
  }

  @Override
  Map<String, String> env() {
    return Map.of(
        "RS_UDP_PORT",
        Integer.toString(udp),
        "RS_TCP_PORT",
        Integer.toString(tcp),
        "RS_GTLS_PORT",
        Integer.toString(gtls),
        "RS_OSSL_PORT",
        Integer.toString(ossl),
        "RS_MTLS_PORT",
        Integer.toString(mtls));
  }

  @Override
  List<Integer> tcpPorts() {
    return List.of(tcp, gtls, ossl, mtls);
  }

  @Override
  List<Integer> udpPorts() {
    return List.of(udp);
  }
}
