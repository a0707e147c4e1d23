package dev.auditship.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error text, exactly, and all of a query's errors at once. */
class QueryCompilerErrorTest {

  static final String RFC = "2006-01-02T15:04:05.999999999Z07:00";

  static Stream<Arguments> errors() {
    return Stream.of(
        // Coder's wording (docs/coder-reference.md §7.1-7.3).
        row("foo:bar", "\"foo\" is not a valid query param"),
        row("Foo:bar", "\"foo\" is not a valid query param"),
        row("search:x", "\"search\" is not a valid query param"),
        row("action:foo", "Query param \"action\" has invalid value: \"foo\" is not a valid value"),
        row(
            "resource_type:templates",
            "Query param \"resource_type\" has invalid value: \"templates\" is not a valid value"),
        row(
            "templates",
            "Query param \"resource_type\" has invalid value: \"templates\" is not a valid value"),
        // Bare words form one value, as in newer Coder.
        row(
            "workspace template",
            "Query param \"resource_type\" has invalid value: \"workspace template\" is not a valid value"),
        row(
            "build_reason:manual",
            "Query param \"build_reason\" has invalid value: \"manual\" is not a valid value"),
        row("type:http", "Query param \"type\" has invalid value: \"http\" is not a valid value"),
        row(
            "status:open",
            "Query param \"status\" has invalid value: \"open\" is not a valid value"),
        row(
            "kind:workspace",
            "Query param \"kind\" has invalid value: \"workspace\" is not a valid value"),
        row("resource_id:nope", "Query param \"resource_id\" must be a valid uuid"),
        row("request_id:1-1-1-1-1", "Query param \"request_id\" must be a valid uuid"),
        row("workspace_id:123", "Query param \"workspace_id\" must be a valid uuid"),
        row(
            "connection_id:zzzzzzzz-e3d0-43cb-a1b7-1f19802d7908",
            "Query param \"connection_id\" must be a valid uuid"),
        row(
            "date_from:2025-13-01",
            "Query param \"date_from\" must be a valid date format (2006-01-02): parsing time \"2025-13-01\": month out of range"),
        row(
            "date_to:yesterday",
            "Query param \"date_to\" must be a valid date format (2006-01-02): parsing time \"yesterday\" as \"2006-01-02\": cannot parse \"yesterday\" as \"2006\""),
        row(
            "date_from:\"2025-07-01T00:00:00Z\"",
            "Query param \"date_from\" must be a valid date format (2006-01-02): parsing time \"2025-07-01T00:00:00Z\": extra text: \"T00:00:00Z\""),
        row(
            "connected_after:2025-07-01",
            "Query param \"connected_after\" must be a valid date format ("
                + RFC
                + "): parsing time \"2025-07-01\" as \""
                + RFC
                + "\": cannot parse \"\" as \"T\""),
        // Coder upper-cases the term before parsing, and Go's message shows that.
        row(
            "connected_before:\"2025-07-01t10:00:00+0200\"",
            "Query param \"connected_before\" must be a valid date format ("
                + RFC
                + "): parsing time \"2025-07-01T10:00:00+0200\" as \""
                + RFC
                + "\": cannot parse \"+0200\" as \"Z07:00\""),
        row(
            "action:delete action:write",
            "Query param \"action\" provided more than once, found 2 times. Only provide 1 instance of this query param."),
        row(
            "type:ssh TYPE:vscode type:jetbrains",
            "Query param \"type\" provided more than once, found 3 times. Only provide 1 instance of this query param."),
        row(
            "workspace resource_type:template",
            "Query param \"resource_type\" provided more than once, found 2 times. Only provide 1 instance of this query param."),
        row("x:", "Query element \"x:\" cannot start or end with ':'"),
        row(":x", "Query element \":x\" cannot start or end with ':'"),
        row(
            "connected_after:2025-07-01T00:00:00Z",
            "Query element \"connected_after:2025-07-01T00:00:00Z\" can only contain 1 ':'"),

        // The exporter's own checks, where Coder would silently widen or misread the query.
        row(
            "action:\"\"",
            "Query param \"action\" has an empty value: give a value or remove the term"),
        row(
            "resource_target:\"my target",
            "Query element \"resource_target:\\\"my target\" has a '\"' that is never closed"),
        row(
            "action:delete type:ssh",
            "Query params \"action\" and \"type\" cannot be combined: \"action\" applies only to audit events and \"type\" only to connection events"),
        row(
            "status:ongoing workspace",
            "Query params \"resource_type\" (the bare word \"workspace\") and \"status\" cannot be combined: \"resource_type\" applies only to audit events and \"status\" only to connection events"),
        row(
            "kind:audit type:ssh",
            "Query param \"type\" applies only to connection events, but the query has kind:audit"),
        row(
            "kind:connection workspace",
            "Query param \"resource_type\" (the bare word \"workspace\") applies only to audit events, but the query has kind:connection"),
        row(
            "workspace_owner:me",
            "Query param \"workspace_owner\" has invalid value: \"me\" stands for the user signed in to the Coder dashboard, and the exporter has none; use the username or the user ID"),
        row(
            "kind:audit username:Me",
            "Query param \"username\" has invalid value: \"me\" stands for the user signed in to the Coder dashboard, and the exporter has none; use the username or the user ID"),

        // Names without a Coder URL and token: refused, with the fix.
        row(
            "organization:acme",
            "Query param \"organization\" has invalid value: the organization name \"acme\" must be looked up in Coder to get its ID, but no Coder URL and session token are configured; configure the Coder URL and session token, or use the organization ID (a UUID)"),
        row(
            "workspace_owner:alice",
            "Query param \"workspace_owner\" has invalid value: the username \"alice\" must be looked up in Coder to get its ID, but no Coder URL and session token are configured; configure the Coder URL and session token, or use the user ID (a UUID)"),
        row(
            "workspace_owner_email:alice@example.com",
            "Query param \"workspace_owner_email\" has invalid value: the email \"alice@example.com\" must be looked up in Coder to get its ID, but no Coder URL and session token are configured; configure the Coder URL and session token, or use workspace_owner:<user ID>"),
        row(
            "user_email:alice@example.com",
            "Query param \"user_email\" has invalid value: the email \"alice@example.com\" must be looked up in Coder to get its ID, but no Coder URL and session token are configured; configure the Coder URL and session token, or use username:<user ID>"),
        row(
            "username:alice",
            "Query param \"username\" has invalid value: the username \"alice\" must be looked up in Coder to get its ID, but no Coder URL and session token are configured; configure the Coder URL and session token, or use the user ID (a UUID), or add kind:audit to match only audit events, which carry the username"),
        row(
            "kind:connection username:alice",
            "Query param \"username\" has invalid value: the username \"alice\" must be looked up in Coder to get its ID, but no Coder URL and session token are configured; configure the Coder URL and session token, or use the user ID (a UUID)"));
  }

  private static Arguments row(String query, String error) {
    return Arguments.of(query, error);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("errors")
  void refusedWithTheExactText(String query, String error) {
    QueryCompiler.Compiled c = new QueryCompiler(NameResolver.NONE).compile(query);
    assertThat(c.ok()).isFalse();
    assertThat(c.errors()).containsExactly(error);
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    QueryCompiler.Compiled c =
        new QueryCompiler(NameResolver.NONE)
            .compile("foo:1 action:bar resource_id:x x: date_from:2025-02-30 action:baz");
    assertThat(c.errors())
        .containsExactly(
            "Query element \"x:\" cannot start or end with ':'",
            "\"foo\" is not a valid query param",
            "Query param \"action\" provided more than once, found 2 times. Only provide 1 instance of this query param.",
            "Query param \"resource_id\" must be a valid uuid",
            "Query param \"date_from\" must be a valid date format (2006-01-02): parsing time \"2025-02-30\": day out of range");
  }

  @Test
  void lookupFailuresUseCodersWordingForUnknownNames() {
    FakeResolver r =
        new FakeResolver()
            .answer(
                "organization:down",
                NameResolver.Lookup.unavailable(
                    "Coder answered HTTP 500 to GET /api/v2/organizations/down"));
    QueryCompiler.Compiled c =
        new QueryCompiler(r)
            .compile("organization:nowhere workspace_owner:ghost user_email:ghost@example.com");
    // Coder refuses an unknown organization (parseOrganization) but takes an unknown user as a
    // plain string that matches nothing: only the organization is an error here too.
    assertThat(c.errors())
        .containsExactly(
            "Query param \"organization\" has invalid value: organization \"nowhere\" either does not exist, or you are unauthorized to view it");

    assertThat(new QueryCompiler(r).compile("organization:down").errors())
        .containsExactly(
            "Query param \"organization\" has invalid value: the organization name \"down\" must be looked up in Coder to get its ID, but Coder answered HTTP 500 to GET /api/v2/organizations/down; check that Coder answers at the configured URL and accepts the session token, or use the organization ID (a UUID)");
  }

  @Test
  void auditOnlyUsernamesNeedNoLookup() {
    FakeResolver r = new FakeResolver();
    QueryCompiler.Compiled c = new QueryCompiler(r).compile("action:login username:alice");
    assertThat(c.errors()).isEmpty();
    assertThat(r.calls).isEmpty();
  }

  @Test
  void aResolverThatAnswersNoUuidIsUnavailable() {
    FakeResolver r =
        new FakeResolver().answer("organization:acme", NameResolver.Lookup.found("acme"));
    assertThat(new QueryCompiler(r).compile("organization:acme").errors())
        .singleElement()
        .asString()
        .contains("Coder gave \"acme\", which is not a UUID");
  }

  @Test
  void goQuotingInMessages() {
    QueryCompiler.Compiled c = new QueryCompiler(NameResolver.NONE).compile("action:\"tab\there\"");
    assertThat(c.errors())
        .containsExactly(
            "Query param \"action\" has invalid value: \"tab\\there\" is not a valid value");
    assertThat(List.of(GoQuote.q("é\u2028\u0001"))).containsExactly("\"é\\u2028\\x01\"");
  }
}
