package dev.auditship.sink.syslog;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * UDP (RFC 5426): one message per datagram, no acknowledgement. Lossy by nature: a datagram the
 * network or a busy receiver drops is gone without a trace. The socket is connected, so the kernel
 * reports an ICMP "port unreachable" from the receiver as an error on a later send (or a receive,
 * {@link #refused}); but a send that succeeds proves nothing. The socket is kept after such an
 * error: there is no connection to re-establish.
 */
final class UdpTransport implements Transport {
  private final String host;
  private final int port;
  private DatagramSocket socket;

  UdpTransport(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  public boolean open() throws IOException {
    if (socket != null) {
      return false;
    }
    InetSocketAddress addr = Transport.resolve(host, port);
    DatagramSocket s = new DatagramSocket();
    try {
      s.connect(addr);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    socket = s;
    return true;
  }

  @Override
  public boolean connected() {
    return socket != null;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    socket.send(new DatagramPacket(b, off, len));
  }

  /**
   * Waits up to {@code wait} for the kernel to report an ICMP "port unreachable" for the datagrams
   * sent: on a connected socket it surfaces as {@link PortUnreachableException} from a receive
   * (Linux {@code ECONNREFUSED}). Anything the receiver sends back is read and ignored.
   */
  @Override
  public boolean refused(Duration wait) throws IOException {
    long end = System.nanoTime() + wait.toNanos();
    byte[] buf = new byte[512];
    try {
      while (true) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        socket.receive(new DatagramPacket(buf, buf.length));
      }
    } catch (PortUnreachableException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      socket.setSoTimeout(0);
    }
  }

  @Override
  public boolean peerClosed() {
    return false;
  }

  /** UDP has nothing to end in order, and nothing ever says what arrived: false. */
  @Override
  public boolean shutdown(Duration wait) {
    close();
    return false;
  }

  @Override
  public void abort() {
    close();
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }
}
