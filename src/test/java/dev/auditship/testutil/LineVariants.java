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
 * escape ({@code "\u0054ime"}) before the fields themselves; and the lines of {@link
 * #missingFields()}.
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
    for (Named m : missingFields()) {
      lines.add(m.json());
    }
    return lines;
  }

  /** A variant of a golden line, named after the line and what was changed. */
  public record Named(String name, String json) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Each golden JSON line without fields Coder always prints (an older release printed fewer, and
   * the decoder allows any to be missing but {@code ID} and {@code Time}): with only {@code ID} and
   * {@code Time}; an audit event without {@code UserID} and {@code actor}, without {@code UserID}
   * and with an actor of only an e-mail (the all-zero id Coder gives an actor it found no user for)
   * or only an id, without {@code ResourceID} and {@code ResourceTarget}; a connection without
   * {@code UserID}, without {@code WorkspaceID} and {@code WorkspaceName}. Each is a line the
   * decoder accepts (docs/formats.md, "How the formats are checked").
   */
  public static List<Named> missingFields() {
    List<Named> out = new ArrayList<>();
    for (Golden.Line g : Golden.lines()) {
      String json = g.json().strip();
      if (!json.startsWith("{")) {
        continue;
      }
      String n = g.name();
      out.add(new Named(n + " with only ID and Time", only(json, "ID", "Time")));
      out.add(new Named(n + " without UserID", without(json, "UserID")));
      if (json.contains("\"msg\":\"audit_log\"")) {
        out.add(new Named(n + " without UserID and actor", without(json, "UserID", "actor")));
        out.add(
            new Named(
                n + " without UserID, with an actor of only an e-mail",
                replaced(
                    without(json, "UserID"),
                    "actor",
                    "{\"id\":\"00000000-0000-0000-0000-000000000000\","
                        + "\"email\":\"someone@example.com\",\"username\":\"\"}")));
        out.add(
            new Named(
                n + " without UserID, with an actor of only an id",
                replaced(
                    without(json, "UserID"),
                    "actor",
                    "{\"id\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",\"email\":\"\","
                        + "\"username\":\"\"}")));
        out.add(
            new Named(
                n + " without ResourceID and ResourceTarget",
                without(json, "ResourceID", "ResourceTarget")));
        // Empty strings where a value is expected (Coder prints a NULL string as ""): taken as
        // missing, never written as an empty value.
        out.add(new Named(n + " with an empty Action", replaced(json, "Action", "\"\"")));
        out.add(
            new Named(
                n + " with only an empty ResourceType for the resource",
                replaced(without(json, "ResourceID", "ResourceTarget"), "ResourceType", "\"\"")));
        out.add(
            new Named(
                n + " without UserID, with an actor of empty strings",
                replaced(
                    without(json, "UserID"),
                    "actor",
                    "{\"id\":\"\",\"email\":\"\",\"username\":\"\"}")));
      } else {
        out.add(
            new Named(
                n + " without WorkspaceID and WorkspaceName",
                without(json, "WorkspaceID", "WorkspaceName")));
        out.add(
            new Named(
                n + " without WorkspaceID, with an empty WorkspaceName",
                replaced(without(json, "WorkspaceID"), "WorkspaceName", "\"\"")));
      }
    }
    return out;
  }

  /** The members of the line's {@code fields} object (its last member), each as written. */
  private static List<String> members(String json) {
    int start = json.indexOf("\"fields\":{") + 10;
    List<String> out = new ArrayList<>();
    int p = start;
    while (json.charAt(p) != '}') {
      int end = valueEnd(json, json.indexOf(':', stringEnd(json, p)) + 1);
      out.add(json.substring(p, end));
      p = json.charAt(end) == ',' ? end + 1 : end;
    }
    return out;
  }

  /** The line with its fields object holding {@code members}, in their order. */
  private static String withMembers(String json, List<String> members) {
    int start = json.indexOf("\"fields\":{") + 10;
    return json.substring(0, start) + String.join(",", members) + "}}";
  }

  private static String key(String member) {
    return member.substring(1, member.indexOf('"', 1));
  }

  private static String only(String json, String... keys) {
    List<String> kept = new ArrayList<>();
    for (String m : members(json)) {
      if (List.of(keys).contains(key(m))) {
        kept.add(m);
      }
    }
    if (kept.size() != keys.length) {
      throw new IllegalArgumentException("not every one of " + List.of(keys) + " in " + json);
    }
    return withMembers(json, kept);
  }

  private static String without(String json, String... keys) {
    List<String> all = members(json);
    List<String> kept = new ArrayList<>();
    for (String m : all) {
      if (!List.of(keys).contains(key(m))) {
        kept.add(m);
      }
    }
    if (all.size() - kept.size() != keys.length) {
      throw new IllegalArgumentException("not every one of " + List.of(keys) + " in " + json);
    }
    return withMembers(json, kept);
  }

  private static String replaced(String json, String key, String value) {
    List<String> out = new ArrayList<>();
    for (String m : members(json)) {
      out.add(key(m).equals(key) ? "\"" + key + "\":" + value : m);
    }
    return withMembers(json, out);
  }

  /** Where the JSON string starting at {@code p} ends (after its closing quote). */
  private static int stringEnd(String s, int p) {
    for (int i = p + 1; ; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i + 1;
      }
    }
  }

  /** Where the compact JSON value starting at {@code p} ends. */
  private static int valueEnd(String s, int p) {
    char c = s.charAt(p);
    if (c == '"') {
      return stringEnd(s, p);
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      for (int i = p; ; i++) {
        char x = s.charAt(i);
        if (x == '"') {
          i = stringEnd(s, i) - 1;
        } else if (x == '{' || x == '[') {
          depth++;
        } else if ((x == '}' || x == ']') && --depth == 0) {
          return i + 1;
        }
      }
    }
    int i = p;
    while (s.charAt(i) != ',' && s.charAt(i) != '}') {
      i++;
    }
    return i;
  }
}
