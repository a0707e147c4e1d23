package dev.auditship.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.testutil.TestEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Date and time bounds: date_from/date_to are whole UTC days, both ends included (date_to to the
 * end of the day, fractions included); connected_after/connected_before are inclusive instants.
 * Event times keep their offset and precision, so the comparison must be on the instant.
 */
class TimeBoundaryTest {

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
    "date_from:2025-07-03, 2025-07-03T00:00:00Z,                true",
    "date_from:2025-07-03, 2025-07-02T23:59:59.999999999Z,      false",
    "date_from:2025-07-03, 2025-07-03T08:01:17.49906Z,          true",
    // 01:30 at +02:00 is 23:30 UTC the day before
    "date_from:2025-07-03, 2025-07-03T01:30:00+02:00,           false",
    "date_from:2025-07-03, 2025-07-02T22:00:00-02:00,           true",
    "date_to:2025-07-03,   2025-07-03T00:00:00Z,                true",
    "date_to:2025-07-03,   2025-07-03T23:59:59Z,                true",
    // Coder stops at 23:59:59.000000; the exporter keeps the day's last second
    "date_to:2025-07-03,   2025-07-03T23:59:59.5Z,              true",
    "date_to:2025-07-03,   2025-07-03T23:59:59.999999999Z,      true",
    "date_to:2025-07-03,   2025-07-04T00:00:00Z,                false",
    "date_to:2025-07-03,   2025-07-04T01:00:00+02:00,           true",
    "date_to:2025-07-03,   2025-07-03T23:30:00-01:00,           false",
    "date_from:2025-07-03 date_to:2025-07-03, 2025-07-03T12:00:00Z, true",
    "date_from:2025-07-03 date_to:2025-07-03, 2025-07-04T12:00:00Z, false",
    "date_from:2024-02-29 date_to:2024-02-29, 2024-02-29T23:59:59.999Z, true",
  })
  void auditDays(String query, String time, boolean matches) {
    QueryCompiler.Compiled c = new QueryCompiler(NameResolver.NONE).compile(query);
    assertThat(c.errors()).isEmpty();
    assertThat(c.filter().matches(TestEvents.templateWrite().at(time).event())).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "connected_after:\"2025-07-10T10:14:38.942776145Z\"  | 2025-07-10T10:14:38.942776145Z | true",
        "connected_after:\"2025-07-10T10:14:38.942776145Z\"  | 2025-07-10T10:14:38.942776144Z | false",
        "connected_after:\"2025-07-10T10:14:38.942776145Z\"  | 2025-07-10T10:14:38.9427762Z   | true",
        // lower case t and z, as Coder's lower-casing leaves them, are accepted
        "connected_after:\"2025-07-10t10:00:00z\"            | 2025-07-10T10:00:00Z           | true",
        "connected_after:\"2025-07-10T12:00:00+02:00\"       | 2025-07-10T10:00:00Z           | true",
        "connected_after:\"2025-07-10T12:00:00+02:00\"       | 2025-07-10T09:59:59.999Z       | false",
        // an event time in a non-UTC zone (web events are not forced to UTC,
        // docs/coder-reference.md §3)
        "connected_after:\"2025-07-10T10:00:00Z\"            | 2025-07-10T12:00:00.000001+02:00 | true",
        "connected_after:\"2025-07-10T10:00:00Z\"            | 2025-07-10T11:59:59+02:00      | false",
        "connected_before:\"2025-07-10T12:00:00+02:00\"      | 2025-07-10T10:00:00Z           | true",
        "connected_before:\"2025-07-10T12:00:00+02:00\"      | 2025-07-10T10:00:00.000000001Z | false",
        "connected_before:\"2025-07-10T10:00:00,5Z\"         | 2025-07-10T10:00:00.5Z         | true",
        "connected_before:\"2025-07-10T10:00:00.5Z\"         | 2025-07-10T10:00:00.500000001Z | false",
        "connected_after:\"2025-07-10T00:00:00Z\" connected_before:\"2025-07-10T23:59:59.999999999Z\" | 2025-07-10T23:59:59.999999999Z | true",
        "connected_after:\"2025-07-10T00:00:00Z\" connected_before:\"2025-07-10T23:59:59.999999999Z\" | 2025-07-11T00:00:00Z | false",
      })
  void connectionInstants(String query, String time, boolean matches) {
    QueryCompiler.Compiled c = new QueryCompiler(NameResolver.NONE).compile(query.strip());
    assertThat(c.errors()).isEmpty();
    assertThat(c.filter().matches(TestEvents.sshConnect().at(time.strip()).event()))
        .isEqualTo(matches);
  }
}
