package dev.auditship.codec;

import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a checked slog JSON line, decoded on demand from its bytes ({@link
 * LazyLineScanner}): a json record is shipped as the line itself, so most events never need their
 * values; a filter, another format or a sink's routing field decodes what it reads. The scanner
 * checked every value on the way: a string value of a UUID key ({@link EventChecks#UUIDS}, {@link
 * EventChecks#NULLABLE_UUIDS}) is a UUID, which {@link HumanFormat} copies without a look.
 *
 * <p>Immutable: {@code line} and {@code index} are never changed after construction.
 */
final class LineFields implements LazyFields {
  private final byte[] line;
  private final int[] index;
  private final int count;
  private final String[] extraKeys;

  /** Per key, whether the scan checked its string values to be UUIDs (by the line's kind). */
  private final boolean[] uuidKeys;

  /** Where the first {@code ID}'s text (36 bytes) and {@code Time}'s text start in the line. */
  private final int idAt;

  private final int timeAt;
  private final int timeLen;

  /** The first {@code Time} in microseconds, worked out while the line was checked. */
  private final long timeMicros;

  /**
   * The first {@code ID} and {@code Time} values once built (sinks read them; a benign race builds
   * an equal immutable value twice).
   */
  private Value id;

  private Value time;

  /**
   * The fields of the line {@code r} scanned: its index holds, per field, {@link
   * LazyLineScanner#SLOTS} ints: the key (index into {@link JsonLineScanner#KEYS}, or {@code -1 -
   * i} for {@code extraKeys[i]}) and where the value starts; the first ID and Time are where the
   * scan found them.
   */
  LineFields(LazyLineScanner.Result r) {
    this.line = r.line();
    this.index = r.index();
    this.count = r.count();
    this.extraKeys = r.extraKeys();
    this.uuidKeys =
        r.kind() == Kind.AUDIT ? LazyLineScanner.AUDIT_UUID : LazyLineScanner.CONNECTION_UUID;
    this.idAt = r.idAt();
    this.timeAt = r.timeAt();
    this.timeLen = r.timeLen();
    this.timeMicros = r.timeMicros();
  }

  @Override
  public long timeMicros() {
    return timeMicros;
  }

  /** The input line (shared: read it, never change it). */
  byte[] line() {
    return line;
  }

  /** How many fields the line has. */
  @Override
  public int count() {
    return count;
  }

  /** Where the value of field {@code i} starts in {@link #line()}. */
  int valueStart(int i) {
    return index[i * LazyLineScanner.SLOTS + 1];
  }

  /** The value of field {@code i}, decoded. */
  @Override
  public Value value(int i) {
    int p = valueStart(i);
    Value v = known(i, p);
    return v != null ? v : new JsonLineScanner().valueAt(line, line.length, key(i), p);
  }

  /**
   * The value of field {@code i} at {@code p} when the scan already knows it, else null: a string
   * the scan checked to be a UUID (36 bytes copied, not scanned again: most of a line's strings are
   * UUIDs), or the first {@code Time}, whose text the scan found.
   */
  private Value known(int i, int p) {
    int k = index[i * LazyLineScanner.SLOTS];
    if (k < 0 || line[p] != '"') {
      return null;
    }
    if (uuidKeys[k]) {
      return JsonLineScanner.uuidValue(line, p + 1);
    }
    return p + 1 == timeAt ? time() : null;
  }

  /** The index of field {@code i}'s key in {@link JsonLineScanner#KEYS}, or -1 for another key. */
  int keyIndex(int i) {
    return Math.max(-1, index[i * LazyLineScanner.SLOTS]);
  }

  @Override
  public String key(int i) {
    int k = index[i * LazyLineScanner.SLOTS];
    return k >= 0 ? JsonLineScanner.KEYS[k] : extraKeys[-1 - k];
  }

  @Override
  public List<Field> fields() {
    JsonLineScanner scanner = new JsonLineScanner();
    Field[] out = new Field[count];
    for (int i = 0; i < count; i++) {
      String key = key(i);
      int p = valueStart(i);
      Value v = known(i, p);
      out[i] = new Field(key, v != null ? v : scanner.valueAt(line, line.length, key, p));
    }
    return List.of(out);
  }

  @Override
  public Value get(String key) {
    if (key.equals("ID")) {
      Value v = id;
      if (v == null) {
        v = new Value.Str(new String(line, idAt, 36, StandardCharsets.ISO_8859_1));
        id = v;
      }
      return v;
    }
    if (key.equals("Time")) {
      return time();
    }
    int i = find(key);
    if (i < 0) {
      return null;
    }
    int p = valueStart(i);
    int e = integerEnd(p);
    if (e > 0) { // an integer (sinks read status codes for every record): no scanner needed
      return new Value.Num(new String(line, p, e - p, StandardCharsets.ISO_8859_1));
    }
    return new JsonLineScanner().valueAt(line, line.length, key, p);
  }

  /** The first {@code Time}'s value (its text as the scan found it: checked, nothing escaped). */
  private Value time() {
    Value v = time;
    if (v == null) {
      v = new Value.Time(new String(line, timeAt, timeLen, StandardCharsets.ISO_8859_1));
      time = v;
    }
    return v;
  }

  /** The end of the integer token at {@code p} (a number without fraction or exponent), or -1. */
  private int integerEnd(int p) {
    byte[] b = line;
    int q = b[p] == '-' ? p + 1 : p;
    int digits = q;
    while (q < b.length && b[q] >= '0' && b[q] <= '9') {
      q++;
    }
    if (q == digits || q == b.length || b[q] == '.' || b[q] == 'e' || b[q] == 'E') {
      return -1;
    }
    return q;
  }

  /** The index of the first field named {@code key}, or -1. */
  private int find(String key) {
    Integer k = KEY_INDEX.get(key);
    if (k != null && count < Short.MAX_VALUE) {
      short[] f = first;
      if (f == null) {
        f = firstOfEachKey();
        first = f; // volatile: published whole
      }
      return f[k] - 1;
    }
    for (int i = 0; i < count; i++) {
      if (key(i).equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** Index in {@link JsonLineScanner#KEYS} of each of them. */
  private static final Map<String, Integer> KEY_INDEX = keyIndex();

  private static Map<String, Integer> keyIndex() {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < JsonLineScanner.KEYS.length; i++) {
      m.put(JsonLineScanner.KEYS[i], i);
    }
    return Map.copyOf(m);
  }

  /**
   * Per key of {@link JsonLineScanner#KEYS}, 1 + the index of its first field, 0 when absent; built
   * by the first lookup (sinks look up several fields of every record), then read-only.
   */
  private volatile short[] first;

  private short[] firstOfEachKey() {
    short[] f = new short[JsonLineScanner.KEYS.length];
    for (int i = 0; i < count; i++) {
      int k = index[i * LazyLineScanner.SLOTS];
      if (k >= 0 && f[k] == 0) {
        f[k] = (short) (i + 1);
      } else if (k < 0) {
        // An extra key spelled like a known one (escaped) would come first: look it up by name.
        String name = extraKeys[-1 - k];
        Integer known = KEY_INDEX.get(name);
        if (known != null && f[known] == 0) {
          f[known] = (short) (i + 1);
        }
      }
    }
    return f;
  }

  @Override
  public int appendAscii(String key, ByteBuf out) {
    int i = find(key);
    if (i < 0) {
      return ABSENT;
    }
    byte[] b = line;
    int p = valueStart(i);
    byte c = b[p];
    if (c == '"') {
      int q = p + 1;
      for (byte x; (x = b[q]) != '"'; q++) {
        if (x < 0x20 || x == '\\') { // below 0x20 includes every non-ASCII byte (negative)
          return DECODE;
        }
      }
      out.put(b, p + 1, q - p - 1);
      return WRITTEN;
    }
    if (c == 'n') {
      return ABSENT; // null (the scan checked the literal)
    }
    int q = integerEnd(p);
    if (q < 0) {
      return DECODE; // not an integer: the general path says what it is
    }
    out.put(b, p, q - p);
    return WRITTEN;
  }

  @Override
  public int size() {
    return line.length;
  }
}
