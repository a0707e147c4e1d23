package dev.auditship.io;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The HTTP {@code Retry-After} header, shared by every HTTP client of the exporter (Splunk HEC,
 * Coder's API).
 */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * {@code Retry-After} (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; a date in the past is a
   * wait of zero; anything else (including a number too large to hold) is ignored: {@code null}.
   */
  public static Duration parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.trim();
    if (h.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(h));
      } catch (NumberFormatException e) {
        return null; // absurdly long: ignore rather than wait forever
      }
    }
    try {
      Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeException e) {
      return null;
    }
  }
}
