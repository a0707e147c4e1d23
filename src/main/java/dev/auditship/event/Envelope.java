package dev.auditship.event;

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
 */
public record Envelope(
    String ts,
    String level,
    String caller,
    String func,
    List<String> loggerNames,
    String trace,
    String span) {
  public Envelope {
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(level, "level");
    loggerNames = List.copyOf(loggerNames);
  }
}
