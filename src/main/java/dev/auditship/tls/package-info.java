/**
 * TLS for every client: one builder of {@link javax.net.ssl.SSLContext} from a {@link
 * dev.auditship.config.TlsSettings} ({@link dev.auditship.tls.TlsContexts}) and one classifier of
 * TLS failures ({@link dev.auditship.tls.TlsFailures}): which need an operator (pause the sink) and
 * which are transient (retry).
 */
package dev.auditship.tls;
