package dev.auditship.source;

import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.source.ApiJson.J;
import dev.auditship.source.ApiJson.Obj;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code validate --check-connectivity} for the Coder API source: is Coder reachable, is the token
 * accepted, may its user read audit logs (the Owner or Auditor role), does the licence include
 * audit logs, and does this Coder release have connection logs. Each problem comes with the fix;
 * none prints the token. Requests are the ones the source makes (GET, {@code Coder-Session-Token}).
 */
public final class CoderApiProbe {
  private CoderApiProbe() {}

  /** Every problem found, each a sentence with its fix; empty when the source can poll. */
  public static List<String> check(CoderApiSourceConfig c) {
    List<String> problems = new ArrayList<>();
    try (CoderApiClient client =
        new CoderApiClient(c.endpoint(), c.token(), c.timeout(), c.tls())) {
      check(client, c, problems);
    } catch (IOException e) {
      problems.add("cannot set up the client for " + c.endpoint() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add("interrupted");
    }
    return problems;
  }

  private static void check(CoderApiClient client, CoderApiSourceConfig c, List<String> problems)
      throws InterruptedException {
    // Reachable: buildinfo needs no token.
    CoderApiClient.Response info = get(client, "/api/v2/buildinfo", problems, c);
    if (info == null) {
      return;
    }
    if (info.status() != 200 || !(parse(info.body()) instanceof Obj bi)) {
      problems.add(
          "Coder's API did not answer as Coder does at "
              + c.endpoint()
              + " (GET /api/v2/buildinfo: HTTP "
              + info.status()
              + "): check endpoint, it must be Coder's URL (https://coder.example.com)");
      return;
    }
    String version = str(bi, "version");

    CoderApiClient.Response me = get(client, "/api/v2/users/me", problems, c);
    if (me == null) {
      return;
    }
    if (me.status() == 401 || me.status() == 403) {
      problems.add(
          "Coder refused the session token (HTTP "
              + me.status()
              + ": "
              + CoderApiSource.coderMessage(me.body())
              + "): create a token with `coder tokens create --lifetime 8760h` as an Owner or Auditor "
              + "and set token or token_file");
      return;
    }
    if (me.status() != 200 || !(parse(me.body()) instanceof Obj user)) {
      problems.add(
          "GET /api/v2/users/me answered HTTP "
              + me.status()
              + ": "
              + CoderApiSource.coderMessage(me.body())
              + "; check endpoint");
      return;
    }
    List<String> roles = new ArrayList<>();
    if (user.get("roles") instanceof ApiJson.Arr a) {
      for (J r : a.items()) {
        if (r instanceof Obj ro && ro.get("name") instanceof ApiJson.Str n) {
          roles.add(n.value().toLowerCase(Locale.ROOT));
        }
      }
    }
    if (!roles.contains("owner") && !roles.contains("auditor")) {
      problems.add(
          "the token's user "
              + str(user, "username")
              + " has neither the Owner nor the Auditor role (roles: "
              + (roles.isEmpty() ? "none" : String.join(", ", roles))
              + "), so Coder lists only the audit rows that user may read: give it the Auditor role "
              + "(coder users edit-roles "
              + str(user, "username")
              + " --roles auditor) or use the token of an Auditor");
    }

    // Licence: the audit_log feature (Premium).
    CoderApiClient.Response ent = get(client, "/api/v2/entitlements", problems, c);
    if (ent == null) {
      return;
    }
    if (ent.status() == 200
        && parse(ent.body()) instanceof Obj eo
        && eo.get("features") instanceof Obj features) {
      J audit = features.get("audit_log");
      String entitlement = audit instanceof Obj ao ? str(ao, "entitlement") : "not listed";
      boolean enabled =
          audit instanceof Obj ao2 && ao2.get("enabled") instanceof ApiJson.Bool b && b.value();
      if (!enabled || entitlement.equals("not_entitled") || entitlement.equals("not listed")) {
        problems.add(
            "the licence does not allow audit logs (features.audit_log entitlement="
                + entitlement
                + ", enabled="
                + enabled
                + "): audit and connection logs need a Premium licence; add one with "
                + "`coder licenses add`");
      }
    }

    for (String kind : c.kinds()) {
      String path =
          kind.equals("audit") ? CoderApiSource.AUDIT_PATH : CoderApiSource.CONNECTION_PATH;
      CoderApiClient.Response r = get(client, path + "?limit=1", problems, c);
      if (r == null) {
        return;
      }
      if (r.status() == 200) {
        continue;
      }
      String coder = CoderApiSource.coderMessage(r.body());
      if (r.status() == 404 && kind.equals("connection")) {
        problems.add(
            "this Coder release"
                + (version.isEmpty() ? "" : " (" + version + ")")
                + " has no connection logs (GET "
                + path
                + " answered 404): upgrade Coder, or poll kinds: [audit]");
      } else if (r.status() == 403) {
        problems.add(
            "Coder refused GET "
                + path
                + " (HTTP 403: "
                + coder
                + "): the token's user needs the Owner or Auditor role and the licence audit logs");
      } else {
        problems.add(
            "GET "
                + path
                + " answered HTTP "
                + r.status()
                + ": "
                + coder
                + (r.status() == 400 ? "; check q" : "; check endpoint"));
      }
    }
  }

  private static CoderApiClient.Response get(
      CoderApiClient client, String path, List<String> problems, CoderApiSourceConfig c)
      throws InterruptedException {
    try {
      return client.get(path);
    } catch (CoderApiClient.TokenUnreadable e) {
      problems.add(e.getMessage() + ": check token_file");
      return null;
    } catch (IOException e) {
      problems.add(
          "cannot reach Coder at "
              + c.endpoint()
              + ": "
              + e
              + "; check endpoint, that Coder runs, and the network (tls.ca_file for a private CA)");
      return null;
    }
  }

  private static J parse(String body) {
    try {
      return ApiJson.parse(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String str(Obj o, String key) {
    return o.get(key) instanceof ApiJson.Str s ? s.value() : "";
  }
}
