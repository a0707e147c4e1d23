package dev.auditship.codec.siem;

import dev.auditship.text.ByteBuf;
import java.util.Arrays;

/**
 * Constant bytes prepared once when a format is made (a key with its punctuation, such as {@code
 * ,"user_agent":} or {@code \tUserAgent=}), padded with eight zero bytes so that {@link TextOut}
 * copies them eight at a time with plain stores instead of a call per piece or a loop over the
 * characters of a key's String (docs/benchmarks.md, "SIEM formats").
 */
record Chunk(byte[] bytes, int length) {
  // A record because the JIT compiler trusts a record's final fields as constants: a chunk in a
  // static final field then has a constant length, and its copy loop is unrolled.

  /**
   * A chunk of {@code b}: {@code bytes} is a copy with eight bytes of padding that are read but
   * never kept, {@code length} how many of them are the chunk.
   */
  static Chunk of(byte[] b) {
    return new Chunk(Arrays.copyOf(b, b.length + 8), b.length);
  }

  /** The UTF-8 of {@code text} (ASCII in practice: keys and punctuation). */
  static Chunk of(String text) {
    ByteBuf b = new ByteBuf(text.length() + 8);
    b.utf8(text);
    return of(b.toByteArray());
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
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
