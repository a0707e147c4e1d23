package dev.auditship.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.io.HttpProxy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Looks names up in Coder's REST API with a session token (header {@code Coder-Session-Token},
 * docs/coder-reference.md §6.4):
 *
 * <ul>
 *   <li>organization: {@code GET /api/v2/organizations/{nameOrId}}; 404 means not found.
 *   <li>username: {@code GET /api/v2/users/{username}}; Coder answers an unknown user with 400
 *       {@code "user" must be an existing uuid or username.} ({@code httpmw.ExtractUserParam}), and
 *       404 when the token may not see it, so both mean not found.
 *   <li>email: {@code GET /api/v2/users?q=<email>}, then the user whose email equals it, ignoring
 *       case. Coder's user search has no {@code email:} key (a query {@code email:x} is answered
 *       {@code "email" is not a valid query param}); its bare term searches emails and usernames by
 *       substring ({@code ILIKE}), so the exact match is picked here. No exact match means not
 *       found.
 * </ul>
 *
 * <p>Any other answer (401, 403, 5xx, a redirect, unreadable JSON) or a network error means
 * <em>unavailable</em>, with the reason; the compiler then refuses the query and says how to fix
 * it. There are no automatic retries or redirects: a lookup happens at validate time, where a clear
 * failure is better than a slow one, and a redirect must not carry the token to another host.
 *
 * <p>Found and not-found answers are cached for the life of this object (one configuration load),
 * so a name used in several filters is looked up once; unavailable answers are not cached, so a
 * later validation tries again. Thread-safe: two threads asking for the same new name at once may
 * both ask Coder.
 *
 * <p>The token is read from the supplier for each request (so a rotated token is picked up), sent
 * only in the header, and never logged or put into a message.
 */
public final class CoderNameResolver implements NameResolver, AutoCloseable {
  private final URI coderUrl;
  private final Supplier<String> sessionToken;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CoderNameResolver.class);

  private final CloseableHttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentMap<String, Lookup> cache = new ConcurrentHashMap<>();

  /**
   * @param coderUrl the Coder deployment, e.g. {@code https://coder.example.com} (a path prefix is
   *     kept)
   * @param sessionToken supplies the session token of a user allowed to read users and
   *     organizations
   * @param timeout for connecting and for the answer of each request
   */
  public CoderNameResolver(URI coderUrl, Supplier<String> sessionToken, Duration timeout) {
    this.coderUrl = Objects.requireNonNull(coderUrl, "coderUrl");
    this.sessionToken = Objects.requireNonNull(sessionToken, "sessionToken");
    Timeout t = Timeout.of(Objects.requireNonNull(timeout, "timeout"));
    HttpClientBuilder hb =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom().setConnectionRequestTimeout(t).setResponseTimeout(t).build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement();
    // HTTPS_PROXY / NO_PROXY as for the other HTTP clients; a bad proxy URL fails the lookups with
    // its reason rather than the start of the exporter.
    try {
      HttpProxy.apply(HttpProxy.select(coderUrl, null, System::getenv), hb);
    } catch (IllegalArgumentException e) {
      LOG.warn("Name lookups ignore the proxy: {}", e.getMessage());
    }
    this.http = hb.build();
  }

  @Override
  public Lookup organization(String nameOrId) {
    return cached(
        "organization:" + nameOrId, () -> one("/api/v2/organizations/" + segment(nameOrId), false));
  }

  @Override
  public Lookup userByName(String username) {
    return cached("user:" + username, () -> one("/api/v2/users/" + segment(username), true));
  }

  @Override
  public Lookup userByEmail(String email) {
    return cached("email:" + email.toLowerCase(Locale.ROOT), () -> byEmail(email));
  }

  @Override
  public void close() throws IOException {
    http.close();
  }

  @Override
  public String toString() {
    return "CoderNameResolver[" + shownUrl() + "]";
  }

  private Lookup cached(String key, Supplier<Lookup> lookup) {
    Lookup hit = cache.get(key);
    if (hit != null) {
      return hit;
    }
    Lookup l = lookup.get();
    if (!(l instanceof Lookup.Unavailable)) {
      cache.put(key, l);
    }
    return l;
  }

  // GET of one object that has an "id".
  private Lookup one(String path, boolean badRequestIsNotFound) {
    Answer a = get(path);
    if (a.failure() != null) {
      return a.failure();
    }
    if (a.status() == 404 || a.status() == 400 && badRequestIsNotFound) {
      return Lookup.notFound();
    }
    if (a.status() != 200) {
      return unexpectedStatus(path, a.status());
    }
    try {
      JsonNode id = json.readTree(a.body()).get("id");
      if (id != null && id.isTextual()) {
        return Lookup.found(id.asText());
      }
    } catch (IOException | RuntimeException e) {
      // Falls through to the message below.
    }
    return Lookup.unavailable("Coder's answer to GET " + path + " has no \"id\"");
  }

  private Lookup byEmail(String email) {
    String path = "/api/v2/users?q=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
    Answer a = get(path);
    if (a.failure() != null) {
      return a.failure();
    }
    if (a.status() != 200) {
      return unexpectedStatus(path, a.status());
    }
    try {
      JsonNode users = json.readTree(a.body()).get("users");
      if (users != null && users.isArray()) {
        for (JsonNode u : users) {
          JsonNode e = u.get("email");
          JsonNode id = u.get("id");
          if (e != null && id != null && id.isTextual() && e.asText().equalsIgnoreCase(email)) {
            return Lookup.found(id.asText());
          }
        }
        return Lookup.notFound();
      }
    } catch (IOException | RuntimeException e) {
      // Falls through to the message below.
    }
    return Lookup.unavailable("Coder's answer to GET " + path + " has no \"users\" list");
  }

  /** A status and body, or the failure that prevented one. */
  private record Answer(int status, String body, Lookup failure) {}

  private Answer get(String path) {
    String token = sessionToken.get();
    if (token == null || token.isBlank()) {
      return new Answer(0, null, Lookup.unavailable("no Coder session token is configured"));
    }
    HttpGet req = new HttpGet(resolve(path));
    req.setHeader("Coder-Session-Token", token);
    req.setHeader("Accept", "application/json");
    try {
      return http.execute(
          req,
          res ->
              new Answer(
                  res.getCode(),
                  res.getEntity() == null
                      ? ""
                      : EntityUtils.toString(res.getEntity(), StandardCharsets.UTF_8),
                  null));
    } catch (IOException | RuntimeException e) {
      return new Answer(
          0,
          null,
          Lookup.unavailable(
              "Coder at "
                  + shownUrl()
                  + " could not be reached ("
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + ")"));
    }
  }

  private static Lookup unexpectedStatus(String path, int status) {
    if (status == 401 || status == 403) {
      return Lookup.unavailable(
          "Coder refused the session token (HTTP " + status + " to GET " + path + ")");
    }
    return Lookup.unavailable("Coder answered HTTP " + status + " to GET " + path);
  }

  private URI resolve(String path) {
    String base = coderUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + path);
  }

  // The URL for messages, without any user:password part.
  private String shownUrl() {
    String s =
        coderUrl.getScheme()
            + "://"
            + coderUrl.getHost()
            + (coderUrl.getPort() >= 0 ? ":" + coderUrl.getPort() : "");
    String p = coderUrl.getRawPath();
    return p == null ? s : s + p;
  }

  // One path segment, percent-encoded (a space as %20, not +).
  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
