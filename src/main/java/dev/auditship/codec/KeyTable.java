package dev.auditship.codec;

import java.util.Map;

/**
 * The pre-rendered bytes of each key a format knows, found by the key's own cached hash in an
 * open-addressed table of a power-of-two size: the lookup runs for every field of every record, and
 * {@code Map.copyOf}'s table pays a division per probe. Immutable after construction.
 */
final class KeyTable {
  private final String[] keys;
  private final byte[][] values;
  private final int mask;

  KeyTable(Map<String, byte[]> entries) {
    int size = Integer.highestOneBit(Math.max(4, entries.size() * 3)) * 2;
    keys = new String[size];
    values = new byte[size][];
    mask = size - 1;
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      int h = slot(e.getKey());
      while (keys[h] != null) {
        h = (h + 1) & mask;
      }
      keys[h] = e.getKey();
      values[h] = e.getValue();
    }
  }

  private int slot(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 7) ^ (h >>> 16)) & mask;
  }

  /** The bytes for {@code key}, or {@code null} when it is not in the table. */
  byte[] get(String key) {
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
