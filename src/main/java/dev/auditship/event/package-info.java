/**
 * The one in-memory model of a Coder event ({@link dev.auditship.event.Event}): the slog envelope
 * and an ordered list of typed fields. Everything downstream of a source sees only Events. All
 * types here are immutable values.
 */
package dev.auditship.event;
