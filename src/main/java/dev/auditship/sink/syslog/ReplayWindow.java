package dev.auditship.sink.syslog;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The framed messages most recently written on a stream connection, kept so that they can be
 * written again on the next connection if this one breaks.
 *
 * <p>Why: TCP syslog (RFC 6587) and TLS syslog (RFC 5425) have no application acknowledgement. A
 * write that returned only means the bytes reached the local send buffer; they may still be lost
 * there, in flight, or unread in the receiver's receive buffer when the connection breaks (a
 * receiver that closes with data unread resets the connection "to show that data was lost", RFC
 * 1122 §4.2.2.13). What can be lost at a break is therefore at most what those buffers hold, so the
 * window keeps every frame that has a byte among the last {@code maxBytes} bytes written; older
 * frames are taken to have been received. Nothing better is possible without an acknowledgement:
 * the sender cannot see how much of its data the receiver has read.
 *
 * <p>Memory: at most {@code maxBytes} plus one frame. {@code maxBytes} 0 keeps nothing.
 *
 * <p>Not thread-safe: used by the sink's one sending thread.
 */
final class ReplayWindow {
  private final long maxBytes;
  private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
  private long bytes;

  ReplayWindow(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes < 0");
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Records a frame just written to the connection, and forgets from the oldest end the frames that
   * now lie entirely before the last {@code maxBytes} bytes written.
   */
  void written(byte[] frame) {
    if (maxBytes == 0) {
      return;
    }
    frames.addLast(frame);
    bytes += frame.length;
    while (bytes - frames.peekFirst().length >= maxBytes) {
      bytes -= frames.removeFirst().length;
    }
  }

  /** How many frames the window holds. */
  int size() {
    return frames.size();
  }

  /** Their bytes. */
  long bytes() {
    return bytes;
  }

  /** The oldest frame, or {@code null} when empty. */
  byte[] oldest() {
    return frames.peekFirst();
  }

  boolean isEmpty() {
    return frames.isEmpty();
  }

  /**
   * The frames, oldest first, joined into chunks of about {@code chunkBytes} (a frame is never
   * split), ready to be written to a new connection.
   */
  List<byte[]> chunks(int chunkBytes) {
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(bytes, chunkBytes * 2L));
    for (byte[] f : frames) {
      buf.writeBytes(f);
      if (buf.size() >= chunkBytes) {
        out.add(buf.toByteArray());
        buf.reset();
      }
    }
    if (buf.size() > 0) {
      out.add(buf.toByteArray());
    }
    return out;
  }

  /**
   * Forgets the {@code n} newest frames: they were written, but are about to be sent again as part
   * of a retried batch, after the rest of the window.
   */
  void dropNewest(int n) {
    for (int i = 0; i < n && !frames.isEmpty(); i++) {
      bytes -= frames.removeLast().length;
    }
  }

  /**
   * Forgets every frame: the receiver is known to have them (it closed the connection in order
   * after ours).
   */
  void clear() {
    frames.clear();
    bytes = 0;
  }
}
