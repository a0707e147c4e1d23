package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.auditship.sink.hec.HecFixtures.id;
import static dev.auditship.sink.hec.HecFixtures.jsonRecords;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.auditship.config.RetryConfig;
import dev.auditship.config.Secret;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink driven by the real retry wrapper: pauses, probes, resumes, dead letters; nothing is
 * lost.
 */
class HecDeliveryTest {
  private static final String EVENT = "/services/collector/event";
  private static final String OLD = "11111111-1111-4111-8111-111111111111";
  private static final String NEW = "22222222-2222-4222-8222-222222222222";

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  @TempDir Path dir;

  private String base() {
    return "http://127.0.0.1:" + wm.getPort();
  }

  @Test
  void refusedTokenPausesTheSinkKeepsTheEventsAndResumesWhenTheTokenFileChanges() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withHeader("Authorization", equalTo("Splunk " + OLD))
            .willReturn(
                aResponse().withStatus(403).withBody("{\"text\":\"Invalid token\",\"code\":4}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withHeader("Authorization", equalTo("Splunk " + NEW))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    Path tokenFile = dir.resolve("hec-token");
    Files.writeString(tokenFile, OLD + "\n");

    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T08:00:00Z"));
    AtomicInteger probes = new AtomicInteger();
    // The operator rotates the token while the sink is paused, after the second probe.
    HecFixtures.RecordingSleeper sleeper =
        new HecFixtures.RecordingSleeper(
            clock,
            () -> {
              if (probes.incrementAndGet() == 2) {
                try {
                  Files.writeString(tokenFile, NEW + "\n");
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            });
    HecFixtures.Cfg c = new HecFixtures.Cfg(base());
    c.token = Secret.fromFile(tokenFile);
    c.maxEvents = 2;
    SinkStats stats = new SinkStats();
    Path dlq = dir.resolve("dead-letters.ndjson");
    List<SinkRecord> batch = jsonRecords(5);
    try (LogCapture logs = LogCapture.everything();
        HecSink sink = new HecSink("splunk", true, c.build(), clock, sleeper);
        DeadLetters dl = new DeadLetters(new NdjsonFile(dlq), HecFixtures.JSON, clock)) {
      new RetryingSink(sink, RetryConfig.DEFAULT, dl, stats, sleeper).deliver(batch);

      assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
      assertThat(logs.messages(Level.ERROR))
          .containsExactly(
              "Sink paused by a configuration fault; events are kept "
                  + "and retried every PT30S. sink=splunk reason=\"Splunk refused the token: HTTP 403 code 4 "
                  + "\\\"Invalid token\\\"; token file "
                  + tokenFile
                  + " is read again before the next attempt\"");
      assertThat(logs.messages(Level.INFO))
          .contains(
              "Token read again after Splunk refused it; it has not changed. sink=splunk token_source=\"token file "
                  + tokenFile
                  + "\"",
              "Token read again after Splunk refused it; it has changed. sink=splunk token_source=\"token file "
                  + tokenFile
                  + "\"",
              "Sink works again; delivery resumed. sink=splunk");
      assertThat(sink.hecStats().tokenReloads.get()).isEqualTo(2);
    }
    assertThat(stats.delivered.get()).isEqualTo(5);
    assertThat(stats.deadLettered.get()).isZero();
    assertThat(Files.exists(dlq) ? Files.readAllLines(dlq) : List.of()).isEmpty();
    // Three attempts on the first request (refused, refused, accepted), then the rest.
    List<LoggedRequest> reqs = wm.findAll(postRequestedFor(urlEqualTo(EVENT)));
    assertThat(reqs)
        .extracting(r -> r.getHeader("Authorization").substring(7, 15))
        .containsExactly("11111111", "11111111", "22222222", "22222222", "22222222");
    Set<String> delivered = new LinkedHashSet<>();
    for (LoggedRequest r : reqs) {
      if (r.getHeader("Authorization").endsWith(NEW)) {
        for (String line : new String(r.getBody(), StandardCharsets.UTF_8).split("\n")) {
          delivered.add(
              new ObjectMapper().readTree(line).get("event").get("fields").get("ID").asText());
        }
      }
    }
    assertThat(delivered).containsExactly(id(0), id(1), id(2), id(3), id(4));
  }

  @Test
  void poisonEventsAreDeadLetteredWithSplunksReasonAndTheRestDelivered() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(containing(id(1)))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(413)
                    .withBody("{\"text\":\"Content-Length too large\",\"code\":27}")));
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T08:00:00Z"));
    HecFixtures.RecordingSleeper sleeper = new HecFixtures.RecordingSleeper(clock);
    SinkStats stats = new SinkStats();
    Path dlq = dir.resolve("dead-letters.ndjson");
    try (HecSink sink =
            new HecSink("splunk", true, new HecFixtures.Cfg(base()).build(), clock, sleeper);
        DeadLetters dl = new DeadLetters(new NdjsonFile(dlq), HecFixtures.JSON, clock)) {
      new RetryingSink(sink, RetryConfig.DEFAULT, dl, stats, sleeper).deliver(jsonRecords(3));
    }
    assertThat(sleeper.sleeps).isEmpty();
    assertThat(stats.delivered.get()).isEqualTo(2);
    assertThat(stats.deadLettered.get()).isEqualTo(1);
    List<String> lines = Files.readAllLines(dlq);
    assertThat(lines).hasSize(1);
    JsonNode dead = new ObjectMapper().readTree(lines.get(0));
    assertThat(dead.get("sink").asText()).isEqualTo("splunk");
    assertThat(dead.get("id").asText()).isEqualTo(id(1));
    assertThat(dead.get("reason").asText())
        .isEqualTo(
            "Splunk refused the request as too large: HTTP 413 code 27 "
                + "\"Content-Length too large\"; the event alone is larger than Splunk accepts (raise "
                + "max_content_length in Splunk's limits.conf [http_input])");
    assertThat(dead.get("time").asText()).isEqualTo("2025-07-03T08:00:00Z");
  }

  @Test
  void transientFailuresBackOffHonourRetryAfterAndDeliverEverything() throws Exception {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .inScenario("busy")
            .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
            .willSetStateTo("ok")
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Retry-After", "20")
                    .withBody("{\"text\":\"Server is busy\",\"code\":9}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .inScenario("busy")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    MutableClock clock = new MutableClock(Instant.parse("2025-07-03T08:00:00Z"));
    HecFixtures.RecordingSleeper sleeper = new HecFixtures.RecordingSleeper(clock);
    SinkStats stats = new SinkStats();
    try (HecSink sink =
            new HecSink("splunk", true, new HecFixtures.Cfg(base()).build(), clock, sleeper);
        DeadLetters dl =
            new DeadLetters(new NdjsonFile(dir.resolve("dl.ndjson")), HecFixtures.JSON, clock)) {
      new RetryingSink(sink, RetryConfig.DEFAULT, dl, stats, sleeper).deliver(jsonRecords(4));
    }
    assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(20));
    assertThat(stats.delivered.get()).isEqualTo(4);
    assertThat(stats.retried.get()).isEqualTo(4);
    List<LoggedRequest> reqs = wm.findAll(postRequestedFor(urlEqualTo(EVENT)));
    assertThat(reqs).hasSize(2);
    assertThat(reqs.get(0).getBody()).isEqualTo(reqs.get(1).getBody());
  }
}
