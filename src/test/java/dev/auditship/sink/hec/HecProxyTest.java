package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.auditship.sink.hec.HecFixtures.jsonRecords;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.auditship.sink.Outcome;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code proxy}: requests go to the proxy in absolute form. The endpoint's host is in the reserved
 * {@code .invalid} domain, so the request can only have arrived through the proxy (WireMock on
 * 127.0.0.1).
 */
class HecProxyTest {
  private static final String EVENT = "/services/collector/event";

  @RegisterExtension
  static WireMockExtension proxy =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  @Test
  void requestsGoThroughTheProxy() throws Exception {
    proxy.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://splunk.example.invalid:8088");
    c.proxy = URI.create("http://127.0.0.1:" + proxy.getPort());
    try (HecSink sink = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {})) {
      assertThat(sink.send(jsonRecords(2))).isEqualTo(Outcome.delivered());
    }
    List<LoggedRequest> reqs = proxy.findAll(postRequestedFor(urlEqualTo(EVENT)));
    assertThat(reqs).hasSize(1);
    assertThat(reqs.get(0).getHeader("Host")).isEqualTo("splunk.example.invalid:8088");
    assertThat(reqs.get(0).getAbsoluteUrl())
        .isEqualTo("http://splunk.example.invalid:8088" + EVENT);
  }
}
