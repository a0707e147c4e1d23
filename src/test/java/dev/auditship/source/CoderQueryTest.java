package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoderQueryTest {
  @Test
  void termsAreSplitOnSpacesOutsideQuotes() {
    assertThat(
            CoderQuery.terms(
                "  workspace_owner:alice  connected_after:\"2025-07-01T00:00:00Z\" type:ssh "))
        .containsExactly(
            "workspace_owner:alice", "connected_after:\"2025-07-01T00:00:00Z\"", "type:ssh");
    assertThat(CoderQuery.terms("username:\"a b\" x")).containsExactly("username:\"a b\"", "x");
    assertThat(CoderQuery.terms(null)).isEmpty();
  }

  @Test
  void valuesAreReadAsCoderReadsThem() {
    String q = "Workspace_Owner:Alice Status:\"Ongoing\"";
    assertThat(CoderQuery.value(q, "status")).isEqualTo("ongoing");
    assertThat(CoderQuery.value(q, "workspace_owner")).isEqualTo("alice");
    assertThat(CoderQuery.has(q, "connected_before")).isFalse();
    assertThat(CoderQuery.has("connection_id:x", "connection")).isFalse();
  }

  @Test
  void andJoinsTheTermsThatAreThere() {
    assertThat(CoderQuery.and(null, "status:ongoing")).isEqualTo("status:ongoing");
    assertThat(CoderQuery.and(" workspace_owner:alice ", null, "status:ongoing", ""))
        .isEqualTo("workspace_owner:alice status:ongoing");
  }
}
