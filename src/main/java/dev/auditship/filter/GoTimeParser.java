package dev.auditship.filter;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A port of Go's {@code time.Parse} for the two layouts Coder's search uses: {@code 2006-01-02} for
 * {@code date_from}/{@code date_to} and {@code time.RFC3339Nano} for {@code connected_after}/
 * {@code connected_before} (docs/coder-reference.md §7.2, §7.3). Coder puts Go's parse error into
 * its message ({@code must be a valid date format (2006-01-02): parsing time ...}), so this
 * reproduces both what Go accepts (one-digit hours, any number of fraction digits, a comma before
 * the fraction, offsets up to 24:60) and Go's error texts ({@code time.ParseError.Error}).
 */
final class GoTimeParser {
  private GoTimeParser() {}

  static final String DATE_LAYOUT = "2006-01-02";
  static final String RFC3339_NANO_LAYOUT = "2006-01-02T15:04:05.999999999Z07:00";

  /** The parsed instant, or Go's error text when {@code instant} is null. */
  record Result(Instant instant, String error) {
    boolean ok() {
      return instant != null;
    }
  }

  private enum Std {
    LONG_YEAR,
    ZERO_MONTH,
    ZERO_DAY,
    HOUR,
    ZERO_MINUTE,
    ZERO_SECOND,
    FRAC_SECOND9,
    ISO8601_COLON_TZ,
    END
  }

  /**
   * One step of a layout, as Go's {@code nextStdChunk} splits it: a literal prefix, then an
   * element.
   */
  private record Chunk(String prefix, Std std, String stdstr) {}

  private static final List<Chunk> DATE =
      List.of(
          new Chunk("", Std.LONG_YEAR, "2006"), new Chunk("-", Std.ZERO_MONTH, "01"),
          new Chunk("-", Std.ZERO_DAY, "02"), new Chunk("", Std.END, ""));

  private static final List<Chunk> RFC3339_NANO =
      List.of(
          new Chunk("", Std.LONG_YEAR, "2006"),
          new Chunk("-", Std.ZERO_MONTH, "01"),
          new Chunk("-", Std.ZERO_DAY, "02"),
          new Chunk("T", Std.HOUR, "15"),
          new Chunk(":", Std.ZERO_MINUTE, "04"),
          new Chunk(":", Std.ZERO_SECOND, "05"),
          new Chunk("", Std.FRAC_SECOND9, ".999999999"),
          new Chunk("", Std.ISO8601_COLON_TZ, "Z07:00"),
          new Chunk("", Std.END, ""));

  /** {@code time.Parse("2006-01-02", value)}: midnight UTC of that day. */
  static Result parseDate(String value) {
    return parse(DATE_LAYOUT, DATE, value);
  }

  /** {@code time.Parse(time.RFC3339Nano, value)}. */
  static Result parseRfc3339Nano(String value) {
    return parse(RFC3339_NANO_LAYOUT, RFC3339_NANO, value);
  }

  private static Result parse(String layout, List<Chunk> chunks, String avalue) {
    int year = 0;
    int month = -1;
    int day = -1;
    int hour = 0;
    int min = 0;
    int sec = 0;
    int nsec = 0;
    int zoneOffset = 0;
    String value = avalue;
    for (Chunk chunk : chunks) {
      String rest = skip(value, chunk.prefix());
      if (rest == null) {
        return err(layout, avalue, chunk.prefix(), partialSkip(value, chunk.prefix()), "");
      }
      value = rest;
      if (chunk.std() == Std.END) {
        if (!value.isEmpty()) {
          return err(layout, avalue, "", value, ": extra text: " + GoQuote.timeQuote(value));
        }
        break;
      }
      String hold = value;
      String rangeErr = null;
      boolean bad = false;
      switch (chunk.std()) {
        case LONG_YEAR -> {
          if (value.length() < 4 || !isDigit(value, 0)) {
            bad = true;
            break;
          }
          String p = value.substring(0, 4);
          value = value.substring(4);
          Integer y = atoi(p);
          if (y == null) {
            bad = true;
          } else {
            year = y;
          }
        }
        case ZERO_MONTH -> {
          Num n = getnum(value, true);
          if (n == null) {
            bad = true;
            break;
          }
          month = n.value();
          value = n.rest();
          if (month <= 0 || 12 < month) {
            rangeErr = "month";
          }
        }
        case ZERO_DAY -> {
          // Go allows any two-digit day here and validates it against the month at the end.
          Num n = getnum(value, true);
          if (n == null) {
            bad = true;
            break;
          }
          day = n.value();
          value = n.rest();
        }
        case HOUR -> {
          Num n = getnum(value, false);
          if (n == null) {
            bad = true;
            break;
          }
          hour = n.value();
          value = n.rest();
          if (hour >= 24) {
            rangeErr = "hour";
          }
        }
        case ZERO_MINUTE -> {
          Num n = getnum(value, true);
          if (n == null) {
            bad = true;
            break;
          }
          min = n.value();
          value = n.rest();
          if (min >= 60) {
            rangeErr = "minute";
          }
        }
        case ZERO_SECOND -> {
          Num n = getnum(value, true);
          if (n == null) {
            bad = true;
            break;
          }
          sec = n.value();
          value = n.rest();
          if (sec >= 60) {
            rangeErr = "second";
          }
          // A fraction here is read by the next chunk (.999999999), as in Go.
        }
        case FRAC_SECOND9 -> {
          if (value.length() < 2 || !commaOrPeriod(value.charAt(0)) || !isDigit(value, 1)) {
            break; // the fraction is optional
          }
          int i = 0;
          while (i + 1 < value.length() && isDigit(value, i + 1)) {
            i++;
          }
          // Go reads at most nine digits and ignores the rest.
          String digits = value.substring(1, Math.min(1 + i, 10));
          int ns = Integer.parseInt(digits);
          for (int k = digits.length(); k < 9; k++) {
            ns *= 10;
          }
          nsec = ns;
          value = value.substring(1 + i);
        }
        case ISO8601_COLON_TZ -> {
          if (!value.isEmpty() && value.charAt(0) == 'Z') {
            value = value.substring(1);
            zoneOffset = 0;
            break;
          }
          if (value.length() < 6 || value.charAt(3) != ':') {
            bad = true;
            break;
          }
          char sign = value.charAt(0);
          Num hr = getnum(value.substring(1, 3), true);
          Num mm = hr == null ? null : getnum(value.substring(4, 6), true);
          value = value.substring(6);
          int h = hr == null ? 0 : hr.value();
          int m = mm == null ? 0 : mm.value();
          // Go's range test uses > rather than >=: offsets of 24 hours or 60 minutes are accepted.
          if (h > 24) {
            rangeErr = "time zone offset hour";
          }
          if (m > 60) {
            rangeErr = "time zone offset minute";
          }
          zoneOffset = (h * 60 + m) * 60;
          if (hr == null || mm == null) {
            bad = true;
          } else if (sign == '-') {
            zoneOffset = -zoneOffset;
          } else if (sign != '+') {
            bad = true;
          }
        }
        default -> throw new IllegalStateException(chunk.std().name());
      }
      if (rangeErr != null) {
        return err(layout, avalue, chunk.stdstr(), value, ": " + rangeErr + " out of range");
      }
      if (bad) {
        return err(layout, avalue, chunk.stdstr(), hold, "");
      }
    }
    if (month < 0) {
      month = 1;
    }
    if (day < 0) {
      day = 1;
    }
    if (day < 1 || day > daysIn(month, year)) {
      return err(layout, avalue, "", value, ": day out of range");
    }
    long epoch =
        LocalDateTime.of(year, month, day, hour, min, sec).toEpochSecond(ZoneOffset.UTC)
            - zoneOffset;
    return new Result(Instant.ofEpochSecond(epoch, nsec), null);
  }

  private record Num(int value, String rest) {}

  // Go's getnum: one or two leading digits; exactly two when fixed.
  private static Num getnum(String s, boolean fixed) {
    if (!isDigit(s, 0)) {
      return null;
    }
    if (!isDigit(s, 1)) {
      if (fixed) {
        return null;
      }
      return new Num(s.charAt(0) - '0', s.substring(1));
    }
    return new Num((s.charAt(0) - '0') * 10 + (s.charAt(1) - '0'), s.substring(2));
  }

  // Go's atoi on the four year characters: an optional sign, then digits only.
  private static Integer atoi(String s) {
    int i = 0;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      i = 1;
    }
    if (i == s.length()) {
      return null;
    }
    int x = 0;
    for (; i < s.length(); i++) {
      if (!isDigit(s, i)) {
        return null;
      }
      x = x * 10 + (s.charAt(i) - '0');
    }
    return neg ? -x : x;
  }

  private static boolean isDigit(String s, int i) {
    return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
  }

  private static boolean commaOrPeriod(char c) {
    return c == '.' || c == ',';
  }

  // Go's skip: consumes the literal prefix; null when the value does not continue with it.
  private static String skip(String value, String prefix) {
    return value.startsWith(prefix) ? value.substring(prefix.length()) : null;
  }

  // Where Go's skip stopped: the value after the part of the prefix that did match.
  private static String partialSkip(String value, String prefix) {
    int i = 0;
    while (i < prefix.length() && i < value.length() && value.charAt(i) == prefix.charAt(i)) {
      i++;
    }
    return value.substring(i);
  }

  private static int daysIn(int month, int year) {
    return switch (month) {
      case 2 -> Year.isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  // time.ParseError.Error().
  private static Result err(
      String layout, String value, String layoutElem, String valueElem, String message) {
    if (message.isEmpty()) {
      return new Result(
          null,
          "parsing time "
              + GoQuote.timeQuote(value)
              + " as "
              + GoQuote.timeQuote(layout)
              + ": cannot parse "
              + GoQuote.timeQuote(valueElem)
              + " as "
              + GoQuote.timeQuote(layoutElem));
    }
    return new Result(null, "parsing time " + GoQuote.timeQuote(value) + message);
  }
}
