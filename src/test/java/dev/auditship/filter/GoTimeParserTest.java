package dev.auditship.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's time.Parse for Coder's two layouts: what it accepts, and its exact error text. */
class GoTimeParserTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2025-07-03|2025-07-03T00:00:00Z",
        "2024-02-29|2024-02-29T00:00:00Z",
        "0001-01-01|0001-01-01T00:00:00Z",
      })
  void datesParseAsUtcMidnight(String value, String instant) {
    GoTimeParser.Result r = GoTimeParser.parseDate(value);
    assertThat(r.error()).isNull();
    assertThat(r.instant()).isEqualTo(Instant.parse(instant));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "2025-13-01|parsing time \"2025-13-01\": month out of range",
        "2025-00-01|parsing time \"2025-00-01\": month out of range",
        "2025-02-30|parsing time \"2025-02-30\": day out of range",
        "2025-02-29|parsing time \"2025-02-29\": day out of range",
        "2025-01-00|parsing time \"2025-01-00\": day out of range",
        "2025-1-01|parsing time \"2025-1-01\" as \"2006-01-02\": cannot parse \"1-01\" as \"01\"",
        "2025-01-1|parsing time \"2025-01-1\" as \"2006-01-02\": cannot parse \"1\" as \"02\"",
        "foo|parsing time \"foo\" as \"2006-01-02\": cannot parse \"foo\" as \"2006\"",
        "20a5-01-01|parsing time \"20a5-01-01\" as \"2006-01-02\": cannot parse \"20a5-01-01\" as \"2006\"",
        "2025/01/01|parsing time \"2025/01/01\" as \"2006-01-02\": cannot parse \"/01/01\" as \"-\"",
        "2025-01-01T00:00:00Z|parsing time \"2025-01-01T00:00:00Z\": extra text: \"T00:00:00Z\"",
        "2025-01-01é|parsing time \"2025-01-01\\xc3\\xa9\": extra text: \"\\xc3\\xa9\"",
      })
  void dateErrorsAreGos(String value, String error) {
    GoTimeParser.Result r = GoTimeParser.parseDate(value);
    assertThat(r.instant()).isNull();
    assertThat(r.error()).isEqualTo(error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2025-07-01T00:00:00Z|2025-07-01T00:00:00Z",
        "2025-07-10T10:14:38.942776145Z|2025-07-10T10:14:38.942776145Z",
        "2025-07-01T10:00:00.5+02:00|2025-07-01T08:00:00.5Z",
        "2025-07-01T10:00:00-05:30|2025-07-01T15:30:00Z",
        // Go takes a comma before the fraction, more than nine digits (ignoring the rest), a
        // one-digit hour.
        "2025-07-01T10:00:00,25Z|2025-07-01T10:00:00.25Z",
        "2025-07-01T10:00:00.1234567891Z|2025-07-01T10:00:00.123456789Z",
        "2025-07-01T1:02:03Z|2025-07-01T01:02:03Z",
        // Offsets up to 24:60 pass Go's range test.
        "2025-07-01T00:00:00+24:00|2025-06-30T00:00:00Z",
      })
  void rfc3339NanoParses(String value, String instant) {
    GoTimeParser.Result r = GoTimeParser.parseRfc3339Nano(value);
    assertThat(r.error()).isNull();
    assertThat(r.instant()).isEqualTo(Instant.parse(instant));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "2025-07-01|parsing time \"2025-07-01\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"\" as \"T\"",
        "2025-07-01 10:00:00Z|parsing time \"2025-07-01 10:00:00Z\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \" 10:00:00Z\" as \"T\"",
        "2025-07-01T10:00:00|parsing time \"2025-07-01T10:00:00\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"\" as \"Z07:00\"",
        "2025-07-01T10:00:00+0200|parsing time \"2025-07-01T10:00:00+0200\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"+0200\" as \"Z07:00\"",
        "2025-07-01T10:00Z|parsing time \"2025-07-01T10:00Z\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"Z\" as \":\"",
        "2025-07-01T24:00:00Z|parsing time \"2025-07-01T24:00:00Z\": hour out of range",
        "2025-07-01T10:60:00Z|parsing time \"2025-07-01T10:60:00Z\": minute out of range",
        "2025-07-01T10:00:60Z|parsing time \"2025-07-01T10:00:60Z\": second out of range",
        "2025-07-01T10:00:00+25:00|parsing time \"2025-07-01T10:00:00+25:00\": time zone offset hour out of range",
        "2025-07-01T10:00:00Z trailing|parsing time \"2025-07-01T10:00:00Z trailing\": extra text: \" trailing\"",
      })
  void rfc3339NanoErrorsAreGos(String value, String error) {
    GoTimeParser.Result r = GoTimeParser.parseRfc3339Nano(value);
    assertThat(r.instant()).isNull();
    assertThat(r.error()).isEqualTo(error);
  }
}
