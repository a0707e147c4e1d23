package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoText;
import dev.auditship.text.GoTime;
import dev.auditship.text.Swar;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  /** How {@link #typed} reads the value of each key in {@link #KEYS}. */
  private static final int[] KEY_TYPES;

  private static final int T_OTHER = 0;
  private static final int T_TIME = 1;
  private static final int T_RAW = 2;
  private static final int T_ACTOR = 3;
  private static final int T_NUM = 4;
  private static final int T_NULLABLE = 5;

  /** Per key, {@code key=} as little-endian words of eight bytes, and the masks of their bytes. */
  private static final long[][] KEY_WORDS;

  private static final long[][] KEY_MASKS;

  private static final int ID;
  private static final int TIME;
  private static final int TRACE;
  private static final int SPAN;
  private static final int REQUEST_ID;

  static {
    List<String> keys = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (String f : k.fields()) {
        if (!keys.contains(f)) {
          keys.add(f);
        }
      }
    }
    // Every key typed() treats specially is in the table, so a key outside it is a plain one.
    for (String k :
        List.of(
            "request_id",
            "trace",
            "span",
            "Time",
            "Diff",
            "AdditionalFields",
            "actor",
            "StatusCode",
            "Code",
            "UserID",
            "ConnectionID",
            "ID")) {
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    KEYS = keys.toArray(new String[0]);
    KEY_BYTES = new byte[KEYS.length][];
    KEY_KINDS = new int[KEYS.length];
    KEY_TYPES = new int[KEYS.length];
    KEY_WORDS = new long[KEYS.length][];
    KEY_MASKS = new long[KEYS.length][];
    for (int i = 0; i < KEYS.length; i++) {
      KEY_BYTES[i] = KEYS[i].getBytes(StandardCharsets.US_ASCII);
      KEY_KINDS[i] =
          (Kind.AUDIT.fields().contains(KEYS[i]) ? 1 : 0)
              | (Kind.CONNECTION.fields().contains(KEYS[i]) ? 2 : 0);
      KEY_TYPES[i] =
          switch (KEYS[i]) {
            case "Time" -> T_TIME;
            case "Diff", "AdditionalFields" -> T_RAW;
            case "actor" -> T_ACTOR;
            case "StatusCode", "Code" -> T_NUM;
            case "UserID", "ConnectionID" -> T_NULLABLE;
            default -> T_OTHER;
          };
      // "key=" as little-endian words, the last one masked to the bytes it holds.
      byte[] eq = (KEYS[i] + "=").getBytes(StandardCharsets.US_ASCII);
      int words = (eq.length + 7) / 8;
      KEY_WORDS[i] = new long[words];
      KEY_MASKS[i] = new long[words];
      for (int j = 0; j < eq.length; j++) {
        KEY_WORDS[i][j / 8] |= (eq[j] & 0xFFL) << (8 * (j % 8));
        KEY_MASKS[i][j / 8] |= 0xFFL << (8 * (j % 8));
      }
    }
    ID = keys.indexOf("ID");
    TIME = keys.indexOf("Time");
    TRACE = keys.indexOf("trace");
    SPAN = keys.indexOf("span");
    REQUEST_ID = keys.indexOf("request_id");
  }

  /** The level tags as the little-endian int of their four bytes. */
  private static final int[] LEVEL_TAG_INTS = new int[LEVEL_TAGS.length];

  static {
    for (int i = 0; i < LEVEL_TAGS.length; i++) {
      byte[] t = LEVEL_TAGS[i].getBytes(StandardCharsets.US_ASCII);
      LEVEL_TAG_INTS[i] = (t[0] & 0xFF) | (t[1] & 0xFF) << 8 | (t[2] & 0xFF) << 16 | t[3] << 24;
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

  /**
   * Per kind bit and key: whether {@link EventChecks#checkField} accepts a value of the given shape
   * for the key, whatever its text (it looks only at the type of these values, and at the number of
   * digits of an integer).
   */
  private static final boolean[][] NUM_OK = okTable(new Value.Num("0"));

  private static final boolean[][] LONG_NUM_OK = okTable(new Value.Num("12345678901"));
  private static final boolean[][] NULL_OK = okTable(Value.Null.INSTANCE);
  private static final boolean[][] RAW_OK = okTable(new Value.Raw("{}"));
  private static final boolean[][] RAW_NIL_OK = okTable(Value.Raw.NIL);
  private static final boolean[][] ACTOR_OK = okTable(new Value.Actor("", "", ""));
  private static final boolean[][] TIME_OK = okTable(new Value.Time("2025-07-03T06:55:02Z"));

  private static boolean[][] okTable(Value v) {
    boolean[][] t = new boolean[3][KEYS.length];
    for (int bit = 1; bit <= 2; bit++) {
      for (int k = 0; k < KEYS.length; k++) {
        t[bit][k] = EventChecks.checkField(bit == 1, KEYS[k], v) == null;
      }
    }
    return t;
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

  /** The fields of the line being read (reused; the event gets an exact-size copy). */
  private Field[] fieldBuf = new Field[0];

  /** The envelope time being built by {@link #isoTs}. */
  private final byte[] tsBuf = new byte[32];

  private byte[] scratch = new byte[0];

  // The value read last (bare() or quoted()): where its text is, for valueText().
  private boolean valueQuoted;
  private int valueFrom;
  private int valueLen;
  private boolean valueAscii;

  /** The bytes the value read last takes in the line (between the quotes when quoted). */
  private int valueRawLen;

  private byte[] b;
  private int end;
  private boolean keep;
  private boolean build;
  private Value idValue;
  private Value timeValue;
  private int keyHint;

  // Per value, set by quoted()/bare(): how the value was spelt.
  private boolean valueCanonical;
  private boolean valueNeedsQuotes;
  private boolean valueNewline;
  private boolean valuePlain;
  private boolean valueUuid;
  private int bareEnd;

  /**
   * Per kind bit (1 audit, 2 connection; the two print their fields in different orders) and key
   * index + 1 (0: the first field), the key index that followed it last time. Made by the first
   * line read: a scanner made to decode one value needs none.
   */
  private int[][] nextKey;

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
    return scan(bytes, off, len, true);
  }

  /**
   * {@link #scan(byte[], int, int)}; {@code keep} false when the caller does not want the line kept
   * ({@link HumanLineFields} reading a line it holds already).
   */
  HumanLineDecoder.Partial scan(byte[] bytes, int off, int len, boolean keep) {
    return scan(bytes, off, len, keep, true);
  }

  /**
   * {@link #scan(byte[], int, int)} without building the fields: the answer's fields are empty, the
   * line's first {@code ID} and {@code Time} are {@link #id()} and {@link #time()}, and only the
   * values a check needs are decoded. For a line answered checked and complete (not continued), the
   * caller keeps the line and reads the fields later ({@link HumanLineFields}); for any other, it
   * scans again with {@link #scan(byte[], int, int)}. The decisions (skip, text path, checked,
   * kept) are those of a full scan.
   */
  HumanLineDecoder.Partial check(byte[] bytes, int off, int len) {
    return scan(bytes, off, len, true, false);
  }

  /**
   * {@link #check} of the line that starts at {@code bytes[off]}, finding where it ends while it is
   * read: an event line is scanned once, not searched for its line feed first. The scan stops at
   * the first line feed (or CR LF) where a key or the line's end may be; a line feed anywhere else
   * (inside a value, before the fields) makes the line one this does not take. Answers only a line
   * that {@link #check} answers checked and whole and that ends before {@code limit}, with exactly
   * what {@link #check} of the line (without its CR) answers; {@link #lineEnd()} is then where its
   * line terminator starts. Anything else gives {@code null}, with {@link #lineEnd()} the line's
   * end when the scan saw it (-1 when not): the caller splits the line the plain way.
   */
  HumanLineDecoder.Partial checkLine(byte[] bytes, int off, int limit) {
    lineEnd = -1;
    fusing = true;
    try {
      HumanLineDecoder.Partial p = scan(bytes, off, limit - off, true, false);
      return p != null && p != SKIP && lineEnd >= 0 && p.checked() && !p.continues() ? p : null;
    } finally {
      fusing = false;
    }
  }

  /**
   * After {@link #checkLine}: where the line's terminator starts (its line feed, or the CR of a CR
   * LF), or -1 when the scan did not get there.
   */
  int lineEnd() {
    return lineEnd;
  }

  /** {@link #checkLine} is reading: a line feed (or CR LF) where the line may end ends it. */
  private boolean fusing;

  private int lineEnd = -1;

  /**
   * While {@link #fusing}: whether the line ends at {@code b[i]} (a line feed, or a CR and a line
   * feed); if so the line is cut there ({@link #end}, {@link #lineEnd}).
   */
  private boolean endsAt(int i) {
    if (!fusing) {
      return false;
    }
    byte c = b[i];
    if (c != '\n' && (c != '\r' || i + 1 >= end || b[i + 1] != '\n')) {
      return false;
    }
    end = i;
    lineEnd = i;
    return true;
  }

  /**
   * After {@link #check} answered a line checked and whole: per field, for {@link
   * #writeJsonFields}, its key, where the value is, its length and how to write it. The fields a
   * full scan builds, in their order. Events hold it while they wait in queues and batches, so it
   * is packed: two ints a field for a line shorter than 64 KiB (nearly every line: {@code from |
   * len << 16} and {@code key << 5 | how}), four for a longer one ({@link #stride}).
   */
  int[] index() {
    if (end - lineStart >= 0x10000) {
      return Arrays.copyOf(index, 4 * indexCount);
    }
    int[] x = new int[2 * indexCount];
    for (int c = 0; c < indexCount; c++) {
      x[2 * c] = index[4 * c + 1] | index[4 * c + 2] << 16;
      x[2 * c + 1] = index[4 * c] << 5 | index[4 * c + 3];
    }
    return x;
  }

  /** Ints a field takes in the {@link #index()} of a line of {@code lineLength} bytes. */
  private static int stride(int lineLength) {
    return lineLength < 0x10000 ? 2 : 4;
  }

  // A field of an index() at x[c], c a multiple of the stride s: its key (a KEYS index, or -1 -
  // where a key outside it starts), where its value starts, its length in the line, how it is
  // written.
  private static int keyOf(int[] x, int c, int s) {
    return s == 2 ? x[c + 1] >> 5 : x[c];
  }

  private static int fromOf(int[] x, int c, int s) {
    return s == 2 ? x[c] & 0xFFFF : x[c + 1];
  }

  private static int lenOf(int[] x, int c, int s) {
    return s == 2 ? x[c] >>> 16 : x[c + 2];
  }

  private static int howOf(int[] x, int c, int s) {
    return s == 2 ? x[c + 1] & 31 : x[c + 3];
  }

  private int[] index = new int[0];
  private int indexCount;

  /** Where the line being read starts in {@link #b}. */
  private int lineStart;

  // How writeJsonFields writes a value (the low two bits; W_QUOTED marks a quoted value).
  private static final int W_DECODE = 0; // decoded again and written as from values
  private static final int W_QUOTED_COPY = 1; // its bytes between quotes: a plain string or time
  private static final int W_COPY = 2; // its bytes: an integer, raw JSON without spaces or quotes
  private static final int W_NULL = 3;
  private static final int W_QUOTED = 4;

  // With W_DECODE, what the value is, for writeJsonFields to write it from its bytes
  // (HumanLineJson); 0 for the rare values it decodes (a Time that is not plain ASCII).
  private static final int W_TYPE = 24;
  private static final int W_STR = 8;
  private static final int W_RAW = 16;
  private static final int W_ACTOR = 24;

  /**
   * Notes field {@code c} (in check mode): its key ({@link #KEYS} index, or {@code -1 - start} of a
   * key outside it) and the value {@link #bare} or {@link #quoted} read last.
   */
  private void record(int c, int key, boolean quoted, int how) {
    if (build) {
      return;
    }
    if (4 * c + 4 > index.length) {
      index = Arrays.copyOf(index, Math.max(4 * 32, index.length * 2));
    }
    // Positions from the line's start: the event holds a copy of the line alone.
    index[4 * c] = key >= 0 ? key : key + lineStart;
    index[4 * c + 1] = valueFrom - lineStart;
    index[4 * c + 2] = valueRawLen;
    index[4 * c + 3] = how | (quoted ? W_QUOTED : 0);
    indexCount = c + 1;
  }

  /** How {@link JsonFormat#writeValue} writes {@code v}, read last: copied when it can be. */
  private int jsonWrite(Value v) {
    if (v == Value.Null.INSTANCE) {
      return W_NULL;
    }
    if (v instanceof Value.Num) {
      return W_COPY; // the text is the bytes (an integer), written as it is
    }
    if (v instanceof Value.Str) {
      return strFlags >= 0 && (strFlags & 1) != 0 ? W_QUOTED_COPY : W_DECODE | W_STR;
    }
    if (v instanceof Value.Time) {
      return valueQuoted && timePlainChars ? W_QUOTED_COPY : W_DECODE;
    }
    if (v instanceof Value.Raw r && valueQuoted && valuePlain) {
      if (r.json() == null) {
        return W_NULL;
      }
      // Plain (no escapes) means no quote inside, so no JSON string: compact when it has no space.
      return Utf8.indexOf(b, valueFrom, valueFrom + valueLen, (byte) ' ') < valueFrom + valueLen
          ? W_DECODE | W_RAW
          : W_COPY;
    }
    if (v instanceof Value.Raw) {
      return W_DECODE | W_RAW;
    }
    if (v instanceof Value.Actor) {
      return W_DECODE | W_ACTOR;
    }
    return W_DECODE;
  }

  /**
   * Writes {@code ,"fields":{...}} as {@link JsonFormat} renders the fields a full scan of {@code
   * line} builds, from the {@link #index} {@link #check} made of it: copied values are copied,
   * strings, raw JSON and actors written from their bytes ({@link HumanLineJson}), the others
   * decoded again and written as from values. With {@code decodeAll}, every value is decoded and
   * written as from values (the definition the byte paths are tested against).
   */
  static void writeJsonFields(byte[] line, Kind kind, int[] index, ByteBuf out, boolean decodeAll) {
    HumanLineScanner decoder = null;
    int s = stride(line.length);
    for (int c = 0; c < index.length; c += s) {
      int k = keyOf(index, c, s);
      int from = fromOf(index, c, s);
      int len = lenOf(index, c, s);
      int how = howOf(index, c, s);
      boolean quoted = (how & W_QUOTED) != 0;
      // Room for the separator, the key and the value at its longest, then written straight into
      // the array (a field is a few small copies: a call each through the buffer costs more).
      int keyFrom = k >= 0 ? 0 : -1 - k;
      int keyTo = k >= 0 ? 0 : Utf8.indexOf(line, keyFrom, line.length, (byte) '=');
      out.ensure(FIELDS_OPEN.length + 2 + HumanLineJson.maxBytes(len + keyTo - keyFrom) + 32);
      byte[] a = out.array();
      int p = out.length();
      if (c == 0) {
        System.arraycopy(FIELDS_OPEN, 0, a, p, FIELDS_OPEN.length);
        p += FIELDS_OPEN.length;
      } else {
        a[p++] = ',';
      }
      if (k >= 0) {
        byte[] key = JSON_KEYS[k];
        System.arraycopy(key, 0, a, p, key.length);
        p += key.length;
      } else {
        p = HumanLineJson.string(line, keyFrom, keyTo, false, a, p);
        a[p++] = ':';
      }
      switch (decodeAll ? -1 : how & 3) {
        case W_QUOTED_COPY -> {
          a[p++] = '"';
          System.arraycopy(line, from, a, p, len);
          p += len;
          a[p++] = '"';
        }
        case W_COPY -> {
          System.arraycopy(line, from, a, p, len);
          p += len;
        }
        case W_NULL -> {
          System.arraycopy(NULL, 0, a, p, NULL.length);
          p += NULL.length;
        }
        default -> {
          switch (decodeAll ? 0 : how & W_TYPE) {
            case W_STR -> p = HumanLineJson.string(line, from, from + len, quoted, a, p);
            case W_RAW -> p = HumanLineJson.raw(line, from, from + len, a, p);
            case W_ACTOR -> p = HumanLineJson.actor(line, from, from + len, quoted, a, p);
            default -> {
              out.advance(p - out.length());
              if (decoder == null) {
                decoder = new HumanLineScanner();
              }
              decoder.writeDecoded(line, kind, k, from, quoted, out);
              continue;
            }
          }
        }
      }
      out.advance(p - out.length());
    }
    if (index.length > 0) {
      out.put('}');
    }
  }

  /** Reads the value at {@code from} again (as {@link #line} did) and writes it as JSON. */
  private void writeDecoded(byte[] line, Kind kind, int k, int from, boolean quoted, ByteBuf out) {
    JsonFormat.writeValue(out, decodeAt(line, kind, k, from, quoted));
  }

  /** The value at {@code from} of a field with key {@code k}, read again as {@link #line} did. */
  private Value decodeAt(byte[] line, Kind kind, int k, int from, boolean quoted) {
    b = line;
    end = line.length;
    try {
      if (quoted ? quoted(from - 1) < 0 : !bare(from)) {
        throw new IllegalStateException("a checked human line no longer decodes");
      }
      boolean kindField = k >= 0 && (KEY_KINDS[k] & (kind == Kind.AUDIT ? 1 : 2)) != 0;
      Value v = typed(kind, k, kindField, valueText(), quoted);
      if (v == null) {
        throw new IllegalStateException("a checked human line no longer decodes");
      }
      return v;
    } finally {
      b = null;
    }
  }

  /**
   * The value of the first field named {@code key} of a line {@link #check} indexed, or {@code
   * null}: only that value is decoded (a sink or filter reading one field of every record).
   */
  static Value valueOf(byte[] line, Kind kind, int[] index, String key) {
    int c = find(line, index, key);
    if (c < 0) {
      return null;
    }
    int s = stride(line.length);
    int k = keyOf(index, c, s);
    return new HumanLineScanner()
        .decodeAt(
            line, kind, k < 0 ? -1 : k, fromOf(index, c, s), (howOf(index, c, s) & W_QUOTED) != 0);
  }

  /** The position in {@code index} of the first field named {@code key}, or -1. */
  private static int find(byte[] line, int[] index, String key) {
    Integer known = KEY_INDEX.get(key);
    int want = known == null ? -1 : known;
    int s = stride(line.length);
    for (int c = 0; c < index.length; c += s) {
      int k = keyOf(index, c, s);
      // A key in KEYS always has its index; one outside it is compared by its bytes.
      if (k >= 0 ? k == want : want < 0 && keyIs(line, -1 - k, key)) {
        return c;
      }
    }
    return -1;
  }

  /**
   * {@link dev.auditship.event.LazyFields#appendAscii} of a line {@link #check} indexed: the text
   * of the first field named {@code key} when it is a string of ASCII characters copied as they are
   * (a bare value or a quoted one without escapes) or an integer.
   */
  static int appendAscii(byte[] line, int[] index, String key, ByteBuf out) {
    int c = find(line, index, key);
    if (c < 0) {
      return LazyFields.ABSENT;
    }
    int s = stride(line.length);
    int k = keyOf(index, c, s);
    int type = k < 0 ? T_OTHER : KEY_TYPES[k];
    switch (howOf(index, c, s) & 3) {
      case W_NULL:
        return type == T_RAW ? LazyFields.DECODE : LazyFields.ABSENT;
      case W_QUOTED_COPY: // a plain ASCII string, or a time (not a string)
        if (type == T_TIME) {
          return LazyFields.DECODE;
        }
        out.put(line, fromOf(index, c, s), lenOf(index, c, s));
        return LazyFields.WRITTEN;
      case W_COPY: // an integer, or raw JSON (not a string)
        if (type != T_NUM) {
          return LazyFields.DECODE;
        }
        out.put(line, fromOf(index, c, s), lenOf(index, c, s));
        return LazyFields.WRITTEN;
      default:
        return LazyFields.DECODE;
    }
  }

  /** The index in {@link #KEYS} of each of its keys. */
  private static final Map<String, Integer> KEY_INDEX;

  static {
    Map<String, Integer> m = new HashMap<>();
    for (int k = 0; k < KEYS.length; k++) {
      m.put(KEYS[k], k);
    }
    KEY_INDEX = Map.copyOf(m);
  }

  /** Whether the key at {@code line[from]} (up to its '=') is {@code key}. */
  private static boolean keyIs(byte[] line, int from, String key) {
    int eq = Utf8.indexOf(line, from, line.length, (byte) '=');
    return eq - from == key.length()
        && new String(line, from, eq - from, StandardCharsets.ISO_8859_1).equals(key);
  }

  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] FIELDS_OPEN = ",\"fields\":{".getBytes(StandardCharsets.US_ASCII);

  /** {@code "key":} of every key in {@link #KEYS}, as {@link JsonFormat} writes it. */
  private static final byte[][] JSON_KEYS = new byte[KEYS.length][];

  static {
    for (int k = 0; k < KEYS.length; k++) {
      ByteBuf q = new ByteBuf(32);
      GoText.appendJsonString(q, KEYS[k]);
      JSON_KEYS[k] = q.put(':').toByteArray();
    }
  }

  /**
   * After {@link #check}, before the caller changes the line's array: the line's first {@code ID}
   * value (a bare UUID, what Coder prints, is decoded only here).
   */
  Value id() {
    if (idValue == null && idLine != null) {
      // A UUID: ASCII, JSON-safe and printed bare by slog's quote().
      idValue =
          Value.Str.classified(
              new String(idLine, idFrom, UUID_LENGTH, StandardCharsets.ISO_8859_1),
              true,
              true,
              false,
              true);
    }
    return idValue;
  }

  private static final int UUID_LENGTH = 36;

  /** The array and position of the line's first ID when it is a bare UUID (not decoded). */
  private byte[] idLine;

  private int idFrom;

  /** After {@link #check}: the line's first {@code Time} value. */
  Value time() {
    return timeValue;
  }

  /** After {@link #check}: {@link GoTime#epochMicrosOf(String)} of {@link #time()}. */
  long timeMicros() {
    return timeMicros;
  }

  private long timeMicros;

  private final GoTime.HourCache times = new GoTime.HourCache();

  /** Set by {@link #typed} for a time: its {@link GoTime#epochMicrosOf(String)}. */
  private long typedMicros;

  /**
   * Set by {@link #typed} for a time: its text is the line's bytes, all {@link
   * JsonFormat#TIME_CHARS} (so both formats write it as it is).
   */
  private boolean timePlainChars;

  /** Set by {@link #checkTyped}: a check refused the value. */
  private boolean typedBad;

  /**
   * In check mode, types the value just read for key {@code k} (raw JSON, an actor or an integer)
   * as {@link #typed} would and checks it as {@link EventChecks#checkField} would ({@link
   * #typedBad}), from its bytes: how {@link #writeJsonFields} writes it, or -1 when {@link #typed}
   * would give {@code null} (the text path decides).
   */
  private int checkTyped(int kindBit, int k, boolean quoted) {
    switch (KEY_TYPES[k]) {
      case T_RAW:
        if (!quoted) {
          return -1;
        }
        if (valueLen == 0) {
          typedBad = !RAW_NIL_OK[kindBit][k];
          return W_NULL;
        }
        typedBad = !RAW_OK[kindBit][k];
        // Plain (no escapes) means no quote inside, so no JSON string: compact without a space.
        return valuePlain
                && Utf8.indexOf(b, valueFrom, valueFrom + valueLen, (byte) ' ')
                    == valueFrom + valueLen
            ? W_COPY
            : W_DECODE | W_RAW;
      case T_ACTOR:
        if (!HumanLineJson.isActor(b, valueFrom, valueFrom + valueRawLen)) {
          return -1;
        }
        typedBad = !ACTOR_OK[kindBit][k];
        return W_DECODE | W_ACTOR;
      default: // T_NUM
        if (quoted) {
          return -1;
        }
        if (valueIsNil()) {
          typedBad = !NULL_OK[kindBit][k];
          return W_NULL;
        }
        int i = valueFrom;
        int to = valueFrom + valueLen;
        if (i < to && b[i] == '-') {
          i++;
        }
        if (i == to) {
          return -1;
        }
        typedBad = !(to - i > 10 ? LONG_NUM_OK : NUM_OK)[kindBit][k];
        for (; i < to; i++) {
          if (b[i] < '0' || b[i] > '9') {
            return -1;
          }
        }
        return W_COPY;
    }
  }

  private HumanLineDecoder.Partial scan(
      byte[] bytes, int off, int len, boolean keep, boolean build) {
    this.b = bytes;
    this.end = off + len;
    this.keep = keep;
    this.build = build;
    this.idValue = null;
    this.idLine = null;
    this.timeValue = null;
    this.timeMicros = 0;
    this.indexCount = 0;
    this.lineStart = off;
    if (scratch.length > 64 * 1024) {
      scratch = new byte[0]; // one huge value does not stay allocated
    }
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
    // Optional logger names "coderd: " (no spaces inside the names part), as messageStart: the
    // first ": " when it comes before the first space, that is when the first space follows a
    // colon (a ": " before it would be an earlier space).
    int space = Utf8.indexOf(b, p, n, (byte) ' ');
    int msgAt = p;
    if (space < n && space - 1 > p && b[space - 1] == ':') {
      msgAt = space + 1;
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
    int tagInt =
        (b[off + 25] & 0xFF)
            | (b[off + 26] & 0xFF) << 8
            | (b[off + 27] & 0xFF) << 16
            | b[off + 28] << 24;
    String level = null;
    for (int i = 0; i < LEVEL_TAG_INTS.length; i++) {
      if (LEVEL_TAG_INTS[i] == tagInt) {
        level = LEVELS[i];
      }
    }
    if (level == null) {
      level = HumanLineDecoder.level(new String(b, off + 25, 4, StandardCharsets.ISO_8859_1));
      canonical = false;
    }
    String ts = isoTs(off);

    int i = msgAt + kind.message().length();
    int kindBit = kind == Kind.AUDIT ? 1 : 2;
    Field[] fields = fieldBuf;
    int count = 0;
    String trace = null;
    String span = null;
    boolean continues = false;
    boolean hasId = false;
    boolean hasTime = false;
    boolean checked = true;
    keyHint = 0;
    prev = -1;
    if (nextKey == null) {
      nextKey = new int[3][KEYS.length + 1];
    }
    int[] next = nextKey[kindBit];
    while (i < n) {
      if (endsAt(i)) {
        n = end;
        break;
      }
      if (fusing
          && i + 4 < n
          && b[i] == ' '
          && b[i + 1] == '.'
          && b[i + 2] == '.'
          && b[i + 3] == '.'
          && endsAt(i + 4)) {
        // The first line of a multi-line entry: its end is known, the caller reads it.
        return null;
      }
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
      if (keyAt(i, k)) {
        eq = i + KEY_BYTES[k].length;
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
      int keyStart = i;
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
      boolean quoted = i < n && b[i] == '"';
      if (quoted) {
        i = quoted(i);
        if (i < 0) {
          return null;
        }
      } else {
        if (!bare(i)) {
          return null;
        }
        i = bareEnd;
      }
      boolean kindField = k >= 0 && (KEY_KINDS[k] & kindBit) != 0;
      if (!build
          && k >= 0
          && k != ID
          && (count > 0 || quoted || (k != TRACE && k != SPAN))
          && isStr(kind, k, kindField, quoted)
          && strOk(kindBit, k, valueUuid)) {
        // A string no check looks at: nothing to build. As below for a Str.
        if (canonical) {
          canonical = valueCanonical && (!quoted || (valueNeedsQuotes && !valueNewline));
        }
        // ASCII that Go's JSON encoder writes as it is (Value.Str's JSON-safe flag) is copied.
        record(
            count++,
            k,
            quoted,
            strFlags >= 0 && (strFlags & 1) != 0 ? W_QUOTED_COPY : W_DECODE | W_STR);
        continue;
      }
      if (!build && k >= 0 && KEY_TYPES[k] >= T_RAW && KEY_TYPES[k] <= T_NUM) {
        // Raw JSON, an actor or an integer: typed and checked on the bytes, nothing built.
        int how = checkTyped(kindBit, k, quoted);
        if (how < 0) {
          return null;
        }
        canonical &= valueCanonical;
        if (typedBad) {
          checked = false;
        }
        record(count++, k, quoted, how);
        continue;
      }
      if (!build && k == ID && !quoted && valueUuid) {
        // A UUID, as Coder prints it: it passes EventChecks as it is, and the held line's ID is
        // decoded only when something asks for it (no sink does for every record).
        canonical &= valueCanonical;
        hasId = true;
        if (idValue == null && idLine == null) {
          idLine = b;
          idFrom = valueFrom;
        }
        record(
            count++,
            k,
            false,
            strFlags >= 0 && (strFlags & 1) != 0 ? W_QUOTED_COPY : W_DECODE | W_STR);
        continue;
      }
      String text = valueText();
      if (!quoted && count == 0 && k == TRACE && trace == null) {
        trace = text;
        if (span != null || !valueCanonical) {
          canonical = false;
        }
        continue;
      }
      if (!quoted && count == 0 && k == SPAN && span == null) {
        span = text;
        canonical &= valueCanonical;
        continue;
      }
      Value v = typed(kind, k, kindField, text, quoted);
      if (v == null) {
        return null;
      }
      if (canonical) {
        canonical = canonical(v, quoted);
      }
      if (!(k >= 0
              && (v instanceof Value.Str
                  ? strOk(kindBit, k, valueUuid)
                  : v instanceof Value.Time && TIME_OK[kindBit][k]))
          && EventChecks.checkField(kind == Kind.AUDIT, key, v) != null) {
        checked = false; // the whole event is checked for its reason (EventChecks.check)
      }
      if (k == ID) {
        hasId = true;
        if (idValue == null && idLine == null) {
          idValue = v;
        }
      } else if (k == TIME) {
        hasTime = true; // a Time read here is RFC 3339 (else the text path decides)
        if (timeValue == null) {
          timeValue = v;
          timeMicros = typedMicros;
        }
      }
      if (!build) {
        record(count++, k < 0 ? -1 - keyStart : k, quoted, jsonWrite(v));
        continue;
      }
      if (count == fields.length) {
        fields = fieldBuf = Arrays.copyOf(fields, Math.max(32, count * 2));
      }
      fields[count++] = new Field(key, v);
    }
    if (!hasId || !hasTime) {
      checked = false;
    }
    return new HumanLineDecoder.Partial(
        kind,
        new Envelope(ts, level, null, null, names, trace, span),
        build ? List.of(Arrays.copyOf(fields, count)) : List.of(),
        continues,
        keep && canonical && checked ? Arrays.copyOfRange(b, off, n) : null,
        checked);
  }

  /**
   * {@link #SKIP} for a line that is not an event line, unless it has an ANSI escape (the text path
   * strips colours first, and then may see an event; an escape anywhere else makes a key or a value
   * refuse the line) or a non-ASCII byte where the level tag may be.
   */
  private HumanLineDecoder.Partial skip(int off) {
    if (fusing) {
      return null; // the caller reads the line the plain way (the rest of the buffer is not it)
    }
    if (Utf8.indexOf(b, off, end, (byte) 0x1b) < end || (end > off && b[off] == '{')) {
      return null;
    }
    // A level tag of non-ASCII characters is longer in bytes than in characters: the prefix's
    // bytes do not line up, while its characters may.
    for (int i = off, to = Math.min(end, off + HumanLineDecoder.PREFIX + 12); i < to; i++) {
      if (b[i] < 0) {
        return null;
      }
    }
    return SKIP;
  }

  /**
   * Whether {@link #typed} makes the value just read a {@link Value.Str}, for the keys it reads as
   * strings unless they are a bare {@code <nil>}; false for the others (the caller then types the
   * text).
   */
  private boolean isStr(Kind kind, int k, boolean kindField, boolean quoted) {
    int type = KEY_TYPES[k];
    if (type == T_NULLABLE) {
      return quoted || kind != Kind.CONNECTION || !valueIsNil();
    }
    if (type == T_OTHER) {
      return kindField || k == REQUEST_ID || quoted || !valueIsNil();
    }
    return false;
  }

  private static final byte[] NIL = "<nil>".getBytes(StandardCharsets.US_ASCII);

  /** Whether the bare value just read is {@code <nil>}. */
  private boolean valueIsNil() {
    return valueLen == NIL.length && at(valueFrom, NIL);
  }

  /** The text of the value {@link #bare} or {@link #quoted} read last. */
  private String valueText() {
    if (!valueQuoted || valuePlain) {
      return valueAscii
          ? new String(b, valueFrom, valueLen, StandardCharsets.ISO_8859_1)
          : Utf8.decode(b, valueFrom, valueLen);
    }
    // Escapes give ASCII, which never continues a UTF-8 sequence: decoding the unescaped bytes
    // gives the text path's characters.
    return valueAscii
        ? new String(scratch, 0, valueLen, StandardCharsets.ISO_8859_1)
        : Utf8.decode(scratch, 0, valueLen);
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
      // Written back as it is only when it needs no escaping (ASCII, none of Go's escapes).
      return timePlainChars;
    }
    return true; // Num, Null (bare, as printed); Raw, Actor (quoted by strconv.Quote)
  }

  /**
   * The typed value, as {@link HumanLineDecoder#typed} gives it, or {@code null} when that would
   * throw or needs more than this scanner does (Go's time.Time.String() form).
   */
  private Value typed(Kind kind, int k, boolean kindField, String text, boolean quoted) {
    switch (k < 0 ? T_OTHER : KEY_TYPES[k]) {
      case T_TIME:
        if (!quoted) {
          return null;
        }
        // GoTime.isRfc3339 is epochMicrosOf != NO_TIME: checked and computed in one pass, from the
        // bytes when they are the text.
        // A log's Times mostly share their date and hour with the line before: the calendar is
        // worked out once an hour (GoTime.HourCache, same results).
        long micros =
            valuePlain ? times.epochMicrosOf(b, valueFrom, valueLen) : GoTime.epochMicrosOf(text);
        if (micros == GoTime.NO_TIME) {
          return null;
        }
        typedMicros = micros;
        // The shape is checked: only a lower-case 't' or 'z' is outside JsonFormat.TIME_CHARS.
        timePlainChars =
            valuePlain && b[valueFrom + 10] != 't' && b[valueFrom + valueLen - 1] != 'z';
        return new Value.Time(text);
      case T_RAW:
        if (!quoted) {
          return null;
        }
        return text.isEmpty() ? Value.Raw.NIL : new Value.Raw(text);
      case T_ACTOR:
        return HumanLineDecoder.actor(text);
      case T_NUM:
        if (quoted) {
          return null;
        }
        if (text.equals("<nil>")) {
          return Value.Null.INSTANCE;
        }
        return isInteger(text) ? new Value.Num(text) : null;
      case T_NULLABLE:
        if (!quoted && kind == Kind.CONNECTION && text.equals("<nil>")) {
          return Value.Null.INSTANCE;
        }
        return str(text);
      default:
        if (kindField || k == REQUEST_ID) {
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
  private boolean bare(int from) {
    boolean ascii = true;
    int acc = 0;
    int to = end;
    int j = from;
    // Eight bytes a step while they are plain ASCII (what nearly every bare value is made of:
    // UUIDs, names, numbers, addresses); the byte loop looks at the rest.
    for (int limit = end - 8; j <= limit; j += 8) {
      long w = Swar.word(b, j);
      long odd = (~plainBytes(w) | w) & HIGHS;
      if (odd != 0) {
        // On to the first byte that is not plain (the lowest flag is exact): most often the space
        // that ends the value, where the byte loop stops at once.
        j += Long.numberOfTrailingZeros(odd) >>> 3;
        break;
      }
    }
    for (; j < to; j++) {
      byte c = b[j];
      if (c == ' ') {
        to = j;
        break;
      }
      if (c >= 0) {
        int cls = CLASS[c];
        if ((cls & CONTROL) != 0) {
          if (endsAt(j)) {
            to = j;
            break;
          }
          return false;
        }
        acc |= cls;
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
    valueUuid = ascii && to - from == 36 && uuidAt(from);
    // Printable ASCII without space, quote or backslash: bare for slog's quote(), and safe for Go's
    // JSON encoder unless it has an HTML character (Value.Str's flags, without a second scan).
    strFlags = canon && ascii ? ((acc & HTML) != 0 ? 0 : 1) | 2 : -1;
    bareEnd = to;
    valueQuoted = false;
    valueFrom = from;
    valueLen = to - from;
    valueRawLen = valueLen;
    valueAscii = ascii;
    return true;
  }

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * Per byte of {@code y} (ASCII), the high bit set when the byte is in {@code [lo, hi]}: adding
   * {@code 0x80 - lo} sets it for bytes from {@code lo}, adding {@code 0x7F - hi} for bytes above
   * {@code hi}; neither sum carries out of an ASCII byte.
   */
  private static long inRange(long y, int lo, int hi) {
    return (y + ONES * (0x80 - lo)) & ~(y + ONES * (0x7F - hi));
  }

  /**
   * Per byte of {@code w}, the high bit set when the byte is printable ASCII other than space, the
   * punctuation {@code ! " # $ % & < = >} and backslash: the bytes that need no look in a value
   * (slog's quote() prints them bare, Go's JSON encoder as they are). Bits of a byte above a
   * non-ASCII byte may be wrong; callers reject a word with a non-ASCII byte first.
   */
  private static long plainBytes(long w) {
    return inRange(w, 0x27, 0x3B) | inRange(w, 0x3F, 0x5B) | inRange(w, 0x5D, 0x7E);
  }

  private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;

  /** Per byte of {@code w}, the high bit set exactly when the byte is a space. */
  private static long spaces(long w) {
    long x = w ^ (ONES * ' ');
    return ~(((x & LOWS) + LOWS) | x | LOWS);
  }

  /**
   * Whether the 36 ASCII bytes at {@code b[from]} are a UUID: hex digits with dashes at 8, 13, 18
   * and 23 (case-insensitive, as {@link EventChecks} reads one). Five words of eight bytes, the
   * dashes turned into '0' first.
   */
  private boolean uuidAt(int from) {
    if (b[from + 8] != '-' || b[from + 13] != '-' || b[from + 18] != '-' || b[from + 23] != '-') {
      return false;
    }
    long dashTo0 = '-' ^ '0';
    long w1 = Swar.word(b, from);
    long w2 = Swar.word(b, from + 8) ^ dashTo0 ^ (dashTo0 << 40);
    long w3 = Swar.word(b, from + 16) ^ (dashTo0 << 16) ^ (dashTo0 << 56);
    long w4 = Swar.word(b, from + 24);
    long w5 = Swar.word(b, from + 28);
    return hexWord(w1) && hexWord(w2) && hexWord(w3) && hexWord(w4) && hexWord(w5);
  }

  /**
   * True when every byte of {@code w} (printable ASCII) is a hex digit: with the 0x20 bit set
   * (upper case to lower), each byte is in '0'..'9' or 'a'..'f'. A byte at least {@code lo} gets
   * its high bit from adding {@code 0x80 - lo}, one above {@code hi} from adding {@code 0x7F - hi};
   * no sum carries out of its byte for ASCII input.
   */
  private static boolean hexWord(long w) {
    long y = w | (ONES * 0x20);
    long digit = (y + ONES * (0x80 - '0')) & ~(y + ONES * (0x7F - '9'));
    long alpha = (y + ONES * (0x80 - 'a')) & ~(y + ONES * (0x7F - 'f'));
    return ((digit | alpha) & HIGHS) == HIGHS;
  }

  /** {@link #CLASS} bits of an ASCII byte in a bare value. */
  private static final int NOT_BARE = 1; // space, quote, backslash: slog's quote() would quote it

  private static final int HTML = 2; // < > &: Go's JSON encoder escapes them
  private static final int CONTROL = 4; // a control byte or DEL: the text path decides

  private static final byte[] CLASS = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      int cls = 0;
      if (c < 0x20 || c == 0x7F) {
        cls = CONTROL | NOT_BARE;
      } else if (c == ' ' || c == '"' || c == '\\') {
        cls = NOT_BARE;
      } else if (c == '<' || c == '>' || c == '&') {
        cls = HTML;
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
   * Unquotes the literal at {@code b[q] == '"'} (its text: {@link #valueText}), as Go's
   * strconv.Unquote (the simple escapes only); returns the index after the closing quote, or -1
   * when the text path must decide (an x, u or U escape, an octal escape, a control byte, no
   * closing quote). Sets {@link #valueCanonical} (spelt as strconv.Quote spells the value), {@link
   * #valueNeedsQuotes} (slog's quote() would quote it), {@link #valueNewline} and {@link
   * #valuePlain} (ASCII without escapes: the text is the bytes between the quotes).
   */
  private int quoted(int q) {
    byte[] out = scratch;
    int len = 0;
    boolean ascii = true;
    boolean canon = true;
    boolean needs = false;
    boolean newline = false;
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
        valuePlain = plain;
        valueUuid = false; // checked on its text
        // ASCII without escapes: the text is the bytes between the quotes; else the unescaped
        // bytes in the scratch array (valueText()).
        strFlags = plain ? (html ? 0 : 1) | (valueNeedsQuotes ? 0 : 2) : -1;
        valueQuoted = true;
        valueFrom = q + 1;
        valueLen = len;
        valueRawLen = i - q - 1;
        valueAscii = ascii;
        return i + 1;
      }
      if (c >= 0x20 && c < 0x7F && c != '\\') {
        int run = i;
        // Eight bytes a step while they are plain ASCII or spaces (a space makes slog quote it).
        for (int limit = n - 8; run <= limit; run += 8) {
          long w = Swar.word(b, run);
          long sp = spaces(w);
          long odd = (~(plainBytes(w) | sp) | w) & HIGHS;
          if (odd != 0) {
            // On to the first byte that is neither plain nor a space (the lowest flag is exact),
            // counting the spaces before it.
            int skip = Long.numberOfTrailingZeros(odd) >>> 3;
            needs |= (sp & ((1L << (8 * skip)) - 1)) != 0;
            run += skip;
            break;
          }
          needs |= sp != 0;
        }
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
        out = scratch = Arrays.copyOf(out, Math.max(256, out.length * 2));
      }
      out[len++] = ch;
      needs = true;
      i += 2;
    }
    return -1;
  }

  private boolean looksHuman(int off) {
    if (end - off < HumanLineDecoder.PREFIX) {
      return false;
    }
    // Four words of eight bytes: the fixed characters compared under a mask, the digits checked
    // as a range (the other bytes replaced by '0' first), the level tag's four bytes left out.
    for (int w = 0; w < 4; w++) {
      long x = Swar.word(b, off + 8 * w);
      long digits = (x & PREFIX_DIGITS[w]) | (ONES * '0' & ~PREFIX_DIGITS[w]);
      if ((x & PREFIX_FIXED[w]) != PREFIX_VALUES[w]
          || (inRange(digits, '0', '9') & ~digits & HIGHS) != HIGHS) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link HumanLineDecoder#prefixChar} as masks over the prefix's four words: the bytes of fixed
   * characters and their values, and the bytes that must be digits.
   */
  private static final long[] PREFIX_FIXED = new long[4];

  private static final long[] PREFIX_VALUES = new long[4];
  private static final long[] PREFIX_DIGITS = new long[4];

  static {
    String shape = "0000-00-00 00:00:00.000 [????]  ";
    for (int i = 0; i < HumanLineDecoder.PREFIX; i++) {
      char c = shape.charAt(i);
      long byteMask = 0xFFL << (8 * (i % 8));
      if (c == '0') {
        PREFIX_DIGITS[i / 8] |= byteMask;
      } else if (c != '?') {
        PREFIX_FIXED[i / 8] |= byteMask;
        PREFIX_VALUES[i / 8] |= (long) c << (8 * (i % 8));
      }
    }
  }

  /** {@link HumanLineDecoder#isoTs} from the bytes (ASCII, checked by {@link #looksHuman}). */
  private String isoTs(int off) {
    byte[] t = tsBuf;
    System.arraycopy(b, off, t, 0, 10);
    t[10] = 'T';
    System.arraycopy(b, off + 11, t, 11, 8);
    int len = 19;
    int e = 23;
    while (e > 20 && b[off + e - 1] == '0') {
      e--;
    }
    if (e > 20) {
      t[len++] = '.';
      for (int i = 20; i < e; i++) {
        t[len++] = b[off + i];
      }
    }
    t[len++] = 'Z';
    return new String(t, 0, len, StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether {@code b[i]} starts "key=" for key {@code k}: a word compare per eight bytes (bytes
   * past the line's end but inside the array are masked off), byte by byte near the array's end.
   */
  private boolean keyAt(int i, int k) {
    long[] words = KEY_WORDS[k];
    long[] masks = KEY_MASKS[k];
    int len = KEY_BYTES[k].length + 1;
    if (i + len > end) {
      return false;
    }
    if (i + 8 * words.length > b.length) {
      return at(i, KEY_BYTES[k]) && b[i + len - 1] == '=';
    }
    for (int w = 0; w < words.length; w++) {
      if ((Swar.word(b, i + 8 * w) & masks[w]) != words[w]) {
        return false;
      }
    }
    return true;
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

  private boolean at(int p, byte[] s) {
    return HumanLineJson.at(b, p, end, s);
  }
}
