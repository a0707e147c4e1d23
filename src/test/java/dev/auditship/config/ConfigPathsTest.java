package dev.auditship.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Relative paths resolve against the installation directory when there is one, and state goes to
 * systemd's {@code $STATE_DIRECTORY} by default (docs/operations.md).
 */
class ConfigPathsTest {
  private static final String YAML =
      """
      source: {type: file, path: logs/coderd.log, follow: true}
      sinks:
        f: {type: file, path: out/e.log}
        h:
          type: splunk_hec
          endpoint: https://splunk.example:8088
          token_file: secrets/hec-token
          tls: {ca_file: /etc/ssl/ca.pem}
      """;

  private static AuditshipConfig load(Map<String, String> env, Path base) {
    ConfigLoader.Result r =
        new ConfigLoader(env::get, dev.auditship.registry.Registry.standard(), base)
            .load(YAML, new Problems("c.yaml"));
    assertThat(r.problems()).isEmpty();
    return r.config();
  }

  @Test
  void withAnInstallationDirectoryRelativePathsResolveAgainstItAbsoluteOnesStay() {
    AuditshipConfig c = load(Map.of(), Path.of("/opt/auditship"));
    assertThat(((FileSourceConfig) c.source().settings()).path())
        .isEqualTo(Path.of("/opt/auditship/logs/coderd.log"));
    assertThat(((FileSinkConfig) c.sinks().get(0).settings()).path())
        .isEqualTo(Path.of("/opt/auditship/out/e.log"));
    assertThat(((HecSinkConfig) c.sinks().get(1).settings()).tls().caFile())
        .isEqualTo(Path.of("/etc/ssl/ca.pem"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/opt/auditship/auditship-data"));
    assertThat(c.deadLetterFile())
        .isEqualTo(Path.of("/opt/auditship/auditship-data/dead-letters.ndjson"));
  }

  @Test
  void underSystemdTheDefaultDataDirIsTheStateDirectory() {
    AuditshipConfig c =
        load(Map.of("STATE_DIRECTORY", "/var/lib/auditship:/var/lib/other"), Path.of("/opt/a"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/auditship"));
    assertThat(c.rejectsFile()).isEqualTo(Path.of("/var/lib/auditship/rejects.ndjson"));
  }

  @Test
  void withoutAnInstallationDirectoryPathsStayRelativeToTheWorkingDirectory() {
    AuditshipConfig c = load(Map.of(), null);
    assertThat(((FileSourceConfig) c.source().settings()).path())
        .isEqualTo(Path.of("logs/coderd.log"));
    assertThat(c.dataDir()).isEqualTo(Path.of("auditship-data"));
  }
}
