package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.config.Secret;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code validate --check-connectivity} against a fake Coder: each fault named with its fix. */
class CoderApiProbeTest {
  private FakeCoder coder;

  @BeforeEach
  void start() {
    coder = new FakeCoder();
  }

  @AfterEach
  void stop() {
    coder.close();
  }

  private static CoderApiSourceConfig config(URI endpoint, String token) {
    return new CoderApiSourceConfig(
        endpoint,
        Secret.of(token),
        CoderApiSourceConfig.KINDS,
        Duration.ofSeconds(30),
        100,
        "now",
        Map.of(),
        null,
        dev.auditship.config.TlsSettings.DEFAULT,
        Duration.ofSeconds(5),
        10_000,
        Duration.ofSeconds(120),
        CoderApiSourceConfig.DEFAULT_MAX_REQUESTS_PER_MINUTE);
  }

  @Test
  void anAuditorWithAPremiumLicenceOnARecentCoderPasses() {
    assertThat(CoderApiProbe.check(config(coder.endpoint(), "test-token"))).isEmpty();
    coder.role("owner");
    assertThat(CoderApiProbe.check(config(coder.endpoint(), "test-token"))).isEmpty();
  }

  @Test
  void aWrongTokenIsNamedWithItsFix() {
    assertThat(CoderApiProbe.check(config(coder.endpoint(), "wrong-token-value")))
        .containsExactly(
            "Coder refused the session token (HTTP 401: Invalid session token.: The session token is "
                + "not valid or has expired.): create a token with `coder tokens create --lifetime "
                + "8760h` as an Owner or Auditor and set token or token_file");
  }

  @Test
  void aMemberRoleAMissingLicenceAndNoConnectionLogsAreEachNamed() {
    coder.role("member");
    coder.auditEntitlement("not_entitled");
    coder.connectionLogs(false);
    List<String> problems = CoderApiProbe.check(config(coder.endpoint(), "test-token"));
    assertThat(problems)
        .containsExactly(
            "the token's user alice has neither the Owner nor the Auditor role (roles: member), so "
                + "Coder lists only the audit rows that user may read: give it the Auditor role (coder "
                + "users edit-roles alice --roles auditor) or use the token of an Auditor",
            "the licence does not allow audit logs (features.audit_log entitlement=not_entitled, "
                + "enabled=false): audit and connection logs need a Premium licence; add one with "
                + "`coder licenses add`",
            "this Coder release (v2.24.1) has no connection logs (GET /api/v2/connectionlog answered "
                + "404): upgrade Coder, or poll kinds: [audit]");
    assertThat(String.join(" ", problems)).doesNotContain("test-token");
  }

  @Test
  void aDeadPortIsNotReachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI dead = URI.create("http://127.0.0.1:" + port);
    assertThat(CoderApiProbe.check(config(dead, "test-token")))
        .singleElement()
        .asString()
        .startsWith("cannot reach Coder at " + dead + ": ")
        .endsWith(
            "; check endpoint, that Coder runs, and the network (tls.ca_file for a private CA)");
  }
}
