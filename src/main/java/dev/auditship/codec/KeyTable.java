package dev.auditship.codec;

import java.util.Map;

/**
 * The pre-rendered bytes of each key a format knows, found by the key's own cached hash in a table
 * of a power-of-two size: the lookup runs for every field of every record, and {@code Map.copyOf}'s
 * table pays a division per probe.
 *
 * <p>The slot is the top bits of the hash times a multiplier chosen at construction so that no two
 * keys share a slot (a perfect hash over the few dozen keys Coder prints): a lookup reads one slot,
 * and a key that is not there is not in the table. Should no multiplier be found (it is, for the
 * formats' keys, within a few tries), the table probes linearly instead. Immutable after
 * construction.
 */
final class KeyTable {
  private final String[] keys;
  private final byte[][] values;
  private final int mask;
  private final int multiplier;
  private final int shift;

  /** True when every key has a slot of its own ({@link #multiplier} found). */
  private final boolean perfect;

  KeyTable(Map<String, byte[]> entries) {
    int bits = Integer.numberOfTrailingZeros(Integer.highestOneBit(Math.max(4, entries.size())));
    // About eight slots per key: a random multiplier is then collision-free often enough.
    bits += 4;
    int size = 1 << bits;
    mask = size - 1;
    shift = 32 - bits;
    keys = new String[size];
    values = new byte[size][];
    int found = 0;
    // Odd multipliers from the golden-ratio sequence: deterministic, well spread.
    for (int t = 0, m = 0x9E3779B9; t < 10_000 && found == 0; t++, m += 0x6A09E666) {
      if (collisionFree(entries, m | 1)) {
        found = m | 1;
      }
    }
    multiplier = found;
    perfect = found != 0;
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      int h = slot(e.getKey());
      while (keys[h] != null) {
        h = (h + 1) & mask; // only without a perfect multiplier
      }
      keys[h] = e.getKey();
      values[h] = e.getValue();
    }
  }

  private boolean collisionFree(Map<String, byte[]> entries, int m) {
    boolean[] used = new boolean[mask + 1];
    for (String k : entries.keySet()) {
      int h = (k.hashCode() * m) >>> shift;
      if (used[h]) {
        return false;
      }
      used[h] = true;
    }
    return true;
  }

  private int slot(String key) {
    if (perfect) {
      return (key.hashCode() * multiplier) >>> shift;
    }
    int h = key.hashCode();
    return (h ^ (h >>> 7) ^ (h >>> 16)) & mask;
  }

  /** The bytes for {@code key}, or {@code null} when it is not in the table. */
  byte[] get(String key) {
    if (perfect) {
      int h = (key.hashCode() * multiplier) >>> shift;
      String k = keys[h];
      return k == key || (k != null && k.equals(key)) ? values[h] : null;
    }
    for (int h = slot(key); ; h = (h + 1) & mask) {
      String k = keys[h];
      if (k == null) {
        return null;
      }
      if (k == key || k.equals(key)) {
        return values[h];
      }
    }
  }
}
