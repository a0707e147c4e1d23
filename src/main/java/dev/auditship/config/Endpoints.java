package dev.auditship.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation of {@code endpoint} values. */
public final class Endpoints {
  private Endpoints() {}

  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");

  /**
   * {@code v} as an error message may show it: what stands before an {@code @} after the scheme
   * (user and password) replaced by {@code ***}, since it may be a secret.
   */
  public static String shown(String v) {
    return USER_INFO.matcher(v).replaceFirst("$1***@");
  }

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
            "\"" + shown(v) + "\" is not an http:// or https:// URL",
            "write it as https://host[:port]");
        return null;
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        s.problem(key, "\"" + shown(v) + "\" has no host", "write it as https://host[:port]");
        return null;
      }
      if (u.getUserInfo() != null) {
        s.problem(
            key,
            "the URL must not contain credentials",
            key.equals("proxy")
                ? "remove user:password@ and set proxy_user and proxy_password (or"
                    + " proxy_password_file)"
                : "remove user:password@ and use the token option");
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      s.problem(
          key,
          "\"" + shown(v) + "\" is not a valid URL: " + e.getReason(),
          "write it as https://host[:port]");
      return null;
    }
  }
}
