package dev.auditship.codec;

import dev.auditship.text.GoText;
import dev.auditship.text.Swar;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;

/**
 * Values of a checked slog human line written as {@link JsonFormat} writes their decoded values,
 * straight from the line's bytes: no {@code String}, no {@code Value}. A value is the bytes of a
 * bare value, or the bytes between the quotes of a quoted one, which {@link HumanLineScanner}
 * accepted: printable ASCII, UTF-8 (valid or not) and the simple escapes of Go's strconv.Quote
 * ({@code \a \b \f \n \r \t \v \\ \" \'}). Lines with any other escape (x, u and U escapes, octal)
 * or with a control byte are decoded by the text path and never come here.
 *
 * <p>Decoding the value gives a text whose characters are the unescaped bytes read as UTF-8, each
 * invalid byte as a surrogate escape ({@link Utf8#decode}); an escape gives one ASCII character,
 * which never continues a UTF-8 sequence, so reading the line's bytes as UTF-8 (with {@link
 * Utf8#sequence}) finds the same characters. The output is then what {@link
 * dev.auditship.text.GoText#appendJsonString} and {@link
 * dev.auditship.text.GoText#appendCompactJson} write for that text: Go's encoding/json with HTML
 * escaping ({@code \" \\ \n \r \t \b \f} kept short, other control characters, {@code < > &},
 * U+2028 and U+2029 as six-character u escapes, an invalid byte as the u escape of U+FFFD in a
 * string, and kept as it is in raw JSON, where Go embeds a json.RawMessage unchanged but
 * compacted).
 *
 * <p>HumanLineJsonTest compares every method with the decode path on hard text.
 */
final class HumanLineJson {
  private HumanLineJson() {}

  /**
   * The character strconv.Unquote makes of the escape {@code \e}; only the escapes {@link
   * HumanLineScanner} accepts in a checked line.
   */
  static int unescape(byte e) {
    return switch (e) {
      case 'a' -> 7;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'v' -> 0x0B;
      case '\\' -> '\\';
      case '"' -> '"';
      case '\'' -> '\'';
      default -> throw new IllegalStateException("a checked human line no longer decodes");
    };
  }

  /**
   * The most bytes {@link #string}, {@link #raw} or {@link #actor} write for a value of {@code len}
   * bytes: six a byte (an invalid byte, a control character or an HTML character becomes a six-byte
   * escape; U+2028 is three bytes and becomes six), the quotes and an actor's keys.
   */
  static int maxBytes(int len) {
    return 6 * len + 40;
  }

  /**
   * A string value {@code b[from, to)} (a quoted value's bytes between its quotes, escapes undone
   * here; a bare value's bytes as they are) as {@link JsonFormat} writes its {@code Value.Str},
   * into {@code a} from {@code p} (room made for {@link #maxBytes}); returns the end.
   */
  static int string(byte[] b, int from, int to, boolean quoted, byte[] a, int p) {
    a[p++] = '"';
    int start = from;
    int i = from;
    while (i < to) {
      if (i + 8 <= to) {
        // Eight bytes a step while none needs a look (most text); then to the first that does.
        long m = Swar.jsonSpecials(Swar.word(b, i));
        if (m == 0) {
          i += 8;
          continue;
        }
        i += Long.numberOfTrailingZeros(m) >>> 3;
      }
      byte c = b[i];
      if (c >= 0) {
        if (!GoText.escapesInJson(c)) {
          i++;
          continue;
        }
        p = copy(b, start, i, a, p);
        if (c == '\\' && quoted) {
          p = GoText.putJsonAscii(a, p, unescape(b[i + 1]));
          i += 2;
        } else {
          p = GoText.putJsonAscii(a, p, c);
          i++;
        }
        start = i;
        continue;
      }
      int s = Utf8.sequence(b, i, to);
      if (s == 0) {
        // An invalid byte: a lone surrogate in the decoded text, which the encoder replaces.
        p = copy(b, start, i, a, p);
        p = GoText.putUnicodeEscape(a, p, 0xFFFD);
        start = ++i;
      } else if (s == 3 && isLineSeparator(b, i)) {
        p = copy(b, start, i, a, p);
        p = GoText.putUnicodeEscape(a, p, 0x2028 | (b[i + 2] & 1));
        i += 3;
        start = i;
      } else {
        i += s;
      }
    }
    p = copy(b, start, to, a, p);
    a[p++] = '"';
    return p;
  }

  private static int copy(byte[] b, int from, int to, byte[] a, int p) {
    int n = to - from;
    if (n <= 16) {
      for (int i = 0; i < n; i++) {
        a[p + i] = b[from + i];
      }
    } else {
      System.arraycopy(b, from, a, p, n);
    }
    return p + n;
  }

  /** U+2028 (E2 80 A8) or U+2029 (E2 80 A9) at {@code b[i]}, a valid 3-byte sequence. */
  private static boolean isLineSeparator(byte[] b, int i) {
    return b[i] == (byte) 0xE2 && b[i + 1] == (byte) 0x80 && (b[i + 2] & 0xFE) == 0xA8;
  }

  /**
   * A raw JSON value (a quoted {@code Diff} or {@code AdditionalFields}: {@code b[from, to)}
   * between the quotes, escapes undone here) as {@link JsonFormat} writes its {@code Value.Raw}:
   * compacted, {@code < > &} U+2028 U+2029 escaped inside strings, everything else as it is; into
   * {@code a} from {@code p} (room made for {@link #maxBytes}); returns the end.
   */
  static int raw(byte[] b, int from, int to, byte[] a, int p) {
    boolean inString = false;
    boolean skip = false; // the character after a backslash inside a JSON string
    int start = from;
    int i = from;
    while (i < to) {
      byte c = b[i];
      int ch;
      int next;
      boolean escaped = c == '\\';
      if (escaped) {
        ch = unescape(b[i + 1]);
        next = i + 2;
      } else if (c >= 0) {
        ch = c;
        next = i + 1;
      } else {
        int s = Utf8.sequence(b, i, to);
        if (s == 0) {
          ch = -1; // an invalid byte: written back as it is
          next = i + 1;
        } else {
          ch = s == 3 && isLineSeparator(b, i) ? 0x2028 : -1;
          next = i + s;
        }
      }
      // What the decoded character becomes: kept (-1), dropped (0) or a u escape (its code).
      int become = -1;
      if (inString) {
        if (skip) {
          skip = false;
        } else if (ch == '\\') {
          skip = true;
        } else if (ch == '"') {
          inString = false;
        } else if (ch == '<' || ch == '>' || ch == '&') {
          become = ch;
        } else if (ch == 0x2028) {
          become = 0x2028 | (b[i + 2] & 1);
        }
      } else if (ch == '"') {
        inString = true;
      } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
        become = 0;
      }
      if (become == -1 && !escaped) {
        i = next; // the line's bytes are the decoded bytes: copied with the run
        continue;
      }
      p = copy(b, start, i, a, p);
      if (become > 0) {
        p = GoText.putUnicodeEscape(a, p, become);
      } else if (become == -1) {
        a[p++] = (byte) ch; // an escape's character, kept
      }
      i = next;
      start = next;
    }
    return copy(b, start, to, a, p);
  }

  /**
   * Whether {@code b[from, to)} is an actor value spelt {@code &{ID:… Email:… Username:…}}, as
   * {@link HumanLineDecoder#actor} decides on the decoded text. The separators ({@code " Email:"},
   * the first, and {@code " Username:"}, the last) are plain ASCII that no escape makes and none
   * can hide, so they are where they are in the decoded text, in the same order.
   */
  static boolean isActor(byte[] b, int from, int to) {
    return actorEmail(b, from, to) >= 0;
  }

  private static final byte[] ID = "&{ID:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMAIL = " Email:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] USERNAME = " Username:".getBytes(StandardCharsets.US_ASCII);

  /** Where {@code " Email:"} is, or -1 when the value is not an actor; see {@link #isActor}. */
  private static int actorEmail(byte[] b, int from, int to) {
    if (to - from < ID.length + 1 || !at(b, from, to, ID) || b[to - 1] != '}') {
      return -1;
    }
    int e = -1;
    for (int i = from; i <= to - EMAIL.length; i++) {
      if (b[i] == ' ' && at(b, i, to, EMAIL)) {
        e = i;
        break;
      }
    }
    return e > from && actorUsername(b, from, to) > e ? e : -1;
  }

  private static int actorUsername(byte[] b, int from, int to) {
    for (int i = to - USERNAME.length; i >= from; i--) {
      if (b[i] == ' ' && at(b, i, to, USERNAME)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * An actor value {@code b[from, to)} ({@link #isActor}) as {@link JsonFormat} writes its {@code
   * Value.Actor}, {@code {"id":…,"email":…,"username":…}}, into {@code a} from {@code p} (room made
   * for {@link #maxBytes}); returns the end.
   */
  static int actor(byte[] b, int from, int to, boolean quoted, byte[] a, int p) {
    int e = actorEmail(b, from, to);
    int u = actorUsername(b, from, to);
    if (e < 0) {
      throw new IllegalStateException("a checked human line no longer decodes");
    }
    p = copy(ID_KEY, 0, ID_KEY.length, a, p);
    p = string(b, from + ID.length, e, quoted, a, p);
    p = copy(EMAIL_KEY, 0, EMAIL_KEY.length, a, p);
    p = string(b, e + EMAIL.length, u, quoted, a, p);
    p = copy(USERNAME_KEY, 0, USERNAME_KEY.length, a, p);
    p = string(b, u + USERNAME.length, to - 1, quoted, a, p);
    a[p++] = '}';
    return p;
  }

  private static final byte[] ID_KEY = "{\"id\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMAIL_KEY = ",\"email\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] USERNAME_KEY = ",\"username\":".getBytes(StandardCharsets.US_ASCII);

  /** Whether {@code b[p, to)} starts with {@code s}. */
  static boolean at(byte[] b, int p, int to, byte[] s) {
    if (p + s.length > to) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (b[p + i] != s[i]) {
        return false;
      }
    }
    return true;
  }
}
