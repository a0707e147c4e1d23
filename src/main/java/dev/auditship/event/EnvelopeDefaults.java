package dev.auditship.event;

import java.util.List;
import java.util.Objects;

/**
 * Envelope values for events that arrive without them (the Coder API source; {@code caller}/{@code
 * func} for human-format input, which does not print them). Defaults are what current Coder release
 * builds print (docs/coder-reference.md §4.1).
 */
public record EnvelopeDefaults(String caller, String func, List<String> loggerNames) {
  public static final String CODER_CALLER =
      "/home/runner/work/coder/coder/enterprise/audit/backends/slog.go:36";
  public static final String CODER_FUNC =
      "github.com/coder/coder/v2/enterprise/audit/backends.(*SlogExporter).ExportStruct";
  public static final EnvelopeDefaults CODER =
      new EnvelopeDefaults(CODER_CALLER, CODER_FUNC, List.of("coderd"));

  public EnvelopeDefaults {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(func, "func");
    loggerNames = List.copyOf(loggerNames);
  }
}
