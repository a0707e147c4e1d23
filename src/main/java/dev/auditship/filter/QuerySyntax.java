package dev.auditship.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a query into {@code key:value} terms the way Coder's {@code searchTerms} does ({@code
 * coderd/searchquery/search.go}, docs/coder-reference.md §7.1):
 *
 * <ol>
 *   <li>split on spaces, keeping a {@code "..."} run (quotes included) in one token;
 *   <li>tokens without a {@code :} are joined, with single spaces, into one bare term placed last
 *       (newer Coder: {@code workspace template} is the single value {@code "workspace template"});
 *   <li>a term that starts or ends with {@code :} is an error;
 *   <li>each term is split on {@code :} outside quotes (runs of {@code :} count as one, as Go's
 *       {@code strings.FieldsFunc} does), then surrounding quotes are stripped; one part is a bare
 *       value, two parts a key and value (the key lower-cased), more parts an error.
 * </ol>
 *
 * <p>Two deliberate differences, both refusing input Coder would silently misread: any whitespace
 * (tab, newline, as a multi-line YAML value holds) separates terms, not only the space; and a quote
 * that is never closed is an error, where Coder lets it swallow the rest of the query into one
 * value. Unlike Coder, which stops at the first bad term, every bad term is reported.
 */
final class QuerySyntax {
  private QuerySyntax() {}

  /** One term; {@code key} is null for the bare term. {@code element} is the term as written. */
  record Term(String key, String value, String element) {
    boolean bare() {
      return key == null;
    }
  }

  /**
   * The terms in Coder's order (keyed terms as written, then the bare term), and the syntax errors.
   */
  record Split(List<Term> terms, List<String> errors) {}

  static Split split(String query) {
    List<String> errors = new ArrayList<>();
    List<String> tokens = fields(query, true, QuerySyntax::isSpace);
    if (!tokens.isEmpty() && unclosedQuote(query)) {
      // An open quote runs to the end of the query, so it is in the last token.
      String last = tokens.remove(tokens.size() - 1);
      errors.add("Query element " + GoQuote.q(last) + " has a '\"' that is never closed");
    }
    List<String> elements = new ArrayList<>();
    List<String> bareWords = new ArrayList<>();
    for (String t : tokens) {
      if (t.indexOf(':') >= 0) {
        elements.add(t);
      } else {
        bareWords.add(t);
      }
    }
    if (!bareWords.isEmpty()) {
      elements.add(String.join(" ", bareWords));
    }
    List<Term> terms = new ArrayList<>();
    for (String element : elements) {
      if (element.startsWith(":") || element.endsWith(":")) {
        errors.add("Query element " + GoQuote.q(element) + " cannot start or end with ':'");
        continue;
      }
      List<String> parts = fields(element, false, c -> c == ':');
      switch (parts.size()) {
        case 1 -> terms.add(new Term(null, parts.get(0), element));
        case 2 -> terms.add(new Term(parts.get(0).toLowerCase(Locale.ROOT), parts.get(1), element));
        default -> errors.add("Query element " + GoQuote.q(element) + " can only contain 1 ':'");
      }
    }
    return new Split(terms, errors);
  }

  private interface CharTest {
    boolean test(char c);
  }

  // Go's strings.FieldsFunc with the quote toggle of splitQueryParameterByDelimiter: no empty
  // fields;
  // without maintainQuotes, leading and trailing quotes are trimmed (strings.Trim(part, "\"")).
  private static List<String> fields(String s, boolean maintainQuotes, CharTest delimiter) {
    List<String> out = new ArrayList<>();
    boolean quoted = false;
    int start = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      boolean delim = !quoted && delimiter.test(c);
      if (delim) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    if (!maintainQuotes) {
      out.replaceAll(QuerySyntax::trimQuotes);
    }
    return out;
  }

  private static String trimQuotes(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && s.charAt(b) == '"') {
      b++;
    }
    while (e > b && s.charAt(e - 1) == '"') {
      e--;
    }
    return s.substring(b, e);
  }

  private static boolean unclosedQuote(String s) {
    return s.chars().filter(c -> c == '"').count() % 2 == 1;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
  }
}
