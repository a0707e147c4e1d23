package dev.auditship.codec.siem;

import dev.auditship.event.Envelope;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Value;
import java.util.List;

/** Facts about Coder's values that every SIEM mapping needs (docs/formats.md, "Derived values"). */
final class Coder {
  private Coder() {}

  /**
   * Connection types whose {@code Code} is an HTTP status (the rest are agent sessions whose {@code
   * Code} is an exit code). {@code tunnel} is newer Coder: 101 accepted, 403 refused.
   */
  static boolean isWeb(String type) {
    return "workspace_app".equals(type) || "port_forwarding".equals(type) || "tunnel".equals(type);
  }

  /** Agent connection types that run over SSH (the IDE extensions connect with SSH). */
  static boolean isSsh(String type) {
    return "ssh".equals(type) || "vscode".equals(type) || "jetbrains".equals(type);
  }

  /** Null for null and "" (Coder prints NULL strings as "", so the two cannot be told apart). */
  static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * The text when it is an IP address as Coder prints one (dotted IPv4, or IPv6 with hex digits,
   * colons and perhaps an embedded dotted quad), else null: {@code <nil>} is Coder's unknown inet.
   */
  static String ip(String s) {
    if (s == null || s.isEmpty() || s.length() > 45) {
      return null;
    }
    // One table look-up a character and no branch on it (the branches of a test per character
    // class cost about a third of the check: docs/benchmarks.md, "SIEM formats", sixth round).
    int all = IP_OK;
    int dots = 0;
    int seen = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      int k = IP_CHARS[Math.min(c, 0x80)];
      all &= k;
      dots += k >> 2;
      seen |= k;
    }
    return all != 0 && ((seen & IP_COLON) != 0 || dots == 3) ? s : null;
  }

  // Character classes of an address as Coder prints one: every allowed character has IP_OK; a dot
  // also has 4 (counted by a shift), a colon IP_COLON. Index 0x80 stands for every non-ASCII char.
  private static final int IP_OK = 1;
  private static final int IP_COLON = 2;
  private static final byte[] IP_CHARS = new byte[0x81];

  static {
    for (char c = '0'; c <= '9'; c++) {
      IP_CHARS[c] = IP_OK;
    }
    for (char c = 'a'; c <= 'f'; c++) {
      IP_CHARS[c] = IP_OK;
      IP_CHARS[Character.toUpperCase(c)] = IP_OK;
    }
    IP_CHARS['.'] = IP_OK | 4;
    IP_CHARS[':'] = IP_OK | IP_COLON;
  }

  /** {@link #ip(String)} of a Coder string: the same value when it is an address, else null. */
  static Value.Str ip(Value.Str s) {
    return s != null && ip(s.value()) != null ? s : null;
  }

  static boolean isIpv6(String ip) {
    return ip.indexOf(':') >= 0;
  }

  /**
   * Milliseconds since the epoch of an RFC 3339 time as Coder prints it ({@code
   * 2025-07-03T06:55:02.117803Z}, {@code ...+02:00}), or {@link Long#MIN_VALUE} when the text is
   * not one. Fraction digits past the millisecond are truncated.
   */
  static long epochMillis(String t) {
    if (t == null || t.length() < 20 || t.charAt(4) != '-' || t.charAt(7) != '-') {
      return Long.MIN_VALUE;
    }
    char sep = t.charAt(10);
    if (sep != 'T' && sep != 't') {
      return Long.MIN_VALUE;
    }
    int y = num(t, 0, 4);
    int mo = num(t, 5, 2);
    int d = num(t, 8, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) {
      return Long.MIN_VALUE;
    }
    long tod = timeOfDay(t);
    return tod == Long.MIN_VALUE ? tod : daysFromCivil(y, mo, d) * 86_400_000L + tod;
  }

  /**
   * {@link #epochMillis} of {@code t} when its first 11 characters (the date and the {@code T}) are
   * those of a time already known to be valid whose day starts at {@code dayStart} (epoch ms): only
   * the time of day and the zone are read. OCSF's {@code logged_time} from the envelope's {@code
   * ts}, which Coder prints on the day of the event's {@code Time} but for a few ms at midnight.
   */
  static long epochMillisOnDay(String t, long dayStart) {
    long tod = timeOfDay(t);
    return tod == Long.MIN_VALUE ? tod : dayStart + tod;
  }

  /**
   * The part of {@link #epochMillis} after the date: hours to the zone, as milliseconds from the
   * start of the date in UTC, or {@link Long#MIN_VALUE} when that part is not RFC 3339.
   */
  private static long timeOfDay(String t) {
    if (t.length() < 20 || t.charAt(13) != ':' || t.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int h = num(t, 11, 2);
    int mi = num(t, 14, 2);
    int s = num(t, 17, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
      return Long.MIN_VALUE;
    }
    int i = 19;
    int millis = 0;
    if (i < t.length() && t.charAt(i) == '.') {
      i++;
      int digits = 0;
      while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        if (digits < 3) {
          millis = millis * 10 + (t.charAt(i) - '0');
        }
        digits++;
        i++;
      }
      if (digits == 0) {
        return Long.MIN_VALUE;
      }
      for (int k = digits; k < 3; k++) {
        millis *= 10;
      }
    }
    if (i >= t.length()) {
      return Long.MIN_VALUE;
    }
    int offsetMinutes;
    char z = t.charAt(i);
    if ((z == 'Z' || z == 'z') && i + 1 == t.length()) {
      offsetMinutes = 0;
    } else if ((z == '+' || z == '-') && i + 6 == t.length() && t.charAt(i + 3) == ':') {
      int oh = num(t, i + 1, 2);
      int om = num(t, i + 4, 2);
      if (oh < 0 || om < 0) {
        return Long.MIN_VALUE;
      }
      offsetMinutes = (oh * 60 + om) * (z == '-' ? -1 : 1);
    } else {
      return Long.MIN_VALUE;
    }
    long secs = h * 3600L + mi * 60L + s - offsetMinutes * 60L;
    return secs * 1000L + millis;
  }

  private static int num(String t, int from, int len) {
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

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  /**
   * The envelope's caller, or null when it is the one every Coder release build prints: the SIEM
   * formats leave that build constant out (about 170 bytes with func on every record, which a SIEM
   * licensed by volume pays for), as docs/formats.md says; any other caller is written.
   */
  static String unusualCaller(Envelope env) {
    String c = env.caller();
    return c == null || EnvelopeDefaults.CODER_CALLER.equals(c) ? null : c;
  }

  /**
   * True for the envelope every Coder release build logs: level INFO, logger coderd, the release
   * build's caller and func (the JSON mappings write it as one prepared piece).
   */
  static boolean isReleaseBuild(Envelope env) {
    List<String> loggers = env.loggerNames();
    return "INFO".equals(env.level())
        && loggers.size() == 1
        && "coderd".equals(loggers.get(0))
        && unusualCaller(env) == null
        && unusualFunc(env) == null;
  }

  /** The envelope's func, or null when it is Coder's release-build constant (see above). */
  static String unusualFunc(Envelope env) {
    String f = env.func();
    return f == null || EnvelopeDefaults.CODER_FUNC.equals(f) ? null : f;
  }
}
