package dev.auditship.event;

/**
 * Classifies a string once for the formats (see {@link Value.Str}): JSON-safe as is under Go's
 * encoder with HTML escaping; printed bare by slog's human quote(); holds a line feed. A
 * conservative answer is always correct (the formats then take their general path), so only ASCII
 * is judged exactly: any character beyond ASCII makes the text "not bare" and is judged JSON-safe
 * only when it is not U+2028, U+2029 or a surrogate.
 */
final class Texts {
  private Texts() {}

  static byte classify(String s) {
    boolean json = true;
    boolean bare = !s.isEmpty();
    boolean newline = false;
    boolean ascii = true;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c < 0x20) {
          json = false;
          bare = false;
          if (c == '\n') {
            newline = true;
          }
        } else if (c == '"' || c == '\\') {
          json = false;
          bare = false;
        } else if (c == '<' || c == '>' || c == '&') {
          json = false;
        } else if (c == ' ' || c == 0x7F) {
          bare = false;
        }
      } else {
        bare = false;
        ascii = false;
        if (c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
          json = false;
        }
      }
    }
    return (byte) ((json ? 1 : 0) | (bare ? 2 : 0) | (newline ? 4 : 0) | (ascii ? 8 : 0));
  }
}
