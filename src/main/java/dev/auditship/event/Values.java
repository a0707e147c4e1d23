package dev.auditship.event;

/** Small helpers over {@link Value}. */
public final class Values {
  private Values() {}

  /** The integer a {@link Value.Num} holds, or {@code null} for anything else or a non-integer. */
  public static Integer intOrNull(Value v) {
    if (v instanceof Value.Num n) {
      try {
        return Integer.valueOf(n.text());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
