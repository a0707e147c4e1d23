package dev.auditship.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.auditship.config.Secret;
import dev.auditship.config.TlsSettings;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An error answer that echoes the session token does not carry it into what the source logs. */
class CoderApiClientRedactTest {
  @Test
  void anErrorBodyEchoingTheTokenIsRedacted() throws Exception {
    String token = "s3cr3t-TOKEN-abcdef";
    WireMockServer coder = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    coder.start();
    try (CoderApiClient client =
        new CoderApiClient(
            URI.create("http://127.0.0.1:" + coder.port()),
            Secret.of(token),
            Duration.ofSeconds(5),
            TlsSettings.DEFAULT)) {
      coder.stubFor(
          get(urlPathEqualTo("/api/v2/audit"))
              .willReturn(
                  aResponse()
                      .withStatus(401)
                      .withBody(
                          "{\"message\":\"API key "
                              + token
                              + " is invalid\",\"detail\":\""
                              + token
                              + "\"}")));
      CoderApiClient.Response r = client.get("/api/v2/audit?limit=1");
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.body())
          .isEqualTo("{\"message\":\"API key [redacted] is invalid\",\"detail\":\"[redacted]\"}");
      assertThat(CoderApiSource.coderMessage(r.body()))
          .isEqualTo("API key [redacted] is invalid: [redacted]");
    } finally {
      coder.stop();
    }
  }
}
