package dev.auditship.filter;

/** {@link NameResolver#NONE}: nothing configured, so nothing can be looked up. */
final class Unconfigured implements NameResolver {
  static final String REASON = "no Coder URL and session token are configured";

  @Override
  public Lookup organization(String nameOrId) {
    return Lookup.unavailable(REASON);
  }

  @Override
  public Lookup userByName(String username) {
    return Lookup.unavailable(REASON);
  }

  @Override
  public Lookup userByEmail(String email) {
    return Lookup.unavailable(REASON);
  }

  @Override
  public String toString() {
    return "NameResolver.NONE";
  }
}
