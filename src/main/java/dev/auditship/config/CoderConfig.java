package dev.auditship.config;

import java.net.URI;
import java.time.Duration;

/**
 * {@code coder:}: where Coder's API is, for filter name lookups (organization and user names to
 * IDs).
 *
 * @param endpoint Coder's URL, e.g. {@code https://coder.example.com}
 * @param token a session token with permission to read users and organizations
 * @param timeout per-request timeout
 */
public record CoderConfig(URI endpoint, Secret token, Duration timeout) {
  static CoderConfig parse(Section s) {
    URI endpoint = Endpoints.httpUrl(s, "endpoint", true);
    Secret token = s.secret("token", true);
    Duration timeout =
        s.duration(
            "timeout_secs", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
    s.finish();
    return new CoderConfig(endpoint, token, timeout);
  }
}
