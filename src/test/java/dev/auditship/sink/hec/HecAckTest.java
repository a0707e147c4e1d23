package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.auditship.sink.hec.HecFixtures.id;
import static dev.auditship.sink.hec.HecFixtures.ids;
import static dev.auditship.sink.hec.HecFixtures.jsonRecords;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.RetryConfig;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexer acknowledgement (docs/coder-reference.md §10.6): a late ack, an expired one, polling
 * failures.
 */
class HecAckTest {
  private static final String EVENT = "/services/collector/event";
  private static final String ACK = "/services/collector/ack";
  private static final HecSinkConfig.Ack ACKS =
      new HecSinkConfig.Ack(true, Duration.ofSeconds(10), Duration.ofSeconds(300));

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(Instant.parse("2025-07-03T08:00:00Z"));
  private final HecFixtures.RecordingSleeper sleeper = new HecFixtures.RecordingSleeper(clock);

  private HecSink sink(int maxEvents) throws Exception {
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + wm.getPort());
    c.ack = ACKS;
    c.maxEvents = maxEvents;
    return new HecSink("splunk", true, c.build(), clock, sleeper);
  }

  private static void ackAnswers(String... bodies) {
    String state = Scenario.STARTED;
    for (int i = 0; i < bodies.length; i++) {
      String next = i == bodies.length - 1 ? state : "poll" + (i + 1);
      wm.stubFor(
          post(urlEqualTo(ACK))
              .inScenario("acks")
              .whenScenarioStateIs(state)
              .willSetStateTo(next)
              .willReturn(aResponse().withStatus(200).withBody(bodies[i])));
      state = next;
    }
  }

  private static List<String> bodies(String path) {
    return wm.findAll(postRequestedFor(urlEqualTo(path))).stream()
        .map(r -> new String(r.getBody(), StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void aLateAckDeliversOnlyOnceIndexed() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":0}")));
    ackAnswers("{\"acks\":{\"0\":false}}", "{\"acks\":{\"0\":false}}", "{\"acks\":{\"0\":true}}");
    try (HecSink sink = sink(500)) {
      Outcome o = sink.send(jsonRecords(3));
      assertThat(o).isEqualTo(Outcome.delivered());
      // first poll after 1 s, then doubling up to poll_interval_secs
      assertThat(sleeper.sleeps)
          .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
      assertThat(bodies(ACK)).containsExactly("{\"acks\":[0]}", "{\"acks\":[0]}", "{\"acks\":[0]}");
      List<LoggedRequest> all = wm.getAllServeEvents().stream().map(e -> e.getRequest()).toList();
      assertThat(all)
          .extracting(r -> r.getHeader("X-Splunk-Request-Channel"))
          .containsOnly(sink.channel());
      assertThat(sink.hecStats().acked.get()).isEqualTo(1);
      assertThat(sink.hecStats().acksPending.get()).isZero();
    }
  }

  @Test
  void withAcksTheEventsBeforeARefusedOneAreSentAgainToGetConfirmed() throws Exception {
    // The first request (ids 0,1,2) is refused at event 1; the resend carries 0 and 2 and is
    // acknowledged.
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(1)))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(notContaining(id(1)))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":7}")));
    ackAnswers("{\"acks\":{\"7\":true}}");
    List<SinkRecord> recs = jsonRecords(3);
    try (HecSink sink = sink(500)) {
      Outcome o = sink.send(recs);
      assertThat(o.retry()).isEmpty();
      assertThat(ids(o.rejected().stream().map(Outcome.Rejection::record).toList()))
          .containsExactly(id(1));
      List<String> sent = bodies(EVENT);
      assertThat(sent).hasSize(2);
      assertThat(sent.get(1)).contains(id(0)).contains(id(2)).doesNotContain(id(1));
      assertThat(sink.hecStats().acked.get()).isEqualTo(1);
    }
  }

  @Test
  void anAckThatNeverComesExpiresAndOnlyThoseEventsAreRetried() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(0)))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":0}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(2)))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":1}")));
    // id 0 is confirmed at the first poll (and then forgotten by Splunk), id 1 never
    ackAnswers("{\"acks\":{\"0\":true,\"1\":false}}", "{\"acks\":{\"1\":false}}");
    List<SinkRecord> recs = jsonRecords(4);
    try (HecSink sink = sink(2)) {
      Outcome o = sink.send(recs);
      assertThat(ids(o.retry())).containsExactly(id(2), id(3));
      assertThat(o.rejected()).isEmpty();
      assertThat(o.configFault()).isFalse();
      assertThat(o.reason())
          .isEqualTo(
              "Splunk did not confirm indexing within ack.timeout_secs (5m, ack ids "
                  + "[1]); the events are sent again (duplicates are possible)");
      // waits: 1, 2, 4, 8, then 10 s each until the 300 s deadline
      Duration total = sleeper.sleeps.stream().reduce(Duration.ZERO, Duration::plus);
      assertThat(total).isEqualTo(Duration.ofSeconds(300));
      assertThat(sleeper.sleeps.subList(0, 5))
          .containsExactly(
              Duration.ofSeconds(1),
              Duration.ofSeconds(2),
              Duration.ofSeconds(4),
              Duration.ofSeconds(8),
              Duration.ofSeconds(10));
      assertThat(sleeper.sleeps)
          .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(10)));
      List<String> polls = bodies(ACK);
      assertThat(polls.get(0)).isEqualTo("{\"acks\":[0,1]}");
      assertThat(polls.subList(1, polls.size())).containsOnly("{\"acks\":[1]}");
      assertThat(sink.hecStats().ackTimeouts.get()).isEqualTo(1);
      assertThat(sink.hecStats().acksPending.get()).isZero();
    }
  }

  @Test
  void pollFailuresAreRetriedUntilTheDeadline() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":5}")));
    wm.stubFor(
        post(urlEqualTo(ACK))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("ok")
            .willReturn(
                aResponse().withStatus(503).withBody("{\"text\":\"Server is busy\",\"code\":9}")));
    wm.stubFor(
        post(urlEqualTo(ACK))
            .inScenario("flaky")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200).withBody("{\"acks\":{\"5\":true}}")));
    try (HecSink sink = sink(500)) {
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  @Test
  void ackDisabledForTheTokenIsAConfigFault() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":0}")));
    wm.stubFor(
        post(urlEqualTo(ACK))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody("{\"text\":\"ACK is disabled\",\"code\":14}")));
    try (HecSink sink = sink(500)) {
      Outcome o = sink.send(jsonRecords(2));
      assertThat(o.configFault()).isTrue();
      assertThat(o.retry()).hasSize(2);
      assertThat(o.reason())
          .isEqualTo(
              "cannot confirm indexing: ack poll: indexer acknowledgement is off for "
                  + "the token: HTTP 400 code 14 \"ACK is disabled\"; set ack: {enabled: false}"
                  + "; Splunk accepted the events, so they are not posted again before "
                  + "ack.timeout_secs (5m) has passed: the same ack ids are polled at every probe");
    }
  }

  @Test
  void withoutAnAckIdEventsCountAsDeliveredOnAcceptanceWithOneWarning() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    try (LogCapture logs = LogCapture.everything();
        HecSink sink = sink(1)) {
      assertThat(sink.send(jsonRecords(3))).isEqualTo(Outcome.delivered());
      assertThat(sleeper.sleeps).isEmpty();
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "ack.enabled is true but Splunk returned no ackId: indexer "
                  + "acknowledgement is off for this token, so events count as delivered when Splunk accepts them. "
                  + "sink=splunk");
    }
    wm.verify(0, postRequestedFor(urlEqualTo(ACK)));
  }

  @Test
  void anAckIdWhileAcksAreOffIsDeliveredWithOneWarning() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":3}")));
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + wm.getPort());
    try (LogCapture logs = LogCapture.everything();
        HecSink sink = new HecSink("splunk", true, c.build(), clock, sleeper)) {
      assertThat(sink.send(jsonRecords(2))).isEqualTo(Outcome.delivered());
      assertThat(sink.send(jsonRecords(2))).isEqualTo(Outcome.delivered());
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "Splunk returned an ackId: indexer acknowledgement is on "
                  + "for this token but ack.enabled is false. Set ack: {enabled: true} (or turn acknowledgement off "
                  + "for the token): unpolled acknowledgements pile up on the indexer. sink=splunk");
    }
  }

  private static void acceptWithAckId(long ackId) {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackId + "}")));
  }

  @Test
  void aFailingAckPollPausesAndPollsTheSameAckIdsWithoutPostingTheAcceptedEventsAgain()
      throws Exception {
    // A load balancer that does not route /services/collector/ack: Splunk indexed the events, only
    // the confirmation fails. Each pause probe polls again; the events are posted once.
    acceptWithAckId(1);
    String state = Scenario.STARTED;
    for (int i = 1; i <= 3; i++) {
      wm.stubFor(
          post(urlEqualTo(ACK))
              .inScenario("lb")
              .whenScenarioStateIs(state)
              .willSetStateTo("poll" + i)
              .willReturn(aResponse().withStatus(404).withBody("Not Found")));
      state = "poll" + i;
    }
    wm.stubFor(
        post(urlEqualTo(ACK))
            .inScenario("lb")
            .whenScenarioStateIs(state)
            .willReturn(aResponse().withStatus(200).withBody("{\"acks\":{\"1\":true}}")));
    SinkStats stats = new SinkStats();
    try (HecSink sink = sink(500);
        DeadLetters dl =
            new DeadLetters(new NdjsonFile(tmp.resolve("dl.ndjson")), HecFixtures.JSON, clock)) {
      new RetryingSink(sink, RetryConfig.DEFAULT, dl, stats, sleeper, clock)
          .deliver(jsonRecords(2));
      assertThat(bodies(EVENT)).hasSize(1);
      assertThat(bodies(ACK)).hasSize(4).containsOnly("{\"acks\":[1]}");
      // 1 s before each poll; 30 s (pause_probe_secs) between the probes
      assertThat(sleeper.sleeps)
          .containsExactly(
              Duration.ofSeconds(1),
              Duration.ofSeconds(30),
              Duration.ofSeconds(1),
              Duration.ofSeconds(30),
              Duration.ofSeconds(1),
              Duration.ofSeconds(30),
              Duration.ofSeconds(1));
      assertThat(stats.delivered.get()).isEqualTo(2);
      assertThat(sink.hecStats().acked.get()).isEqualTo(1);
      assertThat(sink.hecStats().acksPending.get()).isZero();
    }
  }

  @Test
  void whileTheAckPollFailsTheAcceptedEventsArePostedAgainOnlyOnceAckTimeoutHasPassed()
      throws Exception {
    acceptWithAckId(1);
    wm.stubFor(post(urlEqualTo(ACK)).willReturn(aResponse().withStatus(404).withBody("")));
    Instant accepted = clock.instant();
    try (LogCapture logs = new LogCapture();
        HecSink sink = sink(500)) {
      Outcome o = sink.send(jsonRecords(2));
      assertThat(o.configFault()).isTrue();
      assertThat(o.retry()).hasSize(2);
      assertThat(o.reason())
          .endsWith(
              "; Splunk accepted the events, so they are not posted again before "
                  + "ack.timeout_secs (5m) has passed: the same ack ids are polled at every probe");
      int probes = 0;
      while (clock.instant().plusSeconds(30).isBefore(accepted.plus(ACKS.timeout()))) {
        clock.advance(Duration.ofSeconds(30)); // the retry wrapper's pause probe
        o = sink.send(o.retry());
        probes++;
        assertThat(o.configFault()).isTrue();
        assertThat(o.retry()).hasSize(2);
      }
      assertThat(probes).isEqualTo(9);
      assertThat(bodies(EVENT)).hasSize(1);
      assertThat(bodies(ACK)).hasSize(10).containsOnly("{\"acks\":[1]}");

      clock.advance(Duration.ofSeconds(30)); // past ack.timeout_secs: sent again
      o = sink.send(o.retry());
      assertThat(bodies(EVENT)).hasSize(2);
      assertThat(sink.hecStats().ackTimeouts.get()).isEqualTo(1);
      assertThat(logs.messages(Level.WARN))
          .contains(
              "Splunk did not confirm indexing within ack.timeout_secs while the ack poll failed; "
                  + "sending the events again (duplicates are possible). sink=splunk ack_id=1 "
                  + "events=2");
      assertThat(sink.hecStats().acksPending.get()).isZero();
    }
  }
}
