package dev.auditship.sink.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.ConfigLoader;
import dev.auditship.config.Problem;
import dev.auditship.config.Problems;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.SyslogSinkConfig;
import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.config.SyslogSinkConfig.Transport;
import dev.auditship.config.TlsSettings;
import dev.auditship.registry.Registry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code type: syslog} keys: defaults, every value form, and the exact text of every problem.
 */
class SyslogSinkConfigTest {

  private static ConfigLoader.Result load(String sinkBody) {
    String yaml = "source: {type: stdin}\nsinks:\n  sl:\n    type: syslog\n" + sinkBody.indent(4);
    return new ConfigLoader(k -> null, Registry.standard()).load(yaml, new Problems("t.yaml"));
  }

  private static SyslogSinkConfig ok(String sinkBody) {
    ConfigLoader.Result r = load(sinkBody);
    assertThat(r.problems()).isEmpty();
    SinkConfig sc = r.config().sinks().get(0);
    assertThat(sc.settings().network()).isTrue();
    return (SyslogSinkConfig) sc.settings();
  }

  private static List<String> problems(String sinkBody) {
    return load(sinkBody).problems().stream().map(Problem::render).toList();
  }

  @Test
  void tlsDefaults() {
    SyslogSinkConfig c = ok("endpoint: tls://siem.example.com");
    assertThat(c.transport()).isEqualTo(Transport.TLS);
    assertThat(c.host()).isEqualTo("siem.example.com");
    assertThat(c.port()).isEqualTo(6514);
    assertThat(c.protocol()).isEqualTo(Protocol.RFC5424);
    assertThat(c.framing()).isEqualTo(Framing.OCTET_COUNTING);
    assertThat(c.facility()).isEqualTo(10);
    assertThat(c.severity()).isEqualTo(6);
    assertThat(c.failureSeverity()).isEqualTo(4);
    assertThat(c.hostname()).isNull();
    assertThat(c.appName()).isEqualTo("coderd");
    assertThat(c.structuredData()).isTrue();
    assertThat(c.sdId()).isEqualTo("coder@32473");
    assertThat(c.bom()).isFalse();
    assertThat(c.maxMessageBytes()).isEqualTo(65_536);
    assertThat(c.tls()).isEqualTo(TlsSettings.DEFAULT);
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.keepAlive()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.replayWindowBytes()).isEqualTo(1024 * 1024);
    assertThat(c.endpoint()).isEqualTo("tls://siem.example.com:6514");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "udp://10.0.0.5,          UDP, 10.0.0.5,        514,  2048,  NONE",
    "udp://h:1514,            UDP, h,               1514, 2048,  NONE",
    "tcp://h,                 TCP, h,               601,  65536, OCTET_COUNTING",
    "TCP://h:514,             TCP, h,               514,  65536, OCTET_COUNTING",
    "tls://[::1]:16514,       TLS, ::1,             16514,65536, OCTET_COUNTING",
    "tcp://[fe80::1]:601,     TCP, fe80::1,         601,  65536, OCTET_COUNTING",
  })
  void endpoints(String endpoint, Transport t, String host, int port, int max, Framing framing) {
    SyslogSinkConfig c = ok("endpoint: \"" + endpoint + "\"");
    assertThat(c.transport()).isEqualTo(t);
    assertThat(c.host()).isEqualTo(host);
    assertThat(c.port()).isEqualTo(port);
    assertThat(c.maxMessageBytes()).isEqualTo(max);
    assertThat(c.framing()).isEqualTo(framing);
  }

  @Test
  void everyKeySet() {
    SyslogSinkConfig c =
        ok(
            """
                endpoint: tls://127.0.0.1:6514
                protocol: rfc5424
                framing: octet_counting
                facility: local3
                severity: {default: notice, failure: err}
                hostname: coder-1.example.com
                app_name: coder
                structured_data: false
                sd_id: audit@99999
                bom: true
                max_message_bytes: 8KiB
                tls:
                  ca_file: /etc/ssl/ca.pem
                  cert_file: /etc/ssl/client.pem
                  key_file: /etc/ssl/client.key
                  server_name: siem.example.com
                connect_timeout_secs: 5
                write_timeout_secs: 500ms
                keep_alive_secs: 0
                replay_window_bytes: 4MiB
                """);
    assertThat(c.facility()).isEqualTo(19);
    assertThat(c.severity()).isEqualTo(5);
    assertThat(c.failureSeverity()).isEqualTo(3);
    assertThat(c.hostname()).isEqualTo("coder-1.example.com");
    assertThat(c.appName()).isEqualTo("coder");
    assertThat(c.structuredData()).isFalse();
    assertThat(c.sdId()).isEqualTo("audit@99999");
    assertThat(c.bom()).isTrue();
    assertThat(c.maxMessageBytes()).isEqualTo(8192);
    assertThat(c.tls())
        .isEqualTo(
            new TlsSettings(
                Path.of("/etc/ssl/ca.pem"),
                Path.of("/etc/ssl/client.pem"),
                Path.of("/etc/ssl/client.key"),
                "siem.example.com",
                false));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.writeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.keepAlive()).isEqualTo(Duration.ZERO);
    assertThat(c.replayWindowBytes()).isEqualTo(4 << 20);
  }

  @Test
  void replayWindow() {
    assertThat(ok("endpoint: tcp://h\nreplay_window_bytes: 0").replayWindowBytes()).isZero();
    assertThat(ok("endpoint: tcp://h\nreplay_window_bytes: 96KiB").replayWindowBytes())
        .isEqualTo(96 * 1024);
    assertThat(ok("endpoint: tcp://h\nreplay_window_bytes: 1GiB").replayWindowBytes())
        .isEqualTo(1L << 30);
    assertThat(ok("endpoint: udp://h").replayWindowBytes()).isZero();
    assertThat(problems("endpoint: tcp://h\nreplay_window_bytes: 2GiB"))
        .containsExactly(
            "t.yaml:6:26: sinks.sl.replay_window_bytes: \"2GiB\" is out of range. Fix: use a size from 0 to "
                + "1GiB, for example 1000000, 64KiB or 100MiB");
    assertThat(problems("endpoint: tcp://h\nreplay_window_bytes: lots"))
        .containsExactly(
            "t.yaml:6:26: sinks.sl.replay_window_bytes: expected a byte size, got \"lots\". Fix: use a size from "
                + "0 to 1GiB, for example 1000000, 64KiB or 100MiB");
    // The socket's send buffer is a quarter of the window (the kernel doubles it): half the window
    // at most.
    assertThat(SyslogSink.sendBufferBytes(1024 * 1024)).isEqualTo(256 * 1024);
    assertThat(SyslogSink.sendBufferBytes(0)).isZero();
    assertThat(SyslogSink.sendBufferBytes(1L << 30)).isEqualTo(1 << 28);
  }

  @ParameterizedTest(name = "facility {0}")
  @CsvSource({
    "kern,0",
    "user,1",
    "auth,4",
    "authpriv,10",
    "AUTHPRIV,10",
    "audit,13",
    "local0,16",
    "local7,23",
    "0,0",
    "13,13",
    "23,23"
  })
  void facilities(String value, int code) {
    assertThat(ok("endpoint: tcp://h\nfacility: " + value).facility()).isEqualTo(code);
  }

  @ParameterizedTest(name = "severity {0}")
  @CsvSource({
    "emerg,0",
    "emergency,0",
    "alert,1",
    "crit,2",
    "error,3",
    "warn,4",
    "warning,4",
    "notice,5",
    "informational,6",
    "debug,7",
    "7,7"
  })
  void severities(String value, int code) {
    assertThat(ok("endpoint: tcp://h\nseverity: {failure: " + value + "}").failureSeverity())
        .isEqualTo(code);
  }

  @Test
  void lfFramingOnTcpAndRfc3164() {
    SyslogSinkConfig c = ok("endpoint: tcp://h\nframing: lf\nprotocol: rfc3164");
    assertThat(c.framing()).isEqualTo(Framing.LF);
    assertThat(c.protocol()).isEqualTo(Protocol.RFC3164);
    assertThat(c.structuredData()).isFalse();
  }

  @Test
  void insecureSkipVerify() {
    assertThat(
            ok("endpoint: tls://h\ntls: {insecure_skip_verify: true}").tls().insecureSkipVerify())
        .isTrue();
  }

  @Test
  void endpointProblems() {
    String fix =
        "Fix: write it as tls://host:6514, tcp://host:601 or udp://host:514 (IPv6: tls://[::1]:6514)";
    assertThat(problems("facility: user"))
        .containsExactly(
            "t.yaml:4:5: sinks.sl.endpoint: is required. Fix: set endpoint: to tls://host:6514, tcp://host:601 "
                + "or udp://host:514");
    assertThat(problems("endpoint: https://h:6514"))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: \"https://h:6514\" is not a udp://, tcp:// or tls:// endpoint. "
                + fix);
    assertThat(problems("endpoint: siem.example.com:514"))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: \"siem.example.com:514\" is not a udp://, tcp:// or tls:// endpoint. "
                + fix);
    assertThat(problems("endpoint: tcp://:601"))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: \"tcp://:601\" has no host (or an invalid one). "
                + fix);
    assertThat(problems("endpoint: tcp://h:601/x"))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: \"tcp://h:601/x\" has more than scheme://host:port. "
                + fix);
    // Credentials in the endpoint are refused without being echoed: they may be a password.
    assertThat(problems("endpoint: tcp://u:SYSPW@h:601"))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: the endpoint must not contain credentials. " + fix);
    assertThat(problems("endpoint: \"tcp://u:SYSPW@h h:601\""))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: \"tcp://***@h h:601\" is not a valid endpoint: Illegal"
                + " character in authority. "
                + fix);
    assertThat(problems("endpoint: tcp://h:70000"))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: \"tcp://h:70000\" has port 70000. Fix: use the receiver's port, "
                + "from 1 to 65535");
    assertThat(problems("endpoint: \"tcp://h h:601\""))
        .containsExactly(
            "t.yaml:5:15: sinks.sl.endpoint: \"tcp://h h:601\" is not a valid endpoint: Illegal character in "
                + "authority. "
                + fix);
  }

  @Test
  void framingProblems() {
    assertThat(problems("endpoint: tls://h\nframing: lf"))
        .containsExactly(
            "t.yaml:6:14: sinks.sl.framing: framing: lf cannot be used with tls:// (RFC 5425 requires octet "
                + "counting). Fix: remove framing: (tls:// always uses octet_counting)");
    assertThat(problems("endpoint: udp://h\nframing: octet_counting"))
        .containsExactly(
            "t.yaml:6:14: sinks.sl.framing: framing does not apply to udp:// (one message per datagram). "
                + "Fix: remove framing:");
    assertThat(problems("endpoint: tcp://h\nframing: newline"))
        .containsExactly(
            "t.yaml:6:14: sinks.sl.framing: \"newline\" is not one of octet_counting, lf. Fix: use one of: "
                + "octet_counting, lf");
  }

  @Test
  void facilityAndSeverityProblems() {
    assertThat(problems("endpoint: tcp://h\nfacility: authpirv"))
        .containsExactly(
            "t.yaml:6:15: sinks.sl.facility: \"authpirv\" is not a syslog facility. Fix: use a name (kern, user, "
                + "mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, clock, "
                + "local0, local1, local2, local3, local4, local5, local6, local7) or a number from 0 to 23 "
                + "(did you mean \"authpriv\"?)");
    assertThat(problems("endpoint: tcp://h\nfacility: 24"))
        .hasSize(1)
        .allMatch(
            p -> p.startsWith("t.yaml:6:15: sinks.sl.facility: \"24\" is not a syslog facility."));
    assertThat(problems("endpoint: tcp://h\nseverity: {default: infos, failure: 8, fatal: 2}"))
        .containsExactly(
            "t.yaml:6:25: sinks.sl.severity.default: \"infos\" is not a syslog severity. Fix: use a name (emerg, "
                + "alert, crit, err, warning, notice, info, debug) or a number from 0 to 7 (did you mean "
                + "\"info\"?)",
            "t.yaml:6:41: sinks.sl.severity.failure: \"8\" is not a syslog severity. Fix: use a name (emerg, "
                + "alert, crit, err, warning, notice, info, debug) or a number from 0 to 7",
            "t.yaml:6:44: sinks.sl.severity.fatal: unknown key \"fatal\". Fix: remove it, or use one of: default, "
                + "failure");
    assertThat(problems("endpoint: tcp://h\nseverity: warning"))
        .containsExactly(
            "t.yaml:6:15: sinks.sl.severity: expected a mapping, got \"warning\". Fix: write the "
                + "options indented under severity:");
  }

  @Test
  void headerFieldProblems() {
    assertThat(problems("endpoint: tcp://h\nhostname: my host"))
        .containsExactly(
            "t.yaml:6:15: sinks.sl.hostname: \"my host\" is not a valid syslog HOSTNAME. Fix: use 1 to 255 "
                + "printable ASCII characters without spaces, e.g. the host's fully qualified name");
    assertThat(problems("endpoint: tcp://h\napp_name: " + "a".repeat(49)))
        .containsExactly(
            "t.yaml:6:15: sinks.sl.app_name: \""
                + "a".repeat(49)
                + "\" is not a valid syslog APP-NAME. Fix: "
                + "use 1 to 48 printable ASCII characters without spaces");
    assertThat(problems("endpoint: tcp://h\nprotocol: rfc3164\napp_name: coder:d"))
        .containsExactly(
            "t.yaml:7:15: sinks.sl.app_name: \"coder:d\" is not a valid RFC 3164 TAG. Fix: use 1 to 32 letters, "
                + "digits, '_', '-' or '.'");
    assertThat(problems("endpoint: tcp://h\nsd_id: coder"))
        .containsExactly(
            "t.yaml:6:12: sinks.sl.sd_id: \"coder\" is not a private SD-ID. Fix: write name@<enterprise number>, "
                + "at most 32 printable ASCII characters without '=', ']', '\"' or spaces, e.g. coder@32473");
    assertThat(problems("endpoint: tcp://h\nsd_id: \"co]der@1\"")).hasSize(1);
    assertThat(problems("endpoint: udp://h\nprotocol: rfc3164\nbom: true\nstructured_data: true"))
        .containsExactly(
            "t.yaml:8:22: sinks.sl.structured_data: RFC 3164 messages have no structured data. Fix: remove "
                + "structured_data:",
            "t.yaml:7:10: sinks.sl.bom: the byte order mark is part of RFC 5424 only. Fix: remove bom:");
  }

  @Test
  void sizeProblems() {
    assertThat(problems("endpoint: udp://h\nmax_message_bytes: 65508"))
        .containsExactly(
            "t.yaml:6:24: sinks.sl.max_message_bytes: \"65508\" is out of range. Fix: use a size from 480 to "
                + "65507");
    assertThat(problems("endpoint: tcp://h\nmax_message_bytes: 100"))
        .containsExactly(
            "t.yaml:6:24: sinks.sl.max_message_bytes: \"100\" is out of range. Fix: use a size from 480 to 16MiB, "
                + "for example 1000000 or 64KiB");
    assertThat(ok("endpoint: udp://h\nmax_message_bytes: 65507").maxMessageBytes())
        .isEqualTo(65_507);
    assertThat(ok("endpoint: tcp://h\nmax_message_bytes: 16MiB").maxMessageBytes())
        .isEqualTo(16 << 20);
  }

  @Test
  void tlsProblems() {
    assertThat(problems("endpoint: tcp://h:601\ntls: {ca_file: ca.pem}"))
        .containsExactly(
            "t.yaml:6:10: sinks.sl.tls: tls: applies only to tls:// endpoints. Fix: remove tls:, or change the "
                + "endpoint to tls://h:601");
    assertThat(problems("endpoint: tls://h\ntls: {cert_file: c.pem}"))
        .containsExactly(
            "t.yaml:6:22: sinks.sl.tls.cert_file: cert_file is set without key_file. Fix: add key_file: with the "
                + "certificate's private key (PEM), or remove cert_file:");
    assertThat(problems("endpoint: tls://h\ntls: {key_file: k.pem}"))
        .containsExactly(
            "t.yaml:6:21: sinks.sl.tls.key_file: key_file is set without cert_file. Fix: add cert_file: with the "
                + "client certificate (PEM), or remove key_file:");
    assertThat(problems("endpoint: tls://h\ntls: {ca_file: ca.pem, insecure_skip_verify: true}"))
        .containsExactly(
            "t.yaml:6:50: sinks.sl.tls.insecure_skip_verify: insecure_skip_verify: true ignores ca_file. Fix: "
                + "remove insecure_skip_verify: to verify the receiver against ca_file");
    assertThat(problems("endpoint: tls://h\ntls: {cafile: ca.pem}"))
        .containsExactly(
            "t.yaml:6:11: sinks.sl.tls.cafile: unknown key \"cafile\". Fix: remove it, or use one of: ca_file, "
                + "cert_file, insecure_skip_verify, key_file, key_password, key_password_file, "
                + "keystore_file, keystore_password, keystore_password_file, server_name (did you "
                + "mean \"ca_file\"?)");
  }

  @Test
  void streamOnlyKeysOnUdp() {
    assertThat(
            problems(
                "endpoint: udp://h\nconnect_timeout_secs: 5\nwrite_timeout_secs: 5\nkeep_alive_secs: 5\n"
                    + "replay_window_bytes: 1MiB"))
        .containsExactly(
            "t.yaml:6:27: sinks.sl.connect_timeout_secs: connect_timeout_secs applies only to tcp:// and "
                + "tls:// endpoints. Fix: remove connect_timeout_secs:",
            "t.yaml:7:25: sinks.sl.write_timeout_secs: write_timeout_secs applies only to tcp:// and "
                + "tls:// endpoints. Fix: remove write_timeout_secs:",
            "t.yaml:8:22: sinks.sl.keep_alive_secs: keep_alive_secs applies only to tcp:// and tls:// "
                + "endpoints. Fix: remove keep_alive_secs:",
            "t.yaml:9:26: sinks.sl.replay_window_bytes: replay_window_bytes applies only to tcp:// and "
                + "tls:// endpoints. Fix: remove replay_window_bytes:");
  }

  @Test
  void unknownKeyIsAnError() {
    assertThat(problems("endpoint: tcp://h\nport: 514"))
        .containsExactly(
            "t.yaml:6:5: sinks.sl.port: unknown key \"port\". Fix: remove it, or use one of: app_name, bom, "
                + "connect_timeout_secs, endpoint, facility, filter, format, framing, hostname, "
                + "keep_alive_secs, max_message_bytes, protocol, replay_window_bytes, retry, sd_id, severity, "
                + "spool, structured_data, tls, type, write_timeout_secs");
  }

  @Test
  void sampleConfigsLoad() {
    ConfigLoader loader = new ConfigLoader(k -> null, Registry.standard());
    ConfigLoader.Result json = loader.load(Path.of("samples/syslog-tls-json.yaml"));
    assertThat(json.problems()).isEmpty();
    SinkConfig js = json.config().sinks().get(0);
    assertThat(js.format()).isEqualTo("json");
    SyslogSinkConfig j = (SyslogSinkConfig) js.settings();
    assertThat(j.endpoint()).isEqualTo("tls://syslog.example.com:6514");
    assertThat(j.tls())
        .isEqualTo(
            new TlsSettings(
                Path.of("/etc/auditship/tls/ca.pem"),
                Path.of("/etc/auditship/tls/client.pem"),
                Path.of("/etc/auditship/tls/client.key"),
                null,
                false));
    assertThat(j.framing()).isEqualTo(Framing.OCTET_COUNTING);
    assertThat(j.replayWindowBytes()).isEqualTo(1024 * 1024);

    ConfigLoader.Result human =
        new ConfigLoader(k -> k.equals("SYSLOG_HOST") ? "siem.internal" : null, Registry.standard())
            .load(Path.of("samples/syslog-tls-human.yaml"));
    assertThat(human.problems()).isEmpty();
    SinkConfig hs = human.config().sinks().get(0);
    assertThat(hs.format()).isEqualTo("human");
    SyslogSinkConfig h = (SyslogSinkConfig) hs.settings();
    assertThat(h.endpoint()).isEqualTo("tls://siem.internal:6514");
    assertThat(h.facility()).isEqualTo(20);
    assertThat(h.hostname()).isEqualTo("coder.example.com");
  }
}
