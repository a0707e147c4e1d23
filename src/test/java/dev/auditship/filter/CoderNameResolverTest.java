package dev.auditship.filter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.auditship.testutil.TestEvents.ALICE;
import static dev.auditship.testutil.TestEvents.BOB;
import static dev.auditship.testutil.TestEvents.ORG;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.auditship.filter.NameResolver.Lookup;
import dev.auditship.testutil.TestEvents;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The name lookup against a fake Coder API: answers, caching, not found and unavailable. */
class CoderNameResolverTest {
  static final String TOKEN = "s3cr3t-session-token";

  WireMockServer coder;
  CoderNameResolver resolver;

  @BeforeEach
  void start() {
    coder = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    coder.start();
    resolver = new CoderNameResolver(URI.create(base()), () -> TOKEN, Duration.ofSeconds(5));
  }

  // The address WireMock is bound to (baseUrl() would say localhost).
  String base() {
    return "http://127.0.0.1:" + coder.port();
  }

  @AfterEach
  void stop() throws Exception {
    resolver.close();
    coder.stop();
  }

  @Test
  void organizationByNameIsFoundOnceAndCached() {
    coder.stubFor(
        get("/api/v2/organizations/acme")
            .withHeader("Coder-Session-Token", equalTo(TOKEN))
            .willReturn(
                okJson("{\"id\":\"" + ORG + "\",\"name\":\"acme\",\"display_name\":\"Acme\"}")));

    assertThat(resolver.organization("acme")).isEqualTo(Lookup.found(ORG));
    assertThat(resolver.organization("acme")).isEqualTo(Lookup.found(ORG));

    coder.verify(
        1,
        getRequestedFor(urlEqualTo("/api/v2/organizations/acme"))
            .withHeader("Coder-Session-Token", equalTo(TOKEN)));
  }

  @Test
  void notFoundIsCachedToo() {
    coder.stubFor(
        get("/api/v2/organizations/nowhere")
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withBody(
                        "{\"message\":\"Resource not found or you do not have access to this resource\"}")));

    assertThat(resolver.organization("nowhere")).isEqualTo(Lookup.notFound());
    assertThat(resolver.organization("nowhere")).isEqualTo(Lookup.notFound());
    coder.verify(1, getRequestedFor(urlEqualTo("/api/v2/organizations/nowhere")));
  }

  @Test
  void serverErrorIsUnavailableAndNotCached() {
    coder.stubFor(get("/api/v2/organizations/acme").willReturn(aResponse().withStatus(500)));

    Lookup l = resolver.organization("acme");
    assertThat(l)
        .isEqualTo(Lookup.unavailable("Coder answered HTTP 500 to GET /api/v2/organizations/acme"));
    resolver.organization("acme");
    // Not cached, and no automatic retries: exactly one request per lookup.
    coder.verify(2, getRequestedFor(urlEqualTo("/api/v2/organizations/acme")));

    coder.stubFor(get("/api/v2/organizations/acme").willReturn(okJson("{\"id\":\"" + ORG + "\"}")));
    assertThat(resolver.organization("acme")).isEqualTo(Lookup.found(ORG));
  }

  @Test
  void refusedTokenIsUnavailable() {
    coder.stubFor(
        get("/api/v2/users/alice")
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody("{\"message\":\"You must be logged in to access this resource.\"}")));
    assertThat(resolver.userByName("alice"))
        .isEqualTo(
            Lookup.unavailable(
                "Coder refused the session token (HTTP 401 to GET /api/v2/users/alice)"));
  }

  @Test
  void unreachableCoderIsUnavailable() throws Exception {
    int port = coder.port();
    coder.stop();
    try (CoderNameResolver r =
        new CoderNameResolver(
            URI.create("http://127.0.0.1:" + port), () -> TOKEN, Duration.ofSeconds(2))) {
      Lookup l = r.organization("acme");
      assertThat(l).isInstanceOf(Lookup.Unavailable.class);
      assertThat(((Lookup.Unavailable) l).reason())
          .startsWith("Coder at http://127.0.0.1:" + port + " could not be reached (")
          .doesNotContain(TOKEN);
    }
  }

  @Test
  void brokenConnectionIsUnavailable() {
    coder.stubFor(
        get("/api/v2/users/alice")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    Lookup l = resolver.userByName("alice");
    assertThat(l).isInstanceOf(Lookup.Unavailable.class);
    assertThat(((Lookup.Unavailable) l).reason())
        .contains("could not be reached")
        .doesNotContain(TOKEN);
    coder.verify(1, getRequestedFor(urlEqualTo("/api/v2/users/alice")));
  }

  @Test
  void userByNameAndCodersAnswersForUnknownUsers() {
    coder.stubFor(
        get("/api/v2/users/alice")
            .willReturn(okJson("{\"id\":\"" + ALICE + "\",\"username\":\"alice\"}")));
    // httpmw.ExtractUserParam answers an unknown username with 400.
    coder.stubFor(
        get("/api/v2/users/ghost")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"message\":\"\\\"user\\\" must be an existing uuid or username.\"}")));
    coder.stubFor(get("/api/v2/users/hidden").willReturn(aResponse().withStatus(404)));

    assertThat(resolver.userByName("alice")).isEqualTo(Lookup.found(ALICE));
    assertThat(resolver.userByName("ghost")).isEqualTo(Lookup.notFound());
    assertThat(resolver.userByName("hidden")).isEqualTo(Lookup.notFound());
  }

  @Test
  void organizationAnswerWithoutIdIsUnavailable() {
    coder.stubFor(get("/api/v2/organizations/acme").willReturn(okJson("<html>not json")));
    assertThat(resolver.organization("acme"))
        .isEqualTo(
            Lookup.unavailable("Coder's answer to GET /api/v2/organizations/acme has no \"id\""));
  }

  @Test
  void userByEmailPicksTheExactMatchFromTheSubstringSearch() {
    coder.stubFor(
        get(urlPathEqualTo("/api/v2/users"))
            .withQueryParam("q", equalTo("alice@example.com"))
            .willReturn(
                okJson(
                    "{\"users\":["
                        + "{\"id\":\""
                        + BOB
                        + "\",\"username\":\"malice\",\"email\":\"malice@example.com\"},"
                        + "{\"id\":\""
                        + ALICE
                        + "\",\"username\":\"alice\",\"email\":\"Alice@Example.com\"}"
                        + "],\"count\":2}")));
    coder.stubFor(
        get(urlPathEqualTo("/api/v2/users"))
            .withQueryParam("q", equalTo("ice@example.com"))
            .willReturn(
                okJson(
                    "{\"users\":[{\"id\":\""
                        + ALICE
                        + "\",\"email\":\"alice@example.com\"}],\"count\":1}")));

    assertThat(resolver.userByEmail("alice@example.com")).isEqualTo(Lookup.found(ALICE));
    assertThat(resolver.userByEmail("ALICE@example.com"))
        .isEqualTo(Lookup.found(ALICE)); // cached, any case
    assertThat(resolver.userByEmail("ice@example.com")).isEqualTo(Lookup.notFound());
    coder.verify(1, getRequestedFor(urlEqualTo("/api/v2/users?q=alice%40example.com")));
  }

  @Test
  void namesAreOnePercentEncodedPathSegmentUnderThePathPrefix() throws Exception {
    coder.stubFor(
        get("/coder/api/v2/organizations/my%20org%2Fx")
            .willReturn(okJson("{\"id\":\"" + ORG + "\"}")));
    try (CoderNameResolver r =
        new CoderNameResolver(URI.create(base() + "/coder/"), () -> TOKEN, Duration.ofSeconds(5))) {
      assertThat(r.organization("my org/x")).isEqualTo(Lookup.found(ORG));
    }
  }

  @Test
  void theTokenIsReadForEachRequestAndABlankOneSendsNothing() throws Exception {
    AtomicReference<String> token = new AtomicReference<>("");
    coder.stubFor(
        get("/api/v2/users/alice")
            .withHeader("Coder-Session-Token", equalTo("rotated"))
            .willReturn(okJson("{\"id\":\"" + ALICE + "\"}")));
    try (CoderNameResolver r =
        new CoderNameResolver(URI.create(base()), token::get, Duration.ofSeconds(5))) {
      assertThat(r.userByName("alice"))
          .isEqualTo(Lookup.unavailable("no Coder session token is configured"));
      coder.verify(0, getRequestedFor(urlEqualTo("/api/v2/users/alice")));
      token.set("rotated");
      assertThat(r.userByName("alice")).isEqualTo(Lookup.found(ALICE));
    }
  }

  @Test
  void redirectsAreNotFollowed() {
    coder.stubFor(
        get("/api/v2/users/alice")
            .willReturn(
                aResponse().withStatus(302).withHeader("Location", "http://127.0.0.1:1/steal")));
    assertThat(resolver.userByName("alice"))
        .isEqualTo(Lookup.unavailable("Coder answered HTTP 302 to GET /api/v2/users/alice"));
  }

  @Test
  void theTokenNeverAppearsInTheResolverText() {
    assertThat(resolver.toString())
        .isEqualTo("CoderNameResolver[" + base() + "]")
        .doesNotContain(TOKEN);
  }

  @Test
  void compiledQueriesUseTheLookupOnceAndMatchByIdAfterwards() {
    coder.stubFor(get("/api/v2/organizations/acme").willReturn(okJson("{\"id\":\"" + ORG + "\"}")));
    coder.stubFor(get("/api/v2/users/alice").willReturn(okJson("{\"id\":\"" + ALICE + "\"}")));
    QueryCompiler compiler = new QueryCompiler(resolver);

    QueryCompiler.Compiled sshOnly =
        compiler.compile("organization:acme type:ssh workspace_owner:alice");
    QueryCompiler.Compiled auditDeletes = compiler.compile("organization:acme action:delete");
    assertThat(sshOnly.errors()).isEmpty();
    assertThat(auditDeletes.errors()).isEmpty();

    assertThat(sshOnly.filter().matches(TestEvents.sshConnect().event())).isTrue();
    assertThat(
            sshOnly.filter().matches(TestEvents.sshConnect().with("OrganizationID", BOB).event()))
        .isFalse();
    assertThat(
            auditDeletes
                .filter()
                .matches(TestEvents.templateWrite().with("Action", "delete").event()))
        .isTrue();
    assertThat(auditDeletes.filter().matches(TestEvents.sshConnect().event())).isFalse();
    coder.verify(1, getRequestedFor(urlEqualTo("/api/v2/organizations/acme")));
    coder.verify(1, getRequestedFor(urlEqualTo("/api/v2/users/alice")));
  }

  @Test
  void compiledQueriesReportNotFoundAndUnavailable() {
    coder.stubFor(get("/api/v2/organizations/nowhere").willReturn(aResponse().withStatus(404)));
    coder.stubFor(get("/api/v2/users/alice").willReturn(aResponse().withStatus(503)));
    QueryCompiler.Compiled c =
        new QueryCompiler(resolver).compile("organization:nowhere workspace_owner:alice");
    assertThat(c.errors())
        .containsExactly(
            "Query param \"organization\" has invalid value: organization \"nowhere\" either does not exist, or you are unauthorized to view it",
            "Query param \"workspace_owner\" has invalid value: the username \"alice\" must be looked up in Coder to get its ID, but Coder answered HTTP 503 to GET /api/v2/users/alice; check that Coder answers at the configured URL and accepts the session token, or use the user ID (a UUID)");
  }
}
