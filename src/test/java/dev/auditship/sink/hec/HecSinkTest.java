package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.auditship.sink.hec.HecFixtures.TOKEN;
import static dev.auditship.sink.hec.HecFixtures.audit;
import static dev.auditship.sink.hec.HecFixtures.connection;
import static dev.auditship.sink.hec.HecFixtures.human;
import static dev.auditship.sink.hec.HecFixtures.id;
import static dev.auditship.sink.hec.HecFixtures.ids;
import static dev.auditship.sink.hec.HecFixtures.json;
import static dev.auditship.sink.hec.HecFixtures.jsonRecords;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.auditship.event.Value;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sink against WireMock on 127.0.0.1: one test per row of the status table
 * (docs/coder-reference.md §10.7), the exact body bytes, limits, and that the token never leaks.
 */
class HecSinkTest {
  private static final String EVENT = "/services/collector/event";
  private static final String OK = "{\"text\":\"Success\",\"code\":0}";
  private static final Instant NOW = Instant.parse("2025-07-03T08:00:00Z");

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().gzipDisabled(true))
          .build();

  private final List<HecSink> open = new ArrayList<>();

  @AfterEach
  void closeSinks() {
    open.forEach(HecSink::close);
  }

  private String base() {
    return "http://127.0.0.1:" + wm.getPort();
  }

  private HecSink sink(String format, Consumer<HecFixtures.Cfg> tweak) throws IOException {
    HecFixtures.Cfg c = new HecFixtures.Cfg(base());
    tweak.accept(c);
    HecSink s =
        new HecSink(
            "splunk", "json".equals(format), c.build(), Clock.fixed(NOW, ZoneOffset.UTC), d -> {});
    open.add(s);
    return s;
  }

  private HecSink sink() throws IOException {
    return sink("json", c -> {});
  }

  private static void answer(int status, String body) {
    wm.stubFor(post(urlEqualTo(EVENT)).willReturn(aResponse().withStatus(status).withBody(body)));
  }

  private List<LoggedRequest> posts() {
    return wm.findAll(postRequestedFor(urlEqualTo(EVENT)));
  }

  private static String body(LoggedRequest r) {
    return new String(r.getBody(), StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ success and exact bytes

  @Test
  void successDeliversAndSendsTheExactBody() throws Exception {
    answer(200, OK);
    HecSink sink =
        sink(
            "json",
            c -> {
              c.index = "coder";
              c.source = "coderd";
              c.fields = Map.of("env", "prod");
            });
    Outcome o = sink.send(List.of(json(audit()), json(connection())));

    assertThat(o).isEqualTo(Outcome.delivered());
    List<LoggedRequest> reqs = posts();
    assertThat(reqs).hasSize(1);
    LoggedRequest r = reqs.get(0);
    String audit = Golden.line("audit_workspace_build_start").json().strip();
    String conn = Golden.line("conn_ssh_connect").json().strip();
    assertThat(body(r))
        .isEqualTo(
            "{\"time\":1751526764.381926,\"host\":\"coder-1\",\"source\":\"coderd\",\"sourcetype\":\"coder:audit\","
                + "\"index\":\"coder\",\"fields\":{\"env\":\"prod\"},\"event\":"
                + audit
                + "}\n"
                + "{\"time\":1752142478.942776,\"host\":\"coder-1\",\"source\":\"coderd\","
                + "\"sourcetype\":\"coder:connection\",\"index\":\"coder\",\"fields\":{\"env\":\"prod\"},"
                + "\"event\":"
                + conn
                + "}");
    assertThat(r.getHeader("Authorization")).isEqualTo("Splunk " + TOKEN);
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    assertThat(r.getHeader("X-Splunk-Request-Channel"))
        .isEqualTo(sink.channel())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(r.getHeader("User-Agent")).startsWith("auditship/");
    assertThat(r.containsHeader("Content-Encoding")).isFalse();
    assertThat(r.getUrl()).isEqualTo(EVENT);
  }

  @Test
  void humanFormatSendsTheLineAsAString() throws Exception {
    answer(200, OK);
    SinkRecord r = human(audit());
    sink("human", c -> {}).send(List.of(r));
    String b = body(posts().get(0));
    assertThat(b)
        .startsWith(
            "{\"time\":1751526764.381926,\"host\":\"coder-1\",\"sourcetype\":\"coder:audit\","
                + "\"event\":\"2025-07-03 07:12:44.390 [info]  coderd: audit_log  ID=");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(b).get("event").asText())
        .isEqualTo(r.text());
  }

  @Test
  void gzipCompressesTheSameBytes() throws Exception {
    answer(200, OK);
    List<SinkRecord> recs = jsonRecords(3);
    sink().send(recs);
    byte[] plain = posts().get(0).getBody();
    wm.resetRequests();

    Outcome o = sink("json", c -> c.gzip = true).send(recs);
    assertThat(o).isEqualTo(Outcome.delivered());
    LoggedRequest r = posts().get(0);
    assertThat(r.getHeader("Content-Encoding")).isEqualTo("gzip");
    // WireMock hands the body over decoded; the wire size is in Content-Length.
    assertThat(Integer.parseInt(r.getHeader("Content-Length"))).isLessThan(plain.length / 2);
    assertThat(r.getBody()).isEqualTo(plain);
  }

  @Test
  void successWithAWarningCodeIsDeliveredAndLoggedOncePerCode() throws Exception {
    answer(200, "{\"text\":\"Success, approaching capacity\",\"code\":24}");
    try (LogCapture logs = LogCapture.everything()) {
      HecSink sink = sink();
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "Splunk accepted events with a warning code (logged once "
                  + "per code). sink=splunk code=24 text=\"Success, approaching capacity\"");
    }
  }

  @Test
  void aSuccessThatIsNotHecsAnswerIsDeliveredAndLoggedAtMostEveryTenMinutes() throws Exception {
    // A proxy's page, another service at the endpoint, or one bad backend behind a load balancer
    // answering 200: counted as delivered (as Splunk's own clients do) but said, at most every ten
    // minutes, with how many such answers came.
    String page = "<html><body>Maintenance</body></html>";
    MutableClock clock = new MutableClock(NOW);
    HecSink sink = new HecSink("splunk", true, new HecFixtures.Cfg(base()).build(), clock, d -> {});
    open.add(sink);
    try (LogCapture logs = LogCapture.everything()) {
      answer(200, page);
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      answer(200, OK);
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      answer(200, page);
      clock.advance(Duration.ofMinutes(9));
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      clock.advance(Duration.ofMinutes(1));
      answer(204, "");
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      String warning =
          "The endpoint accepted a request with HTTP %d but did not answer as Splunk HEC does (no"
              + " \"code\" in the body); the events count as delivered. Check that the endpoint is"
              + " Splunk HEC and not a proxy or another service (logged at most every 10 minutes)."
              + " sink=splunk answers=%d body=\"%s\"";
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              String.format(warning, 200, 1, page), String.format(warning, 204, 2, ""));
    }
  }

  // ------------------------------------------------------------------ limits

  @Test
  void maxEventsCutsRequests() throws Exception {
    answer(200, OK);
    List<SinkRecord> recs = jsonRecords(5);
    assertThat(sink("json", c -> c.maxEvents = 2).send(recs)).isEqualTo(Outcome.delivered());
    List<LoggedRequest> reqs = posts();
    assertThat(reqs).extracting(r -> body(r).split("\n").length).containsExactly(2, 2, 1);
    assertThat(reqs)
        .extracting(HecSinkTest::body)
        .allSatisfy(b -> assertThat(b).doesNotEndWith("\n"));
    assertThat(String.join("\n", reqs.stream().map(HecSinkTest::body).toList()))
        .contains(id(0), id(4));
  }

  @Test
  void maxBytesCutsRequestsByUncompressedSize() throws Exception {
    answer(200, OK);
    List<SinkRecord> recs = jsonRecords(3);
    int one =
        new HecEncoder(true, "coder-1", null, "coder:audit", "coder:connection", null, Map.of())
            .encode(recs.get(0))
            .length;
    sink(
            "json",
            c -> {
              c.maxBytes = 2L * one + 1; // exactly two envelopes and the newline between them
              c.gzip = true; // compression must not let more in
            })
        .send(recs);
    assertThat(posts()).hasSize(2);
    wm.resetRequests();
    sink("json", c -> c.maxBytes = 2L * one).send(recs);
    assertThat(posts()).hasSize(3);
  }

  @Test
  void anEventLargerThanMaxBytesIsRejectedWithTheReasonAndNeverSent() throws Exception {
    answer(200, OK);
    SinkRecord big =
        json(HecFixtures.withField(audit(7), "UserAgent", new Value.Str("x".repeat(5000))));
    List<SinkRecord> recs = List.of(json(audit(1)), big, json(audit(2)));
    int size =
        new HecEncoder(true, "coder-1", null, "coder:audit", "coder:connection", null, Map.of())
            .encode(big)
            .length;
    Outcome o = sink("json", c -> c.maxBytes = 4096).send(recs);

    assertThat(o.retry()).isEmpty();
    assertThat(o.rejected())
        .containsExactly(
            new Outcome.Rejection(
                big,
                "event too large for this sink: its HEC "
                    + "envelope is "
                    + size
                    + " bytes and max_bytes is 4096; not sent to Splunk"));
    assertThat(posts()).hasSize(1);
    assertThat(body(posts().get(0))).contains(id(1), id(2)).doesNotContain(id(7));
  }

  @Test
  void concurrencyPostsTheNextRequestsAheadAndDeliversEveryEventOnce() throws Exception {
    answer(200, OK);
    List<SinkRecord> recs = jsonRecords(9);
    assertThat(
            sink(
                    "json",
                    c -> {
                      c.maxEvents = 2;
                      c.concurrency = 2;
                    })
                .send(recs))
        .isEqualTo(Outcome.delivered());
    List<LoggedRequest> reqs = posts();
    assertThat(reqs).hasSize(5);
    List<String> sent = reqs.stream().flatMap(r -> Arrays.stream(body(r).split("\n"))).toList();
    assertThat(sent).hasSize(9);
    for (int i = 0; i < 9; i++) {
      String id = id(i);
      assertThat(sent).filteredOn(l -> l.contains(id)).hasSize(1);
    }
  }

  /**
   * With requests posted ahead, a failed request and everything queued after it are retried, but a
   * request already posted and accepted counts as delivered (it is not sent again).
   */
  @Test
  void concurrencyRetriesTheFailedRequestButNotOneAlreadyAccepted() throws Exception {
    wm.stubFor(post(urlEqualTo(EVENT)).willReturn(aResponse().withStatus(200).withBody(OK)));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(2)))
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withFixedDelay(300)
                    .withBody("{\"text\":\"Server is busy\",\"code\":9}")));
    List<SinkRecord> recs = jsonRecords(6);
    Outcome o =
        sink(
                "json",
                c -> {
                  c.maxEvents = 2;
                  c.concurrency = 2;
                })
            .send(recs);
    // Requests: [0,1] accepted; [2,3] answered 503 after 300 ms, while [4,5] was posted ahead
    // and accepted.
    assertThat(posts()).hasSize(3);
    assertThat(ids(o.retry())).containsExactly(id(2), id(3));
    assertThat(o.reason()).isEqualTo("Splunk HEC answered HTTP 503 code 9 \"Server is busy\"");
  }

  // ------------------------------------------------------------------ retry classes

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void retryableStatusesKeepTheRequestAndEverythingAfterIt(int status) throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(0)))
            .willReturn(aResponse().withStatus(200).withBody(OK)));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(2)))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withBody("{\"text\":\"Server is busy\",\"code\":9}")));
    List<SinkRecord> recs = jsonRecords(6);
    Outcome o = sink("json", c -> c.maxEvents = 2).send(recs);

    assertThat(o.configFault()).isFalse();
    assertThat(o.rejected()).isEmpty();
    assertThat(ids(o.retry())).containsExactly(id(2), id(3), id(4), id(5));
    assertThat(o.reason())
        .isEqualTo("Splunk HEC answered HTTP " + status + " code 9 \"Server is busy\"");
    assertThat(o.retryAfter()).isNull();
    assertThat(posts()).hasSize(2); // the third request was not attempted
  }

  @Test
  void retryAfterInSeconds() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
    Outcome o = sink().send(jsonRecords(2));
    assertThat(o.retry()).hasSize(2);
    assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(o.reason()).isEqualTo("Splunk HEC answered HTTP 429");
  }

  @Test
  void retryAfterAsHttpDate() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Retry-After", "Thu, 03 Jul 2025 08:02:00 GMT")
                    .withBody("{\"text\":\"Server is busy\",\"code\":9}")));
    Outcome o = sink().send(jsonRecords(1));
    assertThat(o.retryAfter()).isEqualTo(Duration.ofMinutes(2)); // the sink's clock says 08:00:00
  }

  @Test
  void connectionResetIsRetried() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    Outcome o = sink().send(jsonRecords(2));
    assertThat(o.retry()).hasSize(2);
    assertThat(o.configFault()).isFalse();
    assertThat(o.reason()).startsWith("cannot reach Splunk HEC at " + base() + EVENT + ": ");
  }

  @Test
  void emptyReplyIsRetried() throws Exception {
    wm.stubFor(post(urlEqualTo(EVENT)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    Outcome o = sink().send(jsonRecords(1));
    assertThat(o.retry()).hasSize(1);
    assertThat(o.configFault()).isFalse();
  }

  @Test
  void aSlowAnswerTimesOutAndIsRetried() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(200).withBody(OK).withFixedDelay(3000)));
    long t0 = System.nanoTime();
    Outcome o = sink("json", c -> c.requestTimeout = Duration.ofMillis(300)).send(jsonRecords(1));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
    assertThat(o.retry()).hasSize(1);
    assertThat(o.configFault()).isFalse();
    assertThat(o.reason()).startsWith("no answer from Splunk HEC at " + base() + EVENT);
  }

  @Test
  void nobodyListeningIsRetried() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + port);
    HecSink sink = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {});
    open.add(sink);
    Outcome o = sink.send(jsonRecords(1));
    assertThat(o.retry()).hasSize(1);
    assertThat(o.configFault()).isFalse();
    assertThat(o.reason()).startsWith("cannot connect to http://127.0.0.1:" + port + EVENT + ": ");
  }

  // ------------------------------------------------------------------ partial batches, 413

  @Test
  void partialBatchDeliversTheHeadRejectsEventNAndResendsOnlyTheTail() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(0)))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(2)).and(matching("^[^\\n]*$")))
            .willReturn(aResponse().withStatus(200).withBody(OK)));
    List<SinkRecord> recs = jsonRecords(3);
    Outcome o = sink().send(recs);

    assertThat(o.retry()).isEmpty();
    assertThat(o.rejected())
        .containsExactly(
            new Outcome.Rejection(
                recs.get(1),
                "Splunk refused the event: HTTP 400 code 6 \"Invalid data format\" invalid-event-number 1"));
    List<LoggedRequest> reqs = posts();
    assertThat(reqs).hasSize(2);
    assertThat(body(reqs.get(0)).split("\n")).hasSize(3);
    assertThat(body(reqs.get(1))).contains(id(2)).doesNotContain(id(0)).doesNotContain(id(1));
  }

  @Test
  void aBadEventWithoutANumberIsFoundByHalving() throws Exception {
    String poison = id(2);
    wm.stubFor(post(urlEqualTo(EVENT)).willReturn(aResponse().withStatus(200).withBody(OK)));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(poison))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody("{\"text\":\"Invalid data format\",\"code\":6}")));
    List<SinkRecord> recs = jsonRecords(4);
    Outcome o = sink().send(recs);
    assertThat(o.retry()).isEmpty();
    assertThat(o.rejected())
        .containsExactly(
            new Outcome.Rejection(
                recs.get(2),
                "Splunk refused an event of the request: HTTP 400 code 6 \"Invalid data format\""));
  }

  @Test
  void tooLargeIsSplitInHalvesDownToThePoisonEventWhichIsRejected() throws Exception {
    String poison = id(2);
    wm.stubFor(post(urlEqualTo(EVENT)).willReturn(aResponse().withStatus(200).withBody(OK)));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(poison))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(413)
                    .withBody("{\"text\":\"Content-Length too large\",\"code\":27}")));
    List<SinkRecord> recs = jsonRecords(4);
    Outcome o;
    try (LogCapture logs = LogCapture.everything()) {
      o = sink().send(recs);
      assertThat(logs.messages(Level.INFO))
          .filteredOn(l -> l.startsWith("Splunk refused a request as too large"))
          .hasSize(2);
    }
    assertThat(o.retry()).isEmpty();
    assertThat(o.rejected())
        .containsExactly(
            new Outcome.Rejection(
                recs.get(2),
                "Splunk refused the request as "
                    + "too large: HTTP 413 code 27 \"Content-Length too large\"; the event alone is larger than Splunk "
                    + "accepts (raise max_content_length in Splunk's limits.conf [http_input])"));
    // [0,1,2,3] 413 -> [0,1] ok, [2,3] 413 -> [2] 413, [3] ok
    assertThat(posts()).extracting(r -> body(r).split("\n").length).containsExactly(4, 2, 2, 1, 1);
  }

  // ------------------------------------------------------------------ configuration faults

  @Test
  void incorrectIndexIsAConfigFaultKeepingEveryEvent() throws Exception {
    answer(400, "{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":1}");
    List<SinkRecord> recs = jsonRecords(3);
    Outcome o = sink("json", c -> c.index = "secret").send(recs);
    assertThat(o.configFault()).isTrue();
    assertThat(o.retry()).isEqualTo(recs);
    assertThat(o.rejected()).isEmpty();
    assertThat(o.reason())
        .isEqualTo(
            "Splunk refused the index: HTTP 400 code 7 \"Incorrect index\" "
                + "invalid-event-number 1; allow the index for the token, or change index:");
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void refusedTokenIsAConfigFaultWithSplunksTextAndNeverTheToken(int status) throws Exception {
    answer(status, "{\"text\":\"Invalid token\",\"code\":4}");
    List<SinkRecord> recs = jsonRecords(2);
    Outcome o = sink().send(recs);
    assertThat(o.configFault()).isTrue();
    assertThat(o.retry()).isEqualTo(recs);
    assertThat(o.reason())
        .isEqualTo(
            "Splunk refused the token: HTTP "
                + status
                + " code 4 \"Invalid token\"; "
                + "the token is set inline (token:): correct it and restart");
  }

  @Test
  void anInlineTokenRefusedAtEveryProbeIsNotReadAgainNorCountedAsReloaded() throws Exception {
    // An inline token cannot change while running: no "Token read again ... has not changed" per
    // probe, no token_reloads (QA #18).
    answer(403, "{\"text\":\"Invalid token\",\"code\":4}");
    try (LogCapture logs = new LogCapture()) {
      HecSink s = sink();
      for (int probe = 0; probe < 3; probe++) {
        assertThat(s.send(jsonRecords(1)).configFault()).isTrue();
      }
      assertThat(logs.all()).noneMatch(m -> m.startsWith("Token read again"));
      assertThat(s.hecStats().tokenReloads.get()).isZero();
      assertThat(posts()).hasSize(3);
    }
  }

  @Test
  void requestsToAnEndpointThatRefusesConnectionsAreNotCountedAsSent() throws Exception {
    int closed;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = ss.getLocalPort();
    }
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + closed);
    HecSink s = new HecSink("splunk", true, c.build(), Clock.fixed(NOW, ZoneOffset.UTC), d -> {});
    open.add(s);
    for (int attempt = 0; attempt < 3; attempt++) {
      Outcome o = s.send(jsonRecords(2));
      assertThat(o.retry()).hasSize(2);
      assertThat(o.reason()).startsWith("cannot connect to http://127.0.0.1:" + closed);
    }
    assertThat(s.hecStats().summary()).startsWith("requests=0 body_bytes=0 wire_bytes=0 ");

    answer(200, OK);
    Outcome o = sink().send(jsonRecords(2));
    assertThat(o).isEqualTo(Outcome.delivered());
    HecSink answered = open.get(open.size() - 1);
    assertThat(answered.hecStats().requests.get()).isEqualTo(1);
    assertThat(answered.hecStats().bodyBytes.get()).isEqualTo(body(posts().get(0)).length());
  }

  @Test
  void notFoundIsAConfigFault() throws Exception {
    answer(404, "{\"text\":\"The requested URL was not found on this server.\",\"code\":404}");
    Outcome o = sink().send(jsonRecords(1));
    assertThat(o.configFault()).isTrue();
    assertThat(o.retry()).hasSize(1);
    assertThat(o.reason()).startsWith("not a Splunk HEC endpoint: HTTP 404");
  }

  @Test
  void redirectIsAConfigFaultAndIsNotFollowed() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse()
                    .withStatus(303)
                    .withHeader("Location", base() + "/en-US/account/login")));
    wm.stubFor(get(urlEqualTo("/en-US/account/login")).willReturn(aResponse().withStatus(200)));
    Outcome o = sink().send(jsonRecords(1));
    assertThat(o.configFault()).isTrue();
    assertThat(o.retry()).hasSize(1);
    assertThat(o.reason())
        .isEqualTo(
            "Splunk HEC answered HTTP 303 with a redirect to "
                + base()
                + "/en-US/account/login; redirects are not followed: the endpoint is probably not the HEC port (8088 "
                + "by default) or needs https://");
    wm.verify(0, getRequestedFor(urlEqualTo("/en-US/account/login")));
  }

  @Test
  void unreadableTokenFileIsAConfigFaultNamingTheFile(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    answer(200, OK);
    Path missing = dir.resolve("hec-token");
    Outcome o =
        sink("json", c -> c.token = dev.auditship.config.Secret.fromFile(missing))
            .send(jsonRecords(1));
    assertThat(o.configFault()).isTrue();
    assertThat(o.retry()).hasSize(1);
    assertThat(o.reason())
        .isEqualTo(
            "cannot read the HEC token from token file " + missing + ": no such file or directory");
    assertThat(posts()).isEmpty();
  }

  @Test
  void aFailureAfterAPartialBatchCombinesIntoOneOutcome() throws Exception {
    // request 1 ([0,1]): event 1 refused, tail empty; request 2 ([2,3]): 503
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(0)))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(2)))
            .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3")));
    List<SinkRecord> recs = jsonRecords(4);
    Outcome o = sink("json", c -> c.maxEvents = 2).send(recs);
    assertThat(ids(o.retry())).containsExactly(id(2), id(3));
    assertThat(o.rejected()).extracting(Outcome.Rejection::record).containsExactly(recs.get(1));
    assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.configFault()).isFalse();
  }

  // ------------------------------------------------------------------ the token never leaks

  @Test
  void theTokenNeverAppearsInLogsReasonsOrToString(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    List<String> texts = new ArrayList<>();
    try (LogCapture logs = LogCapture.everything()) {
      // A proxy that echoes the Authorization header in its error page must not leak it either.
      wm.stubFor(
          get(urlEqualTo("/services/collector/health"))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withBody("{\"text\":\"HEC is healthy\",\"code\":17}")));
      wm.stubFor(
          post(urlEqualTo(EVENT))
              .withRequestBody(equalTo(""))
              .willReturn(
                  aResponse().withStatus(400).withBody("{\"text\":\"No data\",\"code\":5}")));
      wm.stubFor(
          post(urlEqualTo(EVENT))
              .withRequestBody(containing(id(0)))
              .willReturn(
                  aResponse()
                      .withStatus(502)
                      .withBody(
                          "<html>bad gateway for Authorization: Splunk " + TOKEN + "</html>")));
      wm.stubFor(
          post(urlEqualTo(EVENT))
              .withRequestBody(containing(id(1)))
              .willReturn(
                  aResponse()
                      .withStatus(403)
                      .withBody("{\"text\":\"Invalid token " + TOKEN + "\",\"code\":4}")));
      wm.stubFor(
          post(urlEqualTo(EVENT))
              .withRequestBody(containing(id(2)))
              .willReturn(
                  aResponse()
                      .withStatus(400)
                      .withBody(
                          "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":0}")));
      wm.stubFor(
          post(urlEqualTo(EVENT))
              .withRequestBody(containing(id(3)))
              .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      // A gateway that puts the credential in the redirect it answers with (QA finding).
      wm.stubFor(
          post(urlEqualTo(EVENT))
              .withRequestBody(containing(id(4)))
              .willReturn(
                  aResponse()
                      .withStatus(302)
                      .withHeader("Location", "http://login.example/sso?t=" + TOKEN)
                      .withBody("moved")));
      HecSink sink = sink("json", c -> c.healthCheck = true);
      for (int i = 0; i < 5; i++) {
        Outcome o = sink.send(List.of(json(audit(i))));
        texts.add(String.valueOf(o.reason()));
        o.rejected().forEach(r -> texts.add(r.reason()));
        texts.add(o.toString());
      }
      texts.add(String.valueOf(sink.checkConnectivity()));
      texts.add(sink.toString());
      HecFixtures.Cfg c = new HecFixtures.Cfg(base());
      texts.add(c.build().toString());
      texts.add(c.build().token().toString());
      c.token = dev.auditship.config.Secret.fromFile(dir.resolve("t"));
      texts.add(c.build().toString());
      sink.close();
      open.remove(sink);
      texts.addAll(logs.lines());
      assertThat(logs.lines()).isNotEmpty();
    }
    assertThat(texts).anySatisfy(t -> assertThat(t).contains("[redacted]"));
    assertThat(texts)
        .anySatisfy(
            t -> assertThat(t).contains("redirect to http://login.example/sso?t=[redacted]"));
    assertThat(texts).anySatisfy(t -> assertThat(t).contains("Splunk refused the token"));
    assertThat(texts)
        .allSatisfy(t -> assertThat(t).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(0, 8)));
  }
}
