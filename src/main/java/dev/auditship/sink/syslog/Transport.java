package dev.auditship.sink.syslog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * A connection to the receiver. Opened lazily by {@link #open}; after any {@link IOException} the
 * caller {@link #abort}s it, and the next {@link #open} connects anew. Used by one thread at a
 * time.
 */
interface Transport extends AutoCloseable {

  /**
   * The receiver's address, resolved anew on every (re)connect so a receiver that moved to a new
   * address is found again; an unresolvable host is an I/O failure (retried), not a configuration
   * error.
   */
  static InetSocketAddress resolve(String host, int port) throws IOException {
    InetSocketAddress addr = new InetSocketAddress(host, port);
    if (addr.isUnresolved()) {
      throw new UnknownHostException("cannot resolve " + host);
    }
    return addr;
  }

  /**
   * Connects (and for TLS completes the handshake) unless connected; true when it made a new
   * connection.
   */
  boolean open() throws IOException;

  /**
   * True between a successful {@link #open} and {@link #abort}, {@link #shutdown} or {@link
   * #close}.
   */
  boolean connected();

  /** Writes bytes: for UDP one datagram (one message), for streams framed messages. */
  void write(byte[] b, int off, int len) throws IOException;

  /**
   * True when the receiver has closed the connection, checked without waiting (plain TCP) or for
   * about a millisecond (TLS). A receiver that restarted is noticed here before anything is written
   * into a dead connection.
   */
  boolean peerClosed();

  /**
   * {@link #peerClosed}, waiting up to {@code wait} for a close or reset already on its way (before
   * a shutdown: a receiver that closed an instant before may not have read the last writes).
   */
  default boolean peerClosed(Duration wait) {
    return peerClosed();
  }

  /**
   * Ends the connection in order and waits up to {@code wait} for the receiver to end it too: our
   * side is closed (TLS {@code close_notify}, then TCP FIN), and a receiver closes its side once it
   * has read everything before our close. True when it did (everything written was read), false
   * when the wait ran out; an {@link IOException} when the connection broke instead (a reset: what
   * was written may be lost). The connection is dropped afterwards in every case; the transport can
   * {@link #open} again.
   */
  boolean shutdown(Duration wait) throws IOException;

  /**
   * UDP only: whether the receiver refused a datagram sent so far (an ICMP "port unreachable"),
   * waiting up to {@code wait} for one to arrive. Streams have no such thing: false.
   */
  default boolean refused(Duration wait) throws IOException {
    return false;
  }

  /** Drops the connection at once (after an error). */
  void abort();

  /**
   * Closes the connection in order (TLS {@code close_notify}, then TCP FIN) and releases
   * everything.
   */
  @Override
  void close();
}
