package dev.auditship.sink.hec;

import dev.auditship.metrics.Counter;
import dev.auditship.metrics.Gauge;
import dev.auditship.metrics.Metrics;
import java.util.Map;

/**
 * HEC-specific counters of one sink (the delivery counters are {@code SinkStats}, kept by {@code
 * RetryingSink}): logged at DEBUG per request and in one INFO line when the sink closes.
 * Thread-safe.
 */
final class HecStats {
  final Counter requests = new Counter();
  final Counter bodyBytes = new Counter();
  final Counter wireBytes = new Counter();
  final Counter splits = new Counter();
  final Counter partials = new Counter();
  final Counter oversize = new Counter();
  final Gauge acksPending = new Gauge();
  final Counter acked = new Counter();
  final Counter ackTimeouts = new Counter();
  final Counter tokenReloads = new Counter();

  /** Registers these counters in {@code metrics}, labelled {@code sink=<sink>}. */
  void register(Metrics metrics, String sink) {
    Map<String, String> l = Map.of("sink", sink);
    metrics.counter("auditship_hec_requests_total", "HTTP requests sent to HEC.", l, requests);
    metrics.counter(
        "auditship_hec_body_bytes_total", "Request body bytes before compression.", l, bodyBytes);
    metrics.counter("auditship_hec_wire_bytes_total", "Request body bytes sent.", l, wireBytes);
    metrics.counter(
        "auditship_hec_splits_total", "Batches split to fit max_request_bytes.", l, splits);
    metrics.counter(
        "auditship_hec_partial_batches_total", "Requests HEC accepted only in part.", l, partials);
    metrics.counter(
        "auditship_hec_oversize_total", "Events larger than max_request_bytes.", l, oversize);
    metrics.counter("auditship_hec_acked_total", "Events HEC acknowledged.", l, acked);
    metrics.counter(
        "auditship_hec_ack_timeouts_total",
        "Acknowledgements that did not come in time.",
        l,
        ackTimeouts);
    metrics.gauge("auditship_hec_acks_pending", "Acknowledgements awaited now.", l, acksPending);
    metrics.counter(
        "auditship_hec_token_reloads_total",
        "Times the token file was read again.",
        l,
        tokenReloads);
  }

  /**
   * {@code requests=… body_bytes=… wire_bytes=… splits=… partial_batches=… oversize=… acked=…
   * ack_timeouts=… acks_pending=… token_reloads=…}
   */
  String summary() {
    return "requests="
        + requests.get()
        + " body_bytes="
        + bodyBytes.get()
        + " wire_bytes="
        + wireBytes.get()
        + " splits="
        + splits.get()
        + " partial_batches="
        + partials.get()
        + " oversize="
        + oversize.get()
        + " acked="
        + acked.get()
        + " ack_timeouts="
        + ackTimeouts.get()
        + " acks_pending="
        + acksPending.get()
        + " token_reloads="
        + tokenReloads.get();
  }
}
