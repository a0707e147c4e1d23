package dev.auditship.sink.syslog;

import dev.auditship.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP (RFC 6587) or TLS (RFC 5425) connection to the receiver.
 *
 * <p>Java's blocking socket writes have no timeout, so a watchdog thread (one per transport, a
 * daemon) closes the socket when one write blocks longer than the write timeout; the write then
 * fails and the batch is retried on a new connection.
 *
 * <p>TLS 1.3 detail: a TLS 1.3 client finishes its handshake before the server has checked the
 * client's certificate, so a receiver that refuses the certificate (or wants one and got none)
 * answers with an alert only afterwards, and writes made in the meantime succeed and are silently
 * discarded (observed with rsyslog and syslog-ng). After a TLS 1.3 handshake the transport
 * therefore waits up to {@link #TLS13_VERDICT} (or the connect timeout, if shorter) for the
 * receiver's first bytes: session tickets mean it accepted, an alert or a close fails the connect
 * ({@code awaitVerdict}).
 *
 * <p>State: {@code raw}/{@code socket} are touched by the sender thread, except that the watchdog
 * may close {@code raw} (and sets {@code timedOut}).
 */
final class StreamTransport implements Transport {
  static final Duration TLS13_VERDICT = Duration.ofSeconds(1);
  private static final List<String> TLS_PROTOCOLS = TlsSettings.DEFAULT.protocols();

  private final String sinkName;
  private final String host;
  private final int port;
  private final SSLContext ssl;
  private final String serverName;
  private final boolean verifyHostname;
  private final Duration connectTimeout;
  private final Duration writeTimeout;
  private final Duration keepAlive;
  private final int sendBufferBytes;
  private ScheduledExecutorService watchdog;

  private volatile Socket raw;
  private Socket socket;
  private OutputStream out;
  private volatile boolean timedOut;

  /**
   * The TCP connection's channel (below TLS, for TLS), which {@link #peerClosed} reads without
   * blocking.
   */
  private SocketChannel channel;

  /** What {@link #peerClosed} reads and discards. */
  private final ByteBuffer discard = ByteBuffer.allocate(4096);

  /**
   * @param ssl the TLS context, or {@code null} for plain TCP
   * @param serverName the name verified in the receiver's certificate (and sent as SNI)
   * @param verifyHostname whether the certificate must name {@code serverName}
   * @param sendBufferBytes the socket's send buffer ({@code SO_SNDBUF}), or 0 for the system's,
   *     which Linux grows on its own up to {@code net.ipv4.tcp_wmem}'s maximum (4 MiB by default)
   */
  StreamTransport(
      String sinkName,
      String host,
      int port,
      SSLContext ssl,
      String serverName,
      boolean verifyHostname,
      Duration connectTimeout,
      Duration writeTimeout,
      Duration keepAlive,
      int sendBufferBytes) {
    this.sinkName = sinkName;
    this.host = host;
    this.port = port;
    this.ssl = ssl;
    this.serverName = serverName;
    this.verifyHostname = verifyHostname;
    this.connectTimeout = connectTimeout;
    this.writeTimeout = writeTimeout;
    this.keepAlive = keepAlive;
    this.sendBufferBytes = sendBufferBytes;
  }

  @Override
  public boolean open() throws IOException {
    if (socket != null) {
      return false;
    }
    InetSocketAddress addr = Transport.resolve(host, port);
    // Through a channel, so a look at the connection can read without blocking (for TLS, below it).
    SocketChannel ch = SocketChannel.open();
    Socket r = ch.socket();
    try {
      if (!keepAlive.isZero()) {
        r.setKeepAlive(true);
        try {
          r.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) Math.max(1, keepAlive.toSeconds()));
        } catch (UnsupportedOperationException | IOException e) {
          // The OS default idle time applies.
        }
      }
      r.setTcpNoDelay(true);
      if (sendBufferBytes > 0) {
        // A fixed size: Linux no longer grows it, so the replay window keeps covering it.
        r.setSendBufferSize(sendBufferBytes);
      }
      int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
      r.connect(addr, timeout);
      Socket s = r;
      if (ssl != null) {
        SSLSocket t = (SSLSocket) ssl.getSocketFactory().createSocket(r, serverName, port, true);
        SSLParameters p = t.getSSLParameters();
        p.setProtocols(
            TLS_PROTOCOLS.stream()
                .filter(Arrays.asList(t.getSupportedProtocols())::contains)
                .toArray(String[]::new));
        if (verifyHostname) {
          p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        t.setSSLParameters(p);
        t.setSoTimeout(timeout);
        t.startHandshake();
        if ("TLSv1.3".equals(t.getSession().getProtocol())) {
          awaitVerdict(r, t, (int) Math.min(timeout, TLS13_VERDICT.toMillis()));
        }
        s = t;
      }
      raw = r;
      socket = s;
      out = s.getOutputStream();
      timedOut = false;
      channel = ch;
      return true;
    } catch (IOException | RuntimeException e) {
      closeQuietly(r);
      throw e;
    }
  }

  /**
   * Waits for the receiver's verdict on a TLS 1.3 connection. A receiver that accepts the client
   * sends its session tickets (OpenSSL and GnuTLS do) right after checking the client's Finished
   * message; one that refuses sends an alert, or closes. Either way bytes arrive, which {@code
   * available()} on the plain socket sees without consuming them; they are then read through TLS,
   * which takes the tickets silently and turns an alert or close into an exception. A receiver that
   * sends nothing within {@code millis} is taken to have accepted.
   */
  private static void awaitVerdict(Socket raw, SSLSocket t, int millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    InputStream pending = raw.getInputStream();
    try {
      while (pending.available() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the TLS handshake's result");
    }
    if (pending.available() == 0) {
      return;
    }
    t.setSoTimeout(Math.max(1, Math.min(millis, 100)));
    try {
      if (t.getInputStream().read() < 0) {
        throw new SSLException(
            "the receiver closed the connection right after the TLS handshake "
                + "(it may have refused the client certificate)");
      }
    } catch (SocketTimeoutException accepted) {
      // Tickets processed, no alert: the receiver kept the connection.
    }
  }

  @Override
  public boolean connected() {
    return socket != null;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (writeCheck == null) {
      // One periodic look at the write in progress, instead of a timeout task scheduled and
      // cancelled around every write (which woke the watchdog thread for each chunk: a third of a
      // second of CPU per 3,000,000 events). The write fails between one and 1.25 timeouts.
      long period = Math.max(1, writeTimeout.toMillis() / 4);
      writeCheck =
          watchdog()
              .scheduleWithFixedDelay(this::checkWrite, period, period, TimeUnit.MILLISECONDS);
    }
    writingSince = System.nanoTime() | 1; // never 0, which means "not writing"
    try {
      out.write(b, off, len);
      out.flush();
    } catch (IOException e) {
      if (timedOut) {
        throw new SocketTimeoutException(
            "a write blocked longer than write_timeout_secs ("
                + writeTimeout.toMillis()
                + " ms); the receiver is not reading");
      }
      throw e;
    } finally {
      writingSince = 0;
    }
  }

  /** When the write in progress started ({@link System#nanoTime}, odd), or 0 when none is. */
  private volatile long writingSince;

  /** The periodic {@link #checkWrite}, from the first write on. */
  private ScheduledFuture<?> writeCheck;

  private void checkWrite() {
    long since = writingSince;
    if (since != 0 && System.nanoTime() - since > writeTimeout.toNanos() && writingSince == since) {
      writeTimedOut();
    }
  }

  private void writeTimedOut() {
    timedOut = true;
    closeQuietly(raw);
  }

  @Override
  public boolean peerClosed() {
    if (socket == null) {
      return false;
    }
    if (timedOut || socket.isClosed()) {
      return true;
    }
    if (channel != null) {
      // One read that does not block: end of stream or a reset means the receiver is gone; a
      // syslog receiver sends nothing else (whatever it sends is read and ignored, bounded). A
      // blocking look instead (a read with a 1 ms timeout) cost 1 ms on a live connection, before
      // and after every batch. Over TLS the read is of the TCP connection below it, as the answer
      // to our close is (shutdown): only its end matters, and the receiver's TLS records (a late
      // session ticket, its close_notify before its FIN) mean nothing to a sender that never reads
      // application data.
      try {
        channel.configureBlocking(false);
        try {
          for (int i = 0; i < 16; i++) {
            discard.clear();
            int n = channel.read(discard);
            if (n < 0) {
              return true;
            }
            if (n == 0) {
              return false;
            }
          }
          return false;
        } finally {
          channel.configureBlocking(true);
        }
      } catch (IOException e) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean peerClosed(Duration wait) {
    if (peerClosed()) {
      return true;
    }
    if (channel == null || wait.isZero()) {
      return false;
    }
    return endsWithin((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis())));
  }

  /**
   * Reads with a timeout of {@code millis}: true at the end of the stream or on an error (reset,
   * alert), false when nothing came in time. A syslog receiver sends nothing else; whatever comes
   * is read and ignored (bounded).
   */
  private boolean endsWithin(int millis) {
    try {
      // Below TLS, as peerClosed reads: the TLS layer would take the bytes it did not see for a
      // broken record.
      raw.setSoTimeout(millis);
      InputStream below = raw.getInputStream();
      byte[] b = new byte[4096];
      for (int i = 0; i < 16; i++) {
        if (below.read(b) < 0) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException alive) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * Closes our side (for TLS {@code close_notify} first, RFC 5425 §4.4), then reads (and discards)
   * what the receiver still sends until it closes its side. A receiver reaches our close only after
   * reading every byte before it, and then closes too (rsyslog and syslog-ng do, over TCP and TLS),
   * so end of stream confirms receipt. A reset instead means the receiver dropped what it had not
   * read (RFC 1122 §4.2.2.13). The answer is read on the plain socket, below TLS, since only its
   * end matters.
   */
  @Override
  public boolean shutdown(Duration wait) throws IOException {
    Socket s = socket;
    Socket r = raw;
    if (s == null) {
      return false;
    }
    try {
      ScheduledFuture<?> f =
          watchdog().schedule(this::writeTimedOut, writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        // On an SSLSocket that owns its plain socket this sends close_notify, then the FIN.
        s.shutdownOutput();
      } catch (IOException e) {
        if (timedOut) {
          throw new SocketTimeoutException(
              "closing the connection blocked longer than "
                  + "write_timeout_secs ("
                  + writeTimeout.toMillis()
                  + " ms); the receiver is not reading");
        }
        throw e;
      } finally {
        f.cancel(false);
      }
      InputStream answer = r.getInputStream();
      byte[] b = new byte[8192];
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        r.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        try {
          if (answer.read(b) < 0) {
            return true;
          }
        } catch (SocketTimeoutException noAnswer) {
          return false;
        }
      }
    } finally {
      abort();
    }
  }

  @Override
  public void abort() {
    closeQuietly(raw);
    raw = null;
    socket = null;
    channel = null;
    out = null;
  }

  @Override
  public void close() {
    Socket s = socket;
    if (s != null) {
      // Orderly: TLS close_notify then FIN, so the receiver reads everything before the close
      // (rsyslog's
      // OpenSSL driver was seen to drop data on an abrupt close). Bounded by the write timeout.
      ScheduledFuture<?> f =
          watchdog().schedule(this::writeTimedOut, writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        if (!(s instanceof SSLSocket)) {
          s.shutdownOutput();
        }
        s.close();
      } catch (IOException e) {
        // Closing anyway.
      } finally {
        f.cancel(false);
      }
    }
    abort();
    if (watchdog != null) {
      watchdog.shutdownNow();
      watchdog = null;
    }
  }

  private ScheduledExecutorService watchdog() {
    if (watchdog == null) {
      ScheduledThreadPoolExecutor w =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "syslog-" + sinkName + "-write-timeout");
                t.setDaemon(true);
                return t;
              });
      w.setRemoveOnCancelPolicy(true); // one task per write: do not keep cancelled ones queued
      watchdog = w;
    }
    return watchdog;
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
