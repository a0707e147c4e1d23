package dev.auditship.format.siem;

/**
 * Where the SIEM emitters write text. The mappings and emitters of this package depend only on
 * this, not on {@link dev.auditship.format.Format}, so that moving formats to another output (UTF-8
 * bytes in a reusable buffer) needs only a new implementation of these three methods.
 */
interface TextOut {
  void put(char c);

  void put(String s);

  /** Appends {@code s[from, to)}. */
  void put(String s, int from, int to);

  /** The glue to today's {@code Format.append(Event, StringBuilder)}. */
  static TextOut of(StringBuilder sb) {
    return new TextOut() {
      @Override
      public void put(char c) {
        sb.append(c);
      }

      @Override
      public void put(String s) {
        sb.append(s);
      }

      @Override
      public void put(String s, int from, int to) {
        // append(CharSequence, int, int) copies char by char; a whole string is copied in bulk.
        if (from == 0 && to == s.length()) {
          sb.append(s);
        } else {
          sb.append(s, from, to);
        }
      }
    };
  }
}
