package dev.auditship.sink.hec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.ConfigLoader;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.Problem;
import dev.auditship.config.Problems;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.TlsSettings;
import dev.auditship.registry.Registry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code type: splunk_hec} options: defaults, every key, and the exact problem texts. */
class HecConfigTest {

  private static ConfigLoader.Result load(String sinkYaml) {
    String text = "source: {type: stdin}\nsinks:\n  splunk:\n" + sinkYaml.indent(4);
    return new ConfigLoader(Map.of("SPLUNK_HEC_TOKEN", HecFixtures.TOKEN)::get, Registry.standard())
        .load(text, new Problems("c.yaml"));
  }

  private static HecSinkConfig hec(String sinkYaml) {
    ConfigLoader.Result r = load(sinkYaml);
    assertThat(r.problems()).isEmpty();
    return (HecSinkConfig) r.config().sinks().get(0).settings();
  }

  private static List<String> problems(String sinkYaml) {
    return load(sinkYaml).problems().stream().map(Problem::render).toList();
  }

  @Test
  void defaults() throws Exception {
    ConfigLoader.Result r =
        load(
            "type: splunk_hec\nendpoint: https://splunk.example.com:8088\n"
                + "token: ${SPLUNK_HEC_TOKEN}");
    assertThat(r.problems()).isEmpty();
    SinkConfig sc = r.config().sinks().get(0);
    assertThat(sc.format()).isEqualTo("json");
    HecSinkConfig h = (HecSinkConfig) sc.settings();
    assertThat(h.network()).isTrue();
    assertThat(h.endpoint()).isEqualTo(URI.create("https://splunk.example.com:8088"));
    assertThat(h.token().value()).isEqualTo(HecFixtures.TOKEN);
    assertThat(h.index()).isNull();
    assertThat(h.source()).isNull();
    assertThat(h.auditSourcetype()).isEqualTo("coder:audit");
    assertThat(h.connectionSourcetype()).isEqualTo("coder:connection");
    assertThat(h.host()).isNull();
    assertThat(h.fields()).isEmpty();
    assertThat(h.maxEvents()).isEqualTo(500);
    assertThat(h.maxBytes()).isEqualTo(1_000_000);
    assertThat(h.gzip()).isFalse();
    assertThat(h.tls()).isEqualTo(TlsSettings.DEFAULT);
    assertThat(h.proxy()).isNull();
    assertThat(h.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(h.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(h.ack())
        .isEqualTo(new HecSinkConfig.Ack(false, Duration.ofSeconds(10), Duration.ofSeconds(300)));
    assertThat(h.healthCheck()).isTrue();
  }

  @Test
  void everyKey() {
    HecSinkConfig h =
        hec(
            """
                type: splunk_hec
                format: human
                endpoint: https://splunk.example.com:8088/hec-prefix
                token_file: /etc/auditship/hec-token
                index: coder
                source: coderd
                sourcetype: coder:event
                connection_sourcetype: coder:conn
                host: coder-1
                fields: {team: platform, env: prod}
                max_events: 100
                max_bytes: 512KiB
                gzip: true
                tls: {ca_file: /etc/ssl/splunk-ca.pem, cert_file: /etc/ssl/c.pem, key_file: /etc/ssl/c.key}
                proxy: http://proxy.example.com:3128
                connect_timeout_secs: 3
                request_timeout_secs: 2m
                ack: {enabled: true, poll_interval_secs: 5, timeout_secs: 120}
                health_check: false
                retry: {pause_probe_secs: 10}
                """);
    assertThat(h.endpoint()).isEqualTo(URI.create("https://splunk.example.com:8088/hec-prefix"));
    assertThat(h.token().file()).isEqualTo(Path.of("/etc/auditship/hec-token"));
    assertThat(h.index()).isEqualTo("coder");
    assertThat(h.source()).isEqualTo("coderd");
    assertThat(h.auditSourcetype()).isEqualTo("coder:event");
    assertThat(h.connectionSourcetype()).isEqualTo("coder:conn");
    assertThat(h.host()).isEqualTo("coder-1");
    assertThat(h.fields()).isEqualTo(Map.of("team", "platform", "env", "prod"));
    assertThat(h.maxEvents()).isEqualTo(100);
    assertThat(h.maxBytes()).isEqualTo(512 * 1024);
    assertThat(h.gzip()).isTrue();
    assertThat(h.tls())
        .isEqualTo(
            new TlsSettings(
                Path.of("/etc/ssl/splunk-ca.pem"),
                Path.of("/etc/ssl/c.pem"),
                Path.of("/etc/ssl/c.key"),
                null,
                false));
    assertThat(h.proxy()).isEqualTo(URI.create("http://proxy.example.com:3128"));
    assertThat(h.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(h.requestTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(h.ack())
        .isEqualTo(new HecSinkConfig.Ack(true, Duration.ofSeconds(5), Duration.ofSeconds(120)));
    assertThat(h.healthCheck()).isFalse();
  }

  @Test
  void aMissingTokenFileIsNotAConfigProblem() {
    // It may be mounted later (a Kubernetes secret); the sink reports it at run time and keeps the
    // events.
    assertThat(Files.exists(Path.of("/nonexistent/hec-token"))).isFalse();
    assertThat(
            problems(
                "type: splunk_hec\nendpoint: https://s:8088\ntoken_file: /nonexistent/hec-token"))
        .isEmpty();
  }

  @Test
  void theInlineTokenIsNeverPrinted() {
    HecSinkConfig h = hec("type: splunk_hec\nendpoint: https://s:8088\ntoken: ${SPLUNK_HEC_TOKEN}");
    assertThat(h.toString())
        .doesNotContain(HecFixtures.TOKEN)
        .contains("token=Secret[inline, redacted]");
  }

  static Stream<List<String>> badConfigs() {
    return Stream.of(
        List.of(
            "type: splunk_hec\ntoken: x",
            "c.yaml:4:5: sinks.splunk.endpoint: is required. Fix: set endpoint: https://host[:port]"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088",
            "c.yaml:4:5: sinks.splunk.token: is required. Fix: set token: ${ENV_VAR} or token_file: "
                + "/path/to/token"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088/services/collector/event\ntoken: x",
            "c.yaml:5:15: sinks.splunk.endpoint: \"https://s:8088/services/collector/event\" includes the "
                + "HEC path /services/collector/event. Fix: write only the base URL, e.g. endpoint: "
                + "https://s:8088 (the sink posts to /services/collector/event itself)"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088/services/collector\ntoken: x",
            "c.yaml:5:15: sinks.splunk.endpoint: \"https://s:8088/services/collector\" includes the HEC "
                + "path /services/collector. Fix: write only the base URL, e.g. endpoint: https://s:8088 "
                + "(the sink posts to /services/collector/event itself)"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088?x=1\ntoken: x",
            "c.yaml:5:15: sinks.splunk.endpoint: \"https://s:8088?x=1\" has a query or fragment. Fix: "
                + "write only scheme, host, port (and a path prefix if a reverse proxy needs one)"),
        List.of(
            "type: splunk_hec\nendpoint: s:8088\ntoken: x",
            "c.yaml:5:15: sinks.splunk.endpoint: \"s:8088\" is not an http:// or https:// URL. Fix: write "
                + "it as https://host[:port]"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\ntoken_file: /t",
            "c.yaml:6:12: sinks.splunk.token: both token and token_file are set. Fix: keep only one of them"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nindex: \"\"",
            "c.yaml:7:12: sinks.splunk.index: is empty. Fix: remove index: to use the default, or give a value"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nfields: {team: {name: x}}",
            "c.yaml:7:20: sinks.splunk.fields.team: expected a single value, got a mapping. Fix: indexed "
                + "fields must be flat strings"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nmax_bytes: 100",
            "c.yaml:7:16: sinks.splunk.max_bytes: \"100\" is out of range. Fix: use a size from 1KiB to "
                + "800MiB, for example 1000000, 64KiB or 100MiB"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nconcurrency: 5",
            "c.yaml:7:18: sinks.splunk.concurrency: 5 is out of range. Fix: use a whole number from 1 to 4"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nmax_events: 0",
            "c.yaml:7:17: sinks.splunk.max_events: 0 is out of range. Fix: use a whole number from 1 to 100000"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\ntls: {cert_file: /c.pem}",
            "c.yaml:7:22: sinks.splunk.tls.cert_file: cert_file and key_file go together (mTLS). Fix: set "
                + "both cert_file and key_file, or neither"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\n"
                + "tls: {ca_file: /ca.pem, insecure_skip_verify: true}",
            "c.yaml:7:51: sinks.splunk.tls.insecure_skip_verify: insecure_skip_verify turns off the "
                + "verification ca_file is for. Fix: remove insecure_skip_verify: and keep ca_file"),
        List.of(
            "type: splunk_hec\nendpoint: http://s:8088\ntoken: x\ntls: {ca_file: /ca.pem}",
            "c.yaml:7:10: sinks.splunk.tls: TLS options are set but endpoint is http://. Fix: use an "
                + "https:// endpoint, or remove tls:"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\ntls: {verify: false}",
            "c.yaml:7:11: sinks.splunk.tls.verify: unknown key \"verify\". Fix: remove it, or use one of: "
                + "ca_file, cert_file, insecure_skip_verify, key_file, key_password, "
                + "key_password_file, keystore_file, keystore_password, keystore_password_file, "
                + "server_name"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nproxy: https://p:3128",
            "c.yaml:7:12: sinks.splunk.proxy: only http:// proxies are supported (an https endpoint is "
                + "tunnelled through them with CONNECT). Fix: write the proxy as http://host:port"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nack: {enabled: true, poll_interval_secs: 30, "
                + "timeout_secs: 10}",
            "c.yaml:7:64: sinks.splunk.ack.timeout_secs: is shorter than poll_interval_secs. Fix: make "
                + "timeout_secs at least poll_interval_secs"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nproxy: http://p:3128\n"
                + "proxy_user: u",
            "c.yaml:8:17: sinks.splunk.proxy_user: proxy_user and proxy_password go together. "
                + "Fix: set both, or neither"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nproxy_user: u\n"
                + "proxy_password: ${EMPTY:-pw}",
            "c.yaml:7:17: sinks.splunk.proxy_user: proxy credentials without proxy:. Fix: set "
                + "proxy: http://host:port (credentials for HTTPS_PROXY go in its URL)"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nproxy: http://u:PXPW@p:3128",
            "c.yaml:7:12: sinks.splunk.proxy: the URL must not contain credentials. Fix: remove "
                + "user:password@ and set proxy_user and proxy_password (or proxy_password_file)"),
        List.of(
            "type: splunk_hec\nendpoint: https://u:PW@s:8088\ntoken: x",
            "c.yaml:5:15: sinks.splunk.endpoint: the URL must not contain credentials. Fix: remove "
                + "user:password@ and use the token option"),
        List.of(
            "type: splunk_hec\nendpoint: \"https://u:PW@s s:8088\"\ntoken: x",
            "c.yaml:5:15: sinks.splunk.endpoint: \"https://***@s s:8088\" is not a valid URL: Illegal "
                + "character in authority. Fix: write it as https://host[:port]"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: \"SECRET-nl\\nX-Evil: 1\"",
            "c.yaml:6:12: sinks.splunk.token: holds characters that cannot be sent in an HTTP header "
                + "(white space, line breaks or non-ASCII); its value is not printed. Fix: set the "
                + "token Splunk shows for the HEC input"),
        List.of(
            "type: splunk_hec\nendpoint: https://s:8088\ntoken: x\nsourcetyp: x",
            "c.yaml:7:5: sinks.splunk.sourcetyp: unknown key \"sourcetyp\". Fix: remove it, or use one "
                + "of: ack, audit_sourcetype, concurrency, connect_timeout_secs, connection_sourcetype, "
                + "endpoint, "
                + "fields, filter, format, gzip, health_check, host, index, max_bytes, max_events, "
                + "proxy, proxy_password, proxy_password_file, proxy_user, request_timeout_secs, "
                + "retry, source, sourcetype, spool, tls, token, "
                + "token_file, type (did you mean \"sourcetype\"?)"));
  }

  @ParameterizedTest
  @MethodSource("badConfigs")
  void problemTexts(List<String> c) {
    assertThat(problems(c.get(0))).containsExactly(c.get(1));
  }

  @Test
  void samplesAreValid() {
    for (String name : List.of("samples/splunk-hec.yaml", "samples/splunk-hec-human.yaml")) {
      ConfigLoader.Result r = new ConfigLoader(k -> null, Registry.standard()).load(Path.of(name));
      assertThat(r.problems()).as(name).isEmpty();
      SinkConfig sc = r.config().sinks().get(0);
      assertThat(sc.type()).isEqualTo("splunk_hec");
      assertThat(sc.format()).isEqualTo(name.contains("human") ? "human" : "json");
    }
  }
}
