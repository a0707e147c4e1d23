package dev.auditship.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /**
   * The byte form as it was before it was split at the hour (kept here as the definition): the
   * shape, the calendar and the rest in one pass.
   */
  private static long epochMicrosOfBefore(byte[] b, int off, int len) {
    if (len < 20
        || len > 35
        || b[off + 4] != '-'
        || b[off + 7] != '-'
        || (b[off + 10] != 'T' && b[off + 10] != 't')
        || b[off + 13] != ':'
        || b[off + 16] != ':') {
      return GoTime.NO_TIME;
    }
    int y = digitsBefore(b, off, 4);
    int m = digitsBefore(b, off + 5, 2);
    int d = digitsBefore(b, off + 8, 2);
    int hour = digitsBefore(b, off + 11, 2);
    int minute = digitsBefore(b, off + 14, 2);
    int second = digitsBefore(b, off + 17, 2);
    if (y < 0
        || m < 1
        || m > 12
        || d < 1
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || d > YearMonth.of(y, m).lengthOfMonth()) {
      return GoTime.NO_TIME;
    }
    int n = off + len;
    int i = off + 19;
    long micros = 0;
    int k = 0;
    if (b[i] == '.') {
      int start = ++i;
      for (; i < n && b[i] >= '0' && b[i] <= '9'; i++) {
        if (k < 6) {
          micros = micros * 10 + (b[i] - '0');
          k++;
        }
      }
      if (i == start || i - start > 9) {
        return GoTime.NO_TIME;
      }
    }
    for (; k < 6; k++) {
      micros *= 10;
    }
    long days = LocalDate.of(y, m, d).toEpochDay();
    long secs = days * 86400 + hour * 3600L + minute * 60L + second;
    if (i == n - 1) {
      return b[i] == 'Z' || b[i] == 'z' ? secs * 1_000_000L + micros : GoTime.NO_TIME;
    }
    if (i != n - 6 || (b[i] != '+' && b[i] != '-') || b[i + 3] != ':') {
      return GoTime.NO_TIME;
    }
    int oh = digitsBefore(b, i + 1, 2);
    int om = digitsBefore(b, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) {
      return GoTime.NO_TIME;
    }
    long off2 = oh * 3600L + om * 60L;
    secs -= b[i] == '+' ? off2 : -off2;
    return secs * 1_000_000L + micros;
  }

  private static int digitsBefore(byte[] b, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      int c = b[i] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  /**
   * Every byte of valid times replaced by each byte that matters to the shape, the text also cut
   * and lengthened: the byte form and the hour cache (primed with the unchanged time, so that its
   * remembered hour is the one to be wrong about) say what the one-pass form said.
   */
  @Test
  void theHourCacheAndTheByteFormAreTheOnePassFormOnEveryByte() {
    String[] times = {
      "2025-07-03T07:12:44.381926Z",
      "2025-07-03T07:12:44Z",
      "2025-07-03T09:12:44.5+02:00",
      "2024-02-29t12:00:00.1z",
      "1969-12-31T23:59:55.000123Z",
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z",
      "2000-03-01T00:00:00+14:00",
      "2025-07-03T07:12:44.123456789-00:30",
    };
    byte[] subs = "0125789:-TtZz.+ a\u00ff\u0000".getBytes(StandardCharsets.ISO_8859_1);
    GoTime.HourCache cache = new GoTime.HourCache();
    int checked = 0;
    int valid = 0;
    for (String t : times) {
      byte[] base = t.getBytes(StandardCharsets.US_ASCII);
      List<byte[]> variants = new ArrayList<>();
      for (int i = 0; i < base.length; i++) {
        for (byte c : subs) {
          byte[] v = base.clone();
          v[i] = c;
          variants.add(v);
        }
        variants.add(Arrays.copyOf(base, i)); // cut
      }
      variants.add((t + "0").getBytes(StandardCharsets.US_ASCII));
      variants.add((t + "Z").getBytes(StandardCharsets.US_ASCII));
      for (byte[] v : variants) {
        // At an offset in a larger array, as a decoder finds a time in a line.
        byte[] line = new byte[v.length + 40];
        Arrays.fill(line, (byte) '"');
        System.arraycopy(base, 0, line, 3, base.length);
        long primed = cache.epochMicrosOf(line, 3, base.length);
        assertThat(primed).isEqualTo(epochMicrosOfBefore(base, 0, base.length));
        Arrays.fill(line, (byte) '"');
        System.arraycopy(v, 0, line, 3, v.length);
        long expected = epochMicrosOfBefore(line, 3, v.length);
        String what = new String(v, StandardCharsets.ISO_8859_1);
        assertThat(GoTime.epochMicrosOf(line, 3, v.length)).as(what).isEqualTo(expected);
        assertThat(cache.epochMicrosOf(line, 3, v.length)).as(what).isEqualTo(expected);
        checked++;
        valid += expected == GoTime.NO_TIME ? 0 : 1;
      }
    }
    assertThat(valid).isGreaterThan(300);
    assertThat(checked - valid).isGreaterThan(1000);
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
