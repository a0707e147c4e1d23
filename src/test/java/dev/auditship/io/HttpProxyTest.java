package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which proxy a destination gets: the sink's own, or the environment's with NO_PROXY. */
class HttpProxyTest {
  private static HttpProxy select(String target, Map<String, String> env) {
    return HttpProxy.select(URI.create(target), null, env::get);
  }

  @Test
  void httpsDestinationsUseHttpsProxyHttpOnesHttpProxyLowerCaseFirst() {
    Map<String, String> env =
        Map.of(
            "HTTPS_PROXY", "http://upper:3128",
            "https_proxy", "http://lower:3128",
            "HTTP_PROXY", "plain.example:8080");
    assertThat(select("https://splunk.example:8088", env).host().toURI())
        .isEqualTo("http://lower:3128");
    assertThat(select("http://splunk.example:8088", env).host().toURI())
        .isEqualTo("http://plain.example:8080");
    assertThat(select("https://splunk.example", Map.of())).isNull();
  }

  @Test
  void credentialsComeFromTheUrlAndAreNeverShown() {
    HttpProxy p =
        select(
            "https://splunk.example",
            Map.of("HTTPS_PROXY", "http://svc-audit:p%40ss%3Aw0rd@proxy.corp:3128"));
    assertThat(p.authenticated()).isTrue();
    assertThat(p.toString())
        .isEqualTo("http://proxy.corp:3128 (from HTTPS_PROXY, with credentials)")
        .doesNotContain("p@ss");
  }

  @Test
  void theSinksOwnProxyWinsEvenForLoopback() {
    HttpProxy p =
        HttpProxy.select(
            URI.create("http://127.0.0.1:8088"),
            URI.create("http://127.0.0.1:3128"),
            Map.of("NO_PROXY", "*")::get);
    assertThat(p.toString()).isEqualTo("http://127.0.0.1:3128 (from proxy:)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://splunk.example.com|example.com|true",
        "https://example.com|example.com|true",
        "https://notexample.com|example.com|false",
        "https://example.com|.example.com|false",
        "https://a.example.com|.example.com|true",
        "https://a.example.com|*.example.com|true",
        "https://splunk.example:8088|splunk.example:8088|true",
        "https://splunk.example:8089|splunk.example:8088|false",
        "https://10.1.2.3:8088|10.0.0.0/8|true",
        "https://11.1.2.3:8088|10.0.0.0/8|false",
        "https://192.0.2.7|192.0.2.7|true",
        "https://[2001:db8::1]:8088|2001:db8::/32|true",
        "https://[2001:db9::1]:8088|2001:db8::/32|false",
        "https://anything.example|*|true",
        "https://splunk.example| other.example , splunk.example |true",
      })
  void noProxy(String target, String noProxy, boolean direct) {
    HttpProxy p =
        select(target, Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", noProxy));
    assertThat(p == null).as(target + " with NO_PROXY=" + noProxy).isEqualTo(direct);
  }

  @Test
  void aMalformedNoProxyEntryIsSkippedAsCurlAndGoDo() {
    // A bracketed host with a port that is not a number (review #8): the entry is ignored, the
    // others still apply, and nothing fails.
    Map<String, String> env =
        Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", "[::1]:x,[fe80::1]:,other");
    assertThat(select("https://splunk.example:8088", env)).isNotNull();
    assertThat(select("https://other:8088", env)).isNull();
  }

  @Test
  void loopbackIsNeverSentToAnEnvironmentProxy() {
    Map<String, String> env = Map.of("HTTP_PROXY", "http://proxy.corp:3128");
    assertThat(select("http://127.0.0.1:8088", env)).isNull();
    assertThat(select("http://localhost:8088", env)).isNull();
    assertThat(select("http://[::1]:8088", env)).isNull();
  }

  @Test
  void anUnusableProxyUrlIsRefusedInOperatorWordsWithoutItsCredentials() {
    assertThatThrownBy(
            () -> select("https://s.example", Map.of("HTTPS_PROXY", "https://u:secret@proxy:3128")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the proxy given by HTTPS_PROXY must be an http:// URL (https destinations are"
                + " tunnelled through it with CONNECT), got https://");
    assertThatThrownBy(() -> select("https://s.example", Map.of("HTTPS_PROXY", "http://u:secret@")))
        .hasMessageNotContaining("secret");
  }
}
