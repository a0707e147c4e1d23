package dev.auditship.io;

import dev.auditship.text.GoText;

/**
 * Values for the {@code key="value"} fields of the exporter's log lines (logfmt): a value that
 * holds a double quote or a backslash (Splunk's answer text, an exception message, a path) would
 * otherwise end the field early for a logfmt parser, and a line break or another control character
 * (a terminal's escape sequence in hostile input) would break the line or act on the terminal that
 * shows it. Values are escaped as Go's {@code strconv.Quote} escapes them (a backslash before
 * {@code "} and {@code \\}; {@code \n}, {@code \r}, {@code \t}; other controls as {@code \x} and
 * two hex digits; line and paragraph separators and other unprintable characters as a backslash,
 * {@code u} and four hex digits; a lone surrogate becomes U+FFFD), which is also how the Coder API
 * source quotes Coder's answers: one style for every log line. Printable text, non-ASCII letters
 * included, stays as it is.
 */
public final class Logfmt {
  private Logfmt() {}

  /** {@code value} escaped when the line is formatted (nothing is done for a disabled level). */
  public static Object q(Object value) {
    return new Quoted(value);
  }

  /** {@code s} escaped for use between double quotes; {@code null} stays {@code "null"}. */
  public static String escape(String s) {
    if (s == null) {
      return "null";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) {
        // Something to escape, or non-ASCII whose printability Go's rules decide.
        StringBuilder sb = new StringBuilder(s.length() + 8);
        GoText.appendQuotedBody(sb, s);
        return sb.toString();
      }
    }
    return s;
  }

  /** {@code s} between double quotes, escaped ({@link #escape}). */
  public static String quoted(String s) {
    return '"' + escape(s) + '"';
  }

  private record Quoted(Object value) {
    @Override
    public String toString() {
      return escape(String.valueOf(value));
    }
  }
}
