package dev.auditship.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The naming scheme of rotated files. */
class RotatedNameTest {
  private static final String ACTIVE = "coder-events.log";

  @ParameterizedTest
  @CsvSource({
    "coder-events.log.20250703T071244.381Z,        2025-07-03T07:12:44.381Z, PLAIN",
    "coder-events.log.20250703T071244.381Z.gz,     2025-07-03T07:12:44.381Z, GZIP",
    "coder-events.log.20250703T071244.381Z.gz.tmp, 2025-07-03T07:12:44.381Z, GZIP_TMP",
    "coder-events.log.19700101T000000.000Z,        1970-01-01T00:00:00Z,     PLAIN",
    "coder-events.log.20241231T235959.999Z.gz,     2024-12-31T23:59:59.999Z, GZIP",
  })
  void namesRoundTrip(String name, String stamp, RotatedName.Kind kind) {
    RotatedName n = RotatedName.parse(ACTIVE, name);
    assertThat(n).isEqualTo(new RotatedName(ACTIVE, Instant.parse(stamp), kind));
    assertThat(n.fileName()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "coder-events.log",
        "coder-events.log.",
        "coder-events.log.1",
        "coder-events.log.bak",
        "coder-events.log.20250703T071244Z",
        "coder-events.log.20250703T071244.38Z",
        "coder-events.log.20251303T071244.381Z",
        "coder-events.log.20250703T251244.381Z",
        "coder-events.log.20250703T071244.381Z.zip",
        "coder-events.log.20250703T071244.381Z.tmp",
        "coder-events.log.20250703T071244.381",
        "other.log.20250703T071244.381Z",
        "coder-events.log2.20250703T071244.381Z",
        "xcoder-events.log.20250703T071244.381Z"
      })
  void otherNamesAreNotRotatedFiles(String name) {
    assertThat(RotatedName.parse(ACTIVE, name)).isNull();
  }

  @Test
  void theStampIsTruncatedToMillisecondsAndInUtc() {
    RotatedName n =
        new RotatedName(
            "a.log", Instant.parse("2025-07-03T07:12:44.381999Z"), RotatedName.Kind.PLAIN);
    assertThat(n.fileName()).isEqualTo("a.log.20250703T071244.381Z");
  }

  @Test
  void namesSortByTimeAsPlainStrings() {
    List<String> names = new ArrayList<>();
    Instant t = Instant.parse("2025-07-03T07:12:44.998Z");
    for (int i = 0; i < 5; i++) {
      RotatedName.Kind k = i % 2 == 0 ? RotatedName.Kind.GZIP : RotatedName.Kind.PLAIN;
      names.add(new RotatedName(ACTIVE, t.plusMillis(i), k).fileName());
    }
    names.add(
        new RotatedName(ACTIVE, Instant.parse("2025-07-03T08:00:00Z"), RotatedName.Kind.PLAIN)
            .fileName());
    names.add(
        new RotatedName(ACTIVE, Instant.parse("2025-12-01T00:00:00Z"), RotatedName.Kind.GZIP)
            .fileName());
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(null);
    assertThat(sorted).isEqualTo(names);
  }
}
