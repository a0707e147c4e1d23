package dev.auditship.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.registry.Registry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code type: coder_api} and {@code type: file} with follow: every key, its default and its
 * errors.
 */
class SourceConfigTest {

  private static ConfigLoader.Result load(String yaml) {
    return new ConfigLoader(
            name -> name.equals("CODER_TOKEN") ? "s3cr3t-token" : null, Registry.standard())
        .load(yaml, new Problems("auditship.yaml"));
  }

  private static List<String> problems(String yaml) {
    return load(yaml).problems().stream().map(Problem::render).toList();
  }

  private static final String SINKS = "sinks:\n  out:\n    type: stdout\n";

  @Test
  void coderApiDefaults() {
    ConfigLoader.Result r =
        load(
            "source:\n  type: coder_api\n  endpoint: https://coder.example.com\n"
                + "  token: ${CODER_TOKEN}\n"
                + SINKS);
    assertThat(r.problems()).isEmpty();
    CoderApiSourceConfig c = (CoderApiSourceConfig) r.config().source().settings();
    assertThat(c.endpoint()).isEqualTo(URI.create("https://coder.example.com"));
    assertThat(c.kinds()).containsExactly("audit", "connection");
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.pageSize()).isEqualTo(100);
    assertThat(c.startAt()).isEqualTo("now");
    assertThat(c.q()).isEmpty();
    assertThat(c.checkpointFile()).isNull();
    assertThat(c.tls()).isEqualTo(TlsSettings.DEFAULT);
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxOpenConnections()).isEqualTo(10_000);
    assertThat(c.overlap()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.maxRequestsPerMinute()).isEqualTo(240); // under Coder's default of 512
    assertThat(c.toString()).doesNotContain("s3cr3t-token");
  }

  @Test
  void coderApiEveryKey() throws Exception {
    ConfigLoader.Result r =
        load(
            "source:\n  type: coder_api\n  endpoint: https://coder.example.com/\n"
                + "  token_file: /run/secrets/coder-token\n  kinds: [connection]\n  poll_interval_secs: 10\n"
                + "  page_size: 500\n  start_at: \"2025-07-01T00:00:00Z\"\n  q: \"type:ssh\"\n"
                + "  checkpoint_file: /var/lib/auditship/api.json\n  tls:\n    ca_file: /etc/coder/ca.pem\n"
                + "  timeout_secs: 5\n  max_open_connections: 50\n  overlap_secs: 5m\n"
                + "  max_requests_per_minute: 60\n"
                + SINKS);
    assertThat(r.problems()).isEmpty();
    CoderApiSourceConfig c = (CoderApiSourceConfig) r.config().source().settings();
    assertThat(c.token().file()).isEqualTo(Path.of("/run/secrets/coder-token"));
    assertThat(c.kinds()).containsExactly("connection");
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.pageSize()).isEqualTo(500);
    assertThat(c.startAt()).isEqualTo("2025-07-01T00:00:00Z");
    assertThat(c.q()).isEqualTo(Map.of("connection", "type:ssh"));
    assertThat(c.checkpointFile()).isEqualTo(Path.of("/var/lib/auditship/api.json"));
    assertThat(c.tls())
        .isEqualTo(new TlsSettings(Path.of("/etc/coder/ca.pem"), null, null, null, false));
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxOpenConnections()).isEqualTo(50);
    assertThat(c.overlap()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.maxRequestsPerMinute()).isEqualTo(60);
  }

  @Test
  void coderApiQueryPerKind() {
    ConfigLoader.Result r =
        load(
            "source:\n  type: coder_api\n  endpoint: https://coder.example.com\n"
                + "  token: ${CODER_TOKEN}\n  kinds: both\n  q:\n    audit: \"action:delete\"\n"
                + "    connection: \"type:ssh\"\n"
                + SINKS);
    assertThat(r.problems()).isEmpty();
    assertThat(((CoderApiSourceConfig) r.config().source().settings()).q())
        .isEqualTo(Map.of("audit", "action:delete", "connection", "type:ssh"));
  }

  @Test
  void kindsWithBothAreStillCheckedAndACheckpointFileMustNotBeADirectory() throws Exception {
    Path dir = Files.createTempDirectory("cp");
    try {
      assertThat(
              problems(
                  "source:\n  type: coder_api\n  endpoint: https://coder.example.com\n  token: t\n"
                      + "  kinds: [both, conection]\n  checkpoint_file: "
                      + dir
                      + "\n"
                      + SINKS))
          .containsExactly(
              "auditship.yaml:5:10: source.kinds: \"conection\" is not a kind of Coder event. Fix:"
                  + " use audit, connection or both, e.g. kinds: [audit, connection]",
              "auditship.yaml:6:20: source.checkpoint_file: is a directory ("
                  + dir
                  + "). Fix: give the path of a file; it is created when needed");
      assertThat(
              problems(
                  "source: {type: file, path: /var/log/coder/coderd.log, follow: true,"
                      + " checkpoint_file: "
                      + dir
                      + "}\n"
                      + SINKS))
          .containsExactly(
              "auditship.yaml:1:86: source.checkpoint_file: is a directory ("
                  + dir
                  + "). Fix: give the path of a file; it is created when needed");
    } finally {
      Files.delete(dir);
    }
  }

  @Test
  void coderApiProblemsAreAllReported() {
    assertThat(
            problems(
                "source:\n  type: coder_api\n  endpoint: ftp://coder\n  kinds: [audit, ssh]\n"
                    + "  start_at: yesterday\n  q: \"type:ssh\"\n  page_size: 0\n  tls:\n    ca_file: ca.pem\n"
                    + "    insecure_skip_verify: true\n  poll_secs: 3\n"
                    + SINKS))
        .containsExactly(
            "auditship.yaml:3:13: source.endpoint: \"ftp://coder\" is not an http:// or https:// URL. Fix: write "
                + "it as https://host[:port]",
            "auditship.yaml:2:3: source.token: is required. Fix: set token: ${ENV_VAR} or token_file: "
                + "/path/to/token",
            "auditship.yaml:4:10: source.kinds: \"ssh\" is not a kind of Coder event. Fix: use audit, connection "
                + "or both, e.g. kinds: [audit, connection]",
            "auditship.yaml:7:14: source.page_size: 0 is out of range. Fix: use a whole number from 1 to 10000",
            "auditship.yaml:5:13: source.start_at: \"yesterday\" is not now, beginning or an RFC 3339 time. Fix: "
                + "write start_at: now, start_at: beginning or e.g. start_at: \"2025-07-01T00:00:00Z\"",
            "auditship.yaml:10:27: source.tls.insecure_skip_verify: ca_file and insecure_skip_verify: true are "
                + "both set. Fix: keep ca_file and remove insecure_skip_verify",
            "auditship.yaml:11:3: source.poll_secs: unknown key \"poll_secs\". Fix: remove it, or use one of: "
                + "checkpoint_file, endpoint, kinds, max_open_connections, max_requests_per_minute, overlap_secs, page_size, "
                + "poll_interval_secs, q, start_at, timeout_secs, tls, token, token_file, type");
  }

  @Test
  void oneQueryForBothKindsIsRefused() {
    assertThat(
            problems(
                "source:\n  type: coder_api\n  endpoint: https://coder.example.com\n"
                    + "  token: ${CODER_TOKEN}\n  q: \"type:ssh\"\n"
                    + SINKS))
        .containsExactly(
            "auditship.yaml:5:6: source.q: one query for both kinds: Coder's audit and connection searches take "
                + "different keys, so it would be refused by one of them. Fix: write q: {audit: \"...\", "
                + "connection: \"...\"}, or poll one kind with kinds: [audit] or kinds: [connection]");
  }

  @Test
  void fileFollowKeys() {
    ConfigLoader.Result r =
        load(
            "source:\n  type: file\n  path: /var/log/coder/coderd.log\n  follow: true\n"
                + "  checkpoint_file: /var/lib/auditship/follow.json\n  start_at: end\n  poll_interval_ms: 100\n"
                + SINKS);
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().source().settings())
        .isEqualTo(
            new FileSourceConfig(
                Path.of("/var/log/coder/coderd.log"),
                true,
                Path.of("/var/lib/auditship/follow.json"),
                "end",
                Duration.ofMillis(100)));
    ConfigLoader.Result plain = load("source:\n  type: file\n  path: coderd.log\n" + SINKS);
    assertThat(plain.config().source().settings())
        .isEqualTo(new FileSourceConfig(Path.of("coderd.log")));
  }

  @Test
  void followOptionsWithoutFollowAreRefused() {
    assertThat(
            problems(
                "source:\n  type: file\n  path: coderd.log\n  start_at: middle\n"
                    + "  poll_interval_ms: 100\n"
                    + SINKS))
        .containsExactly(
            "auditship.yaml:4:13: source.start_at: \"middle\" is not one of beginning, end. Fix: use one of: "
                + "beginning, end",
            "auditship.yaml:4:13: source.start_at: start_at only applies when the file is followed. Fix: add "
                + "follow: true, or remove start_at",
            "auditship.yaml:5:21: source.poll_interval_ms: poll_interval_ms only applies when the file is "
                + "followed. Fix: add follow: true, or remove poll_interval_ms");
  }
}
