package dev.auditship.codec.siem;

import dev.auditship.text.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Constant bytes prepared once when a format is made (a key with its punctuation, such as {@code
 * ,"user_agent":} or {@code \tUserAgent=}), copied whole instead of a loop over the characters of a
 * key's String for every record (docs/benchmarks.md, "SIEM formats").
 */
record Chunk(byte[] bytes, int length) {
  // A record because the JIT compiler trusts a record's final fields as constants: a chunk in a
  // static final field then has a constant length, and its copy loop is unrolled.

  /** A chunk of {@code b} (a copy). */
  static Chunk of(byte[] b) {
    return new Chunk(b.clone(), b.length);
  }

  /** The UTF-8 of {@code text} (ASCII in practice: keys and punctuation). */
  static Chunk of(String text) {
    ByteBuf b = new ByteBuf(text.length() + 8);
    b.utf8(text);
    return of(b.toByteArray());
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Chunk c && c.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
