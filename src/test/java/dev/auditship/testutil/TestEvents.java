package dev.auditship.testutil;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.Event;

/** Numbered audit events for delivery tests: a golden event whose ID carries the number. */
public final class TestEvents {
  private static final String GOLDEN_ID = "b4f043e3-2010-4dd2-a1fe-a7c2c923e236";
  private static final String TEMPLATE = Golden.line("audit_workspace_build_start").json().strip();

  private TestEvents() {}

  /** A UUID that carries {@code i}. */
  public static String id(long i) {
    return String.format("00000000-0000-4000-8000-%012d", i);
  }

  /** The number carried by an event made by {@link #event}. */
  public static long index(Event e) {
    return Long.parseLong(e.id().substring(24));
  }

  /** Audit event number {@code i}. */
  public static Event event(long i) {
    Decoded d = LogDecoder.decodeJsonLine(TEMPLATE.replace(GOLDEN_ID, id(i)));
    return ((Decoded.Ok) d).event();
  }
}
