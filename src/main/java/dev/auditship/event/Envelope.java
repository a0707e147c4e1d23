package dev.auditship.event;

import dev.auditship.text.GoTime;
import java.util.List;
import java.util.Objects;

/**
 * The slog log envelope around an event (docs/coder-reference.md §4.2).
 *
 * @param ts the entry time as RFC 3339 text in UTC, as printed (up to 9 fraction digits); for
 *     events that arrived without an envelope it is the event's {@code Time}
 * @param level upper-case slog level, {@code INFO} for every audit and connection line
 * @param caller {@code file:line} of the slog call, or {@code null} when unknown (human lines do
 *     not carry it)
 * @param func the Go function of the slog call, or {@code null} when unknown
 * @param loggerNames logger names, {@code ["coderd"]} in Coder
 * @param trace OpenTelemetry trace ID (32 hex) or {@code null}
 * @param span OpenTelemetry span ID (16 hex) or {@code null}
 * @param tsMicros {@code ts} in microseconds since the epoch when a decoder found it to be an RFC
 *     3339 time as slog prints it ({@code GoTime.epochMicrosOf} accepted the text, so it is ASCII
 *     of {@code 0-9 - : . T t Z z +} only), else {@code GoTime.NO_TIME}: unknown, the formats look
 *     at the text themselves. Worked out from {@code ts}, so not part of equality.
 */
public record Envelope(
    String ts,
    String level,
    String caller,
    String func,
    List<String> loggerNames,
    String trace,
    String span,
    long tsMicros) {
  public Envelope {
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(level, "level");
    loggerNames = List.copyOf(loggerNames);
  }

  /** An envelope whose {@code ts} nobody has looked at ({@code tsMicros} unknown). */
  public Envelope(
      String ts,
      String level,
      String caller,
      String func,
      List<String> loggerNames,
      String trace,
      String span) {
    this(ts, level, caller, func, loggerNames, trace, span, GoTime.NO_TIME);
  }

  /** Whether a decoder worked out {@link #tsMicros()} (then {@code ts} holds nothing to escape). */
  public boolean tsKnown() {
    return tsMicros != GoTime.NO_TIME;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope e
        && e.ts.equals(ts)
        && e.level.equals(level)
        && Objects.equals(e.caller, caller)
        && Objects.equals(e.func, func)
        && e.loggerNames.equals(loggerNames)
        && Objects.equals(e.trace, trace)
        && Objects.equals(e.span, span);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ts, level, caller, func, loggerNames, trace, span);
  }

  @Override
  public String toString() {
    return "Envelope[ts="
        + ts
        + ", level="
        + level
        + ", caller="
        + caller
        + ", func="
        + func
        + ", loggerNames="
        + loggerNames
        + ", trace="
        + trace
        + ", span="
        + span
        + "]";
  }
}
