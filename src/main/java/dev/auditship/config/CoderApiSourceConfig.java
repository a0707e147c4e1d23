package dev.auditship.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: coder_api}: polls Coder's REST API ({@code /api/v2/audit}, {@code
 * /api/v2/connectionlog}) with a session token and a checkpoint (docs/coder-api-source.md).
 *
 * @param endpoint Coder's URL, e.g. {@code https://coder.example.com}
 * @param token session token, sent as {@code Coder-Session-Token}
 * @param kinds {@code audit}, {@code connection} or both, in that order
 * @param pollInterval time between polls
 * @param pageSize rows asked for per request ({@code limit}); shrunk when Coder answers 400 to it
 * @param startAt {@code now}, {@code beginning} or an RFC 3339 time: where a source without a
 *     checkpoint starts
 * @param q search query per kind ({@code audit} / {@code connection}) passed through to Coder; a
 *     kind without an entry gets no {@code q}
 * @param checkpointFile the checkpoint, or {@code null} for {@code
 *     <data_dir>/coder-api.checkpoint.json}
 * @param tls TLS options
 * @param timeout connect and response timeout per request
 * @param maxOpenConnections most open SSH-like connections tracked for their disconnect event
 * @param overlap how far behind the newest exported row each poll re-reads, for rows Coder commits
 *     late (connection logs are batched, agents report late)
 * @param maxRequestsPerMinute requests to Coder started per minute at most; Coder's own limit is
 *     {@code --api-rate-limit}, 512 a minute per user and endpoint by default
 */
public record CoderApiSourceConfig(
    URI endpoint,
    Secret token,
    List<String> kinds,
    Duration pollInterval,
    int pageSize,
    String startAt,
    Map<String, String> q,
    Path checkpointFile,
    TlsSettings tls,
    Duration timeout,
    int maxOpenConnections,
    Duration overlap,
    int maxRequestsPerMinute)
    implements SourceSettings {

  /**
   * Below Coder's default {@code --api-rate-limit} of 512 requests a minute per user and endpoint
   * ({@code cli/server} flags, {@code coderd/httpmw/ratelimit.go}), leaving room for the same
   * user's dashboard and CLI.
   */
  public static final int DEFAULT_MAX_REQUESTS_PER_MINUTE = 240;

  public static final List<String> KINDS = List.of("audit", "connection");

  public CoderApiSourceConfig {
    kinds = List.copyOf(kinds);
    q = Map.copyOf(q);
  }

  /** The API source's wording of the {@code tls:} conflicts. */
  static final TlsSettings.Wording TLS_WORDING =
      TlsSettings.Wording.insecureWithCa(
          "ca_file and insecure_skip_verify: true are both set",
          "keep ca_file and remove insecure_skip_verify");

  static CoderApiSourceConfig parse(Section s) {
    URI endpoint = Endpoints.httpUrl(s, "endpoint", true);
    Secret token = s.secret("token", true);
    List<String> kinds = kinds(s);
    Duration poll =
        s.duration(
            "poll_interval_secs",
            Duration.ofSeconds(30),
            Duration.ofMillis(100),
            Duration.ofHours(1));
    int pageSize = (int) s.integer("page_size", 100, 1, 10_000);
    String startAt = s.string("start_at", "now");
    if (!startAt.equals("now") && !startAt.equals("beginning") && !isTime(startAt)) {
      s.problem(
          "start_at",
          "\"" + startAt + "\" is not now, beginning or an RFC 3339 time",
          "write start_at: now, start_at: beginning or e.g. start_at: \"2025-07-01T00:00:00Z\"");
      startAt = "now";
    }
    Map<String, String> q = queries(s, kinds);
    Path checkpoint = s.filePathValue("checkpoint_file", null);
    TlsSettings tls = TlsSettings.DEFAULT;
    Section t = s.section("tls");
    if (t != null) {
      tls = TlsSettings.parse(t, Set.of(TlsSettings.Option.SERVER_NAME), TLS_WORDING);
      t.finish();
    }
    Duration timeout =
        s.duration(
            "timeout_secs", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(10));
    int maxOpen = (int) s.integer("max_open_connections", 10_000, 1, 1_000_000);
    Duration overlap =
        s.duration("overlap_secs", Duration.ofSeconds(120), Duration.ZERO, Duration.ofDays(1));
    int maxRequests =
        (int) s.integer("max_requests_per_minute", DEFAULT_MAX_REQUESTS_PER_MINUTE, 1, 1_000_000);
    return new CoderApiSourceConfig(
        endpoint,
        token,
        kinds,
        poll,
        pageSize,
        startAt,
        q,
        checkpoint,
        tls,
        timeout,
        maxOpen,
        overlap,
        maxRequests);
  }

  private static List<String> kinds(Section s) {
    List<String> raw = s.stringList("kinds", KINDS);
    List<String> out = new ArrayList<>();
    boolean both = false;
    for (String k : raw) {
      if (k.equals("both")) {
        both = true; // every kind; the rest of the list is still checked
        continue;
      }
      String word = k;
      if (!KINDS.contains(word)) {
        s.problem(
            "kinds",
            "\"" + k + "\" is not a kind of Coder event",
            "use audit, connection or both, " + "e.g. kinds: [audit, connection]");
      } else if (!out.contains(word)) {
        out.add(word);
      }
    }
    if (both) {
      return KINDS;
    }
    if (out.isEmpty()) {
      if (raw.isEmpty()) {
        s.problem("kinds", "no kinds are listed", "use audit, connection or both");
      }
      return KINDS;
    }
    // Always in one order, whatever order the file lists them in: the poll order does not depend on
    // it.
    return KINDS.stream().filter(out::contains).toList();
  }

  /**
   * {@code q:} is a string for every polled kind, or a mapping {@code {audit: ..., connection:
   * ...}}.
   */
  private static Map<String, String> queries(Section s, List<String> kinds) {
    Node n = s.raw("q");
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || (n instanceof Node.Scalar sc && sc.isNull())) {
      return out;
    }
    if (n instanceof Node.Scalar sc) {
      if (kinds.size() > 1) {
        s.problem(
            "q",
            "one query for both kinds: Coder's audit and connection searches take different "
                + "keys, so it would be refused by one of them",
            "write q: {audit: \"...\", connection: "
                + "\"...\"}, or poll one kind with kinds: [audit] or kinds: [connection]");
        return out;
      }
      if (!sc.text().isBlank()) {
        out.put(kinds.get(0), sc.text());
      }
      return out;
    }
    Section qs = s.section("q");
    if (qs == null) {
      return out;
    }
    for (String k : KINDS) {
      String v = qs.string(k, null);
      if (v != null && !v.isBlank()) {
        if (!kinds.contains(k)) {
          qs.problem(
              k,
              "a query for " + k + " events, which are not polled",
              "remove it, or add " + k + " to kinds");
        }
        out.put(k, v);
      }
    }
    qs.finish();
    return out;
  }

  private static boolean isTime(String s) {
    try {
      OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    // The token is a Secret, whose toString never shows the value; listed here so it stays that
    // way.
    return "CoderApiSourceConfig[endpoint="
        + endpoint
        + ", token="
        + token
        + ", kinds="
        + kinds
        + ", pollInterval="
        + pollInterval
        + ", pageSize="
        + pageSize
        + ", startAt="
        + startAt
        + ", q="
        + q
        + ", checkpointFile="
        + checkpointFile
        + ", tls="
        + tls
        + ", timeout="
        + timeout
        + ", maxOpenConnections="
        + maxOpenConnections
        + ", overlap="
        + overlap
        + ", maxRequestsPerMinute="
        + maxRequestsPerMinute
        + "]";
  }
}
