package dev.auditship.codec;

/**
 * Token rules the two line scanners share ({@link JsonLineScanner}, {@link LazyLineScanner}): they
 * work on {@code b[.., end)} and throw {@link #GIVE_UP} when the bytes are not the token, so the
 * caller hands the line to the general path. Stateless.
 */
final class JsonTokens {
  /** Thrown to give up on a line; preallocated, no stack trace. */
  static final RuntimeException GIVE_UP =
      new RuntimeException("not the compact slog shape", null, false, false) {};

  private JsonTokens() {}

  /** A JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}; the index after it. */
  static int number(byte[] b, int p, int end) {
    if (b[p] == '-') {
      p++;
    }
    if (b[p] == '0') {
      p++;
    } else if (b[p] >= '1' && b[p] <= '9') {
      while (p < end && b[p] >= '0' && b[p] <= '9') {
        p++;
      }
    } else {
      throw GIVE_UP;
    }
    if (p < end && b[p] == '.') {
      p = digits(b, p + 1, end);
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (b[p] == '+' || b[p] == '-') {
        p++;
      }
      p = digits(b, p, end);
    }
    if (p < end && b[p] >= '0' && b[p] <= '9') {
      throw GIVE_UP; // a leading zero followed by digits
    }
    return p;
  }

  private static int digits(byte[] b, int p, int end) {
    int s = p;
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      p++;
    }
    if (p == s) {
      throw GIVE_UP;
    }
    return p;
  }

  /** The literal {@code lit} ({@code true}, {@code false}, {@code null}) at {@code p}. */
  static int literal(byte[] b, int p, String lit) {
    for (int i = 0; i < lit.length(); i++) {
      if (b[p + i] != lit.charAt(i)) {
        throw GIVE_UP;
      }
    }
    return p + lit.length();
  }

  /** {@code c} at {@code p}, before {@code end}. */
  /**
   * The closing quote of the key token at {@code p} (an envelope key: no escapes); {@link #GIVE_UP}
   * for anything else, which the general path then reads.
   */
  static int plainKeyEnd(byte[] b, int p, int end) {
    expect(b, p, end, '"');
    int q = p + 1;
    while (b[q] != '"' && b[q] != '\\') {
      q++;
    }
    if (b[q] != '"') {
      throw GIVE_UP;
    }
    return q;
  }

  static void expect(byte[] b, int p, int end, char c) {
    if (p >= end || b[p] != c) {
      throw GIVE_UP;
    }
  }

  /** True when the ASCII text {@code s} is at {@code p}, before {@code end}. */
  static boolean at(byte[] b, int p, int end, String s) {
    if (p + s.length() > end) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[p + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
