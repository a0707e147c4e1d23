package dev.auditship.sink.hec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.auditship.sink.hec.HecFixtures.audit;
import static dev.auditship.sink.hec.HecFixtures.json;
import static dev.auditship.sink.hec.HecFixtures.jsonRecords;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.Secret;
import dev.auditship.sink.Outcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HEC through an HTTP proxy that demands Basic authentication (RFC 9110 §11.7.1: 407 with {@code
 * Proxy-Authenticate}, then the request again with {@code Proxy-Authorization}). The proxy is a
 * second WireMock that forwards to the HEC WireMock once the credentials are right.
 */
class HecProxyTest {
  private static final String EVENT = "/services/collector/event";

  @RegisterExtension
  static WireMockExtension hec =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

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

  @Test
  void eventsGoThroughTheProxyWithBasicCredentialsAfterItsChallenge() throws Exception {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("svc-audit:pr0xy pass".getBytes(StandardCharsets.UTF_8));
    hec.stubFor(
        post(urlEqualTo(EVENT))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    proxy.stubFor(
        any(anyUrl())
            .atPriority(2)
            .withHeader("Proxy-Authorization", absent())
            .willReturn(
                aResponse()
                    .withStatus(407)
                    .withHeader("Proxy-Authenticate", "Basic realm=\"corp\"")));
    proxy.stubFor(
        any(anyUrl())
            .atPriority(1)
            .withHeader("Proxy-Authorization", equalTo(basic))
            .willReturn(aResponse().proxiedFrom("http://127.0.0.1:" + hec.getPort())));

    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + hec.getPort());
    c.proxy = URI.create("http://127.0.0.1:" + proxy.getPort());
    c.proxyAuth = new HecSinkConfig.ProxyAuth("svc-audit", Secret.of("pr0xy pass"));
    try (HecSink sink = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {})) {
      assertThat(sink.send(List.of(json(audit())))).isEqualTo(Outcome.delivered());
    }
    proxy.verify(
        postRequestedFor(anyUrl()).withHeader("Proxy-Authorization", absent())); // the challenge
    proxy.verify(postRequestedFor(anyUrl()).withHeader("Proxy-Authorization", equalTo(basic)));
    hec.verify(
        1,
        postRequestedFor(urlEqualTo(EVENT))
            .withHeader("Authorization", equalTo("Splunk " + HecFixtures.TOKEN)));
    assertThat(c.build().toString()).contains("(user svc-audit)").doesNotContain("pr0xy");
  }

  @Test
  void withoutCredentialsTheProxysRefusalIsAConfigurationFault() throws Exception {
    proxy.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(407)
                    .withHeader("Proxy-Authenticate", "Basic realm=\"corp\"")));
    HecFixtures.Cfg c = new HecFixtures.Cfg("http://127.0.0.1:" + hec.getPort());
    c.proxy = URI.create("http://127.0.0.1:" + proxy.getPort());
    try (HecSink sink = new HecSink("splunk", true, c.build(), Clock.systemUTC(), d -> {})) {
      Outcome o = sink.send(List.of(json(audit())));
      assertThat(o.done()).isFalse();
      assertThat(o.reason()).isNotNull();
      System.out.println(
          "407 without credentials: configFault=" + o.configFault() + " " + o.reason());
    }
  }
}
