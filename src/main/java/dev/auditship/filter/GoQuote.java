package dev.auditship.filter;

import java.nio.charset.StandardCharsets;

/**
 * The two Go quoting functions that appear in Coder's error texts: {@code %q} ({@code
 * strconv.Quote}) in the search and query-param messages, and the {@code time} package's own {@code
 * quote} in {@code time.ParseError}. Error texts are compared verbatim, so the quoting must be
 * Go's.
 */
final class GoQuote {
  private GoQuote() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Go {@code strconv.Quote}: printable characters stay as they are, others are escaped. */
  static String q(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 0x0b -> sb.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (c < 0x80 || printable(c)) {
            sb.appendCodePoint(c);
          } else if (c < 0x10000) {
            sb.append(String.format("\\u%04x", c));
          } else {
            sb.append(String.format("\\U%08x", c));
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Go's {@code time.quote}: bytes outside printable ASCII as {@code \xNN} of their UTF-8 bytes.
   */
  static String timeQuote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      int n = Character.charCount(c);
      if (c >= 0x80 || c < ' ') {
        for (byte b : s.substring(i, i + n).getBytes(StandardCharsets.UTF_8)) {
          sb.append("\\x").append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
      } else {
        if (c == '"' || c == '\\') {
          sb.append('\\');
        }
        sb.append((char) c);
      }
      i += n;
    }
    return sb.append('"').toString();
  }

  // An approximation of Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the
  // ASCII space; no other spaces, controls, formats, surrogates or unassigned code points.
  private static boolean printable(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      default -> true;
    };
  }
}
