package dev.auditship.filter;

import static dev.auditship.testutil.TestEvents.ALICE;
import static dev.auditship.testutil.TestEvents.BOB;
import static dev.auditship.testutil.TestEvents.ORG;
import static dev.auditship.testutil.TestEvents.OTHER_ORG;
import static dev.auditship.testutil.TestEvents.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.event.Event;
import dev.auditship.testutil.TestEvents;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every key: a query, an event that must match it and one that must not. */
class QueryCompilerMatchTest {

  static final String RESOURCE =
      "4d5215ed-38bb-48ed-879a-fdb9ca58522f"; // template write's ResourceID
  static final String REQUEST =
      "266ea41d-adf5-480b-af50-15b940c2b846"; // template write's RequestID
  static final String WORKSPACE = "3c0b37c8-e58c-4980-b9a1-2732410480a5";
  static final String CONNECTION = "7a6fafdc-e3d0-43cb-a1b7-1f19802d7908"; // ssh connect/disconnect

  static final FakeResolver RESOLVER =
      new FakeResolver()
          .answer("organization:acme", NameResolver.Lookup.found(ORG))
          .answer("user:alice", NameResolver.Lookup.found(ALICE))
          .answer("user:Alice", NameResolver.Lookup.found(ALICE))
          .answer("email:alice@example.com", NameResolver.Lookup.found(ALICE));

  static Stream<Arguments> cases() {
    return Stream.of(
        // --- audit keys ---
        row("resource_type:template", TestEvents.templateWrite(), TestEvents.buildStart()),
        row("RESOURCE_TYPE:Template", TestEvents.templateWrite(), TestEvents.buildStart()),
        row("template", TestEvents.templateWrite(), TestEvents.buildStart()),
        row("workspace_build", TestEvents.buildStart(), TestEvents.templateWrite()),
        // A bare word selects audit events: a connection event never matches it.
        row("template", TestEvents.templateWrite(), TestEvents.sshConnect()),
        row("resource_id:" + RESOURCE, TestEvents.templateWrite(), TestEvents.buildStart()),
        row(
            "resource_id:" + RESOURCE.toUpperCase(),
            TestEvents.templateWrite(),
            TestEvents.buildStart()),
        row(
            "resource_id:" + RESOURCE.replace("-", ""),
            TestEvents.templateWrite(),
            TestEvents.buildStart()),
        row(
            "resource_id:" + ZERO,
            TestEvents.templateWrite().with("ResourceID", ZERO),
            TestEvents.templateWrite()),
        row(
            "resource_target:docker",
            TestEvents.templateWrite(),
            TestEvents.templateWrite().with("ResourceTarget", "docker-old")),
        // Mixed case matches, both ways (Coder could never match "Docker" here).
        row("resource_target:Docker", TestEvents.templateWrite(), TestEvents.buildStart()),
        row(
            "resource_target:docker",
            TestEvents.templateWrite().with("ResourceTarget", "Docker"),
            TestEvents.buildStart()),
        row(
            "resource_target:\"colin's organization\"",
            TestEvents.templateWrite().with("ResourceTarget", "colin's organization"),
            TestEvents.templateWrite().with("ResourceTarget", "colin's")),
        row(
            "action:delete",
            TestEvents.templateWrite().with("Action", "delete"),
            TestEvents.templateWrite()),
        row(
            "action:DELETE",
            TestEvents.templateWrite().with("Action", "delete"),
            TestEvents.sshDisconnect()),
        row(
            "action:request_password_reset",
            TestEvents.templateWrite().with("Action", "request_password_reset"),
            TestEvents.templateWrite()),
        row(
            "email:alice@example.com",
            TestEvents.templateWrite(),
            TestEvents.templateWrite().actor(BOB, "bob@example.com", "bob")),
        row(
            "email:Alice@Example.COM",
            TestEvents.templateWrite().actor(ALICE, "ALICE@example.com", "alice"),
            TestEvents.templateWrite().actor(ZERO, "", "")),
        row(
            "kind:audit username:alice",
            TestEvents.templateWrite(),
            TestEvents.templateWrite().actor(BOB, "bob@example.com", "bob")),
        row(
            "kind:audit username:ALICE",
            TestEvents.templateWrite().actor(ALICE, "a@example.com", "Alice"),
            TestEvents.templateWrite().actor(BOB, "bob@example.com", "bob")),
        row("action:write username:alice", TestEvents.templateWrite(), TestEvents.sshConnect()),
        row(
            "date_from:2025-07-03",
            TestEvents.templateWrite(),
            TestEvents.templateWrite().at("2025-07-02T23:59:59Z")),
        row(
            "date_to:2025-07-03",
            TestEvents.templateWrite(),
            TestEvents.templateWrite().at("2025-07-04T00:00:00Z")),
        row(
            "date_from:2025-07-03 date_to:2025-07-03",
            TestEvents.templateWrite(),
            TestEvents.templateWrite().at("2025-07-04T10:00:00Z")),
        row("organization:" + ORG, TestEvents.templateWrite(), TestEvents.login()),
        row(
            "organization:acme",
            TestEvents.templateWrite(),
            TestEvents.templateWrite().with("OrganizationID", OTHER_ORG)),
        // The all-zero organization is the site-wide one; Coder ignores the term, the exporter
        // matches it.
        row("organization:" + ZERO, TestEvents.login(), TestEvents.templateWrite()),
        row(
            "build_reason:initiator",
            TestEvents.buildStart(),
            TestEvents.buildStart()
                .withJson("AdditionalFields", "{\"build_reason\":\"autostart\"}")),
        row(
            "build_reason:autostart",
            TestEvents.buildStart()
                .withJson("AdditionalFields", "{\"build_reason\":\"autostart\"}"),
            TestEvents.templateWrite()),
        row("request_id:" + REQUEST, TestEvents.templateWrite(), TestEvents.buildStart()),
        // request_id is an audit key: a connection event's request_id context field is not read.
        row(
            "request_id:916ad077-e120-4861-8640-f449d56d2bae",
            TestEvents.templateWrite().with("RequestID", "916ad077-e120-4861-8640-f449d56d2bae"),
            TestEvents.sshConnect()),
        row("kind:audit", TestEvents.login(), TestEvents.sshConnect()),
        row("KIND:Audit action:login", TestEvents.login(), TestEvents.templateWrite()),

        // --- connection keys ---
        row("kind:connection", TestEvents.workspaceApp(), TestEvents.templateWrite()),
        row("type:ssh", TestEvents.sshConnect(), TestEvents.workspaceApp()),
        row("type:SSH", TestEvents.sshDisconnect(), TestEvents.portForward()),
        row("type:port_forwarding", TestEvents.portForward(), TestEvents.workspaceApp()),
        row(
            "type:tunnel",
            TestEvents.workspaceApp().with("Type", "tunnel"),
            TestEvents.workspaceApp()),
        row(
            "workspace_owner:" + ALICE,
            TestEvents.sshConnect(),
            TestEvents.sshConnect().with("WorkspaceOwnerID", BOB)),
        row(
            "workspace_owner:alice",
            TestEvents.sshConnect(),
            TestEvents.sshConnect().with("WorkspaceOwnerID", BOB)),
        row(
            "workspace_owner_email:alice@example.com",
            TestEvents.sshConnect(),
            TestEvents.sshConnect().with("WorkspaceOwnerID", BOB)),
        // username on connection events is the user who opened a web app or port (UserID).
        row("kind:connection username:alice", TestEvents.workspaceApp(), TestEvents.sshConnect()),
        row(
            "username:alice",
            TestEvents.templateWrite(),
            TestEvents.workspaceApp().with("UserID", BOB)),
        row(
            "username:alice",
            TestEvents.workspaceApp(),
            TestEvents.templateWrite().actor(BOB, "b@x", "bob")),
        row("username:" + ALICE, TestEvents.portForward(), TestEvents.sshConnect()),
        row(
            "username:" + ALICE,
            TestEvents.login(),
            TestEvents.login().with("UserID", BOB).actor(BOB, "b@x", "bob")),
        row(
            "user_email:alice@example.com",
            TestEvents.workspaceApp(),
            TestEvents.workspaceApp().with("UserID", BOB)),
        row(
            "organization:acme",
            TestEvents.sshConnect(),
            TestEvents.sshConnect().with("OrganizationID", OTHER_ORG)),
        row("organization:" + ORG.toUpperCase(), TestEvents.sshConnect(), TestEvents.login()),
        row(
            "workspace_id:" + WORKSPACE,
            TestEvents.sshConnect(),
            TestEvents.sshConnect().with("WorkspaceID", BOB)),
        row("connection_id:" + CONNECTION, TestEvents.sshDisconnect(), TestEvents.workspaceApp()),
        row(
            "connected_after:\"2025-07-10T10:14:38.942776145Z\"",
            TestEvents.sshConnect(),
            TestEvents.workspaceApp()),
        row(
            "connected_before:\"2025-07-10T00:00:00Z\"",
            TestEvents.workspaceApp(),
            TestEvents.sshConnect()),
        row("status:ongoing", TestEvents.sshConnect(), TestEvents.sshDisconnect()),
        row("status:completed", TestEvents.sshDisconnect(), TestEvents.sshConnect()),
        row("Status:Completed", TestEvents.sshDisconnect(), TestEvents.workspaceApp()),

        // --- combinations: every term must match ---
        row(
            "type:ssh status:completed workspace_owner:alice",
            TestEvents.sshDisconnect(),
            TestEvents.sshDisconnect().with("WorkspaceOwnerID", BOB)),
        row(
            "type:ssh status:completed workspace_owner:alice",
            TestEvents.sshDisconnect(),
            TestEvents.sshConnect()),
        row(
            "resource_type:template action:delete date_from:2025-01-01",
            TestEvents.templateWrite().with("Action", "delete"),
            TestEvents.templateWrite().with("Action", "delete").at("2024-12-31T23:59:59.999Z")),
        row(
            "organization:acme type:workspace_app",
            TestEvents.workspaceApp(),
            TestEvents.portForward()),
        row("organization:acme", TestEvents.templateWrite(), TestEvents.login()));
  }

  private static Arguments row(String query, TestEvents match, TestEvents noMatch) {
    return Arguments.of(query, match.event(), noMatch.event());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void matchesAndRejects(String query, Event match, Event noMatch) {
    QueryCompiler.Compiled c = new QueryCompiler(RESOLVER).compile(query);
    assertThat(c.errors()).isEmpty();
    assertThat(c.ok()).isTrue();
    assertThat(c.filter().matches(match)).as("must match %s", match).isTrue();
    assertThat(c.filter().matches(noMatch)).as("must not match %s", noMatch).isFalse();
  }

  @Test
  void noQueryMeansEverythingPasses() {
    QueryCompiler compiler = new QueryCompiler(NameResolver.NONE);
    for (String q : new String[] {null, "", "   ", "\n"}) {
      QueryCompiler.Compiled c = compiler.compile(q);
      assertThat(c.ok()).isTrue();
      assertThat(c.filter()).isSameAs(EventFilter.ALL);
    }
    assertThat(EventFilter.ALL.matches(TestEvents.sshConnect().event())).isTrue();
  }

  @Test
  void aRefusedQueryNeverMatchesSilently() {
    QueryCompiler.Compiled c = new QueryCompiler(NameResolver.NONE).compile("action:nope");
    assertThat(c.ok()).isFalse();
    Event e = TestEvents.templateWrite().event();
    assertThatThrownBy(() -> c.filter().matches(e))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("action");
  }

  @Test
  void idsNeedNoResolver() {
    QueryCompiler compiler = new QueryCompiler(NameResolver.NONE);
    QueryCompiler.Compiled c =
        compiler.compile(
            "organization:"
                + ORG
                + " workspace_owner:"
                + ALICE
                + " username:"
                + ALICE
                + " type:workspace_app");
    assertThat(c.errors()).isEmpty();
    assertThat(c.filter().matches(TestEvents.workspaceApp().event())).isTrue();
  }

  @Test
  void normalFormNamesTheKindAndResolvedIds() {
    QueryCompiler.Compiled c =
        new QueryCompiler(RESOLVER).compile("Type:SSH  organization:acme status:ongoing");
    assertThat(c.filter())
        .hasToString("kind:connection type:ssh organization:" + ORG + " status:ongoing");
  }
}
