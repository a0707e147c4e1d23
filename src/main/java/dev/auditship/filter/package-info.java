/**
 * Filters: Coder's own search-query language for audit and connection events
 * (docs/coder-reference.md §7, §8), used as a global {@code filter:} and per sink. {@link
 * dev.auditship.filter.QueryCompiler} turns a query into an {@link
 * dev.auditship.filter.EventFilter} or a list of errors in Coder's wording; {@link
 * dev.auditship.filter.NameResolver} turns organization names, usernames and emails into the IDs
 * the log carries, through Coder's API ({@link dev.auditship.filter.CoderNameResolver}) when a
 * Coder URL and token are configured.
 *
 * <p>State and concurrency: compiled filters are immutable and do no I/O, so any thread may call
 * them. The only mutable state is {@link dev.auditship.filter.CoderNameResolver}'s lookup cache (a
 * concurrent map). Operator documentation: {@code docs/filters.md}.
 */
package dev.auditship.filter;
