package dev.auditship.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and combines Coder search queries the way Coder splits them (docs/coder-reference.md §7.1):
 * the whole query is lower-cased, split on spaces outside double quotes, and each term is {@code
 * key:value}. Coder refuses a key given twice, so a term the source adds must not repeat a key of
 * the user's {@code q}.
 */
final class CoderQuery {
  private CoderQuery() {}

  /** The terms of {@code q}, split on spaces outside double quotes; none for null. */
  static List<String> terms(String q) {
    List<String> out = new ArrayList<>();
    if (q == null) {
      return out;
    }
    StringBuilder term = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ' ' && !quoted) {
        if (!term.isEmpty()) {
          out.add(term.toString());
          term.setLength(0);
        }
        continue;
      }
      term.append(c);
    }
    if (!term.isEmpty()) {
      out.add(term.toString());
    }
    return out;
  }

  /**
   * The value of {@code key} in {@code q} as Coder reads it (lower-cased, quotes removed), or null
   * when {@code q} has no such term.
   */
  static String value(String q, String key) {
    String prefix = key + ":";
    for (String t : terms(q)) {
      String lower = t.toLowerCase(Locale.ROOT);
      if (lower.startsWith(prefix)) {
        return lower.substring(prefix.length()).replace("\"", "");
      }
    }
    return null;
  }

  static boolean has(String q, String key) {
    return value(q, key) != null;
  }

  /** The parts that are not null or blank, joined by spaces: Coder ANDs the terms of a query. */
  static String and(String... parts) {
    StringBuilder sb = new StringBuilder();
    for (String p : parts) {
      if (p != null && !p.isBlank()) {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(p.strip());
      }
    }
    return sb.toString();
  }
}
