/**
 * Coder's slog lines both ways, bytes first: the decoder ({@link dev.auditship.codec.LogDecoder},
 * JSON and human lines) and the encoders ({@link dev.auditship.codec.JsonFormat}, {@link
 * dev.auditship.codec.HumanFormat}) side by side, so the rules that make output byte-exact live in
 * one place (docs/benchmarks.md explains the fast paths).
 *
 * <h2>The {@link dev.auditship.codec.Format} contract</h2>
 *
 * <ul>
 *   <li><b>One verb</b>: {@code write(Event, ByteBuf)} appends one record as UTF-8 bytes to a
 *       buffer the caller owns and reuses from record to record. No final newline: sinks frame.
 *   <li><b>Pure</b>: no I/O, no clock, no mutable state; one instance serves every thread. Options
 *       (envelope defaults, time style, a SIEM vendor's product name) are constructor arguments,
 *       validated when the format is built.
 *   <li><b>Deterministic</b>: the same event gives the same bytes. The spool relies on it when it
 *       rebuilds a record after a restart.
 *   <li><b>Read events through their views</b>: {@link dev.auditship.event.AuditView} and {@link
 *       dev.auditship.event.ConnectionView} for typed fields, {@link
 *       dev.auditship.event.Event#fields()} for every field in slog's order. Values are decoded
 *       once per event, not per format.
 *   <li><b>Text helpers</b>: {@link dev.auditship.text.ByteBuf} writes ASCII, UTF-8 (invalid input
 *       bytes come back as they were) and numbers; {@link dev.auditship.text.GoText} has Go's JSON
 *       and {@code strconv.Quote} escaping for both byte buffers and builders.
 *   <li><b>Fast path</b>: {@link dev.auditship.event.Event#jsonLine()} is the input line when it is
 *       already exactly what slog's JSON sink prints for the event (checked once, at decode); the
 *       json format copies it. A format that embeds the slog JSON (a SIEM envelope) may do the
 *       same. Likewise {@link dev.auditship.event.Event#humanLine()} for a human input line that is
 *       exactly slog's human print (the human format copies it), and the human format writes the
 *       values of a lazily read JSON line straight from its bytes where they need no decoding.
 *   <li><b>Human lines</b> are read from their bytes by {@code HumanLineScanner}; anything it is
 *       not sure of goes to {@code HumanLineDecoder}, which stays the definition (and gives the
 *       reject reasons), as Jackson does for JSON lines.
 * </ul>
 *
 * Adding a format: one class implementing {@code Format}, one line in the format registry, golden
 * tests with exact bytes.
 */
package dev.auditship.codec;
