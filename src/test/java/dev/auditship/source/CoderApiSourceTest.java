package dev.auditship.source;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.config.Secret;
import dev.auditship.config.TlsSettings;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Kind;
import dev.auditship.io.NdjsonFile;
import dev.auditship.testutil.LogCapture;
import dev.auditship.text.GoTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Coder API source against a fake Coder (WireMock on 127.0.0.1) that pages, drifts, fails and
 * recovers.
 */
class CoderApiSourceTest {
  private static final Instant BASE = Instant.parse("2025-07-03T06:00:00Z");
  private static final Instant NOW = BASE.plus(Duration.ofHours(12));
  private static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);
  private static final HumanFormat HUMAN = new HumanFormat(false);

  @TempDir Path dir;
  private FakeCoder coder;
  private final List<CoderApiSource> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    coder = new FakeCoder();
  }

  @AfterEach
  void stop() throws Exception {
    for (CoderApiSource s : opened) {
      s.close();
    }
    coder.close();
  }

  /** Source options for a test; defaults poll fast and back off briefly. */
  private final class Opts {
    List<Kind> kinds = List.of(Kind.AUDIT, Kind.CONNECTION);
    int pageSize = 100;
    Instant floor;
    Duration overlap = Duration.ofSeconds(120);
    int maxOpen = 100;
    Map<Kind, String> q = Map.of();
    Secret token = Secret.of("test-token");
    Path checkpoint = dir.resolve("state/coder-api.checkpoint.json");
    Path rejectsFile = dir.resolve("rejects.ndjson");
    int maxRequestsPerMinute = 600_000;
    Duration pollInterval = Duration.ofMillis(50);

    /** "Now" for the source: 12 hours after BASE, moving with the real clock. */
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), NOW));

    CoderApiSource open() throws Exception {
      CoderApiSource.Settings s =
          new CoderApiSource.Settings(
              coder.endpoint(),
              kinds,
              pollInterval,
              pageSize,
              floor,
              q,
              checkpoint,
              maxOpen,
              overlap,
              List.of("coderd"),
              Duration.ofMillis(20),
              Duration.ofMillis(200),
              maxRequestsPerMinute);
      CoderApiSource src =
          new CoderApiSource(
              s,
              new CoderApiClient(
                  coder.endpoint(), token, Duration.ofSeconds(5), TlsSettings.DEFAULT),
              new Rejects(new NdjsonFile(rejectsFile), Clock.systemUTC()),
              clock);
      opened.add(src);
      return src;
    }
  }

  /** Drives a source as the pipeline does: next, then commit once "every sink accepted". */
  private final class Run {
    final CoderApiSource src;
    final List<Event> got = new ArrayList<>();
    final int max;

    Run(CoderApiSource src, int max) {
      this.src = src;
      this.max = max;
    }

    void step() throws Exception {
      Source.Batch b = src.next(max, Duration.ZERO);
      got.addAll(b.events());
      src.commit(b);
    }

    Run until(int n) {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                step();
                return got.size() >= n;
              });
      assertThat(got).hasSize(n);
      return this;
    }

    /** Steps until the fake has seen {@code n} requests in all. */
    Run untilRequests(int n) {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                step();
                return coder.requests().size() >= n;
              });
      return this;
    }

    /** Lets the source poll a few more times; nothing more may come. */
    Run quiet() {
      int n = got.size();
      untilRequests(coder.requests().size() + 4);
      assertThat(got).hasSize(n);
      return this;
    }
  }

  private static List<String> ids(List<Event> events) {
    return events.stream().map(Event::id).toList();
  }

  private static void assertTimeOrderAndUnique(List<Event> events) {
    Instant prev = Instant.MIN;
    for (Event e : events) {
      Instant t = GoTime.parse(e.time()).toInstant();
      assertThat(t).as("time order at %s", e).isAfterOrEqualTo(prev);
      prev = t;
    }
    assertThat(new HashSet<>(ids(events))).hasSameSizeAs(events);
  }

  private static ObjectNode[] auditRows(int from, int to) {
    ObjectNode[] rows = new ObjectNode[to - from];
    for (int i = from; i < to; i++) {
      rows[i - from] = ApiRows.audit(i, BASE);
    }
    return rows;
  }

  /** Audit rows {@code from} to {@code to} with a resource_id that is not a UUID: quarantined. */
  private static ObjectNode[] unmappableAuditRows(int from, int to) {
    ObjectNode[] rows = auditRows(from, to);
    for (ObjectNode r : rows) {
      r.put("resource_id", "not-a-uuid");
    }
    return rows;
  }

  private JsonNode checkpointJson(Opts o) throws Exception {
    return ApiRows.M.readTree(Files.readString(o.checkpoint));
  }

  @Test
  void readsEveryPageOnceOldestFirstWithTheSessionToken() throws Exception {
    coder.addAudit(auditRows(0, 230));
    ObjectNode web =
        ApiRows.web(
            ApiRows.uuid("w", 1),
            BASE.plusMillis(100_500).toString(),
            "workspace_app",
            "code-server",
            200,
            ApiRows.BROWSER);
    coder.addConnections(web);
    Opts o = new Opts();
    o.pageSize = 50;
    o.overlap = Duration.ofSeconds(10);
    Run run = new Run(o.open(), 100).until(231).quiet();

    assertTimeOrderAndUnique(run.got);
    assertThat(run.got.get(0).id()).isEqualTo(ApiRows.uuid("a", 0));
    assertThat(run.got.get(101).id())
        .isEqualTo(ApiRows.uuid("w", 1)); // between audit rows 100 and 101
    assertThat(run.got.get(101).kind()).isEqualTo(Kind.CONNECTION);
    assertThat(coder.requests())
        .extracting(FakeCoder.Seen::path, FakeCoder.Seen::limit, FakeCoder.Seen::offset)
        .startsWith(
            org.assertj.core.groups.Tuple.tuple("/api/v2/audit", 50, 0),
            org.assertj.core.groups.Tuple.tuple("/api/v2/audit", 50, 50),
            org.assertj.core.groups.Tuple.tuple("/api/v2/audit", 50, 100),
            org.assertj.core.groups.Tuple.tuple("/api/v2/audit", 50, 150),
            org.assertj.core.groups.Tuple.tuple("/api/v2/audit", 50, 200),
            org.assertj.core.groups.Tuple.tuple("/api/v2/connectionlog", 50, 0));
    coder
        .server()
        .verify(
            getRequestedFor(urlPathEqualTo("/api/v2/audit"))
                .withHeader("Coder-Session-Token", equalTo("test-token")));
    assertThat(coder.requests()).allSatisfy(r -> assertThat(r.token()).isEqualTo("test-token"));
    // Later polls stop at the first page: its oldest row is older than newest - overlap_secs.
    List<FakeCoder.Seen> later = coder.requests().subList(6, coder.requests().size());
    assertThat(later).allSatisfy(r -> assertThat(r.offset()).isZero());
    JsonNode cp = checkpointJson(o);
    assertThat(cp.path("audit").path("newest").asText())
        .isEqualTo(BASE.plusSeconds(229).toString());
    assertThat(cp.path("audit").path("seen").has(ApiRows.uuid("a", 229))).isTrue();
    assertThat(cp.path("audit").path("seen").has(ApiRows.uuid("a", 0)))
        .isFalse(); // outside the overlap
  }

  @Test
  void rowsThatArriveWhilePagingAreNeitherLostNorRepeated() throws Exception {
    coder.addAudit(auditRows(0, 120));
    AtomicBoolean inserted = new AtomicBoolean();
    coder.hook(
        s -> {
          if (s.path().equals("/api/v2/audit")
              && s.offset() == 50
              && inserted.compareAndSet(false, true)) {
            coder.addAudit(auditRows(120, 150)); // 30 newer rows push everything 30 offsets down
          }
        });
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.pageSize = 50;
    Run run = new Run(o.open(), 500).until(150);
    assertTimeOrderAndUnique(run.got);
    assertThat(ids(run.got))
        .containsExactlyInAnyOrder(ids(List.of(auditEvents(0, 150))).toArray(String[]::new));

    // A row Coder commits late (its time is before the newest exported) is still found within
    // overlap_secs.
    coder.addAudit(
        ApiRows.login(
            ApiRows.uuid("late", 1),
            BASE.plusSeconds(140).plusMillis(1).toString(),
            ApiRows.uuid("r", 9999)));
    run.until(151).quiet();
    assertThat(run.got.get(150).id()).isEqualTo(ApiRows.uuid("late", 1));
  }

  private Event[] auditEvents(int from, int to) throws Exception {
    ApiMapper m = new ApiMapper(List.of("coderd"));
    Event[] out = new Event[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] =
          m.event(
              ApiMapper.Line.AUDIT, (ApiJson.Obj) ApiJson.parse(ApiRows.audit(i, BASE).toString()));
    }
    return out;
  }

  @Test
  void aConnectionThatClosesBetweenPollsGivesItsDisconnectLine() throws Exception {
    ObjectNode ssh =
        ApiRows.ssh(ApiRows.uuid("s", 1), "2025-07-10T10:14:38.942776Z", ApiRows.uuid("c", 1));
    coder.addConnections(ssh);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    Run run = new Run(o.open(), 100).until(1).quiet();
    assertThat(run.got.get(0).string("ConnectionStatus")).isEqualTo("connected");
    assertThat(checkpointJson(o).path("connection").path("open").has(ApiRows.uuid("s", 1)))
        .isTrue();

    coder.change(
        () ->
            ApiRows.close(
                ssh, "2025-07-10T10:31:05.199314Z", 127, "process exited with error status: 127"));
    run.until(2).quiet();
    Event d = run.got.get(1);
    assertThat(JSON.format(d))
        .isEqualTo(
            "{\"ts\":\"2025-07-10T10:31:05.199314Z\",\"level\":\"INFO\",\"msg\":"
                + "\"connection_log\",\"caller\":\"/home/runner/work/coder/coder/enterprise/audit/backends/slog.go:36\","
                + "\"func\":\"github.com/coder/coder/v2/enterprise/audit/backends.(*SlogExporter).ExportStruct\","
                + "\"logger_names\":[\"coderd\"],\"fields\":{\"ID\":\""
                + ApiMapper.disconnectId(ApiRows.uuid("s", 1))
                + "\",\"OrganizationID\":\"0665a54f-0b77-4a58-94aa-59646fa38a74\",\"WorkspaceOwnerID\":"
                + "\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",\"WorkspaceID\":\"3c0b37c8-e58c-4980-b9a1-2732410480a5\","
                + "\"WorkspaceName\":\"dev\",\"AgentName\":\"main\",\"Type\":\"ssh\",\"Code\":127,\"Ip\":"
                + "\"fd7a:115c:a1e0:4b86:9046:80e:6c70:33b7\",\"UserAgent\":\"\",\"UserID\":null,\"SlugOrPort\":\"\","
                + "\"ConnectionID\":\""
                + ApiRows.uuid("c", 1)
                + "\",\"DisconnectReason\":\"process exited with error "
                + "status: 127\",\"Time\":\"2025-07-10T10:31:05.199314Z\",\"ConnectionStatus\":\"disconnected\"}}");
    assertThat(checkpointJson(o).path("connection").path("open").size()).isZero();
    // Found by re-reading the overlap window: no lookup by connection ID was needed.
    assertThat(coder.requests())
        .noneMatch(r -> r.q() != null && r.q().startsWith("connection_id:"));
  }

  @Test
  void aLongOpenConnectionIsFoundClosedThroughTheCompletedListing() throws Exception {
    ObjectNode ssh = ApiRows.ssh(ApiRows.uuid("s", 1), BASE.toString(), ApiRows.uuid("c", 1));
    coder.addConnections(ssh);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.overlap = Duration.ZERO;
    Run run = new Run(o.open(), 100).until(1);
    // Newer web rows move the cutoff past the ssh row, so polls no longer list it.
    coder.addConnections(
        ApiRows.web(
            ApiRows.uuid("w", 1),
            BASE.plusSeconds(3600).toString(),
            "port_forwarding",
            "8080",
            502,
            ApiRows.BROWSER));
    run.until(2).quiet();
    String completed = "status:completed connected_after:\"" + BASE + "\"";
    assertThat(coder.requests()).anyMatch(r -> completed.equals(r.q()));
    coder.change(() -> ApiRows.close(ssh, BASE.plusSeconds(7200).toString(), 0, ""));
    run.until(3).quiet();
    Event d = run.got.get(2);
    assertThat(d.string("ConnectionStatus")).isEqualTo("disconnected");
    assertThat(HUMAN.format(d))
        .startsWith(
            "2025-07-03 08:00:00.000 [info]  coderd: connection_log  ID="
                + ApiMapper.disconnectId(ApiRows.uuid("s", 1))
                + "  ")
        .contains(
            "  Code=0  ",
            "  DisconnectReason=\"\"  ",
            "  Time=\"2025-07-03T08:00:00Z\"  ConnectionStatus=disconnected");
    // In bulk: no request per session, and no ongoing listing for a session this young.
    assertThat(coder.requests())
        .noneMatch(r -> r.q() != null && r.q().startsWith("connection_id:"))
        .noneMatch(r -> "status:ongoing".equals(r.q()));
    assertThat(checkpointJson(o).path("connection").path("open").size()).isZero();
  }

  @Test
  void aSessionOpenLongerThanTheLookbackIsCheckedThroughTheOngoingListing() throws Exception {
    Instant old = NOW.minus(CoderApiSource.CLOSE_LOOKBACK).minusSeconds(3600);
    ObjectNode ssh = ApiRows.ssh(ApiRows.uuid("s", 1), old.toString(), ApiRows.uuid("c", 1));
    coder.addConnections(ssh);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.overlap = Duration.ZERO;
    CoderApiSource src = o.open();
    src.longOpenCheckEvery = Duration.ZERO;
    Run run = new Run(src, 100).until(1);
    coder.addConnections(
        ApiRows.web(
            ApiRows.uuid("w", 1),
            BASE.toString(),
            "port_forwarding",
            "8080",
            502,
            ApiRows.BROWSER));
    run.until(2).quiet();
    assertThat(coder.requests()).anyMatch(r -> "status:ongoing".equals(r.q()));
    coder.change(() -> ApiRows.close(ssh, old.plusSeconds(60).toString(), 0, ""));
    run.until(3).quiet();
    assertThat(run.got.get(2).string("ConnectionStatus")).isEqualTo("disconnected");
    // Too old for the completed listing: not ongoing any more, so looked up by its connection ID.
    assertThat(coder.requests())
        .anyMatch(r -> ("connection_id:" + ApiRows.uuid("c", 1)).equals(r.q()));
    assertThat(checkpointJson(o).path("connection").path("open").size()).isZero();
  }

  @Test
  void aRowFirstSeenClosedGivesBothLinesAndWebRowsOne() throws Exception {
    ObjectNode closed =
        ApiRows.close(
            ApiRows.ssh(ApiRows.uuid("s", 1), BASE.toString(), ApiRows.uuid("c", 1)),
            BASE.plusSeconds(90).toString(),
            1,
            "exit status 1");
    ObjectNode web =
        ApiRows.web(
            ApiRows.uuid("w", 1),
            BASE.plusSeconds(30).toString(),
            "workspace_app",
            "terminal",
            200,
            "curl/8.5.0");
    coder.addConnections(closed, web);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    Run run = new Run(o.open(), 100).until(3).quiet();
    assertThat(run.got)
        .extracting(e -> e.string("ConnectionStatus") + " " + e.string("Type") + " " + e.time())
        .containsExactly(
            "connected ssh 2025-07-03T06:00:00Z",
            "connected workspace_app 2025-07-03T06:00:30Z",
            "disconnected ssh 2025-07-03T06:01:30Z");
    assertThat(HUMAN.format(run.got.get(1)))
        .contains(
            "  Code=200  ",
            "  UserID=" + ApiRows.ALICE + "  ",
            "  SlugOrPort=terminal  ConnectionID=<nil>  ");
    assertThat(checkpointJson(o).path("connection").path("open").size()).isZero();
  }

  @Test
  void countCappedAt2000IsNotRelied() throws Exception {
    coder.addAudit(auditRows(0, 2300));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.pageSize = 500;
    o.floor = null;
    Run run = new Run(o.open(), 1000).until(2300).quiet();
    assertTimeOrderAndUnique(run.got);
    assertThat(coder.requests()).anyMatch(r -> r.offset() == 2000);
    assertThat(run.got.get(2299).id()).isEqualTo(ApiRows.uuid("a", 2299));
  }

  @Test
  void unauthorizedGivesOneErrorKeepsTheCheckpointAndRecovers() throws Exception {
    coder.addAudit(auditRows(0, 3));
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "wrong-token-value\n");
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.token = Secret.fromFile(tokenFile);
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100);
      assertThat(run.src.fault()).isNull();
      run.untilRequests(4);
      assertThat(run.got).isEmpty();
      // /readyz reports it (docs/operations.md): the reason as logged, since the first refusal.
      Source.Fault fault = run.src.fault();
      assertThat(fault).isNotNull();
      assertThat(fault.reason())
          .isEqualTo(
              "Coder refused the session token (HTTP 401): check token or token_file, and that its "
                  + "user has the Owner or Auditor role (and a Premium licence). path=/api/v2/audit "
                  + "message=\"Invalid session token.: The session token is not valid or has "
                  + "expired.\"");
      assertThat(fault.since()).isBefore(o.clock.instant());
      assertThat(log.messages(Level.ERROR))
          .containsExactly(
              "Cannot poll Coder's API: Coder refused the session "
                  + "token (HTTP 401): check token or token_file, and that its user has the Owner or Auditor role "
                  + "(and a Premium licence). path=/api/v2/audit message=\"Invalid session token.: The session token "
                  + "is not valid or has expired.\" Retrying this request with back-off; what the poll "
                  + "fetched is kept and the checkpoint does not move. endpoint="
                  + coder.endpoint()
                  + " retry_in="
                  + log.messages(Level.ERROR).get(0).replaceAll(".* retry_in=", ""));
      // The checkpoint exists (the floor is kept) but has exported nothing.
      assertThat(checkpointJson(o).path("audit").path("newest").isNull()).isTrue();

      Files.writeString(
          tokenFile, "test-token\n"); // the token file is re-read: rotation needs no restart
      run.until(3).quiet();
      assertThat(run.src.fault()).isNull();
      assertThat(log.messages(Level.INFO))
          .anyMatch(m -> m.startsWith("Coder's API answers again."));
      assertThat(log.messages(Level.ERROR)).hasSize(1);
      assertThat(log.all())
          .noneMatch(m -> m.contains("wrong-token-value") || m.contains("test-token"));
    }
  }

  @Test
  void serverErrorsAndRateLimitsBackOffAndRetry() throws Exception {
    coder.addAudit(auditRows(0, 5));
    coder.failNext(500, 2, null);
    coder.failNext(503, 1, null);
    coder.failNext(429, 1, "0");
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100).until(5).quiet();
      assertThat(ids(run.got))
          .containsExactly(ids(List.of(auditEvents(0, 5))).toArray(String[]::new));
      // One WARN per kind of failure: the 503 is a server error again, the 429 is new.
      List<String> warns = log.messages(Level.WARN);
      assertThat(warns).hasSize(2);
      assertThat(warns.get(0))
          .startsWith(
              "Polling Coder's API failed: Coder "
                  + "answered HTTP 500. path=/api/v2/audit message=\"Internal error fetching audit logs.: pq: "
                  + "canceling statement due to statement timeout\" Retrying this request with "
                  + "back-off;");
      assertThat(warns.get(1))
          .startsWith(
              "Polling Coder's API failed: Coder rate-limited the exporter (HTTP 429): lower "
                  + "max_requests_per_minute (now 600000), or raise Coder's --api-rate-limit. "
                  + "path=/api/v2/audit message=\"You've been rate limited for sending more than 512 "
                  + "requests in 1m0s.\" Retrying this request with back-off;");
      assertThat(log.messages(Level.ERROR)).isEmpty();
    }
  }

  @Test
  void eachNewKindOfFailureIsLoggedOnceAndABrokenAnswerOnOneLine() throws Exception {
    coder.addAudit(auditRows(0, 3));
    coder.failNext(429, 1, "0");
    coder.failNext(500, 1, null);
    coder.answerNext(200, "application/json", "{\"audit_logs\":[{\"id\":\"x\",");
    coder.answerNext(
        200,
        "text/html",
        "<html>\n\t<title>Sign in</title> token=test-token \u001b" + "x".repeat(300));
    coder.failNext(503, 1, null);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    try (LogCapture log = LogCapture.everything()) {
      new Run(o.open(), 100).until(3).quiet();
      List<String> warns =
          log.messages(Level.WARN).stream()
              .map(m -> m.replaceAll(" Retrying this request with back-off;.*", ""))
              .toList();
      assertThat(warns)
          .containsExactly(
              "Polling Coder's API failed: Coder rate-limited the exporter (HTTP 429): lower "
                  + "max_requests_per_minute (now 600000), or raise Coder's --api-rate-limit. "
                  + "path=/api/v2/audit message=\"You've been rate limited for sending more than 512 "
                  + "requests in 1m0s.\"",
              "Polling Coder's API failed: Coder answered HTTP 500. path=/api/v2/audit "
                  + "message=\"Internal error fetching audit logs.: pq: canceling statement due to "
                  + "statement timeout\"",
              // The HTML page after it is the same kind of failure: not logged again.
              "Polling Coder's API failed: Coder's answer is not JSON (at line 1, column 26). "
                  + "path=/api/v2/audit body_chars=25 body_start=\"{\\\"audit_logs\\\":[{\\\"id\\\":"
                  + "\\\"x\\\",\"",
              "Polling Coder's API failed: Coder answered HTTP 503. path=/api/v2/audit "
                  + "message=\"Internal error fetching audit logs.: pq: canceling statement due to "
                  + "statement timeout\"");
      assertThat(log.messages(Level.DEBUG))
          .anyMatch(
              m ->
                  m.startsWith(
                      "Polling Coder's API failed again: Coder's answer is not JSON (at line 1, "
                          + "column 1). path=/api/v2/audit body_chars=349 body_start=\"<html>\\n\\t"
                          + "<title>Sign in</title> token=[redacted] \\x1b"
                          + "x".repeat(151)
                          + "…\""));
      assertThat(log.all()).noneMatch(m -> m.contains("test-token") || m.contains("\n"));
    }
  }

  @Test
  void aBadRequestAboutThePageSizeShrinksThePage() throws Exception {
    coder.addAudit(auditRows(0, 60));
    coder.maxLimit(30);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.pageSize = 200;
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100).until(60).quiet();
      assertTimeOrderAndUnique(run.got);
      assertThat(coder.requests())
          .extracting(FakeCoder.Seen::limit)
          .startsWith(200, 100, 50, 25, 25, 25);
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "Coder refused the page size; asking for smaller pages of /api/v2/audit (the "
                  + "configured size is tried again after a poll). page_size=200 new_page_size=100 message="
                  + "\"Query parameters have invalid values.; limit: Query param \\\"limit\\\" must be a "
                  + "valid 32-bit positive integer: page too large\"",
              "Coder refused the page size; asking for smaller pages of /api/v2/audit (the "
                  + "configured size is tried again after a poll). page_size=100 new_page_size=50 message="
                  + "\"Query parameters have invalid values.; limit: Query param \\\"limit\\\" must be a "
                  + "valid 32-bit positive integer: page too large\"",
              "Coder refused the page size; asking for smaller pages of /api/v2/audit (the "
                  + "configured size is tried again after a poll). page_size=50 new_page_size=25 message="
                  + "\"Query parameters have invalid values.; limit: Query param \\\"limit\\\" must be a "
                  + "valid 32-bit positive integer: page too large\"");
    }
  }

  @Test
  void aTransientRefusalOfThePageSizeIsRecoveredAndConcernsOnlyItsEndpoint() throws Exception {
    coder.addAudit(auditRows(0, 3));
    for (int i = 0; i < 3; i++) {
      coder.answerNext(400, "application/json", FakeCoder.LIMIT_REFUSED);
    }
    Opts o = new Opts();
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100).until(3);
      run.untilRequests(coder.requests().size() + 6);
      List<Integer> audit =
          coder.requests().stream()
              .filter(r -> r.path().equals(CoderApiSource.AUDIT_PATH))
              .map(FakeCoder.Seen::limit)
              .toList();
      // Halved while refused; the next poll asks for the configured size again, and gets it.
      assertThat(audit).startsWith(100, 50, 25, 12, 100);
      assertThat(audit.subList(4, audit.size())).containsOnly(100);
      assertThat(coder.requests())
          .filteredOn(r -> r.path().equals(CoderApiSource.CONNECTION_PATH))
          .isNotEmpty()
          .extracting(FakeCoder.Seen::limit)
          .containsOnly(100);
      assertThat(log.messages(Level.INFO))
          .contains(
              "Coder accepts the configured page size again. path=/api/v2/audit page_size=100");
    }
  }

  @Test
  void aPageSizeRefusedDownToOneNamesLimitNotQ() throws Exception {
    coder.maxLimit(0);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.pageSize = 4;
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100).untilRequests(4);
      assertThat(coder.requests()).extracting(FakeCoder.Seen::limit).startsWith(4, 2, 1, 1);
      assertThat(log.messages(Level.ERROR))
          .hasSize(1)
          .allMatch(
              m ->
                  m.startsWith(
                      "Cannot poll Coder's API: Coder refused the page size even at limit=1 (HTTP "
                          + "400): Coder's message names limit, so something between auditship and "
                          + "Coder (a proxy) or this Coder release reads it differently; check "
                          + "endpoint. path=/api/v2/audit message=\"Query parameters have invalid "
                          + "values.; limit: Query param \\\"limit\\\" must be a valid 32-bit positive "
                          + "integer: page too large\" Retrying"));
      assertThat(run.src.fault().reason())
          .startsWith("Coder refused the page size even at limit=1");
    }
  }

  @Test
  void aRefusedRequestWithoutQDoesNotSayCheckQ() throws Exception {
    coder.answerNext(400, "application/json", "{\"message\":\"Invalid audit search query.\"}");
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      new Run(o.open(), 100).untilRequests(2);
      assertThat(log.messages(Level.ERROR))
          .hasSize(1)
          .allMatch(
              m ->
                  m.startsWith(
                      "Cannot poll Coder's API: Coder refused the request (HTTP 400). "
                          + "path=/api/v2/audit message=\"Invalid audit search query.\" Retrying"));
    }
  }

  @Test
  void aRefusedQueryIsOneErrorAndTheQueryIsPassedThrough() throws Exception {
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.q = Map.of(Kind.CONNECTION, "bad");
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100);
      run.untilRequests(3);
      assertThat(coder.requests()).allMatch(r -> "bad".equals(r.q()));
      assertThat(log.messages(Level.ERROR))
          .hasSize(1)
          .allMatch(
              m ->
                  m.startsWith(
                      "Cannot poll Coder's API: Coder "
                          + "refused the request (HTTP 400): check q. path=/api/v2/connectionlog message=\"Invalid "
                          + "connection search query.; search: \\\"search\\\" is not a valid query "
                          + "param\""));
    }
  }

  @Test
  void aMalformedRowIsQuarantinedAndTheRestGoOn() throws Exception {
    ObjectNode badId =
        ApiRows.login("not-a-uuid", BASE.plusSeconds(1).toString(), ApiRows.uuid("r", 1));
    ObjectNode badStatus =
        ApiRows.login(ApiRows.uuid("a", 2), BASE.plusSeconds(2).toString(), ApiRows.uuid("r", 2));
    badStatus.put("status_code", "201");
    coder.addAudit(ApiRows.audit(0, BASE), badId, badStatus, ApiRows.audit(3, BASE));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    CoderApiSource src = o.open();
    Run run = new Run(src, 100).until(2).quiet();
    assertThat(ids(run.got)).containsExactly(ApiRows.uuid("a", 0), ApiRows.uuid("a", 3));
    List<String> rejects =
        Files.readAllLines(dir.resolve("rejects.ndjson"), StandardCharsets.UTF_8);
    assertThat(rejects).hasSize(2); // once each, although every poll re-reads them
    JsonNode first = ApiRows.M.readTree(rejects.get(0));
    assertThat(first.get("input").asText()).isEqualTo("coder_api /api/v2/audit");
    assertThat(first.get("line").asInt()).isEqualTo(2);
    assertThat(first.get("reason").asText())
        .isEqualTo("\"status_code\" must be a 32-bit integer, got \"201\"");
    assertThat(ApiRows.M.readTree(first.get("original").asText())).isEqualTo(badStatus);
    assertThat(ApiRows.M.readTree(rejects.get(1)).get("reason").asText())
        .isEqualTo("\"id\" must be a UUID, got \"not-a-uuid\"");
    assertThat(src.stats().rejected.get()).isEqualTo(2);
  }

  @Test
  void aRejectsFileThatCannotBeWrittenStopsTheSourceWithItsReason() throws Exception {
    // As for the other sources: a broken row that cannot be quarantined stops the run, nothing
    // after it committed, and the error names the file and why.
    ObjectNode badId =
        ApiRows.login("not-a-uuid", BASE.plusSeconds(1).toString(), ApiRows.uuid("r", 1));
    coder.addAudit(ApiRows.audit(0, BASE), badId, ApiRows.audit(2, BASE));
    Path notADir = dir.resolve("afile");
    Files.writeString(notADir, "");
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.rejectsFile = notADir.resolve("rejects.ndjson");
    CoderApiSource src = o.open();
    Run run = new Run(src, 100);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInSameThread()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              try {
                run.step();
              } catch (IOException e) {
                thrown.set(e);
              }
              return thrown.get() != null;
            });
    assertThat(thrown.get())
        .hasMessage(
            "cannot write the rejects file "
                + o.rejectsFile
                + ": "
                + notADir
                + " is a file, not a directory");
    assertThat(src.stats().rejected.get()).isZero();
    assertThat(ids(run.got)).doesNotContain(ApiRows.uuid("a", 2));
  }

  @Test
  void aRestartNeitherLosesNorRepeatsCommittedEvents() throws Exception {
    coder.addAudit(auditRows(0, 300));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    CoderApiSource first = o.open();
    Source.Batch b1 = first.next(100, Duration.ZERO);
    first.commit(b1);
    Source.Batch b2 =
        first.next(100, Duration.ZERO); // delivered, but the process dies before the commit
    assertThat(ids(b1.events()))
        .containsExactly(ids(List.of(auditEvents(0, 100))).toArray(String[]::new));
    assertThat(ids(b2.events()))
        .containsExactly(ids(List.of(auditEvents(100, 200))).toArray(String[]::new));
    first.close();
    opened.remove(first);

    Run second = new Run(o.open(), 100).until(200).quiet();
    assertThat(ids(second.got))
        .containsExactly(ids(List.of(auditEvents(100, 300))).toArray(String[]::new));
    opened.get(0).close();
    opened.clear();

    coder.addAudit(auditRows(300, 310));
    Run third = new Run(o.open(), 100).until(10).quiet();
    assertThat(ids(third.got))
        .containsExactly(ids(List.of(auditEvents(300, 310))).toArray(String[]::new));
    try (var files = Files.list(o.checkpoint.getParent())) {
      // No poll buffer is left behind; the lock file stays (it holds no lock once closed).
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("coder-api.checkpoint.json", "coder-api.checkpoint.json.lock");
    }
  }

  @Test
  void anOpenConnectionSurvivesARestart() throws Exception {
    ObjectNode ssh = ApiRows.ssh(ApiRows.uuid("s", 1), BASE.toString(), ApiRows.uuid("c", 1));
    coder.addConnections(ssh);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.overlap = Duration.ZERO;
    new Run(o.open(), 100).until(1);
    opened.get(0).close();
    opened.clear();
    coder.change(
        () -> ApiRows.close(ssh, BASE.plusSeconds(60).toString(), 130, "signal: interrupt"));
    Run after = new Run(o.open(), 100).until(1).quiet();
    assertThat(after.got.get(0).string("ConnectionStatus")).isEqualTo("disconnected");
    assertThat(after.got.get(0).string("DisconnectReason")).isEqualTo("signal: interrupt");
  }

  @Test
  void reExportingTheSameRowsGivesTheSameBytes() throws Exception {
    coder.addAudit(auditRows(0, 20));
    coder.addConnections(
        ApiRows.close(
            ApiRows.ssh(ApiRows.uuid("s", 1), BASE.plusSeconds(3).toString(), ApiRows.uuid("c", 1)),
            BASE.plusSeconds(9).toString(),
            0,
            ""),
        ApiRows.web(
            ApiRows.uuid("w", 1),
            BASE.plusSeconds(4).toString(),
            "port_forwarding",
            "8080",
            502,
            ApiRows.BROWSER));
    List<List<String>> exports = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Opts o = new Opts();
      o.checkpoint = dir.resolve("export" + i + "/cp.json");
      Run run = new Run(o.open(), 7).until(23);
      List<String> text = new ArrayList<>();
      for (Event e : run.got) {
        text.add(JSON.format(e));
        text.add(HUMAN.format(e));
      }
      exports.add(text);
    }
    assertThat(exports.get(1)).isEqualTo(exports.get(0));
    assertThat(exports.get(0).get(0))
        .isEqualTo(
            "{\"ts\":\"2025-07-03T06:00:00Z\",\"level\":\"INFO\",\"msg\":"
                + "\"audit_log\",\"caller\":\"/home/runner/work/coder/coder/enterprise/audit/backends/slog.go:36\","
                + "\"func\":\"github.com/coder/coder/v2/enterprise/audit/backends.(*SlogExporter).ExportStruct\","
                + "\"logger_names\":[\"coderd\"],\"fields\":{\"ID\":\""
                + ApiRows.uuid("a", 0)
                + "\",\"Time\":"
                + "\"2025-07-03T06:00:00Z\",\"UserID\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",\"OrganizationID\":"
                + "\"00000000-0000-0000-0000-000000000000\",\"Ip\":\"203.0.113.45\",\"UserAgent\":\""
                + ApiRows.BROWSER
                + "\",\"ResourceType\":\"api_key\",\"ResourceID\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\","
                + "\"ResourceTarget\":\"\",\"Action\":\"login\",\"Diff\":{},\"StatusCode\":201,\"AdditionalFields\":{},"
                + "\"RequestID\":\""
                + ApiRows.uuid("r", 0)
                + "\",\"ResourceIcon\":\"\",\"actor\":{\"id\":"
                + "\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",\"email\":\"alice@example.com\",\"username\":\"alice\"}}}");
  }

  @Test
  void startAtNowSkipsOlderRowsButFollowsConnectionsAlreadyOpen() throws Exception {
    Instant floor = BASE.plusSeconds(100);
    ObjectNode before =
        ApiRows.ssh(ApiRows.uuid("s", 1), BASE.plusSeconds(10).toString(), ApiRows.uuid("c", 1));
    coder.addConnections(before);
    coder.addAudit(auditRows(95, 105));
    Opts o = new Opts();
    o.floor = floor;
    Run run = new Run(o.open(), 100).until(5).quiet();
    assertThat(ids(run.got))
        .containsExactly(ids(List.of(auditEvents(100, 105))).toArray(String[]::new));
    assertThat(checkpointJson(o).path("connection").path("open").has(ApiRows.uuid("s", 1)))
        .isTrue();
    assertThat(checkpointJson(o).path("connection").has("baseline_pending")).isFalse();
    coder.change(() -> ApiRows.close(before, BASE.plusSeconds(200).toString(), 0, ""));
    run.until(6).quiet();
    assertThat(run.got.get(5).string("ConnectionStatus")).isEqualTo("disconnected");
    assertThat(run.got.get(5).string("ConnectionID")).isEqualTo(ApiRows.uuid("c", 1));
  }

  @Test
  void rowsListedAfterTheFirstStartWithATimeBeforeItAreExportedDownToTheOverlap() throws Exception {
    // start_at: now. Coder's clock is a minute behind this host's (or Coder commits rows late):
    // rows
    // written after the start carry times before it. Rows Coder already held are history.
    Instant floor = NOW;
    coder.addAudit(
        ApiRows.login(
            ApiRows.uuid("a", 1), floor.minusSeconds(300).toString(), ApiRows.uuid("r", 1)),
        ApiRows.login(
            ApiRows.uuid("a", 2), floor.minusSeconds(60).toString(), ApiRows.uuid("r", 2)));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.floor = floor;
    Run run = new Run(o.open(), 100).untilRequests(1).quiet();
    JsonNode cp = checkpointJson(o).path("audit");
    assertThat(cp.path("read_from").asText()).isEqualTo(floor.minusSeconds(120).toString());
    assertThat(cp.has("history_pending")).isFalse();
    assertThat(cp.path("seen").has(ApiRows.uuid("a", 2))).isTrue();

    coder.addAudit(
        ApiRows.login(
            ApiRows.uuid("a", 3), floor.minusSeconds(59).toString(), ApiRows.uuid("r", 3)),
        ApiRows.login(
            ApiRows.uuid("a", 4), floor.minusSeconds(30).toString(), ApiRows.uuid("r", 4)),
        // Later than overlap_secs: missed, as any row committed that late.
        ApiRows.login(
            ApiRows.uuid("a", 5), floor.minusSeconds(200).toString(), ApiRows.uuid("r", 5)));
    run.until(2).quiet();
    assertThat(ids(run.got)).containsExactly(ApiRows.uuid("a", 3), ApiRows.uuid("a", 4));
    opened.get(0).close();
    opened.clear();
    // A restart exports neither the history nor the late rows again.
    assertThat(new Run(o.open(), 100).quiet().got).isEmpty();
  }

  @Test
  void aSessionOpenAtTheFirstStartIsHistoryButALateOneBeforeItIsExported() throws Exception {
    Instant floor = NOW;
    // Open when the exporter starts: its connect line is history, its disconnect line is not.
    ObjectNode held =
        ApiRows.ssh(ApiRows.uuid("s", 1), floor.minusSeconds(30).toString(), ApiRows.uuid("c", 1));
    coder.addConnections(held);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.floor = floor;
    Run run = new Run(o.open(), 100).untilRequests(3).quiet();
    // Reported by an agent whose clock is behind, listed after the start.
    ObjectNode late =
        ApiRows.ssh(ApiRows.uuid("s", 2), floor.minusSeconds(20).toString(), ApiRows.uuid("c", 2));
    coder.addConnections(late);
    run.until(1).quiet();
    coder.change(
        () -> {
          ApiRows.close(held, floor.plusSeconds(10).toString(), 0, "");
          ApiRows.close(late, floor.plusSeconds(20).toString(), 0, "");
        });
    run.until(3).quiet();
    assertThat(run.got)
        .extracting(e -> e.string("ConnectionID") + " " + e.string("ConnectionStatus"))
        .containsExactly(
            ApiRows.uuid("c", 2) + " connected",
            ApiRows.uuid("c", 1) + " disconnected",
            ApiRows.uuid("c", 2) + " disconnected");
  }

  @Test
  void codersClockBehindOursIsReportedOnceFromItsDateHeader() throws Exception {
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    // This host's clock ten minutes ahead of the fake's (which sends the real time as Date).
    o.clock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
    o.floor = o.clock.instant();
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      new Run(o.open(), 100).untilRequests(3);
      assertThat(log.messages(Level.WARN))
          .hasSize(1)
          .allMatch(
              m ->
                  m.matches(
                      "Coder's clock is behind this host's \\(the Date header of its answer\\): rows "
                          + "it stamps look older than they are\\. Rows it lists after a first start "
                          + "dated more than overlap_secs before start_at are missed; check NTP on "
                          + "both, or raise overlap_secs above the difference\\. "
                          + "behind_by_at_least=PT(9M5[89]S|10M) overlap_secs=120 "
                          + "coder_date=\"[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} [0-9:]{8} GMT\""));
    }
  }

  @Test
  void aCheckpointWithoutReadFromReadsFromItsFloorAsBefore() throws Exception {
    // Written by a release without read_from: rows before its floor stay unexported.
    Instant floor = NOW.minusSeconds(600);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.floor = NOW;
    Files.createDirectories(o.checkpoint.getParent());
    Files.writeString(
        o.checkpoint,
        "{\"version\":1,\"endpoint\":\""
            + coder.endpoint()
            + "\",\"audit\":{\"floor\":\""
            + floor
            + "\",\"newest\":null,\"seen\":{}}}");
    coder.addAudit(
        ApiRows.login(
            ApiRows.uuid("a", 1), floor.minusSeconds(60).toString(), ApiRows.uuid("r", 1)),
        ApiRows.login(
            ApiRows.uuid("a", 2), floor.plusSeconds(60).toString(), ApiRows.uuid("r", 2)));
    Run run = new Run(o.open(), 100).until(1).quiet();
    assertThat(ids(run.got)).containsExactly(ApiRows.uuid("a", 2));
    assertThat(checkpointJson(o).path("audit").has("read_from")).isTrue();
    assertThat(checkpointJson(o).path("audit").path("read_from").asText())
        .isEqualTo(floor.toString());
  }

  @Test
  void openConnectionsBeyondTheBoundAreForgottenOldestFirst() throws Exception {
    for (int i = 0; i < 3; i++) {
      coder.addConnections(
          ApiRows.ssh(ApiRows.uuid("s", i), BASE.plusSeconds(i).toString(), ApiRows.uuid("c", i)));
    }
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.maxOpen = 2;
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      new Run(o.open(), 100).until(3);
      Set<String> open = new HashSet<>();
      checkpointJson(o).path("connection").path("open").fieldNames().forEachRemaining(open::add);
      assertThat(open).containsExactlyInAnyOrder(ApiRows.uuid("s", 1), ApiRows.uuid("s", 2));
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "More open connections than max_open_connections; the "
                  + "oldest is no longer tracked and its disconnect line will not be exported. id="
                  + ApiRows.uuid("s", 0)
                  + " max_open_connections=2");
    }
  }

  @Test
  void stopWakesTheSourceWhileIdleAndWhileARequestHangs() throws Exception {
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    CoderApiSource src = o.open();
    src.commit(src.next(10, Duration.ZERO));
    for (int delay : new int[] {0, 30_000}) {
      coder.delayMs(delay);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    src.commit(src.next(10, Duration.ZERO));
                  }
                } catch (Throwable e) {
                  thrown.set(e);
                }
              });
      t.start();
      int before = coder.requests().size();
      // The source is in the state the case is about, not after a guess of 100 ms: a request
      // hangs, or a poll was answered and the source waits for the next one.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  coder.requests().size() > before
                      && (delay > 0 || t.getState() == Thread.State.TIMED_WAITING));
      long start = System.nanoTime();
      t.interrupt();
      t.join(5_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }
    coder.delayMs(0);
  }

  @Test
  void aCorruptCheckpointStopsTheStartWithAClearError() throws Exception {
    Opts o = new Opts();
    Files.createDirectories(o.checkpoint.getParent());
    Files.writeString(o.checkpoint, "{\"version\":1,\"audit\":{\"newest\":\"last tuesday\"}}");
    assertThatThrownBy(o::open)
        .hasMessage(
            "cannot read the checkpoint "
                + o.checkpoint
                + ": \"\"last tuesday\"\" "
                + "is not an RFC 3339 time (fix it, or delete it to start again from start_at)");
  }

  @Test
  void aServerThatIgnoresOffsetDoesNotMakeThePollEndless() throws Exception {
    coder.addAudit(auditRows(0, 30));
    coder.ignoreOffset(true);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.floor = null;
    o.pageSize = 10;
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100);
      // Several rounds: each reads from offset 0 again and finds the same page again.
      run.untilRequests(40);
      assertThat(run.got).isEmpty();
      // One WARN for the episode, with what happened: the requests themselves were answered.
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "Coder answered 10 offsets in a row with the same page: it seems to ignore offset. "
                  + "The listing is read again from offset 0 after a back-off; the rows already "
                  + "read are kept and the checkpoint does not move. Logged once until a poll "
                  + "completes. path=/api/v2/audit offset=100 endpoint="
                  + coder.endpoint()
                  + " retry_in="
                  + log.messages(Level.WARN).get(0).replaceAll(".* retry_in=", ""));
      assertThat(log.messages(Level.INFO))
          .noneMatch(m -> m.startsWith("Coder's API answers again"));
      coder.ignoreOffset(false);
      run.until(30).quiet();
      assertThat(log.messages(Level.WARN)).hasSize(1);
      assertThat(log.messages(Level.INFO))
          .filteredOn(m -> m.startsWith("Coder's listing"))
          .hasSize(1)
          .allMatch(m -> m.startsWith("Coder's listing pages by offset again. endpoint="));
    }
  }

  @Test
  void pagesOfRowsThatCannotBeMappedDoNotStallThePoll() throws Exception {
    // Ten full pages of rows that fail the check (a Coder upgrade, odd old rows), newer than the
    // good ones: distinct rows, so the poll goes on past them.
    coder.addAudit(unmappableAuditRows(1000, 1100));
    coder.addAudit(auditRows(0, 5));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.floor = null;
    o.pageSize = 10;
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      CoderApiSource src = o.open();
      Run run = new Run(src, 100).until(5).quiet();
      assertThat(ids(run.got))
          .containsExactly(ids(List.of(auditEvents(0, 5))).toArray(String[]::new));
      assertThat(src.stats().rejected.get()).isEqualTo(100);
      assertThat(log.messages(Level.WARN)).isEmpty();
    }
  }

  @Test
  void anOffsetEpisodeLateInALongPollEndsWhenOffsetsWorkAgain() throws Exception {
    coder.addAudit(auditRows(0, 150));
    // After eleven pages, eleven requests are answered as if offset were 0 (a proxy's cache, say).
    AtomicInteger ignored = new AtomicInteger(-1);
    coder.hook(
        s -> {
          if (s.offset() == 110 && ignored.compareAndSet(-1, 0)) {
            coder.ignoreOffset(true);
          }
          if (ignored.get() >= 0 && ignored.getAndIncrement() == 11) {
            coder.ignoreOffset(false);
          }
        });
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.floor = null;
    o.pageSize = 10;
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 1000).until(150).quiet();
      assertTimeOrderAndUnique(run.got);
      // The pages read again from offset 0 hold rows this poll already listed: not a repeat.
      assertThat(log.messages(Level.WARN))
          .hasSize(1)
          .allMatch(m -> m.contains("path=/api/v2/audit offset=210 "));
    }
  }

  // ------------------------------------------------------------------ issue 11: progress

  @Test
  void aFailedRequestIsRetriedWhereItFailedAndThePollKeepsWhatItFetched() throws Exception {
    coder.addAudit(auditRows(0, 250));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.pageSize = 50;
    // The third page fails twice; the retry asks for that page again, not for the first two.
    coder.hook(
        seen -> {
          if (seen.offset() == 100 && coder.requests().size() == 3) {
            coder.failNext(500, 2, null);
          }
        });
    Run run = new Run(o.open(), 1000).until(250);
    assertTimeOrderAndUnique(run.got);
    assertThat(coder.requests().stream().map(FakeCoder.Seen::offset).toList())
        .startsWith(0, 50, 100, 100, 100, 150, 200);
  }

  @Test
  void rateLimitedRequestsWaitForRetryAfterAndRequestsArePaced() throws Exception {
    coder.addAudit(auditRows(0, 200));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.pageSize = 20; // ten pages: enough requests in a row to catch a pacer 20 % too fast
    o.maxRequestsPerMinute = 1200; // one request every 50 ms
    coder.hook(
        seen -> {
          if (coder.requests().size() == 2) {
            coder.failNext(429, 1, "1");
          }
        });
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      new Run(o.open(), 1000).until(200);
      List<FakeCoder.Seen> r = coder.requests();
      // The 429 answered the second request; the same page was asked again after Retry-After,
      // counted from the answer, which came after the fake saw the second request arrive.
      assertThat(r.get(2).offset()).isEqualTo(r.get(1).offset());
      assertThat(Duration.ofNanos(r.get(2).nanos() - r.get(1).nanos()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(990));
      // Requests are paced where they leave the exporter; the fake only sees them arrive, each
      // some unknown time later (longer on a busy machine), so no gap between two arrivals is
      // bounded below. But the source sends one request at a time: request j leaves after the
      // answer to request j - 1, so after that request arrived, and request i arrives after it
      // left. Pacing (request i leaves at least (i - j) x 50 ms after request j) therefore means
      // that request i arrives at least (i - j) x 50 ms after request j - 1 did, whatever the
      // delays. Without pacing, two requests in a row take a few milliseconds; a pacer 20 % too
      // fast falls behind the bound within the ten pages (seen to fail both ways).
      assertThat(r).hasSizeGreaterThanOrEqualTo(12); // 10 pages, the retried one, the empty end
      for (int i = 1; i < r.size(); i++) {
        for (int j = 1; j < i; j++) {
          assertThat(Duration.ofNanos(r.get(i).nanos() - r.get(j - 1).nanos()))
              .as("time from request %d to request %d", j - 1, i)
              .isGreaterThanOrEqualTo(Duration.ofMillis(50L * (i - j)));
        }
      }
      assertThat(log.messages(Level.WARN))
          .anyMatch(
              m ->
                  m.startsWith(
                      "Polling Coder's API failed: Coder rate-limited the exporter (HTTP 429): lower "
                          + "max_requests_per_minute (now 1200), or raise Coder's --api-rate-limit."));
    }
  }

  @Test
  void aLongHistoryIsBackfilledInWindowsCommittedAsItGoesAndResumedAfterARestart()
      throws Exception {
    coder.close();
    coder = new FakeCoder(false);
    int total = 100_000;
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    ObjectNode[] rows = new ObjectNode[total];
    for (int i = 0; i < total; i++) {
      rows[i] =
          ApiRows.login(ApiRows.uuid("h", i), start.plusSeconds(60L * i).toString(), ApiRows.ZERO);
    }
    coder.addAudit(rows);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.pageSize = 1000;
    o.clock = Clock.fixed(start.plusSeconds(60L * total).plus(Duration.ofDays(1)), ZoneOffset.UTC);
    CoderApiSource first = o.open();
    List<Event> got = new ArrayList<>();
    int maxBuffered = 0;
    Source.Batch b = first.next(5000, Duration.ZERO);
    while (b.events().isEmpty()) {
      first.commit(b);
      b = first.next(5000, Duration.ZERO);
    }
    // Delivered before the whole history was read: the oldest rows first, after a few requests
    // (the probe, the bisection for the oldest day, a window's pages); the history has 100 pages.
    assertThat(b.events().get(0).id()).isEqualTo(ApiRows.uuid("h", 0));
    assertThat(coder.requests().size()).isLessThan(25);
    while (got.size() < 40_000) {
      got.addAll(b.events());
      first.commit(b);
      maxBuffered = Math.max(maxBuffered, first.buffered());
      b = first.next(5000, Duration.ZERO);
    }
    // Committed as it goes: the checkpoint says how far the windows got.
    JsonNode cp = checkpointJson(o).path("audit");
    assertThat(cp.path("scanned").asText()).isNotEmpty();
    assertThat(Instant.parse(cp.path("newest").asText()))
        .isEqualTo(start.plusSeconds(60L * (got.size() - 1)));
    // The batch b is handed out but the process stops before it is committed.
    first.close();
    opened.remove(first);

    Run second = new Run(o.open(), 5000).until(total - got.size());
    List<String> all = new ArrayList<>(ids(got));
    all.addAll(ids(second.got));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      expected.add(ApiRows.uuid("h", i));
    }
    // Each row once: the uncommitted batch comes again after the restart, nothing else does.
    assertThat(all).isEqualTo(expected);
    assertThat(maxBuffered).isLessThanOrEqualTo(2 * CoderApiSource.WINDOW_TARGET_ROWS);
    assertThat(coder.requests()).allMatch(r -> r.limit() == 1000 || r.limit() == 1);
  }

  @Test
  void tenThousandOpenSessionsCostOnlyTheListingPagesPerPoll() throws Exception {
    coder.close();
    coder = new FakeCoder(false);
    int open = 10_000;
    List<ObjectNode> sessions = new ArrayList<>();
    for (int i = 0; i < open; i++) {
      sessions.add(
          ApiRows.ssh(
              ApiRows.uuid("s", i), BASE.plusSeconds(3L * i).toString(), ApiRows.uuid("c", i)));
    }
    coder.addConnections(sessions.toArray(ObjectNode[]::new));
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.pageSize = 500;
    o.maxOpen = 20_000;
    CoderApiSource src = o.open();
    Run run = new Run(src, 5000).until(open).quiet();
    // Steady state with every session open: one page of the listing, one of completed sessions.
    assertThat(src.lastPollRequests()).isEqualTo(2);
    coder.change(
        () -> {
          for (int i = 0; i < 50; i++) {
            ApiRows.close(sessions.get(i * 100), BASE.plusSeconds(40_000 + i).toString(), 0, "");
          }
        });
    run.until(open + 50).quiet();
    assertThat(run.got.subList(open, open + 50))
        .allMatch(e -> e.string("ConnectionStatus").equals("disconnected"));
    assertThat(src.lastPollRequests()).isEqualTo(2);
    assertThat(coder.requests())
        .noneMatch(r -> r.q() != null && r.q().startsWith("connection_id:"));
    assertThat(checkpointJson(o).path("connection").path("open").size()).isEqualTo(open - 50);
  }

  @Test
  void everyEventOnceDespiteErrorsRateLimitsArrivalsClosesAndRestarts() throws Exception {
    List<ObjectNode> ssh = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 250; i++) {
      coder.addAudit(ApiRows.audit(i, BASE));
      expected.add(ApiRows.uuid("a", i));
      if (i % 2 == 0) {
        ObjectNode s =
            ApiRows.ssh(ApiRows.uuid("s", i), BASE.plusSeconds(i).toString(), ApiRows.uuid("c", i));
        ssh.add(s);
        coder.addConnections(s);
      } else {
        coder.addConnections(
            ApiRows.web(
                ApiRows.uuid("w", i),
                BASE.plusSeconds(i).toString(),
                "workspace_app",
                "code-server",
                200,
                ApiRows.BROWSER));
      }
    }
    coder.errorRate(0.08);
    AtomicInteger n = new AtomicInteger();
    // While the exporter pages: new rows arrive, sessions close, now and then a 429.
    coder.hook(
        seen -> {
          int k = n.incrementAndGet();
          if (k % 7 == 0 && k < 400) {
            coder.addAudit(ApiRows.audit(1000 + k, BASE.plusSeconds(300)));
          }
          if (k % 5 == 0 && k / 5 < ssh.size()) {
            ObjectNode s = ssh.get(k / 5);
            coder.change(
                () -> {
                  if (!s.get("ssh_info").has("disconnect_time")) {
                    ApiRows.close(s, BASE.plusSeconds(600 + k).toString(), 0, "");
                  }
                });
          }
          if (k % 37 == 0) {
            coder.failNext(429, 1, "0");
          }
        });
    Opts o = new Opts();
    o.pageSize = 20;
    o.floor = null;
    o.maxOpen = 1000;
    List<Event> all = new ArrayList<>();
    for (int restart = 0; restart < 3; restart++) {
      CoderApiSource src = o.open();
      Run run = new Run(src, 50);
      for (int i = 0; i < 40; i++) {
        run.step();
      }
      all.addAll(run.got);
      src.close(); // a clean stop: everything handed out was committed
      opened.remove(src);
    }
    coder.hook(seen -> {});
    coder.errorRate(0);
    Run last = new Run(o.open(), 50);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInSameThread()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              last.step();
              return coder.requests().size() > 0 && quietFor(last, 10);
            });
    all.addAll(last.got);
    Set<String> want = new HashSet<>();
    coder.change(
        () -> {
          for (int i = 0; i < 250; i++) {
            want.add(ApiRows.uuid("a", i));
            if (i % 2 == 1) {
              want.add(ApiRows.uuid("w", i));
            }
          }
          for (ObjectNode s : ssh) {
            want.add(s.get("id").asText());
            if (s.get("ssh_info").has("disconnect_time")) {
              want.add(ApiMapper.disconnectId(s.get("id").asText()));
            }
          }
        });
    for (int k = 1; k <= n.get() && k < 400; k++) {
      if (k % 7 == 0) {
        want.add(ApiRows.uuid("a", 1000 + k));
      }
    }
    Set<String> missing = new HashSet<>(want);
    ids(all).forEach(missing::remove);
    Set<String> extra = new HashSet<>(ids(all));
    extra.removeAll(want);
    assertThat(missing).as("events never exported").isEmpty();
    assertThat(extra).as("events not expected").isEmpty();
    assertThat(ids(all)).as("no event twice").hasSameSizeAs(want);
  }

  private int quietRequests;
  private int quietSize = -1;

  /** True once the source made requests for about {@code polls} polls with nothing new. */
  private boolean quietFor(Run run, int polls) {
    if (run.got.size() != quietSize) {
      quietSize = run.got.size();
      quietRequests = coder.requests().size();
      return false;
    }
    return coder.requests().size() - quietRequests >= 2 * polls;
  }

  @Test
  void aSecondSourceOnTheSameCheckpointIsRefusedNamingTheOwner() throws Exception {
    Opts o = new Opts();
    o.open();
    assertThatThrownBy(o::open)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "the checkpoint "
                + o.checkpoint
                + " is in use by this auditship process (pid "
                + ProcessHandle.current().pid()
                + "), which uses it twice or has not let go of it since its last use; stop the other process, or give this source its own "
                + "checkpoint_file");
  }

  // ------------------------------------------------------------------ review rev2

  @Test
  void aRowDatedInTheFutureDoesNotHideLaterRows() throws Exception {
    // An agent whose clock is a day ahead: Coder stores the agent's own connect time.
    ObjectNode skewed =
        ApiRows.ssh(
            ApiRows.uuid("s", 1), NOW.plus(Duration.ofDays(1)).toString(), ApiRows.uuid("c", 1));
    coder.addConnections(
        skewed,
        ApiRows.web(
            ApiRows.uuid("w", 1),
            NOW.minusSeconds(60).toString(),
            "workspace_app",
            "code-server",
            200,
            ApiRows.BROWSER));
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.floor = NOW.minus(Duration.ofMinutes(10));
    o.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      Run run = new Run(o.open(), 100).until(2).quiet();
      // A correctly dated row that Coder writes after the skewed one was exported.
      coder.addConnections(
          ApiRows.web(
              ApiRows.uuid("w", 2),
              NOW.minusSeconds(30).toString(),
              "port_forwarding",
              "8080",
              200,
              ApiRows.BROWSER));
      run.until(3).quiet();
      assertThat(ids(run.got))
          .containsExactly(ApiRows.uuid("w", 1), ApiRows.uuid("s", 1), ApiRows.uuid("w", 2));
      // The checkpoint never moves past this host's clock; the skewed row stays remembered.
      JsonNode cp = checkpointJson(o).path("connection");
      assertThat(cp.path("newest").asText()).isEqualTo(NOW.toString());
      assertThat(cp.path("seen").has(ApiRows.uuid("s", 1))).isTrue();
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "A connection row is dated ahead of this host's clock: Coder stores the time the "
                  + "workspace agent reported for SSH-like connections, so that agent's clock is "
                  + "probably ahead. The row is exported once, and the checkpoint does not move "
                  + "past this host's clock, so later rows are still read. Logged once per agent. "
                  + "workspace=dev workspace_id="
                  + ApiRows.WORKSPACE
                  + " agent=main type=ssh id="
                  + ApiRows.uuid("s", 1)
                  + " connect_time="
                  + NOW.plus(Duration.ofDays(1))
                  + " ahead_by=PT24H");
      opened.get(0).close();
      opened.clear();
    }
    // After a restart the skewed row is re-read and dropped: it is in the checkpoint.
    Run after = new Run(o.open(), 100).quiet();
    assertThat(after.got).isEmpty();
  }

  @Test
  void anAuditRowDatedAheadIsReportedOnceAsCodersClockOrOurs() throws Exception {
    ObjectNode ahead =
        ApiRows.login(
            ApiRows.uuid("a", 1), NOW.plus(Duration.ofHours(1)).toString(), ApiRows.uuid("r", 1));
    // Within the tolerance: ordinary clock differences are not reported.
    ObjectNode close =
        ApiRows.login(ApiRows.uuid("a", 2), NOW.plusSeconds(5).toString(), ApiRows.uuid("r", 2));
    coder.addAudit(ahead, close);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.floor = NOW.minus(Duration.ofMinutes(10));
    o.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    try (LogCapture log = new LogCapture(CoderApiSource.class)) {
      new Run(o.open(), 100).until(2).quiet();
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "A row is dated ahead of this host's clock: Coder stamps audit and web connection "
                  + "rows with its own clock, so Coder's clock or this host's is off (check NTP on "
                  + "both). The row is exported once, and the checkpoint does not move past this "
                  + "host's clock. Logged once. kind=audit id="
                  + ApiRows.uuid("a", 1)
                  + " time="
                  + NOW.plus(Duration.ofHours(1))
                  + " ahead_by=PT1H");
    }
    assertThat(checkpointJson(o).path("audit").path("newest").asText()).isEqualTo(NOW.toString());
  }

  @Test
  void aCheckpointWhoseNewestIsInTheFutureIsBroughtBackToTheClock() throws Exception {
    // Written by a release that let a future-dated row move newest a day ahead.
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Files.createDirectories(o.checkpoint.getParent());
    Files.writeString(
        o.checkpoint,
        "{\"version\":1,\"endpoint\":\""
            + coder.endpoint()
            + "\",\"connection\":{\"floor\":null,\"newest\":\""
            + NOW.plus(Duration.ofDays(1))
            + "\",\"seen\":{},\"open\":{}}}");
    coder.addConnections(
        ApiRows.web(
            ApiRows.uuid("w", 1),
            NOW.minusSeconds(30).toString(),
            "workspace_app",
            "code-server",
            200,
            ApiRows.BROWSER));
    try (LogCapture log = new LogCapture(ApiCheckpoint.class)) {
      Run run = new Run(o.open(), 100).until(1).quiet();
      assertThat(ids(run.got)).containsExactly(ApiRows.uuid("w", 1));
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "The checkpoint's newest row time is ahead of this host's clock (a row dated in the "
                  + "future); it is brought back to now, so rows written since are read again and "
                  + "any already exported outside the overlap may be delivered twice. "
                  + "kind=connection newest="
                  + NOW.plus(Duration.ofDays(1))
                  + " now="
                  + NOW);
    }
  }

  /** SSH session {@code i} (IDs from the "s" and "c" series), connected and closed (exit 0). */
  private static ObjectNode closedSsh(int i, Instant connect, Instant disconnect) {
    return ApiRows.close(
        ApiRows.ssh(ApiRows.uuid("s", i), connect.toString(), ApiRows.uuid("c", i)),
        disconnect.toString(),
        0,
        "");
  }

  @Test
  void aSessionSpanningStartAtThatClosedBeforeTheFirstPollGivesItsDisconnectLine()
      throws Exception {
    Instant floor = NOW.minus(Duration.ofHours(2));
    // Open at start_at, closed before the exporter's first successful poll.
    ObjectNode spanning =
        closedSsh(1, floor.minus(Duration.ofMinutes(30)), floor.plus(Duration.ofMinutes(30)));
    // Closed before start_at: nothing to export.
    ObjectNode before =
        closedSsh(2, floor.minus(Duration.ofMinutes(50)), floor.minus(Duration.ofMinutes(40)));
    // Still open: tracked, as before.
    ObjectNode open =
        ApiRows.ssh(
            ApiRows.uuid("s", 3),
            floor.minus(Duration.ofMinutes(20)).toString(),
            ApiRows.uuid("c", 3));
    coder.addConnections(spanning, before, open);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.floor = floor;
    Run run = new Run(o.open(), 100).until(1).quiet();
    assertThat(run.got.get(0).id()).isEqualTo(ApiMapper.disconnectId(ApiRows.uuid("s", 1)));
    assertThat(run.got.get(0).string("ConnectionStatus")).isEqualTo("disconnected");
    assertThat(run.got.get(0).time()).isEqualTo(floor.plus(Duration.ofMinutes(30)).toString());
    JsonNode cp = checkpointJson(o).path("connection");
    assertThat(cp.has("baseline_pending")).isFalse();
    List<String> tracked = new ArrayList<>();
    cp.path("open").fieldNames().forEachRemaining(tracked::add);
    assertThat(tracked).containsExactly(ApiRows.uuid("s", 3));
    String completed =
        "status:completed connected_after:\""
            + GoTime.rfc3339Nano(floor.minus(CoderApiSource.CLOSE_LOOKBACK))
            + "\" connected_before:\""
            + GoTime.rfc3339Nano(floor)
            + "\"";
    assertThat(coder.requests()).anyMatch(r -> completed.equals(r.q()));
    opened.get(0).close();
    opened.clear();
    // Not again after a restart, and the open one still gives its disconnect line.
    coder.change(() -> ApiRows.close(open, NOW.minusSeconds(10).toString(), 0, ""));
    Run after = new Run(o.open(), 100).until(1).quiet();
    assertThat(after.got.get(0).id()).isEqualTo(ApiMapper.disconnectId(ApiRows.uuid("s", 3)));
  }

  @Test
  void aSessionClosingWhileTheBaselinePagesDoesNotHideAnother() throws Exception {
    Instant floor = NOW.minus(Duration.ofHours(1));
    List<ObjectNode> sessions = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      sessions.add(
          ApiRows.ssh(
              ApiRows.uuid("s", i),
              floor.minus(Duration.ofMinutes(30)).plusSeconds(i).toString(),
              ApiRows.uuid("c", i)));
    }
    coder.addConnections(sessions.toArray(ObjectNode[]::new));
    // The newest session closes between the first and the second page of the ongoing listing.
    AtomicInteger ongoingPages = new AtomicInteger();
    coder.hook(
        seen -> {
          if (seen.q() != null
              && seen.q().contains("status:ongoing")
              && ongoingPages.incrementAndGet() == 2) {
            coder.change(
                () -> ApiRows.close(sessions.get(24), NOW.minusSeconds(50).toString(), 0, ""));
          }
        });
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.floor = floor;
    o.pageSize = 10;
    Run run = new Run(o.open(), 100).until(1).quiet();
    coder.change(
        () -> {
          for (int i = 0; i < 24; i++) {
            ApiRows.close(sessions.get(i), NOW.minusSeconds(40).plusMillis(i).toString(), 0, "");
          }
        });
    run.until(25).quiet();
    Set<String> want = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      want.add(ApiMapper.disconnectId(ApiRows.uuid("s", i)));
    }
    assertThat(new HashSet<>(ids(run.got))).isEqualTo(want);
  }

  @Test
  void theBaselinePagesThroughMoreSessionsOfOneConnectTimeThanAPageHolds() throws Exception {
    Instant floor = NOW.minus(Duration.ofHours(1));
    Instant at = floor.minus(Duration.ofMinutes(30));
    List<ObjectNode> sessions = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      sessions.add(ApiRows.ssh(ApiRows.uuid("s", i), at.toString(), ApiRows.uuid("c", i)));
    }
    sessions.add(
        ApiRows.ssh(ApiRows.uuid("s", 25), at.minusSeconds(1).toString(), ApiRows.uuid("c", 25)));
    coder.addConnections(sessions.toArray(ObjectNode[]::new));
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.floor = floor;
    o.pageSize = 10;
    Run run = new Run(o.open(), 100).quiet();
    assertThat(checkpointJson(o).path("connection").path("open").size()).isEqualTo(26);
    // Keyed by the last connect time read, then an offset among the rows of that time.
    String ongoing = "status:ongoing connected_before:\"" + GoTime.rfc3339Nano(at) + "\"";
    assertThat(coder.requests())
        .filteredOn(r -> r.q() != null && r.q().startsWith("status:ongoing"))
        .extracting(FakeCoder.Seen::q, FakeCoder.Seen::offset)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("status:ongoing", 0),
            org.assertj.core.groups.Tuple.tuple(ongoing, 10),
            org.assertj.core.groups.Tuple.tuple(ongoing, 20));
    assertThat(run.got).isEmpty();
  }

  @Test
  void theBaselineKeepsToTheUsersQuery() throws Exception {
    Instant floor = NOW.minus(Duration.ofMinutes(10));
    ObjectNode alice =
        ApiRows.ssh(
            ApiRows.uuid("s", 1),
            floor.minus(Duration.ofMinutes(5)).toString(),
            ApiRows.uuid("c", 1));
    ObjectNode bob =
        ApiRows.ssh(
            ApiRows.uuid("s", 2),
            floor.minus(Duration.ofMinutes(5)).toString(),
            ApiRows.uuid("c", 2));
    bob.put("workspace_owner_username", "bob");
    coder.addConnections(alice, bob);
    Opts o = new Opts();
    o.kinds = List.of(Kind.CONNECTION);
    o.floor = floor;
    o.q = Map.of(Kind.CONNECTION, "workspace_owner:alice");
    Run run = new Run(o.open(), 100).quiet();
    coder.change(
        () -> {
          ApiRows.close(alice, NOW.minusSeconds(30).toString(), 0, "");
          ApiRows.close(bob, NOW.minusSeconds(30).toString(), 0, "");
        });
    run.until(1).quiet();
    assertThat(ids(run.got)).containsExactly(ApiMapper.disconnectId(ApiRows.uuid("s", 1)));
    assertThat(coder.requests())
        .filteredOn(r -> r.q() != null && r.q().contains("status:ongoing"))
        .isNotEmpty()
        .allMatch(r -> r.q().startsWith("workspace_owner:alice status:ongoing"));
  }

  @Test
  void quarantinedRowsAreRememberedByDigestNotByText() throws Exception {
    // Template-version diffs make rows of hundreds of KB; the memory of what was quarantined must
    // not hold them.
    ObjectNode[] bad = unmappableAuditRows(10, 13);
    for (ObjectNode r : bad) {
      r.putObject("additional_fields").put("big", "x".repeat(200_000));
    }
    coder.addAudit(bad);
    coder.addAudit(auditRows(0, 2));
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    CoderApiSource src = o.open();
    new Run(src, 100).until(2).quiet();
    // Each quarantined once, although every poll re-reads them.
    assertThat(Files.readAllLines(dir.resolve("rejects.ndjson"), StandardCharsets.UTF_8))
        .hasSize(3);
    assertThat(src.rememberedRejectBytes()).isEqualTo(3 * 32);
  }

  @Test
  void aServerThatReturnsShorterPagesThanAskedIsReadToTheEnd() throws Exception {
    coder.addAudit(auditRows(0, 250));
    coder.pageCap(40);
    Opts o = new Opts();
    o.kinds = List.of(Kind.AUDIT);
    o.floor = null;
    o.pageSize = 100;
    Run run = new Run(o.open(), 1000).until(250).quiet();
    assertTimeOrderAndUnique(run.got);
    // Coder's count (exact up to 2000) told that the short pages were not the end.
    assertThat(coder.requests())
        .extracting(FakeCoder.Seen::offset)
        .startsWith(0, 40, 80, 120, 160, 200, 240);
  }

  @Test
  void retryAfterAcceptsSecondsAndDates() {
    assertThat(CoderApiSource.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(CoderApiSource.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    assertThat(CoderApiSource.retryAfter("soon")).isNull();
  }
}
