package dev.auditship.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Validation of {@code endpoint} values. */
public final class Endpoints {
  private Endpoints() {}

  /** An {@code http://} or {@code https://} URL with a host, or {@code null} (with a problem). */
  public static URI httpUrl(Section s, String key, boolean required) {
    String v =
        required
            ? s.requiredString(key, "set " + key + ": https://host[:port]")
            : s.string(key, null);
    if (v == null) {
      return null;
    }
    try {
      URI u = new URI(v);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        s.problem(
            key,
            "\"" + v + "\" is not an http:// or https:// URL",
            "write it as https://host[:port]");
        return null;
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        s.problem(key, "\"" + v + "\" has no host", "write it as https://host[:port]");
        return null;
      }
      if (u.getUserInfo() != null) {
        s.problem(
            key,
            "the URL must not contain credentials",
            "remove user:password@ and use the token option");
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      s.problem(
          key,
          "\"" + v + "\" is not a valid URL: " + e.getReason(),
          "write it as https://host[:port]");
      return null;
    }
  }
}
