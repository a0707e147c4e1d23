package dev.auditship.sink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one sink, logged periodically and at shutdown. Every drop has a counter (DESIGN §7.7).
 * Thread-safe.
 */
public final class SinkStats {
    public final AtomicLong delivered = new AtomicLong();
    public final AtomicLong retried = new AtomicLong();
    public final AtomicLong deadLettered = new AtomicLong();
    public final AtomicLong filtered = new AtomicLong();
    public final AtomicLong pausedMillis = new AtomicLong();
    /** Events dropped by an explicit operator choice (spool {@code when_full: drop_newest}, spool max_age). */
    public final AtomicLong dropped = new AtomicLong();

    /** {@code delivered=… retried=… dead_lettered=… filtered=… dropped=… paused_ms=…} */
    public String summary() {
        return "delivered=" + delivered.get() + " retried=" + retried.get() + " dead_lettered=" + deadLettered.get()
                + " filtered=" + filtered.get() + " dropped=" + dropped.get() + " paused_ms=" + pausedMillis.get();
    }
}
