/**
 * The Splunk HTTP Event Collector sink ({@code type: splunk_hec}), split as Vector splits its HEC
 * sink:
 *
 * <ul>
 *   <li>{@link dev.auditship.config.HecSinkConfig}: the options (config package);
 *   <li>{@link dev.auditship.sink.hec.HecEncoder}: one event to one JSON envelope, exact bytes;
 *   <li>{@link dev.auditship.sink.hec.HecRequests}: envelopes to request bodies within {@code
 *       max_events} / {@code max_bytes}, gzip;
 *   <li>{@link dev.auditship.sink.hec.HecService}: the HTTP client (pooled connections, TLS from
 *       PEM files, proxy, timeouts; no automatic retries, no redirects);
 *   <li>{@link dev.auditship.sink.hec.HecClassifier}: HTTP status and HEC {@code code} to what
 *       happens to the events (docs/coder-reference.md §10.7);
 *   <li>{@link dev.auditship.sink.hec.HecAcks}: indexer acknowledgement polling (§10.6);
 *   <li>{@link dev.auditship.sink.hec.HecSink}: one delivery pass per batch; retries are {@link
 *       dev.auditship.sink.RetryingSink}'s.
 * </ul>
 *
 * <p>Concurrency: a {@code HecSink} is used by one delivery thread at a time; {@code close()} may
 * come from another thread (shutdown) and aborts a request in flight. Counters are atomic.
 */
package dev.auditship.sink.hec;
