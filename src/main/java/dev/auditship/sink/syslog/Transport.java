package dev.auditship.sink.syslog;

import java.io.IOException;

/**
 * A connection to the receiver. Opened lazily by {@link #open}; after any {@link IOException} the caller
 * {@link #abort}s it, and the next {@link #open} connects anew. Used by one thread at a time.
 */
interface Transport extends AutoCloseable {

    /** Connects (and for TLS completes the handshake) unless connected; true when it made a new connection. */
    boolean open() throws IOException;

    /** Writes bytes: for UDP one datagram (one message), for streams framed messages. */
    void write(byte[] b, int off, int len) throws IOException;

    /**
     * True when the receiver has closed the connection, checked without waiting (about a millisecond). A
     * receiver that restarted is noticed here before anything is written into a dead connection.
     */
    boolean peerClosed();

    /** Drops the connection at once (after an error). */
    void abort();

    /** Closes the connection in order (TLS {@code close_notify}, then TCP FIN). */
    @Override
    void close();
}
