package dev.auditship.sink.syslog;

import static dev.auditship.testutil.TestEvents.event;
import static dev.auditship.testutil.TestEvents.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.event.Event;
import dev.auditship.event.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriorityTest {

  @ParameterizedTest(name = "{0} -> failed={1}")
  @CsvSource({
    "audit_workspace_build_start, false", // StatusCode 200
    "audit_user_login, false", // 201
    "edge_escaping, true", // 403
    "conn_ssh_disconnect_exit, true", // disconnected, exit code 127
    "conn_workspace_app, false", // web, HTTP 200
    "conn_port_forwarding, true", // web, HTTP 502
    "conn_ssh_connect, false", // connected, Code NULL
    "edge_multiline_reason, false", // disconnected, exit code 0
  })
  void failedActionsAreRecognised(String golden, boolean failed) {
    assertThat(Priority.failed(event(golden))).isEqualTo(failed);
  }

  @Test
  void statusBoundaryIs400() {
    Event e = event("audit_user_login");
    assertThat(Priority.failed(with(e, "StatusCode", Value.Num.of(399)))).isFalse();
    assertThat(Priority.failed(with(e, "StatusCode", Value.Num.of(400)))).isTrue();
    Event web = event("conn_workspace_app");
    assertThat(Priority.failed(with(web, "Code", Value.Num.of(399)))).isFalse();
    assertThat(Priority.failed(with(web, "Code", Value.Num.of(404)))).isTrue();
  }

  @Test
  void priIsFacilityTimesEightPlusSeverity() {
    Priority p = new Priority(10, 6, 4); // authpriv, info / warning
    assertThat(p.of(event("audit_user_login"))).isEqualTo(86);
    assertThat(p.of(event("edge_escaping"))).isEqualTo(84);
    assertThat(new Priority(23, 7, 0).of(event("audit_user_login"))).isEqualTo(191);
    assertThat(new Priority(23, 7, 0).of(event("edge_escaping"))).isEqualTo(184);
    assertThat(new Priority(0, 0, 0).of(event("audit_user_login"))).isZero();
  }

  @Test
  void outOfRangeValuesAreRefused() {
    assertThatThrownBy(() -> new Priority(24, 6, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Priority(10, 8, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
