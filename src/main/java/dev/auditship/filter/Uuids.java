package dev.auditship.filter;

import java.util.Locale;

/**
 * UUID text as Coder's search accepts it ({@code github.com/google/uuid} {@code Parse}): the
 * canonical 36-character form, the same in braces, with a {@code urn:uuid:} prefix, or 32 hex
 * digits without hyphens. Java's {@code UUID.fromString} accepts shorter groups such as {@code
 * 1-1-1-1-1}, which Coder refuses, so it is not used.
 */
final class Uuids {
  private Uuids() {}

  /** The canonical lower-case form of {@code s}, or {@code null} when it is not a UUID. */
  static String canonical(String s) {
    if (s == null) {
      return null;
    }
    String t = s;
    switch (t.length()) {
      case 36 -> {}
      case 38 -> {
        if (t.charAt(0) != '{' || t.charAt(37) != '}') {
          return null;
        }
        t = t.substring(1, 37);
      }
      case 45 -> {
        if (!t.regionMatches(true, 0, "urn:uuid:", 0, 9)) {
          return null;
        }
        t = t.substring(9);
      }
      case 32 -> {
        for (int i = 0; i < 32; i++) {
          if (!isHex(t.charAt(i))) {
            return null;
          }
        }
        t =
            t.substring(0, 8)
                + '-'
                + t.substring(8, 12)
                + '-'
                + t.substring(12, 16)
                + '-'
                + t.substring(16, 20)
                + '-'
                + t.substring(20);
        return t.toLowerCase(Locale.ROOT);
      }
      default -> {
        return null;
      }
    }
    for (int i = 0; i < 36; i++) {
      char c = t.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return null;
        }
      } else if (!isHex(c)) {
        return null;
      }
    }
    return t.toLowerCase(Locale.ROOT);
  }

  // ASCII only: Character.digit would also accept other scripts' digits.
  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /** True when both are UUID text for the same UUID (event fields may be upper- or lower-case). */
  static boolean same(String canonical, String eventValue) {
    return eventValue != null
        && eventValue.length() == 36
        && canonical.equalsIgnoreCase(eventValue);
  }
}
