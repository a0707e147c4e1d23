package dev.auditship.filter;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.auditship.event.Event;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.TestEvents;
import org.junit.jupiter.api.Test;

/**
 * Where Coder's own search tests (coderd/searchquery) and the exporter used to disagree (issue 11):
 * users Coder does not know, and fields an event does not carry.
 */
class CoderCompatibilityTest {

  @Test
  void aUserCoderDoesNotKnowIsAcceptedMatchesNothingAndIsWarnedAbout() {
    FakeResolver r = new FakeResolver(); // every name: not found
    for (String q :
        new String[] {
          "username:ghost",
          "user_email:ghost@example.com",
          "workspace_owner_email:ghost@example.com",
          "workspace_owner:ghost"
        }) {
      QueryCompiler.Compiled c = new QueryCompiler(r).compile(q);
      assertThat(c.errors()).as(q).isEmpty();
      String key = q.substring(0, q.indexOf(':'));
      String value = q.substring(q.indexOf(':') + 1);
      assertThat(c.warnings())
          .as(q)
          .containsExactly(
              "Query param \""
                  + key
                  + "\": Coder knows no user \""
                  + value
                  + "\", so this term matches no event (as in Coder); check the "
                  + (key.contains("email") ? "email" : "username"));
      for (TestEvents e :
          new TestEvents[] {
            TestEvents.login(),
            TestEvents.sshConnect(),
            TestEvents.workspaceApp(),
            TestEvents.portForward()
          }) {
        assertThat(c.filter().matches(e.event())).as(q).isFalse();
      }
    }
  }

  @Test
  void aKnownUserStillMatches() {
    FakeResolver r =
        new FakeResolver().answer("user:alice", NameResolver.Lookup.found(TestEvents.ALICE));
    QueryCompiler.Compiled c = new QueryCompiler(r).compile("kind:connection username:alice");
    assertThat(c.warnings()).isEmpty();
    assertThat(c.filter().matches(TestEvents.workspaceApp().event())).isTrue();
  }

  @Test
  void aTermOnAFieldTheEventLacksWarnsOncePerFieldAndMessage() {
    QueryCompiler.Compiled c = new QueryCompiler(NameResolver.NONE).compile("type:ssh");
    assertThat(c.ok()).isTrue();
    // A Coder branch that renamed Type: the event has no Type field.
    Event renamed = TestEvents.sshConnect().without("Type").with("ConnectionType", "ssh").event();
    try (LogCapture log = new LogCapture()) {
      assertThat(c.filter().matches(renamed)).isFalse();
      assertThat(c.filter().matches(renamed)).isFalse();
      assertThat(c.filter().matches(TestEvents.portForward().event())).isFalse(); // has Type
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "A filter term reads a field this kind of event does not carry, so it matches none of "
                  + "them (a Coder release with other field names?). field=Type msg=connection_log "
                  + "term=type:ssh filter=\"kind:connection type:ssh\"");
    }
    assertThat(c.filter().matches(TestEvents.sshConnect().event())).isTrue();
  }

  @Test
  void statusExcludesThePointInTimeTypesOfCodersCurrentSql() {
    // coderd/database/queries/connectionlogs.sql: status:ongoing/completed exclude
    // ('workspace_app', 'port_forwarding', 'tunnel').
    assertThat(CoderEnums.POINT_IN_TIME_TYPES)
        .containsExactlyInAnyOrder("workspace_app", "port_forwarding", "tunnel");
    EventFilter ongoing = new QueryCompiler(NameResolver.NONE).compile("status:ongoing").filter();
    assertThat(ongoing.matches(TestEvents.sshConnect().event())).isTrue();
    assertThat(ongoing.matches(TestEvents.sshConnect().with("Type", "tunnel").event())).isFalse();
    assertThat(ongoing.matches(TestEvents.workspaceApp().event())).isFalse();
  }
}
