package dev.auditship.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.auditship.testutil.Cli;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics and health listener of a real exporter process, scraped while its Splunk sink is
 * paused (Splunk refuses the token) and a file sink delivers. The Prometheus text is parsed by an
 * independent parser: the official Prometheus Python client's ({@code
 * prometheus_client.parser.text_string_to_metric_families}, Debian package {@code
 * python3-prometheus-client}, installed by {@code .ci/run}).
 */
class MetricsEndpointIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static WireMockExtension hec =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  @TempDir Path tmp;

  record Sample(
      String family, String type, String name, Map<String, String> labels, double value) {}

  private static boolean parserInstalled() {
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import prometheus_client.parser")
              .redirectErrorStream(true)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private List<Sample> parse(String text) throws Exception {
    Path f = tmp.resolve("scrape.txt");
    Files.writeString(f, text);
    Path script = Path.of("src/test/resources/prometheus/parse.py").toAbsolutePath();
    Process p =
        new ProcessBuilder(PYTHON.toString(), script.toString(), f.toString())
            .redirectError(tmp.resolve("parse-err.txt").toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("parse-err.txt"))).isZero();
    List<Sample> samples = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        JsonNode n = JSON.readTree(line);
        samples.add(
            new Sample(
                n.get("family").asText(),
                n.get("type").asText(),
                n.get("name").asText(),
                JSON.convertValue(
                    n.get("labels"),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}),
                n.get("value").asDouble()));
      }
    }
    return samples;
  }

  private static double value(List<Sample> s, String name, Map<String, String> labels) {
    return s.stream()
        .filter(x -> x.name().equals(name) && x.labels().entrySet().containsAll(labels.entrySet()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + labels))
        .value();
  }

  @Test
  void scrapedWhileASinkIsPausedTheMetricsSayWhatIsStuckAndReadyzSaysNotReady() throws Exception {
    boolean have = parserInstalled();
    if (!have && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("python3-prometheus-client is missing: .ci/run installs it");
    }
    assumeTrue(have, "apt-get install python3-prometheus-client");
    hec.stubFor(
        post(urlEqualTo("/services/collector/event"))
            .willReturn(
                aResponse().withStatus(403).withBody("{\"text\":\"Invalid token\",\"code\":4}")));
    Path config = tmp.resolve("c.yaml");
    Files.writeString(
        config,
        "source: {type: file, follow: true, path: "
            + Path.of("samples/coder-server.log").toAbsolutePath()
            + "}\ndata_dir: "
            + tmp.resolve("data")
            + "\nshutdown_timeout_secs: 1s\nmetrics: {listen: \"127.0.0.1:0\"}\nsinks:\n"
            + "  splunk:\n    type: splunk_hec\n    endpoint: http://127.0.0.1:"
            + hec.getPort()
            + "\n    token: t0k3n\n    health_check: false\n    retry: {pause_probe_secs: 1s}\n"
            + "  copy: {type: file, path: "
            + tmp.resolve("out/copy.log")
            + "}\n");
    Process p =
        Cli.builder(tmp, Map.of(), "run", "--config", config.toString())
            .redirectError(tmp.resolve("stderr.txt").toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    try {
      Pattern listening = Pattern.compile("metrics=http://127\\.0\\.0\\.1:(\\d+)/metrics");
      String err = "";
      Matcher m = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        err = Files.readString(tmp.resolve("stderr.txt"));
        m = listening.matcher(err);
        if (m.find() && err.contains("Sink paused by a configuration fault")) {
          break;
        }
        assertThat(p.isAlive()).as(err).isTrue();
        Thread.sleep(50);
      }
      assertThat(err).contains("Sink paused by a configuration fault");
      String base = "http://127.0.0.1:" + m.group(1);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/plain; version=0.0.4");
      List<Sample> s = parse(metrics.body());

      Map<String, String> splunk = Map.of("sink", "splunk");
      Map<String, String> copy = Map.of("sink", "copy");
      assertThat(value(s, "auditship_source_events_total", Map.of())).isEqualTo(11);
      assertThat(value(s, "auditship_sink_delivered_total", copy)).isEqualTo(11);
      assertThat(value(s, "auditship_sink_delivered_total", splunk)).isZero();
      assertThat(value(s, "auditship_sink_in_flight_events", splunk)).isEqualTo(11);
      assertThat(value(s, "auditship_sink_in_flight_events", copy)).isZero();
      assertThat(
              value(
                  s,
                  "auditship_sink_paused",
                  Map.of("sink", "splunk", "reason", "configuration_fault")))
          .isEqualTo(1);
      assertThat(
              value(
                  s,
                  "auditship_sink_paused",
                  Map.of("sink", "splunk", "reason", "transient_failure")))
          .isZero();
      assertThat(
              value(
                  s,
                  "auditship_sink_paused",
                  Map.of("sink", "copy", "reason", "configuration_fault")))
          .isZero();
      // The newest event in the sample log is from 2025-07-10T11:00:00Z; the lag of the paused
      // sink is the age of its oldest held event (2025-07-03T06:55:02Z).
      assertThat(value(s, "auditship_sink_newest_delivered_event_timestamp_seconds", copy))
          .isEqualTo(Instant.parse("2025-07-10T11:00:00Z").getEpochSecond());
      assertThat(value(s, "auditship_sink_newest_delivered_event_timestamp_seconds", splunk))
          .isZero();
      assertThat(value(s, "auditship_sink_oldest_undelivered_event_age_seconds", splunk))
          .isGreaterThanOrEqualTo(
              Instant.now().getEpochSecond()
                  - Instant.parse("2025-07-03T06:55:02Z").getEpochSecond()
                  - 60);
      assertThat(value(s, "auditship_sink_paused_seconds_total", splunk)).isGreaterThanOrEqualTo(0);
      Sample bucket =
          s.stream()
              .filter(
                  x ->
                      x.name().equals("auditship_sink_request_duration_seconds_bucket")
                          && x.labels().get("sink").equals("splunk")
                          && x.labels().get("le").equals("+Inf"))
              .findFirst()
              .orElseThrow();
      assertThat(bucket.type()).isEqualTo("histogram");
      assertThat(bucket.value()).isGreaterThanOrEqualTo(1);
      assertThat(s)
          .anyMatch(x -> x.name().equals("jvm_memory_used_bytes"))
          .anyMatch(x -> x.name().equals("process_uptime_seconds"))
          .anyMatch(x -> x.name().equals("auditship_sink_dead_lettered_total"));
      assertThat(s.stream().filter(x -> x.family().equals("auditship_sink_delivered")))
          .allMatch(x -> x.type().equals("counter"));

      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonNode r = JSON.readTree(ready.body());
      assertThat(r.get("status").asText()).isEqualTo("not_ready");
      assertThat(r.at("/source/state").asText()).isEqualTo("running");
      assertThat(r.at("/sinks/splunk/state").asText()).isEqualTo("paused");
      assertThat(r.at("/sinks/splunk/reason").asText()).contains("Splunk refused the token");
      assertThat(r.at("/sinks/splunk/waiting_events").asInt()).isEqualTo(11);
      assertThat(r.at("/sinks/copy/state").asText()).isEqualTo("ok");

      HttpResponse<String> alive =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(alive.statusCode()).isEqualTo(200);
      assertThat(alive.body()).isEqualTo("{\"status\":\"alive\",\"phase\":\"running\"}\n");
    } finally {
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
