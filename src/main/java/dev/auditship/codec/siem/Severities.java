package dev.auditship.codec.siem;

/** The severity a CEF or LEEF record gets for each {@link Result} of the recorded action. */
public record Severities(int success, int failure, int unknown) {
  int of(Result r) {
    return switch (r) {
      case SUCCESS -> success;
      case FAILURE -> failure;
      case UNKNOWN -> unknown;
    };
  }
}
