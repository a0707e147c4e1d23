package dev.auditship.sink.syslog;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * UDP (RFC 5426): one message per datagram, no acknowledgement. Lossy by nature: a datagram the
 * network or a busy receiver drops is gone without a trace. The socket is connected, so the kernel
 * reports an ICMP "port unreachable" from the receiver as an error on a later send, which then
 * surfaces as a retry; but a send that succeeds proves nothing.
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
