package dev.auditship.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Parsing and printing of byte sizes and durations in config values. */
public final class Units {
  private Units() {}

  /** {@code 1000000}, {@code 64KiB}, {@code 1MB}, {@code 10 MiB}; {@code null} when not a size. */
  public static Long parseBytes(String s) {
    String t = s.trim().replace("_", "");
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, i));
    } catch (NumberFormatException e) {
      return null;
    }
    String unit = t.substring(i).trim().toLowerCase(Locale.ROOT);
    long mult =
        switch (unit) {
          case "", "b" -> 1L;
          case "kb" -> 1000L;
          case "kib", "k" -> 1024L;
          case "mb" -> 1000L * 1000;
          case "mib", "m" -> 1024L * 1024;
          case "gb" -> 1000L * 1000 * 1000;
          case "gib", "g" -> 1024L * 1024 * 1024;
          default -> -1L;
        };
    if (mult < 0 || n > Long.MAX_VALUE / mult) {
      return null;
    }
    return n * mult;
  }

  public static String formatBytes(long b) {
    if (b >= 1024L * 1024 * 1024 && b % (1024L * 1024 * 1024) == 0) {
      return b / (1024L * 1024 * 1024) + "GiB";
    }
    if (b >= 1024L * 1024 && b % (1024L * 1024) == 0) {
      return b / (1024L * 1024) + "MiB";
    }
    if (b >= 1024 && b % 1024 == 0) {
      return b / 1024 + "KiB";
    }
    return Long.toString(b);
  }

  /**
   * Coder-style durations: Go units ({@code ms s m h}) plus {@code d} and {@code w}, combinable
   * ({@code 1h30m}); a bare number takes {@code defaultUnit} (or is an error when it is null),
   * except 0.
   */
  public static Duration parseDuration(String s, String defaultUnit) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      return null;
    }
    if (t.chars().allMatch(Character::isDigit)) {
      long n;
      try {
        n = Long.parseLong(t);
      } catch (NumberFormatException e) {
        return null;
      }
      if (n == 0) {
        return Duration.ZERO;
      }
      if (defaultUnit == null) {
        return null;
      }
      t = t + defaultUnit;
    }
    Duration total = Duration.ZERO;
    int i = 0;
    while (i < t.length()) {
      int j = i;
      while (j < t.length() && Character.isDigit(t.charAt(j))) {
        j++;
      }
      if (j == i) {
        return null;
      }
      long n;
      try {
        n = Long.parseLong(t.substring(i, j));
      } catch (NumberFormatException e) {
        return null;
      }
      int k = j;
      while (k < t.length() && Character.isLetter(t.charAt(k))) {
        k++;
      }
      String unit = t.substring(j, k);
      Duration d;
      try {
        d =
            switch (unit) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              case "d" -> Duration.ofDays(n);
              case "w" -> Duration.ofDays(Math.multiplyExact(n, 7));
              default -> null;
            };
      } catch (ArithmeticException e) {
        return null;
      }
      if (d == null) {
        return null;
      }
      total = total.plus(d);
      i = k;
    }
    return total;
  }

  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0";
    }
    if (ms % (7 * 86_400_000L) == 0) {
      return ms / (7 * 86_400_000L) + "w";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /**
   * {@code " (did you mean \"x\"?)"} when one of {@code options} is close to {@code s}, else "".
   */
  static String suggest(String s, List<String> options) {
    String best = null;
    int bestD = 3;
    for (String o : options) {
      int d = distance(s.toLowerCase(Locale.ROOT), o.toLowerCase(Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = o;
      }
    }
    return best == null ? "" : " (did you mean \"" + best + "\"?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
