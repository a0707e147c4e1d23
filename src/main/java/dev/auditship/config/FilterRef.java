package dev.auditship.config;

/**
 * A filter query as written in the config, with where it was written, so query errors can name the
 * place.
 *
 * @param query the query text (Coder's search syntax)
 * @param path the config key path, {@code filter} or {@code sinks.<name>.filter}
 * @param loc where the value was written
 */
public record FilterRef(String query, String path, Node.Loc loc) {}
