package dev.auditship.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.metrics.Metrics;
import dev.auditship.metrics.SinkState;
import dev.auditship.pipeline.Pipeline;
import dev.auditship.source.Source;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code /readyz} on loopback, with the pipeline's health given directly. */
class StatusServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(StatusServer s, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://" + StatusServer.show(s.address()) + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSourceThatCannotReadForAConfigurationFaultIsNotReadyUntilItReadsAgain() throws Exception {
    Source.Fault fault =
        new Source.Fault(
            "Coder refused the session token (HTTP 401): check token or token_file. "
                + "message=\"Invalid session token.\"",
            Instant.parse("2026-11-28T09:00:00Z"));
    AtomicReference<Pipeline.Health> health =
        new AtomicReference<>(new Pipeline.Health(Pipeline.Phase.RUNNING, Map.of(), fault));
    try (StatusServer s =
        StatusServer.start(new InetSocketAddress("127.0.0.1", 0), new Metrics(), health::get)) {
      HttpResponse<String> r = get(s, "/readyz");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body())
          .isEqualTo(
              "{\"status\":\"not_ready\",\"source\":{\"state\":\"running\",\"since\":"
                  + "\"2026-11-28T09:00:00Z\",\"reason\":\"Coder refused the session token (HTTP "
                  + "401): check token or token_file. message=\\\"Invalid session token.\\\"\"},"
                  + "\"sinks\":{}}\n");
      // Liveness is not readiness: the process is alive.
      assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);

      health.set(new Pipeline.Health(Pipeline.Phase.RUNNING, Map.of(), null));
      r = get(s, "/readyz");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .isEqualTo("{\"status\":\"ready\",\"source\":{\"state\":\"running\"},\"sinks\":{}}\n");
    }
  }

  @Test
  void aReloadThatWaitsForARetryingSinkIsShownWithoutMakingTheRunUnready() throws Exception {
    SinkState state = new SinkState();
    state.mode(
        SinkState.Mode.RETRYING, Instant.parse("2026-11-28T09:00:00Z"), "Connection refused");
    Pipeline.Health h =
        new Pipeline.Health(
            Pipeline.Phase.RUNNING,
            Map.of("splunk", state.get()),
            null,
            new Pipeline.ReloadWait(Instant.parse("2026-11-28T09:00:05Z"), List.of("splunk")));
    try (StatusServer s =
        StatusServer.start(new InetSocketAddress("127.0.0.1", 0), new Metrics(), () -> h)) {
      HttpResponse<String> r = get(s, "/readyz");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .isEqualTo(
              "{\"status\":\"ready\",\"source\":{\"state\":\"running\"},\"sinks\":{\"splunk\":"
                  + "{\"state\":\"retrying\",\"since\":\"2026-11-28T09:00:00Z\",\"reason\":"
                  + "\"Connection refused\",\"waiting_events\":0}},\"reload\":{\"state\":"
                  + "\"pending\",\"since\":\"2026-11-28T09:00:05Z\",\"waiting_for\":[\"splunk\"]}}\n");
    }
  }
}
