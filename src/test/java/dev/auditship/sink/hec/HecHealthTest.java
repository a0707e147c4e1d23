package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.auditship.sink.hec.HecFixtures.TOKEN;
import static dev.auditship.sink.hec.HecFixtures.jsonRecords;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.auditship.config.Secret;
import dev.auditship.sink.Outcome;
import dev.auditship.testutil.LogCapture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code checkConnectivity()} ({@code validate --check-connectivity}) and the check before the
 * first delivery.
 */
class HecHealthTest {
  private static final String HEALTH = "/services/collector/health";
  private static final String EVENT = "/services/collector/event";

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  private final List<HecSink> open = new ArrayList<>();

  @AfterEach
  void closeSinks() {
    open.forEach(HecSink::close);
  }

  private String base() {
    return "http://127.0.0.1:" + wm.getPort();
  }

  private HecSink sink(Consumer<HecFixtures.Cfg> tweak) throws IOException {
    HecFixtures.Cfg c = new HecFixtures.Cfg(base());
    tweak.accept(c);
    HecSink s = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {});
    open.add(s);
    return s;
  }

  private static void health(int status, String body) {
    wm.stubFor(get(urlEqualTo(HEALTH)).willReturn(aResponse().withStatus(status).withBody(body)));
  }

  /** What Splunk answers an empty POST once it has accepted the token. */
  private static void tokenAccepted() {
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(400).withBody("{\"text\":\"No data\",\"code\":5}")));
  }

  @Test
  void healthyAndTokenAccepted() throws Exception {
    health(200, "{\"text\":\"HEC is healthy\",\"code\":17}");
    tokenAccepted();
    assertThat(sink(c -> {}).checkConnectivity()).isNull();
    wm.verify(
        getRequestedFor(urlEqualTo(HEALTH))
            .withHeader(
                "Authorization",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("Splunk " + TOKEN)));
    // the token check posts nothing that could be indexed
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(EVENT))))
        .singleElement()
        .satisfies(r -> assertThat(r.getBody()).isEmpty());
  }

  @Test
  void queuesFull() throws Exception {
    health(503, "{\"text\":\"HEC is unhealthy, queues are full\",\"code\":18}");
    HecHealth.Health h = sink(c -> {}).health();
    assertThat(h.problem())
        .isEqualTo(
            "Splunk HEC is unhealthy: HTTP 503 code 18 \"HEC is unhealthy, queues are "
                + "full\" (its queues are full or its acknowledgement service is unavailable); delivery waits and retries");
    assertThat(h.transientProblem()).isTrue();
  }

  @Test
  void invalidTokenAtTheHealthEndpoint() throws Exception {
    health(400, "{\"text\":\"Invalid token\",\"code\":21}");
    assertThat(sink(c -> {}).checkConnectivity())
        .isEqualTo(
            "Splunk refused the token at "
                + base()
                + HEALTH
                + ": HTTP 400 code 21 \"Invalid token\"; check token");
  }

  @Test
  void invalidTokenFoundByTheEmptyPostWhenHealthIgnoresTokens(@TempDir Path dir) throws Exception {
    health(200, "{\"text\":\"HEC is healthy\",\"code\":17}");
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(
                aResponse().withStatus(403).withBody("{\"text\":\"Invalid token\",\"code\":4}")));
    Path file = dir.resolve("hec-token");
    Files.writeString(file, TOKEN + "\n");
    assertThat(sink(c -> c.token = Secret.fromFile(file)).checkConnectivity())
        .isEqualTo(
            "Splunk refused the "
                + "token: HTTP 403 code 4 \"Invalid token\"; check token_file ("
                + file
                + ")");
  }

  @Test
  void notAHecEndpoint() throws Exception {
    health(404, "<html>Not found</html>");
    assertThat(sink(c -> {}).checkConnectivity())
        .isEqualTo(
            "GET "
                + base()
                + HEALTH
                + " answered HTTP 404 "
                + "\"<html>Not found</html>\": not a Splunk HEC endpoint; check endpoint: (the base URL, e.g. "
                + "https://splunk:8088) and that HTTP Event Collector is enabled");
  }

  @Test
  void redirectedToTheWebUi() throws Exception {
    wm.stubFor(
        get(urlEqualTo(HEALTH))
            .willReturn(
                aResponse().withStatus(303).withHeader("Location", "/en-US/account/login")));
    assertThat(sink(c -> {}).checkConnectivity())
        .startsWith(
            "Splunk HEC answered HTTP 303 with a redirect to "
                + "/en-US/account/login; redirects are not followed");
  }

  @Test
  void unreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + port);
    HecSink sink = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {});
    open.add(sink);
    HecHealth.Health h = sink.health();
    assertThat(h.problem())
        .startsWith("unreachable: cannot connect to http://127.0.0.1:" + port + HEALTH + ": ");
    assertThat(h.transientProblem()).isTrue();
  }

  @Test
  void missingTokenFile(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope");
    assertThat(sink(c -> c.token = Secret.fromFile(missing)).checkConnectivity())
        .isEqualTo(
            "cannot read the HEC token from token file " + missing + ": no such file or directory");
    wm.verify(0, getRequestedFor(urlEqualTo(HEALTH)));
  }

  @Test
  void theStartupCheckRunsOnceBeforeTheFirstDeliveryAndOnlyLogs() throws Exception {
    health(503, "{\"text\":\"HEC is unhealthy, queues are full\",\"code\":18}");
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .withRequestBody(absent())
            .willReturn(aResponse().withStatus(400).withBody("{\"text\":\"No data\",\"code\":5}")));
    wm.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    try (LogCapture logs = LogCapture.everything()) {
      HecSink sink = sink(c -> c.healthCheck = true);
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      assertThat(sink.send(jsonRecords(1))).isEqualTo(Outcome.delivered());
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "Splunk HEC health check failed; events are kept and "
                  + "delivery retries. sink=splunk problem=\"Splunk HEC is unhealthy: HTTP 503 code 18 \\\"HEC is "
                  + "unhealthy, queues are full\\\" (its queues are full or its acknowledgement service is "
                  + "unavailable); delivery waits and retries\"");
    }
    wm.verify(1, getRequestedFor(urlEqualTo(HEALTH)));
  }

  @Test
  void aHealthyStartIsLoggedAtInfo() throws Exception {
    health(200, "{\"text\":\"HEC is healthy\",\"code\":17}");
    tokenAccepted();
    try (LogCapture logs = LogCapture.everything()) {
      HecSink sink = sink(c -> c.healthCheck = true);
      sink.send(List.of());
      assertThat(logs.messages(Level.INFO))
          .contains(
              "Splunk HEC is healthy and accepts the token. sink=splunk " + "endpoint=" + base());
    }
  }
}
