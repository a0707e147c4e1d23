/**
 * The syslog sink ({@code type: syslog}): each record becomes one syslog message.
 *
 * <ul>
 *   <li>{@link dev.auditship.sink.syslog.MessageEncoder} builds the message bytes: an RFC 5424
 *       header (PRI from {@link dev.auditship.sink.syslog.Priority}, the event's {@code Time} in
 *       UTC with microseconds, HOSTNAME, APP-NAME, PROCID {@code -}, MSGID {@code audit_log}/{@code
 *       connection_log}), {@link dev.auditship.sink.syslog.StructuredData} and the record as MSG;
 *       or an RFC 3164 line. It escapes newlines for LF framing and truncates at a UTF-8 boundary
 *       with a visible marker.
 *   <li>{@link dev.auditship.sink.syslog.Framer} adds RFC 6587 framing (octet counting or a LF
 *       trailer).
 *   <li>{@link dev.auditship.sink.syslog.Transport}: {@link dev.auditship.sink.syslog.UdpTransport}
 *       (one datagram per message, RFC 5426) and {@link dev.auditship.sink.syslog.StreamTransport}
 *       (TCP, or TLS per RFC 5425 with {@link dev.auditship.tls.TlsContexts}); both connect lazily
 *       and are dropped on any error, so the next send reconnects.
 *   <li>{@link dev.auditship.sink.syslog.ReplayWindow} keeps the frames last written on a stream
 *       connection (up to {@code replay_window_bytes}), since TCP and TLS syslog have no
 *       acknowledgement; the sink writes them again on the next connection when one breaks.
 *   <li>{@link dev.auditship.sink.syslog.SyslogSink} ties them together and reports per record what
 *       was written. It never waits between attempts or retries a batch itself: back-off is {@code
 *       sink.RetryingSink}'s. (It does reconnect at once to replay the window when it sees a
 *       connection close right after a batch, and at shutdown.)
 * </ul>
 *
 * <p>Threads: the sink is used by one thread at a time (the pipeline's or the spool drainer's). A
 * stream transport owns one extra daemon thread, a watchdog that closes the socket when a write
 * blocks longer than {@code write_timeout_secs}, which makes the blocked write fail so the batch is
 * retried on a new connection. The replay window belongs to the sink and is touched only by the
 * sending thread.
 */
package dev.auditship.sink.syslog;
