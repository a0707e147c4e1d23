package dev.auditship.text;

/**
 * Go {@code strconv.Unquote} for a double-quoted literal inside a longer line. A {@code \xNN}
 * escape of a byte of 0x80 or more (invalid UTF-8 that strconv.Quote escaped) becomes the surrogate
 * U+DC00+NN, the project's convention for a raw byte, so it is written back out unchanged.
 */
public final class GoUnquote {
  private GoUnquote() {}

  /**
   * Unquotes the literal starting at {@code s.charAt(from) == '"'} into {@code out}.
   *
   * @return the index just past the closing quote, or -1 when the literal is unterminated or
   *     invalid
   */
  public static int unquote(String s, int from, StringBuilder out) {
    int n = s.length();
    int i = from + 1;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\n') {
        return -1;
      }
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 >= n) {
        return -1;
      }
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> out.append((char) 7);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append((char) 0x0B);
        case '\\' -> out.append('\\');
        case '"' -> out.append('"');
        case '\'' -> out.append('\'');
        case 'x', 'u', 'U' -> {
          int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + len > n) {
            return -1;
          }
          int v;
          try {
            v = Integer.parseUnsignedInt(s.substring(i, i + len), 16);
          } catch (NumberFormatException ex) {
            return -1;
          }
          i += len;
          if (e == 'x') {
            out.append(v >= 0x80 ? (char) (0xDC00 + v) : (char) v);
          } else if (Character.isValidCodePoint(v) && !(v >= 0xD800 && v <= 0xDFFF)) {
            out.appendCodePoint(v);
          } else {
            return -1;
          }
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > n) {
            return -1;
          }
          int v;
          try {
            v = Integer.parseInt(s.substring(i - 1, i + 2), 8);
          } catch (NumberFormatException ex) {
            return -1;
          }
          if (v > 255) {
            return -1;
          }
          i += 2;
          out.append(v >= 0x80 ? (char) (0xDC00 + v) : (char) v);
        }
        default -> {
          return -1;
        }
      }
    }
    return -1;
  }
}
