package dev.auditship.testutil;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The golden Coder JSON lines and variants of each that a decoder reading a line lazily must get
 * right: a duplicated first field (the first value wins), an extra field, upper-case UUIDs, null
 * {@code UserID}/{@code ConnectionID} followed by an extra field, a second {@code Time}, an actor
 * with escapes and non-ASCII text followed by an extra object, and known names spelled with an
 * escape ({@code "\u0054ime"}) before the fields themselves.
 */
public final class LineVariants {
  private LineVariants() {}

  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  public static List<String> jsonLines() {
    List<String> lines = new ArrayList<>();
    for (Golden.Line g : Golden.lines()) {
      String json = g.json().strip();
      if (!json.startsWith("{")) {
        continue;
      }
      lines.add(json);
      lines.add(json.substring(0, json.length() - 2) + ",\"NewField\":\"x\"}}");
      int fields = json.indexOf("\"fields\":{") + 10;
      int comma = json.indexOf(",\"", fields);
      lines.add(
          json.substring(0, comma) + "," + json.substring(fields, comma) + json.substring(comma));
      lines.add(UUID.matcher(json).replaceAll(m -> m.group().toUpperCase(Locale.ROOT)));
      lines.add(json.replace("\"UserID\":\"", "\"UserID\":null,\"X\":\""));
      lines.add(json.replace("\"ConnectionID\":\"", "\"ConnectionID\":null,\"Y\":\""));
      lines.add(json.replace("\"Time\":\"", "\"Time\":\"2025-01-02T03:04:05Z\",\"Time\":\""));
      lines.add(
          json.replace(
              "\"actor\":{",
              "\"actor\":{\"id\":\"a\\\"b\",\"email\":\"\\u00e9\",\"username\":\"a b\"},\"A\":{")); // A known name spelled with an escape, before the field itself: slog never writes one, so
      // the line is not taken as it is, and the escaped field must not stand in for the real one.
      lines.add(
          json.substring(0, fields) + "\"\\u0054ime\":\"a\\\"b<c>\"," + json.substring(fields));
      lines.add(
          json.substring(0, fields)
              + "\"\\u0054ime\":\"2025-01-02T03:04:05Z\",\"\\u0049D\":\"x\","
              + json.substring(fields));
    }
    return lines;
  }
}
