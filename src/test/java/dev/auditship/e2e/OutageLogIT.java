package dev.auditship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.auditship.testutil.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logs speak during an outage: while Splunk refuses the token, Progress lines keep coming every
 * stats_interval_secs (with rates and lag) and a WARN says since when the sink is paused, why, and
 * how much waits; with {@code --log-format json} the counters are fields of the events.
 */
class OutageLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static WireMockExtension hec =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  @TempDir Path tmp;

  @Test
  void whilePausedProgressAndAStillPausedLineComeEveryIntervalWithCountersAsJsonFields()
      throws Exception {
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
            + "\nshutdown_timeout_secs: 1s\nstats_interval_secs: 300ms\nsinks:\n"
            + "  splunk:\n    type: splunk_hec\n    endpoint: http://127.0.0.1:"
            + hec.getPort()
            + "\n    token: t0k3n\n    health_check: false\n    retry: {pause_probe_secs: 10s}\n");
    Process p =
        Cli.builder(tmp, Map.of(), "--log-format", "json", "run", "--config", config.toString())
            .redirectError(tmp.resolve("stderr.txt").toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    List<JsonNode> still = new ArrayList<>();
    List<JsonNode> progress = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // The probe waits 10 s; within it, the 300 ms ticker must have spoken several times.
      while (still.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        still.clear();
        progress.clear();
        // Complete lines only: the exporter may be writing the last one while it is read.
        String err = Files.readString(tmp.resolve("stderr.txt"));
        for (String line : err.substring(0, err.lastIndexOf('\n') + 1).lines().toList()) {
          JsonNode n = JSON.readTree(line);
          String msg = n.path("message").asText();
          if (msg.startsWith("Sink still not delivering")) {
            still.add(n);
          } else if (msg.startsWith("Progress.") && n.has("sink")) {
            progress.add(n);
          }
        }
      }
    } finally {
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(still)
        .as(Files.readString(tmp.resolve("stderr.txt")))
        .hasSizeGreaterThanOrEqualTo(3);
    JsonNode w = still.get(0);
    assertThat(w.get("level").asText()).isEqualTo("WARN");
    assertThat(w.get("sink").asText()).isEqualTo("splunk");
    assertThat(w.get("state").asText()).isEqualTo("paused");
    assertThat(w.get("waiting_events").asLong()).isEqualTo(11);
    assertThat(w.get("reason").asText()).startsWith("Splunk refused the token");
    assertThat(w.get("since").asText()).isNotEmpty();
    assertThat(w.get("for_secs").isNumber()).isTrue();
    assertThat(w.get("oldest_waiting_age_secs").asLong()).isPositive();

    assertThat(progress).hasSizeGreaterThanOrEqualTo(3);
    JsonNode pr = progress.get(progress.size() - 1);
    assertThat(pr.get("delivered").isNumber()).isTrue();
    assertThat(pr.get("delivered").asLong()).isZero();
    assertThat(pr.get("paused_ms").isNumber()).isTrue();
    assertThat(pr.get("delivered_per_sec").isNumber()).isTrue();
    assertThat(pr.get("state").asText()).isEqualTo("paused");
    assertThat(pr.get("lag_secs").asLong()).isPositive();
    assertThat(pr.get("message").asText())
        .startsWith("Progress. sink=splunk delivered=0 retried=")
        .contains(" state=paused");
  }
}
