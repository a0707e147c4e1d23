package dev.auditship.text;

import java.nio.charset.StandardCharsets;

/**
 * Ports of the Go text rules that Coder's slog sinks apply, so output matches byte for byte: {@code
 * encoding/json} string escaping with HTML escaping on, {@code json.Compact}, {@code
 * strconv.Quote}, {@code unicode.IsSpace}, {@code strconv.IsPrint} and slog's human {@code quote()}
 * (docs/coder-reference.md §4.4 and §5.3).
 *
 * <p>Strings may carry lone surrogates U+DC80..U+DCFF standing for single invalid UTF-8 bytes (see
 * {@code source.Utf8}). Go's JSON encoder writes invalid UTF-8 as {@code \ufffd} and strconv.Quote
 * as {@code \xNN}; both are reproduced. Any other lone surrogate is treated as U+FFFD.
 *
 * <p>Go's printable-rune table follows the Unicode version of the Go release; this port uses the
 * JDK's character database (Unicode 13 on Java 17), so characters assigned after Unicode 13 are
 * escaped here where a newer Go prints them raw. Every character Coder's fields realistically hold
 * is unaffected.
 */
public final class GoText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GoText() {}

  /** True when {@code c} is a surrogate standing for one invalid UTF-8 byte. */
  public static boolean isEscapedByte(char c) {
    return c >= 0xDC80 && c <= 0xDCFF;
  }

  /** Go {@code unicode.IsSpace}. */
  public static boolean isSpace(int r) {
    if (r <= 0xFF) {
      return r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0;
    }
    return r == 0x1680
        || (r >= 0x2000 && r <= 0x200A)
        || r == 0x2028
        || r == 0x2029
        || r == 0x202F
        || r == 0x205F
        || r == 0x3000;
  }

  /** Go {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and U+0020. */
  public static boolean isPrint(int r) {
    if (r <= 0xFF) {
      if (r >= 0x20 && r <= 0x7E) {
        return true;
      }
      return r >= 0xA1 && r != 0xAD;
    }
    switch (Character.getType(r)) {
      case Character.UPPERCASE_LETTER,
      Character.LOWERCASE_LETTER,
      Character.TITLECASE_LETTER,
      Character.MODIFIER_LETTER,
      Character.OTHER_LETTER,
      Character.NON_SPACING_MARK,
      Character.ENCLOSING_MARK,
      Character.COMBINING_SPACING_MARK,
      Character.DECIMAL_DIGIT_NUMBER,
      Character.LETTER_NUMBER,
      Character.OTHER_NUMBER,
      Character.CONNECTOR_PUNCTUATION,
      Character.DASH_PUNCTUATION,
      Character.START_PUNCTUATION,
      Character.END_PUNCTUATION,
      Character.INITIAL_QUOTE_PUNCTUATION,
      Character.FINAL_QUOTE_PUNCTUATION,
      Character.OTHER_PUNCTUATION,
      Character.MATH_SYMBOL,
      Character.CURRENCY_SYMBOL,
      Character.MODIFIER_SYMBOL,
      Character.OTHER_SYMBOL:
        return true;
      default:
        return false;
    }
  }

  /** Go {@code strings.TrimSpace}. */
  public static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end) {
      int cp = s.codePointAt(start);
      if (!isSpace(cp)) {
        break;
      }
      start += Character.charCount(cp);
    }
    while (end > start) {
      int cp = s.codePointBefore(end);
      if (!isSpace(cp)) {
        break;
      }
      end -= Character.charCount(cp);
    }
    return s.substring(start, end);
  }

  // ---------------------------------------------------------------- JSON (encoding/json,
  // escapeHTML=true)

  /** ASCII characters Go's JSON encoder escapes (with HTML escaping on). */
  private static final boolean[] JSON_ESCAPE = new boolean[128];

  /** ASCII characters that make slog's quote() quote a value. */
  private static final boolean[] HUMAN_QUOTE = new boolean[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      JSON_ESCAPE[c] = true;
    }
    JSON_ESCAPE['"'] = true;
    JSON_ESCAPE['\\'] = true;
    JSON_ESCAPE['<'] = true;
    JSON_ESCAPE['>'] = true;
    JSON_ESCAPE['&'] = true;
    for (int c = 0; c <= 0x20; c++) {
      HUMAN_QUOTE[c] = true;
    }
    HUMAN_QUOTE[0x7F] = true;
    HUMAN_QUOTE['"'] = true;
    HUMAN_QUOTE['\\'] = true;
  }

  /**
   * Appends {@code s} as a JSON string literal, escaped exactly as Go's encoder with HTML escaping.
   */
  public static void appendJsonString(StringBuilder out, String s) {
    ByteBuf b = new ByteBuf(s.length() + 8);
    appendJsonString(b, s);
    out.append(b); // escaped: no raw byte of invalid UTF-8 is left, so decoding gives the same text
  }

  private static void appendUnicodeEscape(StringBuilder out, int c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xF])
        .append(HEX[(c >> 8) & 0xF])
        .append(HEX[(c >> 4) & 0xF])
        .append(HEX[c & 0xF]);
  }

  /**
   * Appends raw JSON compacted and HTML-escaped the way Go embeds a {@code json.RawMessage}:
   * insignificant white space removed; inside strings {@code < > &} U+2028 U+2029 escaped; existing
   * escapes and number spellings kept as they are.
   */
  public static void appendCompactJson(StringBuilder out, String json) {
    if (isCompactAndSafe(json)) {
      out.append(json);
      return;
    }
    int n = json.length();
    boolean inString = false;
    for (int i = 0; i < n; i++) {
      char c = json.charAt(i);
      if (inString) {
        switch (c) {
          case '\\' -> {
            out.append(c);
            if (i + 1 < n) {
              out.append(json.charAt(++i));
            }
          }
          case '"' -> {
            inString = false;
            out.append(c);
          }
          case '<', '>', '&', '\u2028', '\u2029' -> appendUnicodeEscape(out, c);
          default -> out.append(c);
        }
      } else if (c == '"') {
        inString = true;
        out.append(c);
      } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        out.append(c);
      }
    }
  }

  /**
   * True when {@code json} has no white space outside strings and nothing to escape inside them.
   */
  private static boolean isCompactAndSafe(String json) {
    boolean inString = false;
    for (int i = 0, n = json.length(); i < n; i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        } else if (c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
          return false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- strconv.Quote and slog quote()

  /** Go {@code strconv.Quote(s)}, appended: always double-quoted. */
  public static void appendQuoted(StringBuilder out, String s) {
    ByteBuf b = new ByteBuf(s.length() + 8);
    appendQuoted(b, s);
    out.append(b);
  }

  /**
   * The body of Go's {@code strconv.Quote(s)} without the surrounding quotes (escaping is per
   * character).
   */
  public static void appendQuotedBody(StringBuilder out, String s) {
    ByteBuf b = new ByteBuf(s.length() + 8);
    appendQuotedBody(b, s);
    out.append(b);
  }

  /**
   * slog's human {@code quote(s)}: {@code ""} for the empty string; the strconv.Quote form when
   * {@code s} has any Unicode space or anything strconv.Quote would escape; otherwise {@code s}
   * bare.
   */
  public static void appendHumanQuoted(StringBuilder out, String s) {
    ByteBuf b = new ByteBuf(s.length() + 8);
    appendHumanQuoted(b, s);
    out.append(b);
  }

  /** True when slog's quote() prints {@code s} (non-empty) unquoted. */
  public static boolean isBare(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (HUMAN_QUOTE[c]) {
          return false;
        }
        continue;
      }
      int cp;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        cp = Character.toCodePoint(c, s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        if (isEscapedByte(c)) {
          return false;
        }
        cp = 0xFFFD;
      } else {
        cp = c;
      }
      if (isSpace(cp) || !isPrint(cp)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- the same, as UTF-8 bytes

  private static final byte[] HEX_BYTES = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static void unicodeEscape(ByteBuf out, int c) {
    out.put('\\')
        .put('u')
        .put(HEX_BYTES[(c >> 12) & 0xF])
        .put(HEX_BYTES[(c >> 8) & 0xF])
        .put(HEX_BYTES[(c >> 4) & 0xF])
        .put(HEX_BYTES[c & 0xF]);
  }

  /** {@link #appendJsonString(StringBuilder, String)} into UTF-8 bytes. */
  public static void appendJsonString(ByteBuf out, String s) {
    out.put('"');
    appendJsonBody(out, s);
    out.put('"');
  }

  /** The body of {@link #appendJsonString(ByteBuf, String)}, without the quotes. */
  public static void appendJsonBody(ByteBuf out, String s) {
    int n = s.length();
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (!JSON_ESCAPE[c]) {
          continue;
        }
      } else if (c != 0x2028 && c != 0x2029) {
        if (!Character.isSurrogate(c)) {
          continue;
        }
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
      }
      out.utf8(s, start, i);
      switch (c) {
        case '"' -> out.put('\\').put('"');
        case '\\' -> out.put('\\').put('\\');
        case '\n' -> out.put('\\').put('n');
        case '\r' -> out.put('\\').put('r');
        case '\t' -> out.put('\\').put('t');
        case '\b' -> out.put('\\').put('b');
        case '\f' -> out.put('\\').put('f');
        default -> {
          if (Character.isSurrogate(c)) {
            out.ascii("\\ufffd");
          } else {
            unicodeEscape(out, c);
          }
        }
      }
      start = i + 1;
    }
    out.utf8(s, start, n);
  }

  /** {@link #appendCompactJson(StringBuilder, String)} into UTF-8 bytes. */
  public static void appendCompactJson(ByteBuf out, String json) {
    if (isCompactAndSafe(json)) {
      out.utf8(json);
      return;
    }
    int n = json.length();
    boolean inString = false;
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = json.charAt(i);
      if (inString) {
        switch (c) {
          case '\\' -> i++;
          case '"' -> inString = false;
          case '<', '>', '&', '\u2028', '\u2029' -> {
            out.utf8(json, start, i);
            unicodeEscape(out, c);
            start = i + 1;
          }
          default -> {}
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        out.utf8(json, start, i);
        start = i + 1;
      }
    }
    if (start < n) {
      out.utf8(json, start, n);
    }
  }

  /** {@link #appendQuoted(StringBuilder, String)} into UTF-8 bytes. */
  public static void appendQuoted(ByteBuf out, String s) {
    out.put('"');
    appendQuotedBody(out, s);
    out.put('"');
  }

  /** {@link #appendQuotedBody(StringBuilder, String)} into UTF-8 bytes. */
  public static void appendQuotedBody(ByteBuf out, String s) {
    int n = s.length();
    // Printable ASCII (raw JSON, most text): straight into the array, quote and backslash escaped.
    out.ensure(2 * n);
    byte[] a = out.array();
    int p = out.length();
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F) {
        break;
      }
      if (c == '"' || c == '\\') {
        a[p++] = '\\';
      }
      a[p++] = (byte) c;
    }
    out.truncate(p);
    while (i < n) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
          int run = i + 1;
          while (run < n) {
            char r = s.charAt(run);
            if (r < 0x20 || r >= 0x7F || r == '"' || r == '\\') {
              break;
            }
            run++;
          }
          out.utf8(s, i, run);
          i = run;
          continue;
        }
        i++;
        if (c == '"' || c == '\\') {
          out.put('\\').put(c);
          continue;
        }
        switch (c) {
          case 0x07 -> out.put('\\').put('a');
          case '\b' -> out.put('\\').put('b');
          case '\f' -> out.put('\\').put('f');
          case '\n' -> out.put('\\').put('n');
          case '\r' -> out.put('\\').put('r');
          case '\t' -> out.put('\\').put('t');
          case 0x0B -> out.put('\\').put('v');
          default -> out.put('\\').put('x').put(HEX_BYTES[c >> 4]).put(HEX_BYTES[c & 0xF]);
        }
        continue;
      }
      if (isEscapedByte(c)) {
        int b = c - 0xDC00;
        out.put('\\').put('x').put(HEX_BYTES[b >> 4]).put(HEX_BYTES[b & 0xF]);
        i++;
        continue;
      }
      int cp;
      int width;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        cp = Character.toCodePoint(c, s.charAt(i + 1));
        width = 2;
      } else if (Character.isSurrogate(c)) {
        cp = 0xFFFD;
        width = 1;
      } else {
        cp = c;
        width = 1;
      }
      i += width;
      if (isPrint(cp)) {
        out.codePoint(cp);
      } else if (cp < 0x10000) {
        unicodeEscape(out, cp);
      } else {
        out.put('\\').put('U');
        for (int shift = 28; shift >= 0; shift -= 4) {
          out.put(HEX_BYTES[(cp >> shift) & 0xF]);
        }
      }
    }
  }

  /** {@link #appendHumanQuoted(StringBuilder, String)} into UTF-8 bytes. */
  public static void appendHumanQuoted(ByteBuf out, String s) {
    if (s.isEmpty()) {
      out.put('"').put('"');
      return;
    }
    if (isBare(s)) {
      out.utf8(s);
    } else {
      appendQuoted(out, s);
    }
  }

  /**
   * {@link #appendJsonString(ByteBuf, String)} of the text UTF-8 bytes {@code b[off, off+len)}
   * stand for ({@link Utf8#decode}), written straight from the bytes.
   */
  public static void appendJsonString(ByteBuf out, byte[] b, int off, int len) {
    if (len > (Integer.MAX_VALUE - 16) / 6) {
      throw new IllegalArgumentException("text too long for one JSON string: " + len + " bytes");
    }
    // Room for the worst case (six bytes out for each byte in, the quotes) and eight bytes of
    // slack:
    // the loop stores each word it reads at once and keeps only the bytes before the first that
    // needs a look, so a run of plain text costs no separate copy.
    out.ensure(6 * len + 10);
    byte[] o = out.array();
    int w = out.length();
    o[w++] = '"';
    int end = off + len;
    int i = off;
    words:
    while (i < end) {
      if (i + 8 <= end) {
        long word = Swar.word(b, i);
        long hits = Swar.jsonSpecials(word);
        Swar.store(o, w, word);
        if (hits == 0) {
          i += 8;
          w += 8;
          continue;
        }
        // Every ASCII byte to escape in this word, without reading it again: the bytes after each
        // are stored again, shifted to where they now go (a store may run up to eight bytes past
        // what it means to write: the room made above covers it, and later bytes overwrite it).
        // A flag above the first may be false (Swar#jsonSpecials); putJsonAscii copies such a
        // byte as it is.
        int done = 0;
        while (true) {
          int j = Long.numberOfTrailingZeros(hits) >>> 3;
          w += j - done;
          int c = (int) (word >>> (j << 3)) & 0xFF;
          if (c >= 0x80) {
            i += j; // non-ASCII: the sequences below
            break;
          }
          w = putJsonAscii(o, w, c);
          done = j + 1;
          hits &= hits - 1;
          if (hits == 0) {
            if (done < 8) {
              Swar.store(o, w, word >>> (done << 3));
              w += 8 - done;
            }
            i += 8;
            continue words;
          }
          Swar.store(o, w, word >>> (done << 3));
        }
      }
      int c = b[i];
      if (c >= 0) {
        w = putJsonAscii(o, w, c); // a byte to escape, or one of the last few, under eight
        i++;
        continue;
      }
      // A run of non-ASCII characters, one sequence after the other (not back to the word scan,
      // which would stop at once on each).
      do {
        int n = Utf8.sequence(b, i, end);
        if (n == 0) {
          w = putUnicodeEscape(o, w, 0xFFFD);
          i++;
        } else if (n == 3
            && (b[i] & 0xFF) == 0xE2
            && (b[i + 1] & 0xFF) == 0x80
            && ((b[i + 2] & 0xFF) == 0xA8 || (b[i + 2] & 0xFF) == 0xA9)) {
          w = putUnicodeEscape(o, w, (b[i + 2] & 0xFF) == 0xA8 ? 0x2028 : 0x2029);
          i += 3;
        } else {
          System.arraycopy(b, i, o, w, n);
          w += n;
          i += n;
        }
      } while (i < end && b[i] < 0);
    }
    o[w++] = '"';
    out.advance(w - out.length());
  }

  /** Whether Go's JSON encoder (HTML-escaping) escapes the ASCII character {@code c}. */
  public static boolean escapesInJson(int c) {
    return JSON_ESCAPE[c];
  }

  /**
   * Writes the ASCII character {@code c} as Go's JSON encoder (HTML-escaping) writes it inside a
   * string, at {@code o[w]} (room for six bytes); returns the index after it.
   */
  public static int putJsonAscii(byte[] o, int w, int c) {
    if (!JSON_ESCAPE[c]) {
      o[w] = (byte) c;
      return w + 1;
    }
    byte e;
    switch (c) {
      case '"' -> e = '"';
      case '\\' -> e = '\\';
      case '\n' -> e = 'n';
      case '\r' -> e = 'r';
      case '\t' -> e = 't';
      case '\b' -> e = 'b';
      case '\f' -> e = 'f';
      default -> {
        return putUnicodeEscape(o, w, c);
      }
    }
    o[w] = '\\';
    o[w + 1] = e;
    return w + 2;
  }

  /** Writes {@code \\uXXXX} of {@code c} at {@code o[w]}; returns the index after it. */
  public static int putUnicodeEscape(byte[] o, int w, int c) {
    o[w] = '\\';
    o[w + 1] = 'u';
    o[w + 2] = HEX_BYTES[(c >> 12) & 0xF];
    o[w + 3] = HEX_BYTES[(c >> 8) & 0xF];
    o[w + 4] = HEX_BYTES[(c >> 4) & 0xF];
    o[w + 5] = HEX_BYTES[c & 0xF];
    return w + 6;
  }
}
