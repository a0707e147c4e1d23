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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
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
  record Seen(String path, String q, int limit, int offset, String token) {}

  private final List<ObjectNode> audit = new ArrayList<>();
  private final List<ObjectNode> conns = new ArrayList<>();
  private final List<Seen> requests = Collections.synchronizedList(new ArrayList<>());
  private final Deque<ResponseDefinition> failures = new ArrayDeque<>();
  private volatile String token = "test-token";
  private volatile int maxLimit = Integer.MAX_VALUE;
  private volatile int delayMs;
  private volatile boolean ignoreOffset;
  private volatile Consumer<Seen> hook = s -> {};
  private final WireMockServer server;

  FakeCoder() {
    server =
        new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Api()));
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
    Collections.addAll(audit, rows);
    return this;
  }

  synchronized FakeCoder addConnections(ObjectNode... rows) {
    Collections.addAll(conns, rows);
    return this;
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
                  "{\"message\":\"Internal error fetching audit logs.\",\"detail\":\"pq: "
                      + "canceling statement due to statement timeout\"}");
      if (retryAfter != null) {
        b = b.withHeader("Retry-After", retryAfter);
      }
      failures.add(b.build());
    }
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
              r.getHeader("Coder-Session-Token"));
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
    if (!token.equals(s.token())) {
      return json(
          401,
          "{\"message\":\"Invalid session token.\",\"detail\":\"The session token is not valid "
              + "or has expired.\"}");
    }
    boolean auditPath = s.path().equals("/api/v2/audit");
    if (!auditPath && !s.path().equals("/api/v2/connectionlog")) {
      return json(404, "{\"message\":\"Route not found.\"}");
    }
    if (s.limit() < 0 || s.limit() > maxLimit) {
      return json(
          400,
          "{\"message\":\"Query parameters have invalid values.\",\"validations\":[{\"field\":"
              + "\"limit\",\"detail\":\"Query param \\\"limit\\\" must be a valid 32-bit positive integer: "
              + "page too large\"}]}");
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
    String timeKey = auditPath ? "time" : "connect_time";
    List<ObjectNode> rows = new ArrayList<>();
    for (ObjectNode n : auditPath ? audit : conns) {
      if (matches(n, s.q())) {
        rows.add(n.deepCopy());
      }
    }
    rows.sort(
        Comparator.comparing((ObjectNode n) -> Instant.parse(n.get(timeKey).asText()))
            .reversed()
            .thenComparing(n -> n.get("id").asText(), Comparator.reverseOrder()));
    int limit = s.limit() == 0 ? 100 : s.limit();
    ObjectNode body = ApiRows.M.createObjectNode();
    ArrayNode list = body.putArray(auditPath ? "audit_logs" : "connection_logs");
    int offset = ignoreOffset ? 0 : s.offset();
    for (int i = offset; i < Math.min(rows.size(), offset + limit); i++) {
      list.add(rows.get(i));
    }
    // Current Coder: the count query is capped at count_cap + 1 (docs/coder-reference.md §6.4).
    body.put("count", Math.min(rows.size(), 2001));
    body.put("count_cap", 2000);
    return json(200, body.toString());
  }

  private static boolean matches(ObjectNode n, String q) {
    if (q == null) {
      return true;
    }
    JsonNode ssh = n.get("ssh_info");
    for (String term : q.split(" ")) {
      if (term.equals("status:ongoing") && (ssh == null || ssh.hasNonNull("disconnect_time"))) {
        return false;
      }
      if (term.equals("status:completed") && (ssh == null || !ssh.hasNonNull("disconnect_time"))) {
        return false;
      }
      if (term.startsWith("connection_id:")
          && (ssh == null || !ssh.path("connection_id").asText().equals(term.substring(14)))) {
        return false;
      }
    }
    return true;
  }

  private static ResponseDefinition json(int status, String body) {
    return new ResponseDefinitionBuilder()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
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
