package dev.auditship.filter;

import java.util.Objects;

/**
 * Resolves the names an operator writes in a query (organization names, usernames, emails) to the
 * IDs that Coder's log lines carry. The log has {@code OrganizationID}, {@code WorkspaceOwnerID}
 * and {@code UserID}, never the names (docs/coder-reference.md §2, §3), so a query such as {@code
 * organization:acme} can only be checked after a lookup.
 *
 * <p>Lookups happen when a query is compiled (at validate time and start-up), never per event.
 * Implementations must be safe to call from several threads.
 */
public interface NameResolver {

  /** The resolver used when no Coder URL and token are configured: every lookup is unavailable. */
  NameResolver NONE = new Unconfigured();

  /** Resolves an organization name (or ID) to the organization ID. */
  Lookup organization(String nameOrId);

  /** Resolves a username to the user ID. */
  Lookup userByName(String username);

  /** Resolves an email address to the ID of the user that has it. */
  Lookup userByEmail(String email);

  /** The outcome of one lookup. */
  sealed interface Lookup permits Lookup.Found, Lookup.NotFound, Lookup.Unavailable {

    /** The name exists; {@code id} is the canonical lower-case UUID. */
    record Found(String id) implements Lookup {
      public Found {
        Objects.requireNonNull(id, "id");
      }
    }

    /** Coder answered that no such name exists (or the token may not see it). */
    record NotFound() implements Lookup {}

    /**
     * The lookup could not be made or answered; {@code reason} completes the sentence "the name
     * must be looked up in Coder, but ...", for example {@code Coder answered HTTP 500 to GET
     * /api/v2/users/bob}.
     */
    record Unavailable(String reason) implements Lookup {
      public Unavailable {
        Objects.requireNonNull(reason, "reason");
      }
    }

    static Lookup found(String id) {
      return new Found(id);
    }

    static Lookup notFound() {
      return new NotFound();
    }

    static Lookup unavailable(String reason) {
      return new Unavailable(reason);
    }
  }
}
