package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Kind;
import dev.auditship.text.GoTime;
import dev.auditship.text.Swar;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The bytes-first decode of one compact slog JSON line: it checks the line's grammar and the event
 * checks ({@link EventChecks}) on the bytes, records where each field's value starts, and works out
 * whether the line already is exactly what slog's JSON sink prints for the event, without building
 * the values. The envelope (a few short strings) is decoded at once; field values later, by {@link
 * LineFields}, when something reads them.
 *
 * <p>Conservative by construction: whenever it is not certain (an escape in a UUID, a field that
 * fails a check, anything outside the compact shape) it gives up and {@link JsonLineDecoder} takes
 * the eager path, which is the definition and writes the exact reject reason. "Canonical" is only
 * claimed when every token would be rendered back to the same bytes by {@link JsonFormat}: strings
 * escaped exactly as Go's encoder escapes them, raw JSON already compact and HTML-safe, the
 * envelope keys in slog's order, the actor's keys in its order.
 *
 * <p>Not thread-safe; one per decoder.
 */
final class LazyLineScanner {
  /** Ints per field in the index: key, value start. */
  static final int SLOTS = 2;

  /** The result: the envelope, the field index over {@code line}, and whether it is canonical. */
  record Result(
      Kind kind,
      Envelope envelope,
      byte[] line,
      int[] index,
      int count,
      String[] extraKeys,
      int idAt,
      int timeAt,
      int timeLen,
      long timeMicros,
      boolean canonical) {}

  private static final int HTML = 1;
  private static final int NON_ASCII = 4;
  private static final int STOP = 8;
  private static final byte[] CLASS = new byte[256];

  static {
    for (int c = 0; c < 0x20; c++) {
      CLASS[c] = STOP;
    }
    CLASS['"'] = STOP;
    CLASS['\\'] = STOP;
    CLASS['<'] = HTML;
    CLASS['>'] = HTML;
    CLASS['&'] = HTML;
    for (int c = 0x80; c < 0x100; c++) {
      CLASS[c] = NON_ASCII;
    }
  }

  /** Hex digits, either case (what EventChecks.isUuid accepts). */
  // Per-key checks (EventChecks), by index into JsonLineScanner.KEYS, for each kind.
  private static final int ANY = 0;

  private static final int UUID = 1;
  private static final int UUID_OR_NULL = 2;
  private static final int STRING = 3;
  private static final int INT = 4;
  private static final int INT_OR_NULL = 5;
  private static final int ACTOR = 6;
  private static final int TIME = 7;
  private static final byte[] AUDIT_CHECK = checks(Kind.AUDIT);
  private static final byte[] CONNECTION_CHECK = checks(Kind.CONNECTION);

  private static byte[] checks(Kind kind) {
    boolean audit = kind == Kind.AUDIT;
    String[] keys = JsonLineScanner.KEYS;
    byte[] out = new byte[keys.length];
    for (int i = 0; i < keys.length; i++) {
      String k = keys[i];
      int c = ANY;
      if (k.equals("Time")) {
        c = TIME;
      } else if (EventChecks.UUIDS.contains(k)) {
        c = k.equals("UserID") && !audit ? UUID_OR_NULL : UUID;
      } else if (EventChecks.NULLABLE_UUIDS.contains(k)) {
        c = UUID_OR_NULL;
      } else if (audit
          ? EventChecks.AUDIT_STRINGS.contains(k)
          : EventChecks.CONNECTION_STRINGS.contains(k)) {
        c = STRING;
      } else if (audit && k.equals("StatusCode")) {
        c = INT;
      } else if (!audit && k.equals("Code")) {
        c = INT_OR_NULL;
      } else if (audit && k.equals("actor")) {
        c = ACTOR;
      }
      out[i] = (byte) c;
    }
    return out;
  }

  /**
   * Per key (index into {@link JsonLineScanner#KEYS}), true when the scan checked each of its
   * string values in a line of that kind to be a UUID: 36 bytes of hex digits and dashes, nothing
   * escaped.
   */
  static final boolean[] AUDIT_UUID = uuidKeys(AUDIT_CHECK);

  static final boolean[] CONNECTION_UUID = uuidKeys(CONNECTION_CHECK);

  private static boolean[] uuidKeys(byte[] checks) {
    boolean[] r = new boolean[checks.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = checks[i] == UUID || checks[i] == UUID_OR_NULL;
    }
    return r;
  }

  private static final int ID_KEY = indexOf("ID");
  private static final int DIFF_KEY = indexOf("Diff");
  private static final int ADDITIONAL_KEY = indexOf("AdditionalFields");
  private static final int ACTOR_KEY = indexOf("actor");

  private static int indexOf(String key) {
    return Arrays.asList(JsonLineScanner.KEYS).indexOf(key);
  }

  /** The logger names being read, and the last line's (reused while they repeat). */
  private final List<String> nameBuf = new ArrayList<>(2);

  private List<String> lastNames = List.of();

  private byte[] b;
  private int base;
  private int end;
  private boolean canon;
  private int[] index = new int[64];
  private int count;
  private List<String> extra;
  private final JsonLineScanner strings = new JsonLineScanner();

  /** The times of a log's lines mostly share their date and hour: worked out once for them. */
  private final GoTime.HourCache times = new GoTime.HourCache();

  /** Scans {@code bytes[off, off+len)}; the result, or {@code null} for the eager path. */
  Result scan(byte[] bytes, int off, int len) {
    return scan(bytes, off, off + len, false);
  }

  /**
   * Scans the line that starts at {@code bytes[off]} and ends with the first line feed before
   * {@code limit} (a CR before it is not part of the line), finding that line feed itself: a line
   * this scanner takes has none inside (a JSON string holds no control byte as it is), so the scan
   * that checks the line finds its end, and the bytes are read once. The result is the one {@link
   * #scan(byte[], int, int)} gives for the line; {@code null} for anything else, the line feed not
   * right after the object included (then the caller finds the line's end and scans it again).
   * {@link #lineFeed()} tells where it was.
   */
  Result scanLine(byte[] bytes, int off, int limit) {
    return scan(bytes, off, limit, true);
  }

  /** Where the line feed after the line {@link #scanLine} took is. */
  int lineFeed() {
    return lineFeed;
  }

  /** Whether the scan looks for the line feed itself ({@link #scanLine}), and where it was. */
  private boolean findEnd;

  private int lineFeed;

  private Result scan(byte[] bytes, int off, int limit, boolean findEnd) {
    b = bytes;
    base = off;
    end = limit;
    this.findEnd = findEnd;
    canon = true;
    count = 0;
    extra = null;
    try {
      return object(off);
    } catch (RuntimeException e) {
      // JsonTokens.GIVE_UP, or a token running past the array: either way the eager path decides.
      return null;
    }
  }

  private Result object(int p) {
    expect(p++, '{');
    String ts = null;
    int tsAt = 0;
    int tsLen = 0;
    boolean tsPlain = false;
    String level = null;
    String msg = null;
    String caller = null;
    String func = null;
    String trace = null;
    String span = null;
    List<String> names = List.of();
    int seen = 0;
    int fieldsAt = -1;
    while (true) {
      int key = envelopeKey(p);
      if (key < 0) {
        return null; // a key slog does not print, or not a key: not this scanner's line
      }
      p += ENVELOPE_KEYS.length(key);
      int bit = 1 << key; // the keys' order is slog's: ts, level, msg, ... fields
      if (key == TS) {
        tsAt = p + 1;
        p = envString(p, -1);
        ts = str;
        tsLen = p - 1 - tsAt;
        tsPlain = plainToken;
      } else if (key == LEVEL) {
        p = envString(p, 0);
        level = str;
      } else if (key == MSG) {
        p = envString(p, 1);
        msg = str;
        if (Kind.ofMessage(msg) == null) {
          // Not an event line (most lines of a server log): no more to do here. A return, not a
          // throw: unwinding an exception through compiled frames costs more than the scan.
          return null;
        }
      } else if (key == CALLER) {
        p = envString(p, 2);
        caller = str;
      } else if (key == FUNC) {
        p = envString(p, 3);
        func = str;
      } else if (key == LOGGER_NAMES) {
        List<String> l = nameBuf;
        l.clear();
        expect(p++, '[');
        if (b[p] == ']') {
          p++;
          canon = false; // the json format leaves an empty list out
        } else {
          while (true) {
            p = envString(p, 4);
            l.add(str);
            if (b[p] == ',') {
              p++;
            } else {
              expect(p++, ']');
              break;
            }
          }
        }
        // The same names every line: the last line's immutable list, not a new copy per line.
        names = l.equals(lastNames) ? lastNames : (lastNames = List.copyOf(l));
      } else if (key == TRACE) {
        p = envString(p, -1);
        trace = str;
      } else if (key == SPAN) {
        p = envString(p, -1);
        span = str;
      } else if (key == FIELDS) {
        fieldsAt = p;
        if (msg == null) {
          throw JsonTokens.GIVE_UP;
        }
        Kind kind = Kind.ofMessage(msg);
        if (kind == null) {
          throw JsonTokens.GIVE_UP;
        }
        order = kind == Kind.AUDIT ? AUDIT_ORDER : CONNECTION_ORDER;
        keyHint = 0;
        p = fields(p, kind == Kind.AUDIT ? AUDIT_CHECK : CONNECTION_CHECK);
      }
      if ((seen & bit) != 0) {
        throw JsonTokens.GIVE_UP;
      }
      if (bit < (seen & -seen) || Integer.highestOneBit(seen) > bit) {
        canon = false; // not in slog's key order
      }
      seen |= bit;
      if (b[p] == ',') {
        p++;
        continue;
      }
      expect(p++, '}');
      break;
    }
    if (fieldsAt < 0 || ts == null || level == null) {
      throw JsonTokens.GIVE_UP;
    }
    if (findEnd) {
      // The line ends right after the object, with LF or CR LF (what LogDecoder drops).
      if (p < end && b[p] == '\n') {
        lineFeed = p;
      } else if (p + 1 < end && b[p] == '\r' && b[p + 1] == '\n') {
        lineFeed = p + 1;
      } else {
        return null;
      }
      end = p;
    } else if (p != end) {
      throw JsonTokens.GIVE_UP;
    }
    if ((seen & 0b11111) != 0b11111) {
      canon = false; // caller or func missing: the json format adds the defaults
    }
    Kind kind = Kind.ofMessage(msg);
    // Checked last, so a line that is no event never pays for it. Plain ASCII without escapes: the
    // bytes are the text, checked without another copy.
    // Its instant is kept with the envelope: the SIEM formats copy such a ts whole and read it.
    long tsMicros = tsPlain ? times.epochMicrosOf(b, tsAt, tsLen) : GoTime.NO_TIME;
    boolean tsOk = tsPlain ? tsMicros != GoTime.NO_TIME : GoTime.isRfc3339(ts);
    if (!tsOk) {
      throw JsonTokens.GIVE_UP;
    }
    byte[] line = Arrays.copyOfRange(b, base, end);
    return new Result(
        kind,
        new Envelope(ts, level, caller, func, names, trace, span, tsMicros),
        line,
        Arrays.copyOf(index, count * SLOTS),
        count,
        extra == null ? null : extra.toArray(new String[0]),
        idAt - base,
        timeAt - base,
        timeLen,
        timeMicros,
        canon);
  }

  /**
   * Where the first ID's and Time's text start in the line being scanned (-1: none yet), the Time's
   * length, and its value ({@link GoTime#epochMicrosOf(byte[], int, int)}, worked out while it is
   * checked so that no sink parses it again).
   */
  private int idAt;

  private int timeAt;
  private int timeLen;
  private long timeMicros;

  private int fields(int p, byte[] checks) {
    expect(p++, '{');
    idAt = -1;
    timeAt = -1;
    if (b[p] == '}') {
      throw JsonTokens.GIVE_UP; // no ID: the eager path says so
    }
    while (true) {
      int keyId = knownKey(p);
      int key;
      if (keyId >= 0) {
        key = keyId;
        p += FIELD_KEYS.length(keyId); // the colon too
      } else {
        int s = p + 1;
        p = strToken(p, true);
        if (extra == null) {
          extra = new ArrayList<>(2);
        }
        String name = strings.stringAt(b, end, s - 1);
        if (KNOWN_NAMES.contains(name)) {
          // A known name spelled with an escape ("\u0054ime"): slog never writes one, and the
          // index would hold it beside the field itself. The eager path decides what it means.
          throw JsonTokens.GIVE_UP;
        }
        extra.add(name);
        key = -extra.size();
        expect(p++, ':');
      }
      if (count * SLOTS + SLOTS > index.length) {
        index = Arrays.copyOf(index, index.length * 2);
      }
      index[count * SLOTS] = key;
      index[count * SLOTS + 1] = p - base;
      count++;
      int check = keyId >= 0 ? checks[keyId] : ANY;
      if (keyId == ID_KEY && idAt < 0) {
        idAt = p + 1; // 36 bytes, checked below (UUID)
      }
      byte c = b[p];
      switch (check) {
        case UUID -> p = uuid(p);
        case UUID_OR_NULL -> p = c == 'n' ? literal(p, "null") : uuid(p);
        case STRING -> p = strToken(p, true);
        case INT -> p = integer(p);
        case INT_OR_NULL -> p = c == 'n' ? literal(p, "null") : integer(p);
        case ACTOR -> p = actor(p);
        case TIME -> {
          if (c != '"') {
            throw JsonTokens.GIVE_UP;
          }
          int s = p + 1;
          p = strToken(p, true);
          long micros = times.epochMicrosOf(b, s, p - 1 - s);
          if (micros == GoTime.NO_TIME) {
            throw JsonTokens.GIVE_UP;
          }
          if (timeAt < 0) {
            timeAt = s;
            timeLen = p - 1 - s;
            timeMicros = micros;
          }
        }
        default -> {
          if (keyId == ACTOR_KEY) {
            throw JsonTokens
                .GIVE_UP; // an actor in a connection event: rare, the eager path types it
          }
          p = any(p, keyId == DIFF_KEY || keyId == ADDITIONAL_KEY);
        }
      }
      if (b[p] == ',') {
        p++;
        continue;
      }
      expect(p++, '}');
      if (idAt < 0 || timeAt < 0) {
        throw JsonTokens.GIVE_UP;
      }
      return p;
    }
  }

  /** A value with no check; {@code raw}: it is kept as raw JSON text even when it is a string. */
  private int any(int p, boolean raw) {
    byte c = b[p];
    switch (c) {
      case '"' -> {
        return raw ? rawString(p) : strToken(p, true);
      }
      case 't' -> {
        return literal(p, "true");
      }
      case 'f' -> {
        return literal(p, "false");
      }
      case 'n' -> {
        return literal(p, "null");
      }
      case '{', '[' -> {
        return skipRaw(p);
      }
      default -> {
        return number(p);
      }
    }
  }

  /** A UUID string: ASCII, no escapes, 8-4-4-4-12 hex (EventChecks.isUuid). */
  // The bytes of the dashes of a UUID in the words at its offsets 8 (dashes at 8 and 13) and 16
  // (at 18 and 23), and '0' in their place.
  private static final long DASHES_8 = 0xFFL | (0xFFL << 40);

  private static final long ZEROS_8 = '0' | ((long) '0' << 40);
  private static final long DASHES_16 = (0xFFL << 16) | (0xFFL << 56);
  private static final long ZEROS_16 = ((long) '0' << 16) | ((long) '0' << 56);

  private int uuid(int p) {
    expect(p, '"');
    int s = p + 1;
    if (b[s + 36] != '"'
        || b[s + 8] != '-'
        || b[s + 13] != '-'
        || b[s + 18] != '-'
        || b[s + 23] != '-') {
      throw JsonTokens.GIVE_UP;
    }
    // Eight bytes a step (b[s + 36] exists, so the last word ends inside the line): the dashes
    // (checked above) become '0' and every byte must be a hex digit.
    boolean ok =
        Swar.allHex(Swar.word(b, s))
            && Swar.allHex(Swar.word(b, s + 8) & ~DASHES_8 | ZEROS_8)
            && Swar.allHex(Swar.word(b, s + 16) & ~DASHES_16 | ZEROS_16)
            && Swar.allHex(Swar.word(b, s + 24))
            && Swar.allHex(Swar.word(b, s + 28));
    if (!ok) {
      throw JsonTokens.GIVE_UP;
    }
    return p + 38;
  }

  /** An integer as EventChecks accepts it: optional minus, 1 to 10 digits. */
  private int integer(int p) {
    int s = p;
    int e = number(p);
    int i = b[s] == '-' ? s + 1 : s;
    if (e - i < 1 || e - i > 10) {
      throw JsonTokens.GIVE_UP;
    }
    for (int k = i; k < e; k++) {
      if (b[k] < '0' || b[k] > '9') {
        throw JsonTokens.GIVE_UP;
      }
    }
    return e;
  }

  /**
   * The audit actor: it must be an object of exactly the string keys id, email and username (what
   * the eager path turns into an Actor). Canonical only in that order.
   */
  private int actor(int p) {
    expect(p, '{');
    int q = p + 1;
    int seen = 0;
    int order = 0;
    while (true) {
      int bit;
      if (at(q, "\"id\":")) {
        bit = 1;
        q += 5;
      } else if (at(q, "\"email\":")) {
        bit = 2;
        q += 8;
      } else if (at(q, "\"username\":")) {
        bit = 4;
        q += 11;
      } else {
        throw JsonTokens.GIVE_UP; // other keys, escapes, white space: the eager path decides
      }
      if ((seen & bit) != 0) {
        throw JsonTokens.GIVE_UP;
      }
      if (bit < order) {
        canon = false;
      }
      order = bit;
      seen |= bit;
      if (b[q] != '"') {
        throw JsonTokens.GIVE_UP;
      }
      q = strToken(q, true);
      if (b[q] == ',') {
        q++;
        continue;
      }
      expect(q, '}');
      if (seen != 7) {
        throw JsonTokens.GIVE_UP;
      }
      return q + 1;
    }
  }

  /** The last envelope string. */
  private String str;

  /** The last envelope strings by key, and their bytes: caller, func, level repeat every line. */
  private final byte[][] cachedBytes = new byte[8][];

  private final String[] cachedStrings = new String[8];

  {
    // Seeded with what Coder's release builds print, so that their lines' envelope strings are
    // these very constants: the SIEM formats compare them (Coder.isReleaseBuild, about 100
    // characters each for caller and func) and find them equal by reference.
    seed(0, "INFO");
    seed(2, EnvelopeDefaults.CODER_CALLER);
    seed(3, EnvelopeDefaults.CODER_FUNC);
    seed(4, "coderd");
  }

  private void seed(int slot, String plainAscii) {
    cachedBytes[slot] = plainAscii.getBytes(StandardCharsets.ISO_8859_1);
    cachedStrings[slot] = plainAscii;
  }

  /** An envelope string, decoded; canonical when Go would escape it the same way. */
  private int envString(int p, int slot) {
    expect(p, '"');
    if (slot >= 0) {
      // caller, func, level, msg repeat every line: a string equal to the last one of its key
      // (cached only when it had nothing to check: plain ASCII, no escapes) needs no scan.
      byte[] cb = cachedBytes[slot];
      int ce = p + 1 + (cb == null ? 0 : cb.length);
      if (cb != null && ce < end && b[ce] == '"' && Arrays.equals(cb, 0, cb.length, b, p + 1, ce)) {
        str = cachedStrings[slot];
        return ce + 1;
      }
    }
    int e = strToken(p, true);
    if (plainToken) { // ASCII without escapes: the bytes are the text
      str = new String(b, p + 1, e - p - 2, StandardCharsets.ISO_8859_1);
    } else {
      str = strings.stringAt(b, end, p);
    }
    if (slot >= 0 && plainToken && e - p - 2 < 256) {
      cachedBytes[slot] = Arrays.copyOfRange(b, p + 1, e - 1);
      cachedStrings[slot] = str;
    }
    return e;
  }

  /** Whether the last {@link #strToken} was plain ASCII with nothing to check or unescape. */
  private boolean plainToken;

  /**
   * Skips the string token at {@code p}; when {@code go}, the line stays canonical only if the
   * string is escaped exactly as Go's encoder escapes its value. Returns the index after it.
   */
  private int strToken(int p, boolean go) {
    expect(p, '"');
    int q = p + 1;
    int acc = 0;
    while (true) {
      // Eight plain bytes a step, straight to the next byte that is anything else (byte by byte
      // over the line's last seven bytes).
      for (int limit = end - 8; q <= limit; q += 8) {
        long hits = Swar.jsonSpecials(Swar.word(b, q));
        if (hits != 0) {
          q += Long.numberOfTrailingZeros(hits) >>> 3;
          break;
        }
      }
      int k = CLASS[b[q] & 0xFF];
      if (k > HTML) {
        break; // the end, an escape, a control or a non-ASCII byte
      }
      acc |= k; // plain (in the last bytes) or one of < > &: on to the next
      q++;
    }
    plainToken = acc == 0 && b[q] == '"';
    if (b[q] == '"') {
      if (acc != 0 && go) {
        canon = false; // Go escapes < > &
      }
      return q + 1;
    }
    return slowString(p + 1, go);
  }

  /** A string with escapes or non-ASCII bytes, from its first content byte. */
  private int slowString(int q, boolean go) {
    while (true) {
      int c = b[q] & 0xFF;
      if (c == '"') {
        return q + 1;
      }
      if (c < 0x20) {
        throw JsonTokens.GIVE_UP;
      }
      if (c == '\\') {
        q = escape(q, go);
        continue;
      }
      if (c < 0x80) {
        if (go && (c == '<' || c == '>' || c == '&')) {
          canon = false;
        }
        q++;
        continue;
      }
      int n = Utf8.sequence(b, q, end);
      if (n == 0) {
        if (go) {
          canon = false; // Go writes invalid UTF-8 as \ufffd
        }
        q++;
      } else {
        if (go && n == 3 && c == 0xE2 && (b[q + 1] & 0xFF) == 0x80) {
          int t = b[q + 2] & 0xFF;
          if (t == 0xA8 || t == 0xA9) {
            canon = false; // U+2028, U+2029: Go escapes them
          }
        }
        q += n;
      }
    }
  }

  /** One escape at {@code q} (a backslash); checks it is one Go writes. */
  private int escape(int q, boolean go) {
    byte e = b[q + 1];
    switch (e) {
      case '"', '\\', 'n', 'r', 't', 'b', 'f' -> {
        return q + 2;
      }
      case '/' -> {
        if (go) {
          canon = false;
        }
        return q + 2;
      }
      case 'u' -> {
        int v = 0;
        boolean lower = true;
        for (int i = 2; i < 6; i++) {
          int c = b[q + i];
          int h = Character.digit(c, 16);
          if (h < 0) {
            throw JsonTokens.GIVE_UP;
          }
          if (c >= 'A' && c <= 'F') {
            lower = false;
          }
          v = (v << 4) | h;
        }
        if (go
            && !(lower
                && ((v < 0x20 && v != '\b' && v != '\f' && v != '\n' && v != '\r' && v != '\t')
                    || v == '<'
                    || v == '>'
                    || v == '&'
                    || v == 0x2028
                    || v == 0x2029))) {
          canon = false;
        }
        return q + 6;
      }
      default -> throw JsonTokens.GIVE_UP;
    }
  }

  /** A string kept as raw JSON (Diff, AdditionalFields): canonical when compact and HTML-safe. */
  private int rawString(int p) {
    expect(p, '"');
    int q = p + 1;
    while (true) {
      int c = b[q] & 0xFF;
      if (c == '"') {
        return q + 1;
      }
      if (c < 0x20) {
        throw JsonTokens.GIVE_UP;
      }
      if (c == '\\') {
        q = escape(q, false);
        continue;
      }
      if (c == '<' || c == '>' || c == '&') {
        canon = false;
      } else if (c >= 0x80) {
        int n = Utf8.sequence(b, q, end);
        if (n == 0) {
          // Go passes raw JSON through as it is; but a kept line promises valid UTF-8
          // (Event#jsonLine), so this one is rendered instead (to the same bytes).
          canon = false;
          q++;
          continue;
        }
        if (c == 0xE2 && (b[q + 1] & 0xFF) == 0x80) {
          int t = b[q + 2] & 0xFF;
          if (t == 0xA8 || t == 0xA9) {
            canon = false;
          }
        }
        q += n;
        continue;
      }
      q++;
    }
  }

  /** An object or array kept as raw JSON: validated; canonical when HTML-safe (compact already). */
  private int skipRaw(int p) {
    byte c = b[p];
    if (c == '{') {
      p++;
      if (b[p] == '}') {
        return p + 1;
      }
      while (true) {
        p = rawString(p);
        expect(p++, ':');
        p = rawValue(p);
        if (b[p] == ',') {
          p++;
          continue;
        }
        expect(p, '}');
        return p + 1;
      }
    }
    expect(p, '[');
    p++;
    if (b[p] == ']') {
      return p + 1;
    }
    while (true) {
      p = rawValue(p);
      if (b[p] == ',') {
        p++;
        continue;
      }
      expect(p, ']');
      return p + 1;
    }
  }

  private int rawValue(int p) {
    byte c = b[p];
    return switch (c) {
      case '"' -> rawString(p);
      case '{', '[' -> skipRaw(p);
      case 't' -> literal(p, "true");
      case 'f' -> literal(p, "false");
      case 'n' -> literal(p, "null");
      default -> number(p);
    };
  }

  /** The envelope's keys, in slog's order (ENVELOPE_KEYS), and the bit of each in {@code seen}. */
  private static final int TS = 0;

  private static final int LEVEL = 1;
  private static final int MSG = 2;
  private static final int CALLER = 3;
  private static final int FUNC = 4;
  private static final int LOGGER_NAMES = 5;
  private static final int TRACE = 6;
  private static final int SPAN = 7;
  private static final int FIELDS = 8;

  private static final QuotedKeys ENVELOPE_KEYS =
      new QuotedKeys(
          new String[] {
            "ts", "level", "msg", "caller", "func", "logger_names", "trace", "span", "fields"
          });

  /** The envelope key the last line had after the last one found: the next is likely next. */
  private int envelopeHint;

  /**
   * The envelope key (index in {@link #ENVELOPE_KEYS}) whose quoted name and colon are at {@code
   * p}; -1 for any other key, an escaped one included, or anything else (a return, not a throw:
   * JSON lines of another shape are no rarity in a server's log, and unwinding costs more).
   */
  private int envelopeKey(int p) {
    int h = envelopeHint;
    if (ENVELOPE_KEYS.at(b, p, end, h)) {
      envelopeHint = h == FIELDS ? TS : h + 1;
      return h;
    }
    for (int k = 0; k <= FIELDS; k++) {
      if (ENVELOPE_KEYS.at(b, p, end, k)) {
        envelopeHint = k == FIELDS ? TS : k + 1;
        return k;
      }
    }
    return -1;
  }

  /**
   * Keys as the tokens a compact line has for them, quoted and followed by a colon ({@code "ID":}),
   * matched eight bytes a step: at most 24 bytes, three words compared under masks. The words are
   * read whole only when the array has 24 bytes at {@code p}; byte by byte nearer its end.
   * Immutable.
   */
  static final class QuotedKeys {
    /** Per key: three words and their masks (the bytes of the token), little-endian. */
    private final long[] words;

    private final byte[][] tokens;

    QuotedKeys(String[] keys) {
      words = new long[keys.length * 6];
      tokens = new byte[keys.length][];
      for (int k = 0; k < keys.length; k++) {
        byte[] t = ("\"" + keys[k] + "\":").getBytes(StandardCharsets.US_ASCII);
        if (t.length > 24) {
          throw new IllegalArgumentException("key too long for three words: " + keys[k]);
        }
        tokens[k] = t;
        for (int i = 0; i < t.length; i++) {
          words[6 * k + 2 * (i / 8)] |= (t[i] & 0xFFL) << (8 * (i % 8));
          words[6 * k + 2 * (i / 8) + 1] |= 0xFFL << (8 * (i % 8));
        }
      }
    }

    /** The length of key {@code k}'s token (its quotes and colon included). */
    int length(int k) {
      return tokens[k].length;
    }

    /** Whether key {@code k}'s token is at {@code b[p]}, wholly before {@code end}. */
    boolean at(byte[] b, int p, int end, int k) {
      if (p + tokens[k].length > end) {
        return false;
      }
      if (p + 24 > b.length) {
        return Arrays.equals(tokens[k], 0, tokens[k].length, b, p, p + tokens[k].length);
      }
      int i = 6 * k;
      return (Swar.word(b, p) & words[i + 1]) == words[i]
          && (Swar.word(b, p + 8) & words[i + 3]) == words[i + 2]
          && (Swar.word(b, p + 16) & words[i + 5]) == words[i + 4];
    }
  }

  /** Key ids in each kind's field order: fields mostly come in it, so the next key is guessed. */
  private static final int[] AUDIT_ORDER = order(Kind.AUDIT);

  private static final int[] CONNECTION_ORDER = order(Kind.CONNECTION);

  private static int[] order(Kind kind) {
    List<String> keys = Arrays.asList(JsonLineScanner.KEYS);
    int[] out = new int[kind.fields().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = keys.indexOf(kind.fields().get(i));
    }
    return out;
  }

  private int[] order;
  private int keyHint;

  /** The keys of {@link JsonLineScanner#KEYS} as the tokens of a compact line. */
  private static final QuotedKeys FIELD_KEYS = new QuotedKeys(JsonLineScanner.KEYS);

  /** The names of {@link JsonLineScanner#KEYS}: a key that is not one of them as written. */
  private static final Set<String> KNOWN_NAMES = Set.of(JsonLineScanner.KEYS);

  /**
   * The index in {@link JsonLineScanner#KEYS} of the quoted key and its colon at {@code p}, or -1.
   */
  private int knownKey(int p) {
    int[] ord = order;
    if (keyHint < ord.length && FIELD_KEYS.at(b, p, end, ord[keyHint])) {
      return ord[keyHint++];
    }
    for (int k = 0; k < JsonLineScanner.KEYS.length; k++) {
      if (FIELD_KEYS.at(b, p, end, k)) {
        for (int i = 0; i < ord.length; i++) {
          if (ord[i] == k) {
            keyHint = i + 1;
          }
        }
        return k;
      }
    }
    return -1;
  }

  private int number(int p) {
    return JsonTokens.number(b, p, end);
  }

  private int literal(int p, String lit) {
    return JsonTokens.literal(b, p, lit);
  }

  private void expect(int p, char c) {
    JsonTokens.expect(b, p, end, c);
  }

  private boolean at(int p, String s) {
    return JsonTokens.at(b, p, end, s);
  }
}
