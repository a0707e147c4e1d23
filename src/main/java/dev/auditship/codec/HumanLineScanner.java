package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.GoText;
import dev.auditship.text.GoTime;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The first line of a slog human entry read straight from its UTF-8 bytes, checked as {@link
 * EventChecks} checks an event: the common line Coder prints, without a String of the whole line,
 * without regular expressions. It means exactly what {@link HumanLineDecoder#parse} means: anything
 * it is not certain about (an ANSI colour, a backslash-x or backslash-u escape, a control byte, a
 * line the text path cannot parse) makes it answer {@code null}, and the caller decodes the line's
 * text with {@link HumanLineDecoder}, which stays the definition and writes the reject reasons. A
 * line whose fields the checks refuse is answered unchecked ({@code Partial.checked()} false), and
 * the caller checks the whole event with {@link EventChecks#check} for the reason, as the text path
 * does.
 *
 * <p>While it reads, it also decides, conservatively, whether the line is exactly what {@link
 * HumanFormat} (slog's human sink) prints for the event it decodes to; such a line is kept ({@link
 * dev.auditship.event.Event#humanLine()}) so human output is a copy, as json output copies a kept
 * JSON line. The rules (docs/coder-reference.md §5): bare values are printable and need no quoting;
 * a quoted value needs its quotes and is spelt as Go's strconv.Quote spells it; the logger is
 * {@code coderd} (or absent); no multi-line block; {@code trace} before {@code span}.
 *
 * <p>Not thread-safe (it reuses a builder); one per {@link LogDecoder}.
 */
final class HumanLineScanner {
  /** The answer for a line that is certainly not an event line (as the text path would skip it). */
  static final HumanLineDecoder.Partial SKIP =
      new HumanLineDecoder.Partial(Kind.AUDIT, null, List.of(), false, null, false);

  private static final List<String> CODERD = List.of("coderd");
  private static final byte[] CODERD_PREFIX = "coderd: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUDIT = Kind.AUDIT.message().getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION =
      Kind.CONNECTION.message().getBytes(StandardCharsets.US_ASCII);
  private static final String[] LEVEL_TAGS = {"debu", "info", "warn", "erro", "crit", "fata"};
  private static final String[] LEVELS = {"DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "FATAL"};

  /** Every key Coder prints, so a key is a shared constant (its hash computed once). */
  private static final String[] KEYS;

  private static final byte[][] KEY_BYTES;

  /** Per key: 1 when it is one of the event fields of {@link Kind#AUDIT}, 2 of the connection. */
  private static final int[] KEY_KINDS;

  static {
    List<String> keys = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (String f : k.fields()) {
        if (!keys.contains(f)) {
          keys.add(f);
        }
      }
    }
    keys.add("request_id");
    keys.add("trace");
    keys.add("span");
    KEYS = keys.toArray(new String[0]);
    KEY_BYTES = new byte[KEYS.length][];
    KEY_KINDS = new int[KEYS.length];
    for (int i = 0; i < KEYS.length; i++) {
      KEY_BYTES[i] = KEYS[i].getBytes(StandardCharsets.US_ASCII);
      KEY_KINDS[i] =
          (Kind.AUDIT.fields().contains(KEYS[i]) ? 1 : 0)
              | (Kind.CONNECTION.fields().contains(KEYS[i]) ? 2 : 0);
    }
  }

  /**
   * Per kind bit (1 audit, 2 connection) and key: 1 when {@link EventChecks#checkField} accepts any
   * string for the key, 2 when it accepts a UUID string (it looks at nothing else of a string), 0
   * when it may refuse a string.
   */
  private static final int[][] STR_OK = new int[3][];

  static {
    for (int bit = 1; bit <= 2; bit++) {
      STR_OK[bit] = new int[KEYS.length];
      for (int k = 0; k < KEYS.length; k++) {
        boolean audit = bit == 1;
        if (EventChecks.checkField(audit, KEYS[k], new Value.Str("x")) == null) {
          STR_OK[bit][k] = 1;
        } else if (EventChecks.checkField(
                audit, KEYS[k], new Value.Str("00000000-0000-0000-0000-000000000000"))
            == null) {
          STR_OK[bit][k] = 2;
        }
      }
    }
  }

  private static boolean strOk(int kindBit, int k, boolean uuid) {
    int ok = STR_OK[kindBit][k];
    return ok == 1 || (ok == 2 && uuid);
  }

  /**
   * Bytes a bare value can hold and still be printed bare by slog's quote(): printable ASCII other
   * than space, {@code "} and backslash (0x80 and up are judged per code point).
   */
  private static final boolean[] BARE = new boolean[128];

  static {
    for (int c = 0x21; c < 0x7F; c++) {
      BARE[c] = c != '"' && c != '\\';
    }
  }

  private final StringBuilder sb = new StringBuilder(32);
  private byte[] scratch = new byte[256];

  /** The text of the value {@link #quoted} read last. */
  private String quotedText;

  private byte[] b;
  private int end;
  private int keyHint;

  // Per value, set by quoted()/bare(): how the value was spelt.
  private boolean valueCanonical;
  private boolean valueNeedsQuotes;
  private boolean valueNewline;
  private boolean valueTimeSafe;
  private boolean valueUuid;
  private int bareEnd;

  /** Per key index + 1 (0: the first field), the key index that followed it last time. */
  private final int[] next = new int[KEYS.length + 1];

  private int prev;

  /**
   * How the formats treat the last value when the scan could tell (ASCII, no escapes): bit 1
   * JSON-safe (no HTML character), bit 2 printed bare by slog's quote(); -1 to classify its text.
   */
  private int strFlags;

  /**
   * Reads the line {@code bytes[off, off+len)} (no line terminator, no CR).
   *
   * @return the partial entry; {@link #SKIP} when the line is not an audit or connection entry; or
   *     {@code null} when the text path must decide
   */
  HumanLineDecoder.Partial scan(byte[] bytes, int off, int len) {
    this.b = bytes;
    this.end = off + len;
    try {
      return line(off);
    } finally {
      this.b = null;
    }
  }

  private HumanLineDecoder.Partial line(int off) {
    int n = end;
    if (!looksHuman(off)) {
      return skip(off);
    }
    for (int i = off + 25; i < off + 29; i++) {
      if (b[i] < 0x20 || b[i] == 0x7F) {
        return null; // a level tag with a non-ASCII or control byte: the text path decides
      }
    }
    int p = off + HumanLineDecoder.PREFIX;
    // Optional logger names "coderd: " (no spaces inside the names part), as messageStart.
    int colon = indexOf2(p, ':', ' ');
    int space = Utf8.indexOf(b, p, n, (byte) ' ');
    int msgAt = p;
    if (colon < n && colon > p && colon < space) {
      msgAt = colon + 2;
    }
    Kind kind;
    if (at(msgAt, AUDIT) && (msgAt + AUDIT.length == n || b[msgAt + AUDIT.length] == ' ')) {
      kind = Kind.AUDIT;
    } else if (at(msgAt, CONNECTION)
        && (msgAt + CONNECTION.length == n || b[msgAt + CONNECTION.length] == ' ')) {
      kind = Kind.CONNECTION;
    } else {
      return skip(off);
    }
    boolean canonical = true;
    List<String> names;
    if (msgAt == p) {
      names = List.of();
    } else if (msgAt == p + CODERD_PREFIX.length && at(p, CODERD_PREFIX)) {
      names = CODERD;
    } else {
      return null; // other logger names: rare, left to the text path
    }
    String tag = new String(b, off + 25, 4, StandardCharsets.ISO_8859_1);
    String level = null;
    for (int i = 0; i < LEVEL_TAGS.length; i++) {
      if (LEVEL_TAGS[i].equals(tag)) {
        level = LEVELS[i];
      }
    }
    if (level == null) {
      level = HumanLineDecoder.level(tag);
      canonical = false;
    }
    String ts = isoTs(off);

    int i = msgAt + kind.message().length();
    int kindBit = kind == Kind.AUDIT ? 1 : 2;
    List<Field> fields = new ArrayList<>(20);
    String trace = null;
    String span = null;
    boolean continues = false;
    boolean hasId = false;
    boolean hasTime = false;
    boolean checked = true;
    keyHint = 0;
    prev = -1;
    while (i < n) {
      if (i + 4 == n && b[i] == ' ' && b[i + 1] == '.' && b[i + 2] == '.' && b[i + 3] == '.') {
        continues = true;
        canonical = false;
        break;
      }
      if (i + 1 >= n || b[i] != ' ' || b[i + 1] != ' ') {
        return null;
      }
      i += 2;
      // The key that followed the previous one last time, tried first: Coder prints its fields
      // in the same order on every line.
      int k = next[prev + 1];
      int eq;
      byte[] guess = KEY_BYTES[k];
      if (at(i, guess) && i + guess.length < n && b[i + guess.length] == '=') {
        eq = i + guess.length;
      } else {
        eq = -1;
        for (int j = i; j < n; j++) {
          byte c = b[j];
          if (c == '=') {
            eq = j;
            break;
          }
          if (c == ' ' || c < 0x21 || c == 0x7F) {
            return null; // a space before '=', a control or non-ASCII byte in a key
          }
        }
        if (eq <= i) {
          return null;
        }
        k = key(i, eq);
        if (k >= 0) {
          next[prev + 1] = k;
        }
      }
      prev = k;
      String key;
      if (k >= 0) {
        key = KEYS[k];
      } else {
        key = new String(b, i, eq - i, StandardCharsets.ISO_8859_1);
        for (int j = i; j < eq; j++) {
          if (!BARE[b[j]]) {
            canonical = false; // slog would quote this key
          }
        }
      }
      i = eq + 1;
      String text;
      boolean quoted = i < n && b[i] == '"';
      if (quoted) {
        i = quoted(i);
        if (i < 0) {
          return null;
        }
        text = quotedText;
      } else {
        text = bare(i);
        if (text == null) {
          return null;
        }
        i = bareEnd;
      }
      if (!quoted && fields.isEmpty() && k >= 0 && key.equals("trace") && trace == null) {
        trace = text;
        if (span != null || !valueCanonical) {
          canonical = false;
        }
        continue;
      }
      if (!quoted && fields.isEmpty() && k >= 0 && key.equals("span") && span == null) {
        span = text;
        canonical &= valueCanonical;
        continue;
      }
      Value v = typed(kind, key, k >= 0 && (KEY_KINDS[k] & kindBit) != 0, text, quoted);
      if (v == null) {
        return null;
      }
      if (canonical) {
        canonical = canonical(v, quoted);
      }
      if (!(k >= 0 && v instanceof Value.Str && strOk(kindBit, k, valueUuid))
          && EventChecks.checkField(kind == Kind.AUDIT, key, v) != null) {
        checked = false; // the whole event is checked for its reason (EventChecks.check)
      }
      if (k >= 0 && !hasId && key.equals("ID")) {
        hasId = true;
      }
      if (k >= 0 && !hasTime && key.equals("Time")) {
        hasTime = true; // a Time read here is RFC 3339 (else the text path decides)
      }
      fields.add(new Field(key, v));
    }
    if (!hasId || !hasTime) {
      checked = false;
    }
    return new HumanLineDecoder.Partial(
        kind,
        new Envelope(ts, level, null, null, names, trace, span),
        fields,
        continues,
        canonical && checked ? Arrays.copyOfRange(b, off, n) : null,
        checked);
  }

  /**
   * {@link #SKIP} for a line that is not an event line, unless it has an ANSI escape (the text path
   * strips colours first, and then may see an event; an escape anywhere else makes a key or a value
   * refuse the line).
   */
  private HumanLineDecoder.Partial skip(int off) {
    return Utf8.indexOf(b, off, end, (byte) 0x1b) < end || (end > off && b[off] == '{')
        ? null
        : SKIP;
  }

  /** Whether {@link HumanFormat} prints {@code v} as the value was spelt in the line. */
  private boolean canonical(Value v, boolean quoted) {
    if (!valueCanonical) {
      return false;
    }
    if (v instanceof Value.Str) {
      // Bare when slog's quote() prints it bare, quoted when it must; a line break in a plain
      // string moves it to a multi-line block.
      return quoted ? valueNeedsQuotes && !valueNewline : true;
    }
    if (v instanceof Value.Time) {
      return valueTimeSafe;
    }
    return true; // Num, Null (bare, as printed); Raw, Actor (quoted by strconv.Quote)
  }

  /**
   * The typed value, as {@link HumanLineDecoder#typed} gives it, or {@code null} when that would
   * throw or needs more than this scanner does (Go's time.Time.String() form).
   */
  private Value typed(Kind kind, String key, boolean kindField, String text, boolean quoted) {
    switch (key) {
      case "Time":
        if (quoted && GoTime.isRfc3339(text)) {
          return new Value.Time(text);
        }
        return null;
      case "Diff":
      case "AdditionalFields":
        if (!quoted) {
          return null;
        }
        return text.isEmpty() ? Value.Raw.NIL : new Value.Raw(text);
      case "actor":
        return HumanLineDecoder.actor(text);
      case "StatusCode":
      case "Code":
        if (quoted) {
          return null;
        }
        if (text.equals("<nil>")) {
          return Value.Null.INSTANCE;
        }
        return isInteger(text) ? new Value.Num(text) : null;
      case "UserID":
      case "ConnectionID":
        if (!quoted && kind == Kind.CONNECTION && text.equals("<nil>")) {
          return Value.Null.INSTANCE;
        }
        return str(text);
      default:
        if (kindField || key.equals("request_id")) {
          return str(text);
        }
        if (!quoted && text.equals("<nil>")) {
          return Value.Null.INSTANCE;
        }
        return str(text);
    }
  }

  private Value.Str str(String text) {
    return strFlags < 0
        ? new Value.Str(text)
        : Value.Str.classified(text, (strFlags & 1) != 0, (strFlags & 2) != 0, false, true);
  }

  /** {@code -?[0-9]+}. */
  private static boolean isInteger(String s) {
    int i = !s.isEmpty() && s.charAt(0) == '-' ? 1 : 0;
    if (i == s.length()) {
      return false;
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * The bare value from {@code b[from]} up to the next space (or the end; {@link #bareEnd}) as
   * text, or {@code null} when it holds a control byte (the text path decides). Sets {@link
   * #valueCanonical} (slog's quote() prints it bare), {@link #valueUuid} and {@link #strFlags}.
   */
  private String bare(int from) {
    boolean ascii = true;
    int acc = 0;
    int notHex = 0;
    int to = end;
    for (int j = from; j < to; j++) {
      byte c = b[j];
      if (c == ' ') {
        to = j;
        break;
      }
      if (c >= 0) {
        int cls = CLASS[c];
        if ((cls & CONTROL) != 0) {
          return null;
        }
        acc |= cls;
        notHex += cls >>> 3;
      } else {
        ascii = false;
        int s = printable(j);
        if (s == 0) {
          acc |= NOT_BARE;
        } else {
          j += s - 1;
        }
      }
    }
    boolean canon = to > from && (acc & NOT_BARE) == 0;
    valueCanonical = canon;
    // A UUID: 36 bytes, hex but for the four dashes in their places.
    valueUuid =
        ascii
            && to - from == 36
            && notHex == 4
            && b[from + 8] == '-'
            && b[from + 13] == '-'
            && b[from + 18] == '-'
            && b[from + 23] == '-';
    // Printable ASCII without space, quote or backslash: bare for slog's quote(), and safe for Go's
    // JSON encoder unless it has an HTML character (Value.Str's flags, without a second scan).
    strFlags = canon && ascii ? ((acc & HTML) != 0 ? 0 : 1) | 2 : -1;
    bareEnd = to;
    return ascii
        ? new String(b, from, to - from, StandardCharsets.ISO_8859_1)
        : Utf8.decode(b, from, to - from);
  }

  /** {@link #CLASS} bits of an ASCII byte in a bare value. */
  private static final int NOT_BARE = 1; // space, quote, backslash: slog's quote() would quote it

  private static final int HTML = 2; // < > &: Go's JSON encoder escapes them
  private static final int CONTROL = 4; // a control byte or DEL: the text path decides
  private static final int NOT_HEX = 8; // the highest bit, so cls >>> 3 counts it

  private static final byte[] CLASS = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      int cls = NOT_HEX;
      if (c < 0x20 || c == 0x7F) {
        cls |= CONTROL | NOT_BARE;
      } else if (c == ' ' || c == '"' || c == '\\') {
        cls |= NOT_BARE;
      } else if (c == '<' || c == '>' || c == '&') {
        cls |= HTML;
      } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        cls = 0;
      }
      CLASS[c] = (byte) cls;
    }
  }

  /**
   * Length of the UTF-8 sequence at {@code b[i]} (not ASCII) when it is valid and Go's
   * strconv.IsPrint holds for it (strconv.Quote then writes it as it is), else 0.
   */
  private int printable(int i) {
    int s = Utf8.sequence(b, i, end);
    if (s == 0) {
      return 0;
    }
    int c = b[i] & 0xFF;
    int cp = c & (s == 2 ? 0x1F : s == 3 ? 0x0F : 0x07);
    for (int k = 1; k < s; k++) {
      cp = (cp << 6) | (b[i + k] & 0x3F);
    }
    return GoText.isPrint(cp) ? s : 0;
  }

  /**
   * Unquotes the literal at {@code b[q] == '"'} into {@link #quotedText}, as Go's strconv.Unquote
   * (the simple escapes only); returns the index after the closing quote, or -1 when the text path
   * must decide (an x, u or U escape, an octal escape, a control byte, no closing quote). Sets
   * {@link #valueCanonical} (spelt as strconv.Quote spells the value), {@link #valueNeedsQuotes}
   * (slog's quote() would quote it), {@link #valueNewline} and {@link #valueTimeSafe}.
   */
  private int quoted(int q) {
    byte[] out = scratch;
    int len = 0;
    boolean ascii = true;
    boolean canon = true;
    boolean needs = false;
    boolean newline = false;
    boolean time = true;
    boolean plain = true;
    boolean html = false;
    int i = q + 1;
    int n = end;
    while (i < n) {
      byte c = b[i];
      if (c == '"') {
        valueCanonical = canon;
        valueNeedsQuotes = needs || i == q + 1;
        valueNewline = newline;
        valueTimeSafe = time;
        valueUuid = false; // checked on its text
        if (plain) {
          // ASCII without escapes: the text is the bytes between the quotes.
          quotedText = new String(b, q + 1, len, StandardCharsets.ISO_8859_1);
          strFlags = (html ? 0 : 1) | (valueNeedsQuotes ? 0 : 2);
        } else {
          // Escapes give ASCII, which never continues a UTF-8 sequence: decoding the unescaped
          // bytes gives the text path's characters.
          quotedText =
              ascii
                  ? new String(out, 0, len, StandardCharsets.ISO_8859_1)
                  : Utf8.decode(out, 0, len);
          strFlags = -1;
        }
        if (out.length > 64 * 1024) {
          scratch = new byte[256]; // one huge value does not stay allocated
        }
        return i + 1;
      }
      if (c >= 0x20 && c < 0x7F && c != '\\') {
        int run = i;
        while (run < n) {
          byte r = b[run];
          if (r < 0x20 || r >= 0x7F || r == '"' || r == '\\') {
            break;
          }
          if (r == ' ') {
            needs = true;
          } else if (r == '<' || r == '>' || r == '&') {
            html = true;
          }
          if (!JsonFormat.TIME_CHARS[r]) {
            time = false;
          }
          run++;
        }
        int k = run - i;
        if (plain) {
          len += k; // still the line's own bytes: nothing to copy yet
          i = run;
          continue;
        }
        if (len + k > out.length) {
          out = scratch = Arrays.copyOf(out, Math.max(len + k, out.length * 2));
        }
        System.arraycopy(b, i, out, len, k);
        len += k;
        i = run;
        continue;
      }
      if (plain) {
        // The first escape or non-ASCII byte: from here on the text is built in the scratch array.
        plain = false;
        if (len > out.length) {
          out = scratch = new byte[Math.max(len * 2, 256)];
        }
        System.arraycopy(b, q + 1, out, 0, len);
      }
      if (c < 0) {
        int k = printable(i);
        if (k == 0) {
          canon = false;
          k = Math.max(1, Utf8.sequence(b, i, n));
        }
        if (len + k > out.length) {
          out = scratch = Arrays.copyOf(out, Math.max(len + k, out.length * 2));
        }
        System.arraycopy(b, i, out, len, k);
        len += k;
        ascii = false;
        time = false;
        i += k;
        continue;
      }
      if (c != '\\') {
        return -1; // a control byte or DEL inside the quotes: strconv.Quote never writes one
      }
      if (i + 1 >= n) {
        return -1;
      }
      byte ch;
      switch (b[i + 1]) {
        case 'a' -> ch = 7;
        case 'b' -> ch = '\b';
        case 'f' -> ch = '\f';
        case 'n' -> {
          ch = '\n';
          newline = true;
        }
        case 'r' -> ch = '\r';
        case 't' -> ch = '\t';
        case 'v' -> ch = 0x0B;
        case '\\' -> ch = '\\';
        case '"' -> ch = '"';
        case '\'' -> {
          ch = '\'';
          canon = false; // strconv.Quote writes ' as it is
        }
        default -> {
          return -1;
        }
      }
      if (len == out.length) {
        out = scratch = Arrays.copyOf(out, out.length * 2);
      }
      out[len++] = ch;
      needs = true;
      time = false;
      i += 2;
    }
    return -1;
  }

  private boolean looksHuman(int off) {
    if (end - off < HumanLineDecoder.PREFIX) {
      return false;
    }
    for (int i = 0; i < HumanLineDecoder.PREFIX; i++) {
      if (!HumanLineDecoder.prefixChar(i, b[off + i])) {
        return false;
      }
    }
    return true;
  }

  /** {@link HumanLineDecoder#isoTs} from the bytes (ASCII, checked by {@link #looksHuman}). */
  private String isoTs(int off) {
    StringBuilder s = sb;
    s.setLength(0);
    for (int i = 0; i < 10; i++) {
      s.append((char) b[off + i]);
    }
    s.append('T');
    for (int i = 11; i < 19; i++) {
      s.append((char) b[off + i]);
    }
    int e = 23;
    while (e > 20 && b[off + e - 1] == '0') {
      e--;
    }
    if (e > 20) {
      s.append('.');
      for (int i = 20; i < e; i++) {
        s.append((char) b[off + i]);
      }
    }
    return s.append('Z').toString();
  }

  /** The index in {@link #KEYS} of the key {@code b[from, to)}, or -1. */
  private int key(int from, int to) {
    int len = to - from;
    for (int t = 0, n = KEYS.length; t < n; t++) {
      int k = keyHint + t;
      if (k >= n) {
        k -= n;
      }
      byte[] kb = KEY_BYTES[k];
      if (kb.length == len && at(from, kb)) {
        keyHint = k + 1 == n ? 0 : k + 1;
        return k;
      }
    }
    return -1;
  }

  /** Index of the first "{@code c}{@code d}" from {@code from}, or {@link #end}. */
  private int indexOf2(int from, char c, char d) {
    for (int i = from; i + 1 < end; i++) {
      if (b[i] == c && b[i + 1] == d) {
        return i;
      }
    }
    return end;
  }

  private boolean at(int p, byte[] s) {
    if (p + s.length > end) {
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
