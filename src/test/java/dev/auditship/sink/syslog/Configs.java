package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig;
import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.config.SyslogSinkConfig.Transport;
import dev.auditship.config.TlsSettings;
import java.io.IOException;
import java.time.Duration;

/** Sink settings for tests, on 127.0.0.1, with the defaults of the config file. */
final class Configs {
  static final String HOSTNAME = "auditship-test.example";

  Transport transport = Transport.TCP;
  int port;
  Protocol protocol = Protocol.RFC5424;
  Framing framing;
  boolean sd = true;
  boolean bom;
  Integer max;
  TlsSettings tls;
  Duration writeTimeout = Duration.ofSeconds(10);
  long replayWindow = SyslogSinkConfig.DEFAULT_REPLAY_WINDOW_BYTES;

  static Configs udp(int port) {
    Configs c = new Configs();
    c.transport = Transport.UDP;
    c.port = port;
    return c;
  }

  static Configs tcp(int port) {
    Configs c = new Configs();
    c.port = port;
    return c;
  }

  static Configs tls(int port, TlsSettings tls) {
    Configs c = new Configs();
    c.transport = Transport.TLS;
    c.port = port;
    c.tls = tls;
    return c;
  }

  Configs framing(Framing f) {
    framing = f;
    return this;
  }

  Configs rfc3164() {
    protocol = Protocol.RFC3164;
    sd = false;
    return this;
  }

  Configs bom() {
    bom = true;
    return this;
  }

  Configs max(int bytes) {
    max = bytes;
    return this;
  }

  Configs writeTimeout(Duration d) {
    writeTimeout = d;
    return this;
  }

  Configs replayWindow(long bytes) {
    replayWindow = bytes;
    return this;
  }

  SyslogSinkConfig build() {
    Framing f =
        framing != null
            ? framing
            : transport == Transport.UDP ? Framing.NONE : Framing.OCTET_COUNTING;
    int m = max != null ? max : transport == Transport.UDP ? 2048 : 65_536;
    return new SyslogSinkConfig(
        transport,
        "127.0.0.1",
        port,
        protocol,
        f,
        10,
        6,
        4,
        HOSTNAME,
        "coderd",
        sd,
        "coder@32473",
        bom,
        m,
        tls,
        Duration.ofSeconds(5),
        writeTimeout,
        Duration.ofSeconds(60),
        transport == Transport.UDP ? 0 : replayWindow);
  }

  /** The encoder the sink builds from these settings, to compute the exact bytes expected. */
  MessageEncoder encoder() {
    SyslogSinkConfig c = build();
    return new MessageEncoder(
        c.protocol(),
        c.framing(),
        new Priority(c.facility(), c.severity(), c.failureSeverity()),
        HOSTNAME,
        c.appName(),
        c.structuredData() ? c.sdId() : null,
        c.bom(),
        c.maxMessageBytes());
  }

  SyslogSink sink() throws IOException {
    return SyslogSink.create("test", build());
  }
}
