package dev.auditship.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Coder's audit and connection-log endpoints as WireMock serves them from an in-memory table, with
 * the behaviour the source must cope with (docs/coder-reference.md §6.4, §7.3): newest first,
 * limit/offset paging, {@code count} capped at 2000 (2001 = more), 400 for a limit over the
 * server's maximum, 401 for a wrong token, {@code status:ongoing}/{@code status:completed}/{@code
 * connection_id:} searches. Rows can be added or changed between requests by a hook, the way real
 * rows arrive while a client pages.
 */
final class FakeCoder implements AutoCloseable {
  /** One request as the fake saw it. */
  record Seen(String path, String q, int limit, int offset, String token, long nanos) {}

  /** A row with its listing time parsed once (the fake serves 100,000 rows quickly). */
  private record Row(ObjectNode node, Instant time, String id) {}

  /** Coder's answer to a {@code limit} it does not accept. */
  static final String LIMIT_REFUSED =
      "{\"message\":\"Query parameters have invalid values.\",\"validations\":[{\"field\":"
          + "\"limit\",\"detail\":\"Query param \\\"limit\\\" must be a valid 32-bit positive integer: "
          + "page too large\"}]}";

  private final List<Row> audit = new ArrayList<>();
  private final List<Row> conns = new ArrayList<>();
  private boolean auditSorted = true;
  private boolean connsSorted = true;
  private final Random random = new Random(42);
  private volatile double errorRate;
  private volatile String role = "auditor";
  private volatile String auditEntitlement = "entitled";
  private volatile boolean connectionLogs = true;
  private final List<Seen> requests = Collections.synchronizedList(new ArrayList<>());
  private final Deque<ResponseDefinition> failures = new ArrayDeque<>();
  private volatile String token = "test-token";
  private volatile int maxLimit = Integer.MAX_VALUE;
  private volatile int pageCap = Integer.MAX_VALUE;
  private volatile int delayMs;
  private volatile boolean ignoreOffset;
  private volatile Consumer<Seen> hook = s -> {};
  private final WireMockServer server;

  FakeCoder() {
    this(true);
  }

  /**
   * @param journal keep WireMock's request journal (for {@code verify}); off for the large tests,
   *     whose hundreds of megabytes of answers it would hold
   */
  FakeCoder(boolean journal) {
    var o = options().bindAddress("127.0.0.1").dynamicPort().extensions(new Api());
    server = new WireMockServer(journal ? o : o.disableRequestJournal());
    server.start();
    server.stubFor(any(anyUrl()).willReturn(aResponse().withTransformers("fake-coder")));
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  WireMockServer server() {
    return server;
  }

  synchronized FakeCoder addAudit(ObjectNode... rows) {
    for (ObjectNode n : rows) {
      audit.add(new Row(n, Instant.parse(n.get("time").asText()), n.get("id").asText()));
    }
    auditSorted = false;
    return this;
  }

  synchronized FakeCoder addConnections(ObjectNode... rows) {
    for (ObjectNode n : rows) {
      conns.add(new Row(n, Instant.parse(n.get("connect_time").asText()), n.get("id").asText()));
    }
    connsSorted = false;
    return this;
  }

  /** The site role of the token's user in {@code /api/v2/users/me} ({@code owner}, …). */
  void role(String r) {
    role = r;
  }

  /** {@code features.audit_log.entitlement} in {@code /api/v2/entitlements}. */
  void auditEntitlement(String e) {
    auditEntitlement = e;
  }

  /** A Coder release without connection logs answers 404 to {@code /api/v2/connectionlog}. */
  void connectionLogs(boolean b) {
    connectionLogs = b;
  }

  /** Answers this share of requests (0..1) with 500, at random (seeded: runs repeat). */
  void errorRate(double r) {
    errorRate = r;
  }

  /** Runs {@code change} under the table lock (to close a connection row, for example). */
  synchronized void change(Runnable change) {
    change.run();
  }

  void token(String t) {
    token = t;
  }

  void maxLimit(int m) {
    maxLimit = m;
  }

  /** A server (or proxy) that silently returns at most {@code cap} rows, whatever the limit. */
  void pageCap(int cap) {
    pageCap = cap;
  }

  void delayMs(int d) {
    delayMs = d;
  }

  /** A broken server that answers every offset with the first page. */
  void ignoreOffset(boolean b) {
    ignoreOffset = b;
  }

  /** Called before each request is answered (outside the table lock, so it may add rows). */
  void hook(Consumer<Seen> h) {
    hook = h;
  }

  /** The next {@code times} requests get {@code status} (with {@code retryAfter} unless null). */
  synchronized void failNext(int status, int times, String retryAfter) {
    for (int i = 0; i < times; i++) {
      ResponseDefinitionBuilder b =
          new ResponseDefinitionBuilder()
              .withStatus(status)
              .withHeader("Content-Type", "application/json")
              .withBody(
                  status == 429
                      // coderd/httpmw/ratelimit.go, with the default --api-rate-limit.
                      ? "{\"message\":\"You've been rate limited for sending more than 512 requests "
                          + "in 1m0s.\"}"
                      : "{\"message\":\"Internal error fetching audit logs.\",\"detail\":\"pq: "
                          + "canceling statement due to statement timeout\"}");
      if (retryAfter != null) {
        b = b.withHeader("Retry-After", retryAfter);
      }
      failures.add(b.build());
    }
  }

  /** The next request gets this answer, whatever it asks (a broken proxy, a cut body). */
  synchronized void answerNext(int status, String contentType, String body) {
    failures.add(
        new ResponseDefinitionBuilder()
            .withStatus(status)
            .withHeader("Content-Type", contentType)
            .withBody(body)
            .build());
  }

  List<Seen> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private final class Api implements ResponseDefinitionTransformerV2 {
    @Override
    public String getName() {
      return "fake-coder";
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      Request r = event.getRequest();
      String path = URI.create(r.getUrl()).getPath();
      Seen seen =
          new Seen(
              path,
              param(r, "q"),
              parseInt(param(r, "limit")),
              parseInt(param(r, "offset")),
              r.getHeader("Coder-Session-Token"),
              System.nanoTime());
      requests.add(seen);
      hook.accept(seen);
      ResponseDefinition resp = answer(seen);
      if (delayMs > 0) {
        return ResponseDefinitionBuilder.like(resp).withFixedDelay(delayMs).build();
      }
      return resp;
    }
  }

  private synchronized ResponseDefinition answer(Seen s) {
    if (!failures.isEmpty()) {
      return failures.poll();
    }
    if (errorRate > 0 && random.nextDouble() < errorRate) {
      return json(
          500,
          "{\"message\":\"Internal error fetching audit logs.\",\"detail\":\"pq: canceling "
              + "statement due to statement timeout\"}");
    }
    if (s.path().equals("/api/v2/buildinfo")) {
      return json(200, "{\"external_url\":\"\",\"version\":\"v2.24.1\"}");
    }
    if (!token.equals(s.token())) {
      return json(
          401,
          "{\"message\":\"Invalid session token.\",\"detail\":\"The session token is not valid "
              + "or has expired.\"}");
    }
    if (s.path().equals("/api/v2/users/me")) {
      ObjectNode me = ApiRows.alice();
      me.putArray("roles")
          .addObject()
          .put("name", role)
          .put("display_name", role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1));
      return json(200, me.toString());
    }
    if (s.path().equals("/api/v2/entitlements")) {
      boolean on = auditEntitlement.equals("entitled");
      return json(
          200,
          "{\"features\":{\"audit_log\":{\"entitlement\":\""
              + auditEntitlement
              + "\",\"enabled\":"
              + on
              + "}},\"has_license\":"
              + on
              + "}");
    }
    boolean auditPath = s.path().equals("/api/v2/audit");
    if (!connectionLogs && s.path().equals("/api/v2/connectionlog")) {
      return json(404, "{\"message\":\"Route not found.\"}");
    }
    if (!auditPath && !s.path().equals("/api/v2/connectionlog")) {
      return json(404, "{\"message\":\"Route not found.\"}");
    }
    if (s.limit() < 0 || s.limit() > maxLimit) {
      return json(400, LIMIT_REFUSED);
    }
    if ("bad".equals(s.q())) {
      return json(
          400,
          "{\"message\":\"Invalid "
              + (auditPath ? "audit" : "connection")
              + " search query.\","
              + "\"validations\":[{\"field\":\"search\",\"detail\":\"\\\"search\\\" is not a valid query "
              + "param\"}]}");
    }
    List<Row> table = auditPath ? audit : conns;
    if (auditPath ? !auditSorted : !connsSorted) {
      // Newest first, as Coder's ORDER BY time DESC / connect_time DESC (ties by ID here).
      table.sort(
          Comparator.comparing(Row::time)
              .reversed()
              .thenComparing(Row::id, Comparator.reverseOrder()));
      if (auditPath) {
        auditSorted = true;
      } else {
        connsSorted = true;
      }
    }
    Query query = Query.parse(s.q());
    int limit = Math.min(s.limit() == 0 ? 100 : s.limit(), pageCap);
    int offset = ignoreOffset ? 0 : s.offset();
    ObjectNode body = ApiRows.M.createObjectNode();
    ArrayNode list = body.putArray(auditPath ? "audit_logs" : "connection_logs");
    int matched = 0;
    for (Row row : table) {
      if (!query.matches(row)) {
        continue;
      }
      if (matched >= offset && matched < offset + limit) {
        list.add(row.node()); // serialised below, under the table lock
      }
      matched++;
      if (matched > Math.max(offset + limit, 2001)) {
        break; // the count is capped anyway
      }
    }
    // Current Coder: the count query is capped at count_cap + 1 (docs/coder-reference.md §6.4).
    body.put("count", Math.min(matched, 2001));
    body.put("count_cap", 2000);
    return json(200, body.toString());
  }

  /**
   * The search terms the source sends, with Coder's meaning (docs/coder-reference.md §7.2, §7.3):
   * status, connection_id, workspace_owner (a username), connected_after/connected_before
   * (inclusive), date_from (from UTC midnight) and date_to (up to 23:59:59 of that day).
   */
  private record Query(
      String status, String connectionId, String owner, Instant after, Instant before, String q) {
    static Query parse(String q) {
      String status = null;
      String connectionId = null;
      String owner = null;
      Instant after = null;
      Instant before = null;
      if (q != null) {
        for (String term : q.split(" ")) {
          int c = term.indexOf(':');
          if (c < 0) {
            continue;
          }
          String k = term.substring(0, c);
          String v = term.substring(c + 1).replace("\"", "");
          switch (k) {
            case "status" -> status = v;
            case "connection_id" -> connectionId = v;
            case "workspace_owner" -> owner = v;
            case "connected_after" -> after = Instant.parse(v.toUpperCase(java.util.Locale.ROOT));
            case "connected_before" -> before = Instant.parse(v.toUpperCase(java.util.Locale.ROOT));
            case "date_from" -> after = LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            case "date_to" ->
                before =
                    LocalDate.parse(v)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                        .plusSeconds(23 * 3600 + 59 * 60 + 59);
            default -> {}
          }
        }
      }
      return new Query(status, connectionId, owner, after, before, q);
    }

    boolean matches(Row row) {
      if (after != null && row.time().isBefore(after)) {
        return false;
      }
      if (before != null && row.time().isAfter(before)) {
        return false;
      }
      if (owner != null && !row.node().path("workspace_owner_username").asText().equals(owner)) {
        return false;
      }
      if (status == null && connectionId == null) {
        return true;
      }
      JsonNode ssh = row.node().get("ssh_info");
      if ("ongoing".equals(status) && (ssh == null || ssh.hasNonNull("disconnect_time"))) {
        return false;
      }
      if ("completed".equals(status) && (ssh == null || !ssh.hasNonNull("disconnect_time"))) {
        return false;
      }
      return connectionId == null
          || (ssh != null && ssh.path("connection_id").asText().equals(connectionId));
    }
  }

  private static ResponseDefinition json(int status, String body) {
    return new ResponseDefinitionBuilder()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        // Coder's clock, as an HTTP server sends it (RFC 9110 §6.6.1): the real time.
        .withHeader(
            "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
        .withBody(body)
        .build();
  }

  private static String param(Request r, String name) {
    QueryParameter p = r.queryParameter(name);
    return p != null && p.isPresent() ? p.firstValue() : null;
  }

  private static int parseInt(String s) {
    if (s == null) {
      return 0;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
