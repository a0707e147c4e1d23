package dev.auditship.io;

/**
 * Values for the {@code key="value"} fields of the exporter's log lines (logfmt): a value that
 * holds a double quote or a backslash (Splunk's answer text, an exception message, a path) would
 * otherwise end the field early for a logfmt parser. {@code "} and {@code \} are escaped with a
 * backslash, line breaks become {@code \n} and {@code \r}, so one event stays one line.
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
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> null;
          };
      if (r != null && sb == null) {
        sb = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (sb != null) {
        if (r != null) {
          sb.append(r);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  private record Quoted(Object value) {
    @Override
    public String toString() {
      return escape(String.valueOf(value));
    }
  }
}
