package dev.auditship.text;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Go's time rendering as slog uses it: RFC 3339 with up to nine fraction digits, trailing zeros
 * trimmed ({@code time.RFC3339Nano}, docs/coder-reference.md §4.2), and the human sink's {@code
 * 2006-01-02 15:04:05.000} in UTC, truncated to the millisecond (§5.1).
 */
public final class GoTime {
  private GoTime() {}

  /** Parses RFC 3339 text with any number of fraction digits and a {@code Z} or numeric offset. */
  public static OffsetDateTime parse(String text) {
    OffsetDateTime fast = parseSlogShape(text);
    if (fast != null) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(
          text.replace('t', 'T').replace('z', 'Z'), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an RFC 3339 time: \"" + text + "\"", e);
    }
  }

  /**
   * True when {@code text} is an RFC 3339 time as slog and the API print it: {@code
   * YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|+HH:MM|-HH:MM)}, with valid field ranges. Checked by hand
   * because it runs for every decoded line and a DateTimeFormatter parse costs microseconds.
   */
  public static boolean isRfc3339(String t) {
    return epochMicrosOf(t) != NO_TIME;
  }

  /**
   * {@link #parse} by arithmetic for the shape slog prints ({@link #isRfc3339}), which sinks parse
   * for every record they send; {@code null} for anything else, which the general parser handles
   * (and words its error). Same result: the ISO parser accepts every such text, offsets up to 18
   * hours.
   */
  private static OffsetDateTime parseSlogShape(String t) {
    if (!isRfc3339(t)) {
      return null;
    }
    int n = t.length();
    int nanos = 0;
    int i = 19;
    if (t.charAt(i) == '.') {
      int digits = 0;
      for (i++; i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9'; i++, digits++) {
        nanos = nanos * 10 + (t.charAt(i) - '0');
      }
      for (; digits < 9; digits++) {
        nanos *= 10;
      }
    }
    ZoneOffset offset = ZoneOffset.UTC;
    if (i == n - 6) {
      int oh = digits(t, i + 1, 2);
      int om = digits(t, i + 4, 2);
      if (oh > 18 || (oh == 18 && om > 0)) {
        return null;
      }
      int sign = t.charAt(i) == '-' ? -1 : 1;
      offset = ZoneOffset.ofHoursMinutes(sign * oh, sign * om);
    }
    return OffsetDateTime.of(
        digits(t, 0, 4),
        digits(t, 5, 2),
        digits(t, 8, 2),
        digits(t, 11, 2),
        digits(t, 14, 2),
        digits(t, 17, 2),
        nanos,
        offset);
  }

  /** What {@link #epochMicrosOf} returns for text that is not an RFC 3339 time. */
  public static final long NO_TIME = Long.MIN_VALUE;

  /**
   * Microseconds since the Unix epoch of RFC 3339 text ({@link #isRfc3339}), the fraction truncated
   * (as {@link #epochMicros} prints it); {@link #NO_TIME} when the text is not such a time. By
   * arithmetic, without a formatter: sinks call it for every record.
   */
  public static long epochMicrosOf(String t) {
    if (t == null || t.length() < 20 || t.length() > MAX_TEXT) {
      return NO_TIME;
    }
    // A character above U+00FF becomes '?', which no position of the shape accepts.
    byte[] b = t.getBytes(StandardCharsets.ISO_8859_1);
    return epochMicrosOf(b, 0, b.length);
  }

  /** The longest text {@link #isRfc3339} accepts: nine fraction digits and an offset. */
  private static final int MAX_TEXT = 35;

  /**
   * {@link #epochMicrosOf(String)} of the ASCII text {@code b[off, off+len)}: checks the shape and
   * computes the time in one pass over the bytes, so a decoder gets both without building a {@code
   * String}; {@link #NO_TIME} when the bytes are not such a time.
   */
  public static long epochMicrosOf(byte[] b, int off, int len) {
    if (len < 20 || len > MAX_TEXT) {
      return NO_TIME;
    }
    long hour = hourSeconds(b, off);
    return hour == NO_TIME ? NO_TIME : afterHour(b, off, len, hour);
  }

  /**
   * Seconds since the Unix epoch at the start of the hour {@code YYYY-MM-DDTHH} at {@code b[off]}
   * (13 bytes, there), or {@link #NO_TIME} when they are not a valid date and hour.
   */
  private static long hourSeconds(byte[] b, int off) {
    if (b[off + 4] != '-' || b[off + 7] != '-' || (b[off + 10] != 'T' && b[off + 10] != 't')) {
      return NO_TIME;
    }
    int y = digits(b, off, 4);
    int m = digits(b, off + 5, 2);
    int d = digits(b, off + 8, 2);
    int hour = digits(b, off + 11, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || hour < 0 || hour > 23 || d > daysInMonth(y, m)) {
      return NO_TIME;
    }
    // Days from the civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
    int yy = m <= 2 ? y - 1 : y;
    long era = Math.floorDiv(yy, 400);
    long yoe = yy - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = era * 146097 + doe - 719468;
    return days * 86400 + hour * 3600L;
  }

  /**
   * The rest of the time text {@code b[off, off+len)} ({@code :MM:SS}, the fraction and the zone)
   * after the hour that starts {@code hour} seconds after the epoch: its microseconds since the
   * epoch, or {@link #NO_TIME}.
   */
  private static long afterHour(byte[] b, int off, int len, long hour) {
    if (b[off + 13] != ':' || b[off + 16] != ':') {
      return NO_TIME;
    }
    int minute = digits(b, off + 14, 2);
    int second = digits(b, off + 17, 2);
    if (minute < 0 || minute > 59 || second < 0 || second > 59) {
      return NO_TIME;
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
        return NO_TIME;
      }
    }
    for (; k < 6; k++) {
      micros *= 10;
    }
    long secs = hour + minute * 60L + second;
    if (i == n - 1) {
      return b[i] == 'Z' || b[i] == 'z' ? secs * 1_000_000L + micros : NO_TIME;
    }
    if (i != n - 6 || (b[i] != '+' && b[i] != '-') || b[i + 3] != ':') {
      return NO_TIME;
    }
    int oh = digits(b, i + 1, 2);
    int om = digits(b, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) {
      return NO_TIME;
    }
    // +HH:MM or -HH:MM: the local time is that far ahead of UTC.
    long off2 = oh * 3600L + om * 60L;
    secs -= b[i] == '+' ? off2 : -off2;
    return secs * 1_000_000L + micros;
  }

  /**
   * {@link #epochMicrosOf(byte[], int, int)} that remembers the last date and hour it worked out:
   * the times of a log's lines (an event's {@code ts} and its {@code Time}, and the next line's)
   * mostly share {@code YYYY-MM-DDTHH}, so the calendar arithmetic is skipped when those 13 bytes
   * (two overlapping eight-byte words) are the last valid ones. Same results. Not thread-safe: one
   * per decoder.
   */
  public static final class HourCache {
    private boolean known;
    private long word0;
    private long word5;
    private long hour;

    /** As {@link GoTime#epochMicrosOf(byte[], int, int)}. */
    public long epochMicrosOf(byte[] b, int off, int len) {
      if (len < 20 || len > MAX_TEXT) {
        return NO_TIME;
      }
      long w0 = Swar.word(b, off);
      long w5 = Swar.word(b, off + 5);
      if (known && w0 == word0 && w5 == word5) {
        return afterHour(b, off, len, hour);
      }
      long h = hourSeconds(b, off);
      if (h == NO_TIME) {
        return NO_TIME;
      }
      known = true;
      word0 = w0;
      word5 = w5;
      hour = h;
      return afterHour(b, off, len, h);
    }
  }

  /** Days in month {@code m} (1-12) of proleptic Gregorian year {@code y}. */
  private static int daysInMonth(int y, int m) {
    if (m == 2) {
      return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
    }
    return 30 + ((m + (m >> 3)) & 1);
  }

  private static int digits(byte[] b, int from, int len) {
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
   * Appends {@code micros} since the epoch as seconds with six decimals ({@code 1751525702.117803},
   * never scientific notation): the text {@link #epochMicros} gives for the same time.
   */
  public static void appendEpochMicros(ByteBuf out, long micros) {
    long secs = Math.floorDiv(micros, 1_000_000L);
    int frac = (int) Math.floorMod(micros, 1_000_000L);
    if (secs < 0 && frac > 0) {
      // -4.999877 s is (-5 s, +123000 us) floored; printed as a decimal.
      out.put('-').decimal(-(secs + 1));
      frac = 1_000_000 - frac;
    } else {
      out.decimal(secs);
    }
    out.put('.');
    digits(out, frac, 6);
  }

  /**
   * Appends {@code micros} since the epoch as an RFC 5424 TIMESTAMP (§6.2.3) in UTC with six
   * fraction digits, {@code 2025-07-03T06:55:02.117803Z}: what {@link #rfc5424Utc} slices from the
   * text. Returns false and appends nothing when the year is outside 0000..9999.
   */
  public static boolean appendRfc5424(ByteBuf out, long micros) {
    long secs = Math.floorDiv(micros, 1_000_000L);
    int frac = (int) Math.floorMod(micros, 1_000_000L);
    long days = Math.floorDiv(secs, 86_400L);
    int sod = (int) Math.floorMod(secs, 86_400L);
    long ymd = civilDate(days);
    long y = ymd / 10_000;
    int m = (int) (ymd / 100 % 100);
    int d = (int) (ymd % 100);
    if (y < 0 || y > 9999) {
      return false;
    }
    out.ensure(27);
    digits(out, (int) y, 4);
    out.put('-');
    digits(out, m, 2);
    out.put('-');
    digits(out, d, 2);
    out.put('T');
    digits(out, sod / 3600, 2);
    out.put(':');
    digits(out, sod / 60 % 60, 2);
    out.put(':');
    digits(out, sod % 60, 2);
    out.put('.');
    digits(out, frac, 6);
    out.put('Z');
    return true;
  }

  /**
   * The proleptic Gregorian date {@code days} after 1970-01-01 as {@code year * 10000 + month * 100
   * + day} (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days); years
   * before 0 give a negative value, which callers that print four digits refuse.
   */
  public static long civilDate(long days) {
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int) (doy - (153 * mp + 2) / 5 + 1);
    int m = (int) (mp < 10 ? mp + 3 : mp - 9);
    long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return y < 0 ? -1 : y * 10_000 + m * 100 + d;
  }

  /** {@code v} as {@code width} (2, 4 or 6) digits, by constant divisors (no division loop). */
  private static void digits(ByteBuf out, int v, int width) {
    switch (width) {
      case 2 -> pair(out, v);
      case 4 -> {
        pair(out, v / 100);
        pair(out, v % 100);
      }
      default -> {
        pair(out, v / 10_000);
        pair(out, v / 100 % 100);
        pair(out, v % 100);
      }
    }
  }

  private static void pair(ByteBuf out, int v) {
    out.put((byte) ('0' + v / 10)).put((byte) ('0' + v % 10));
  }

  /** The non-negative number in {@code t[from, from+len)}, or -1 when it is not all digits. */
  private static int digits(String t, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Go {@code time.RFC3339Nano} of an instant in UTC: {@code 2025-07-03T07:12:44.39Z}. */
  public static String rfc3339Nano(Instant t) {
    return rfc3339Nano(t.atOffset(ZoneOffset.UTC));
  }

  /** Go {@code time.RFC3339Nano} keeping the offset ({@code Z} for UTC, else {@code +hh:mm}). */
  public static String rfc3339Nano(OffsetDateTime t) {
    StringBuilder sb = new StringBuilder(35);
    int year = t.getYear();
    pad(sb, year, 4);
    sb.append('-');
    pad(sb, t.getMonthValue(), 2);
    sb.append('-');
    pad(sb, t.getDayOfMonth(), 2);
    sb.append('T');
    pad(sb, t.getHour(), 2);
    sb.append(':');
    pad(sb, t.getMinute(), 2);
    sb.append(':');
    pad(sb, t.getSecond(), 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      String frac = String.format(Locale.ROOT, "%09d", nanos);
      int end = 9;
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    int off = t.getOffset().getTotalSeconds();
    if (off == 0) {
      sb.append('Z');
    } else {
      sb.append(off < 0 ? '-' : '+');
      off = Math.abs(off);
      pad(sb, off / 3600, 2);
      sb.append(':');
      pad(sb, (off / 60) % 60, 2);
    }
    return sb.toString();
  }

  private static void pad(StringBuilder sb, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
  }

  /**
   * Appends the human sink's timestamp for RFC 3339 {@code ts}: UTC, {@code yyyy-MM-dd
   * HH:mm:ss.SSS}, milliseconds truncated. The common case (already UTC) is sliced without parsing.
   */
  public static void appendHumanTimestamp(StringBuilder out, String ts) {
    int n = ts.length();
    if (n >= 20 && ts.charAt(n - 1) == 'Z' && ts.charAt(10) == 'T' && ts.charAt(19) != '+') {
      out.append(ts, 0, 10).append(' ').append(ts, 11, 19).append('.');
      int digits = 0;
      if (n > 20 && ts.charAt(19) == '.') {
        for (int i = 20; i < n - 1 && digits < 3; i++, digits++) {
          out.append(ts.charAt(i));
        }
      }
      for (; digits < 3; digits++) {
        out.append('0');
      }
      return;
    }
    OffsetDateTime t = parse(ts).withOffsetSameInstant(ZoneOffset.UTC);
    String utc = rfc3339Nano(t);
    appendHumanTimestamp(out, utc);
  }

  /** {@link #appendHumanTimestamp(StringBuilder, String)} into bytes. */
  public static void appendHumanTimestamp(ByteBuf out, String ts) {
    int n = ts.length();
    if (n >= 20
        && n <= 30
        && ts.charAt(n - 1) == 'Z'
        && ts.charAt(10) == 'T'
        && ts.charAt(19) != '+') {
      // The usual case (a UTC time of slog's, up to nanoseconds): the 23 bytes written in place.
      out.ensure(23);
      byte[] o = out.array();
      int w = out.length();
      int all = 0;
      for (int i = 0; i < 19; i++) {
        char c = ts.charAt(i);
        all |= c;
        o[w + i] = (byte) c;
      }
      o[w + 10] = ' ';
      o[w + 19] = '.';
      int digits = 0;
      if (n > 20 && ts.charAt(19) == '.') {
        for (int i = 20; i < n - 1 && digits < 3; i++, digits++) {
          char c = ts.charAt(i);
          all |= c;
          o[w + 20 + digits] = (byte) c;
        }
      }
      for (; digits < 3; digits++) {
        o[w + 20 + digits] = '0';
      }
      if (all < 0x80) {
        out.advance(23);
        return;
      }
      // Not ASCII (not a time slog prints): the text path writes over these bytes.
    }
    StringBuilder sb = new StringBuilder(24);
    appendHumanTimestamp(sb, ts);
    out.utf8(sb, 0, sb.length());
  }

  /**
   * Go's {@code time.Time.String()} for RFC 3339 {@code text}, as slog v3.0.0's human sink prints a
   * Time: {@code 2025-07-03 06:57:16.144719 +0000 UTC}. A non-UTC offset parsed from text has no
   * zone name, so Go prints the offset twice ({@code +0200 +0200}).
   */
  public static String goTimeString(String text) {
    OffsetDateTime t = parse(text);
    String nano = rfc3339Nano(t);
    int zoneStart = nano.length() - (t.getOffset().getTotalSeconds() == 0 ? 1 : 6);
    StringBuilder sb = new StringBuilder(48);
    sb.append(nano, 0, 10).append(' ').append(nano, 11, zoneStart).append(' ');
    int off = t.getOffset().getTotalSeconds();
    String numeric =
        (off < 0 ? "-" : "+")
            + String.format(
                Locale.ROOT, "%02d%02d", Math.abs(off) / 3600, (Math.abs(off) / 60) % 60);
    sb.append(numeric).append(' ').append(off == 0 ? "UTC" : numeric);
    return sb.toString();
  }

  /**
   * Epoch seconds of {@code text} with exactly six fraction digits, locale-independent: {@code
   * 1751526764.381926}.
   */
  public static String epochMicros(String text) {
    long fast = epochMicrosOf(text);
    if (fast != NO_TIME) {
      ByteBuf b = new ByteBuf(24);
      appendEpochMicros(b, fast);
      return b.toString();
    }
    Instant t = parse(text).toInstant();
    long secs = t.getEpochSecond();
    int micros = t.getNano() / 1000;
    StringBuilder sb = new StringBuilder(20);
    if (secs < 0 && micros > 0) {
      // Instant floors the seconds: -4.999877 s is (-5 s, +123000 ns); print it as a decimal.
      sb.append('-').append(-(secs + 1)).append('.');
      pad(sb, 1_000_000 - micros, 6);
    } else {
      sb.append(secs).append('.');
      pad(sb, micros, 6);
    }
    return sb.toString();
  }

  /**
   * True when {@code text} is RFC 3339 in UTC spelled {@code YYYY-MM-DDTHH:MM:SS[.digits]Z}: the
   * form Coder prints, which the fast paths below slice instead of parsing.
   */
  private static boolean utcFields(String text) {
    int n = text.length();
    return n >= 20
        && text.charAt(n - 1) == 'Z'
        && text.charAt(10) == 'T'
        && (n == 20 || text.charAt(19) == '.')
        && isRfc3339(text);
  }

  /** The fraction of {@link #utcFields} text as exactly six digits (truncated, zero-padded). */
  private static void appendMicros(StringBuilder sb, String t) {
    int n = t.length() - 1; // before the Z
    int k = 0;
    for (int i = 20; i < n && k < 6; i++, k++) {
      sb.append(t.charAt(i));
    }
    for (; k < 6; k++) {
      sb.append('0');
    }
  }

  /**
   * RFC 5424 TIMESTAMP (§6.2.3) of an RFC 3339 time: UTC with exactly six fraction digits
   * (truncated), {@code 2025-07-03T06:55:02.117803Z}; {@code null} when {@code text} is not in the
   * form that can be sliced ({@link #utcFields}): the caller then parses.
   */
  public static String rfc5424Utc(String text) {
    if (!utcFields(text)) {
      return null;
    }
    StringBuilder sb = new StringBuilder(27).append(text, 0, 19).append('.');
    appendMicros(sb, text);
    return sb.append('Z').toString();
  }
}
