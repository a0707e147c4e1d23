package dev.auditship.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Coder's searchTerms tokenising (docs/coder-reference.md §7.1), term by term. */
class QuerySyntaxTest {

  static Stream<Arguments> splits() {
    return Stream.of(
        Arguments.of("action:delete", List.of("action=delete"), List.of()),
        Arguments.of("Action:DELETE", List.of("action=DELETE"), List.of()),
        Arguments.of(
            "  action:delete   resource_type:template ",
            List.of("action=delete", "resource_type=template"),
            List.of()),
        // Tabs and newlines separate terms too (a multi-line YAML value).
        Arguments.of(
            "action:delete\n\tresource_type:template",
            List.of("action=delete", "resource_type=template"),
            List.of()),
        // Bare words are joined into one term, placed after the keyed ones (newer Coder).
        Arguments.of(
            "workspace action:create template",
            List.of("action=create", "<bare>=workspace template"),
            List.of()),
        // Quotes keep spaces and colons in a value; they are stripped.
        Arguments.of(
            "resource_target:\"my target\"", List.of("resource_target=my target"), List.of()),
        Arguments.of(
            "connected_after:\"2025-07-01T00:00:00Z\"",
            List.of("connected_after=2025-07-01T00:00:00Z"),
            List.of()),
        Arguments.of("\"action\":delete", List.of("action=delete"), List.of()),
        // A quoted word with a colon is one bare value, as in Coder.
        Arguments.of("\"a:b\"", List.of("<bare>=a:b"), List.of()),
        // Go's FieldsFunc: a run of ':' splits once.
        Arguments.of("action::delete", List.of("action=delete"), List.of()),
        Arguments.of(
            "action:",
            List.of(),
            List.of("Query element \"action:\" cannot start or end with ':'")),
        Arguments.of(
            ":delete",
            List.of(),
            List.of("Query element \":delete\" cannot start or end with ':'")),
        Arguments.of(
            "connected_after:2025-07-01T00:00:00Z",
            List.of(),
            List.of(
                "Query element \"connected_after:2025-07-01T00:00:00Z\" can only contain 1 ':'")),
        // Every bad element is reported, not only the first.
        Arguments.of(
            "a: type:ssh b:c:d",
            List.of("type=ssh"),
            List.of(
                "Query element \"a:\" cannot start or end with ':'",
                "Query element \"b:c:d\" can only contain 1 ':'")),
        Arguments.of(
            "type:ssh resource_target:\"open ended",
            List.of("type=ssh"),
            List.of(
                "Query element \"resource_target:\\\"open ended\" has a '\"' that is never closed")),
        Arguments.of("   ", List.of(), List.of()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("splits")
  void splitsLikeCoder(String query, List<String> terms, List<String> errors) {
    QuerySyntax.Split s = QuerySyntax.split(query);
    assertThat(s.terms())
        .extracting(t -> (t.bare() ? "<bare>" : t.key()) + "=" + t.value())
        .containsExactlyElementsOf(terms);
    assertThat(s.errors()).containsExactlyElementsOf(errors);
  }
}
