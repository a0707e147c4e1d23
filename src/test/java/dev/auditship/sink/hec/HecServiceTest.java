package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.auditship.config.HecSinkConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP side of the HEC sink: what a request leaves behind once its answer is in. */
class HecServiceTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  @Test
  void answeredRequestsLeaveNoDeadlineQueued() throws Exception {
    wm.stubFor(
        post(urlEqualTo(HecService.EVENT_PATH))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    wm.stubFor(
        post(urlEqualTo(HecService.ACK_PATH))
            .willReturn(aResponse().withStatus(503).withBody("{\"text\":\"Server is busy\"}")));
    HecSinkConfig cfg = new HecFixtures.Cfg("http://127.0.0.1:" + wm.getPort()).build();
    byte[] body = "{\"event\":\"x\"}\n".getBytes(StandardCharsets.UTF_8);
    try (HecService service = new HecService(cfg, "channel", "auditship-test", Clock.systemUTC())) {
      for (int i = 0; i < 5; i++) {
        assertThat(service.post(HecService.EVENT_PATH, body, false, "token").code()).isZero();
      }
      assertThat(service.post(HecService.ACK_PATH, body, false, "token").status()).isEqualTo(503);
      // Each request's deadline (request_timeout_secs) is cancelled by its answer and must not stay
      // queued with the request and its body until the timeout would have passed: at a high request
      // rate that held tens of MB.
      assertThat(service.pendingDeadlines()).isZero();
    }
  }
}
