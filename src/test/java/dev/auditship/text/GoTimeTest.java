package dev.auditship.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoTimeTest {
  @ParameterizedTest
  @CsvSource({
    "2025-07-03T07:12:44.381926Z, 1751526764.381926",
    "2025-07-03T07:12:44Z, 1751526764.000000",
    "2025-07-03T09:12:44.5+02:00, 1751526764.500000",
    "2025-07-10T10:14:38.942776145Z, 1752142478.942776",
    "1969-12-31T23:59:55.000123Z, -4.999877",
    "1969-12-31T23:59:55Z, -5.000000",
    "1970-01-01T00:00:00Z, 0.000000",
  })
  void epochMicrosIsFixedDecimal(String time, String expected) {
    assertThat(GoTime.epochMicros(time)).isEqualTo(expected);
  }

  /** The arithmetic form sinks use per record says what the formatter-based text says. */
  @ParameterizedTest
  @CsvSource({
    "2025-07-03T07:12:44.381926Z, 1751526764.381926",
    "2025-07-03T07:12:44Z, 1751526764.000000",
    "2025-07-03T09:12:44.5+02:00, 1751526764.500000",
    "2025-07-03T07:12:44.5-00:30, 1751528564.500000",
    "2025-07-10T10:14:38.942776145Z, 1752142478.942776",
    "1969-12-31T23:59:55.000123Z, -4.999877",
    "1969-12-31T23:59:55Z, -5.000000",
    "1970-01-01T00:00:00Z, 0.000000",
    "1970-01-01T00:00:00.000001Z, 0.000001",
    "0001-01-01T00:00:00Z, -62135596800.000000",
    "9999-12-31T23:59:59.999999999Z, 253402300799.999999",
    "2024-02-29t12:00:00.1z, 1709208000.100000",
    "2000-03-01T00:00:00+14:00, 951818400.000000",
  })
  void epochMicrosOfMatchesTheText(String time, String expected) {
    long micros = GoTime.epochMicrosOf(time);
    ByteBuf b = new ByteBuf(8);
    GoTime.appendEpochMicros(b, micros);
    assertThat(b.toString()).isEqualTo(expected).isEqualTo(GoTime.epochMicros(time));
    Instant i = GoTime.parse(time).toInstant();
    assertThat(micros).isEqualTo(i.getEpochSecond() * 1_000_000L + i.getNano() / 1000);
  }

  @ParameterizedTest
  @CsvSource({"yesterday", "2025-07-03 07:12:44Z", "2025-02-30T00:00:00Z", "2025-07-03T07:12:44"})
  void epochMicrosOfSaysNoTimeForWhatIsNotRfc3339(String time) {
    assertThat(GoTime.epochMicrosOf(time)).isEqualTo(GoTime.NO_TIME);
    assertThat(GoTime.epochMicrosOf(null)).isEqualTo(GoTime.NO_TIME);
  }

  @ParameterizedTest
  @CsvSource({
    "2025-07-03T07:12:44Z, 2025-07-03T07:12:44Z",
    "2025-07-03T07:12:44.100Z, 2025-07-03T07:12:44.1Z",
    "2025-07-03T07:12:44.000000001Z, 2025-07-03T07:12:44.000000001Z",
    "2025-07-03T09:12:44.5+02:00, 2025-07-03T09:12:44.5+02:00",
    "2025-07-03T07:12:44.5-00:30, 2025-07-03T07:12:44.5-00:30",
  })
  void rfc3339NanoTrimsZerosAndKeepsTheOffset(String in, String out) {
    assertThat(GoTime.rfc3339Nano(GoTime.parse(in))).isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource({
    "2025-07-03T07:12:44Z, true", "2025-07-03T07:12:44.123456789Z, true",
        "2025-07-03T07:12:44+02:00, true",
    "2025-07-03t07:12:44.5z, true", "2024-02-29T00:00:00Z, true", "2025-02-29T00:00:00Z, false",
    "2025-13-03T07:12:44Z, false", "2025-07-03T24:00:00Z, false", "2025-07-03T07:60:00Z, false",
    "2025-07-03T07:12:44.1234567890Z, false", "2025-07-03T07:12:44., false",
        "2025-07-03T07:12:44.Z, false",
    "2025-07-03T07:12:44+0200, false", "2025-07-03T07:12:44+24:00, false",
        "2025-07-03T07:12:44, false",
    "2025-07-03T07:12:44ZZ, false", "2025-7-03T07:12:44Z, false", "2025-07-03 07:12:44Z, false",
  })
  void rfc3339Validation(String text, boolean valid) {
    assertThat(GoTime.isRfc3339(text)).isEqualTo(valid);
    if (valid) {
      assertThat(GoTime.parse(text)).isNotNull();
    }
    // The byte form a decoder uses, on the text in the middle of a line, gives the same verdict.
    byte[] line = ("{\"Time\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    long micros = GoTime.epochMicrosOf(line, 9, text.length());
    assertThat(micros).isEqualTo(GoTime.epochMicrosOf(text));
    assertThat(micros != GoTime.NO_TIME).isEqualTo(valid);
  }

  @Test
  void everyMonthHasItsLengthInTheByteCheck() {
    for (int year : new int[] {1900, 2000, 2023, 2024}) {
      for (int month = 1; month <= 12; month++) {
        int days = YearMonth.of(year, month).lengthOfMonth();
        for (int day = 28; day <= 32; day++) {
          String t = String.format("%04d-%02d-%02dT00:00:00Z", year, month, day);
          assertThat(GoTime.isRfc3339(t)).as(t).isEqualTo(day <= days);
        }
      }
    }
  }

  @Test
  void aCharacterOutsideLatin1IsNoTime() {
    assertThat(GoTime.epochMicrosOf("2025-07-03T07:12:44\u0100Z")).isEqualTo(GoTime.NO_TIME);
    assertThat(GoTime.epochMicrosOf("2025-07-03T07:12:44.\u0131Z")).isEqualTo(GoTime.NO_TIME);
    assertThat(GoTime.epochMicrosOf("2025-07-03T07:12:44.123456789+02:00x"))
        .isEqualTo(GoTime.NO_TIME);
  }

  @Test
  void rejectsNonTimes() {
    assertThat(GoTime.isRfc3339("2025-07-03")).isFalse();
    assertThat(GoTime.isRfc3339("2025-07-03 07:12:44Z")).isFalse();
    assertThatThrownBy(() -> GoTime.parse("soon")).hasMessage("not an RFC 3339 time: \"soon\"");
    assertThat(GoTime.rfc3339Nano(Instant.parse("2025-07-03T07:12:44.390512107Z")))
        .isEqualTo("2025-07-03T07:12:44.390512107Z");
  }

  /** The arithmetic path for slog's shape gives what the ISO parser gives. */
  @ParameterizedTest
  @CsvSource({
    "2025-07-03T07:12:44Z",
    "2025-07-03T07:12:44.3Z",
    "2025-07-03T07:12:44.390512107Z",
    "2025-07-03t07:12:44.0390z",
    "2025-07-03T09:12:44.5+02:00",
    "2025-07-03T01:42:44.123456-05:30",
    "2025-07-03T07:12:44-00:00",
    "2024-02-29T23:59:59.999999999+18:00",
    "0001-01-01T00:00:00-18:00",
  })
  void slogShapedTimesParseAsTheIsoParserDoes(String text) {
    OffsetDateTime iso =
        OffsetDateTime.parse(
            text.replace('t', 'T').replace('z', 'Z'), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    assertThat(GoTime.parse(text)).isEqualTo(iso);
    assertThat(GoTime.parse(text).getOffset()).isEqualTo(iso.getOffset());
  }

  @Test
  void offsetsBeyondEighteenHoursAreRefusedAsBefore() {
    assertThatThrownBy(() -> GoTime.parse("2025-07-03T07:12:44+19:00"))
        .hasMessage("not an RFC 3339 time: \"2025-07-03T07:12:44+19:00\"");
    assertThatThrownBy(() -> GoTime.parse("2023-02-29T07:12:44Z"))
        .hasMessage("not an RFC 3339 time: \"2023-02-29T07:12:44Z\"");
  }

  @Test
  void humanTimestampIntoBytesIsTheTextOne() {
    String[] times = {
      "2025-07-03T07:12:44Z",
      "2025-07-03T07:12:44.5Z",
      "2025-07-03T07:12:44.39Z",
      "2025-07-03T07:12:44.390Z",
      "2025-07-03T07:12:44.3905Z",
      "2025-07-03T07:12:44.390512107Z", // 30 characters: the longest in place
      "2025-07-03T07:12:44.3905121070Z", // 31: the general path
      "2025-07-03T07:12:44.Z",
      "2025-07-03T07:12:44+00:00",
      "2025-07-03T09:12:44.123456+02:00",
      "2025-07-03T07:12:4\u00e9.123Z", // not ASCII: written as UTF-8 by the general path
      "2025-07-03T07:12:44.1\u00e9Z"
    };
    for (String t : times) {
      StringBuilder sb = new StringBuilder("x");
      try {
        GoTime.appendHumanTimestamp(sb, t);
      } catch (IllegalArgumentException e) {
        assertThatThrownBy(() -> GoTime.appendHumanTimestamp(new ByteBuf(4), t))
            .as(t)
            .isInstanceOf(IllegalArgumentException.class);
        continue;
      }
      ByteBuf b = new ByteBuf(4).put('x');
      GoTime.appendHumanTimestamp(b, t);
      assertThat(new String(b.toByteArray(), StandardCharsets.UTF_8))
          .as(t)
          .isEqualTo(sb.toString());
    }
  }
}
