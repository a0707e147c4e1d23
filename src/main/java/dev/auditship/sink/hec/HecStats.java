package dev.auditship.sink.hec;

import java.util.concurrent.atomic.AtomicLong;

/**
 * HEC-specific counters of one sink (the delivery counters are {@code SinkStats}, kept by {@code
 * RetryingSink}): logged at DEBUG per request and in one INFO line when the sink closes.
 * Thread-safe.
 */
final class HecStats {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong bodyBytes = new AtomicLong();
  final AtomicLong wireBytes = new AtomicLong();
  final AtomicLong splits = new AtomicLong();
  final AtomicLong partials = new AtomicLong();
  final AtomicLong oversize = new AtomicLong();
  final AtomicLong acksPending = new AtomicLong();
  final AtomicLong acked = new AtomicLong();
  final AtomicLong ackTimeouts = new AtomicLong();
  final AtomicLong tokenReloads = new AtomicLong();

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
