package dev.auditship.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.Event;
import dev.auditship.testutil.TestEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code status:ongoing} is the connect event of a session, {@code status:completed} its disconnect
 * event; the point-in-time web types are neither (docs/coder-reference.md §7.3, §8). One row per
 * connection type and status.
 */
class StatusSemanticsTest {

  @ParameterizedTest(name = "{0} {1} connectionId={2}: ongoing={3} completed={4}")
  @CsvSource({
    // agent-reported session types
    "ssh,              connected,    true,  true,  false",
    "ssh,              disconnected, true,  false, true",
    "vscode,           connected,    true,  true,  false",
    "vscode,           disconnected, true,  false, true",
    "jetbrains,        connected,    true,  true,  false",
    "jetbrains,        disconnected, true,  false, true",
    "reconnecting_pty, connected,    true,  true,  false",
    "reconnecting_pty, disconnected, true,  false, true",
    // known session types qualify even if a line lacks the ConnectionID
    "ssh,              connected,    false, true,  false",
    // coderd's point-in-time events: never ongoing or completed, as in Coder
    "workspace_app,    connected,    false, false, false",
    "port_forwarding,  connected,    false, false, false",
    "tunnel,           connected,    false, false, false",
    "tunnel,           connected,    true,  false, false",
    "workspace_app,    disconnected, false, false, false",
    // types this exporter does not know: a session when it carries a ConnectionID
    "file_transfer,    connected,    true,  true,  false",
    "file_transfer,    disconnected, true,  false, true",
    "file_transfer,    connected,    false, false, false",
    "something_new,    disconnected, true,  false, true",
    "something_new,    connected,    false, false, false",
  })
  void statusPerConnectionType(
      String type, String status, boolean hasConnectionId, boolean ongoing, boolean completed) {
    TestEvents t =
        (status.equals("connected") ? TestEvents.sshConnect() : TestEvents.sshDisconnect())
            .with("Type", type)
            .with("ConnectionStatus", status);
    if (!hasConnectionId) {
      t.with("ConnectionID", null);
    }
    Event e = t.event();
    QueryCompiler compiler = new QueryCompiler(NameResolver.NONE);
    assertThat(compiler.compile("status:ongoing").filter().matches(e))
        .as("ongoing")
        .isEqualTo(ongoing);
    assertThat(compiler.compile("status:completed").filter().matches(e))
        .as("completed")
        .isEqualTo(completed);
    // status selects connection events; no status means every connection event.
    assertThat(compiler.compile("kind:connection").filter().matches(e)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"status:ongoing", "status:completed"})
  void auditEventsHaveNoStatus(String query) {
    QueryCompiler compiler = new QueryCompiler(NameResolver.NONE);
    assertThat(compiler.compile(query).filter().matches(TestEvents.templateWrite().event()))
        .isFalse();
    assertThat(compiler.compile(query).filter().matches(TestEvents.login().event())).isFalse();
  }
}
