package dev.auditship.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes a step ("SIMD within a register"): tests on a {@code long} read from a byte array,
 * for the scans that look for the few bytes that matter in long runs of plain text.
 */
public final class Swar {
  private Swar() {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /** The eight bytes at {@code b[i]}, the first lowest; {@code i + 8 <= b.length}. */
  public static long word(byte[] b, int i) {
    return (long) LONGS.get(b, i);
  }

  /**
   * Whether each of the eight bytes of {@code w} is a hex digit ({@code 0-9}, {@code a-f}, {@code
   * A-F}).
   */
  public static boolean allHex(long w) {
    // For ASCII bytes the sums below stay within their byte: x + (0x80 - lo) has its high bit set
    // when x >= lo, x + (0x7F - hi) when x > hi.
    long digit = (w + ONES * (0x80 - '0')) & ~(w + ONES * (0x7F - '9'));
    long lower = w | (ONES * 0x20); // 'A'-'F' to 'a'-'f'
    long letter = (lower + ONES * (0x80 - 'a')) & ~(lower + ONES * (0x7F - 'f'));
    return (w & HIGHS) == 0 && ((digit | letter) & HIGHS) == HIGHS;
  }

  /**
   * Stores {@code w} as the eight bytes at {@code b[i]}, the lowest first; {@code i + 8 <=
   * b.length}.
   */
  public static void store(byte[] b, int i, long w) {
    LONGS.set(b, i, w);
  }

  /**
   * The high bit of each byte of {@code w} (from {@link #word}) that a JSON string written as Go's
   * encoder writes it cannot carry as it is: a quote, backslash, control byte, non-ASCII byte or
   * one of {@code < > &} (the classic has-zero-byte test on {@code w} xor each byte). Bytes above a
   * flagged one may be flagged falsely (a borrow); the lowest flag never is, so {@code
   * Long.numberOfTrailingZeros(mask) >>> 3} is the index of the first such byte.
   */
  public static long jsonSpecials(long w) {
    // Two pairs differ in one bit each: '<' 0x3C and '>' 0x3E in 0x02, '"' 0x22 and '&' 0x26 in
    // 0x04. Setting that bit makes one test per pair.
    long angle = (w | (ONES * 0x02)) ^ (ONES * '>');
    long quoteAmp = (w | (ONES * 0x04)) ^ (ONES * '&');
    long backslash = w ^ (ONES * '\\');
    long hits =
        ((angle - ONES) & ~angle)
            | ((quoteAmp - ONES) & ~quoteAmp)
            | ((backslash - ONES) & ~backslash)
            | (w - ONES * 0x20) // a byte below 0x20 borrows into its high bit
            | w; // a non-ASCII byte has its high bit set
    return hits & HIGHS;
  }

  /**
   * The high bit of each byte of {@code w} that slog's human sink cannot copy into a value as it
   * is: a quote, backslash, space or other byte below {@code 0x21}, DEL or a non-ASCII byte (a
   * space makes the value quoted, the others need a decode). The lowest flag is exact, as in {@link
   * #jsonSpecials}.
   */
  public static long humanSpecials(long w) {
    return specials(w, ONES * 0x21);
  }

  /**
   * A quote, backslash, DEL, non-ASCII byte or a byte below the one {@code below} repeats: the
   * lowest flag exact, as in {@link #jsonSpecials}.
   */
  private static long specials(long w, long below) {
    long quote = w ^ (ONES * '"');
    long backslash = w ^ (ONES * '\\');
    long hits =
        ((quote - ONES) & ~quote)
            | ((backslash - ONES) & ~backslash)
            | (w - below) // a byte below the limit borrows into its high bit
            | (w
                + ONES) // DEL (0x7F) carries into its high bit; a carry out of 0xFF is above a flag
            | w; // a non-ASCII byte has its high bit set
    return hits & HIGHS;
  }

  /**
   * {@link #humanSpecials} without the space: the bytes a value slog's human sink quotes cannot
   * carry as they are inside the quotes (a quote, backslash, control byte, DEL or non-ASCII byte).
   * The lowest flag is exact, as in {@link #jsonSpecials}.
   */
  public static long quotedSpecials(long w) {
    return specials(w, ONES * 0x20);
  }

  /**
   * The high bit of each byte of {@code w} that is a quote or a backslash. The lowest flag is
   * exact, as in {@link #jsonSpecials}.
   */
  public static long quotesAndBackslashes(long w) {
    long quote = w ^ (ONES * '"');
    long backslash = w ^ (ONES * '\\');
    return (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash)) & HIGHS;
  }

  /**
   * The high bit of each byte of {@code w} that is the byte {@code a} or the byte {@code c}. The
   * lowest flag is exact, as in {@link #jsonSpecials}.
   */
  public static long eitherOf(long w, int a, int c) {
    long x = w ^ (ONES * (a & 0xFF));
    long y = w ^ (ONES * (c & 0xFF));
    return (((x - ONES) & ~x) | ((y - ONES) & ~y)) & HIGHS;
  }
}
