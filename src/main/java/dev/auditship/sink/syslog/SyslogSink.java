package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig;
import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.io.Logfmt;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.text.ByteBuf;
import dev.auditship.tls.TlsContexts;
import dev.auditship.tls.TlsFailures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: syslog}: sends each record as one syslog message (RFC 5424 or 3164) over UDP, TCP or
 * TLS.
 *
 * <p>Delivery: records are written in order; a record counts as delivered once its bytes were
 * written to the connection. TCP and TLS syslog (RFC 6587, RFC 5425) have no acknowledgement, so a
 * written record may still be lost in the local send buffer, in flight or unread in the receiver's
 * receive buffer when the connection breaks. The sink therefore keeps the frames last written on
 * the connection, up to {@code replay_window_bytes} ({@link ReplayWindow}), across batches:
 * whenever a connection is found broken (a write error, the receiver's close or reset seen before
 * or after a batch, or at shutdown), the next connection first gets the window again, in order,
 * then the records not yet written. Delivery is therefore at least once across connection breaks;
 * the replayed records are the possible duplicates (counted: {@link #replayed()}, one warning per
 * break, a total at close). A process crash still loses what only the window held: those records
 * were reported delivered, and the source may have committed them.
 *
 * <ul>
 *   <li>Before a batch the sink checks that the receiver has not closed the connection (a restarted
 *       receiver), and reconnects if it has.
 *   <li>An I/O error returns the records not yet written as {@link Outcome#retry}; {@code
 *       sink.RetryingSink} backs off and calls again, and the next call reconnects and replays.
 *   <li>After the batch it checks again; if the receiver closed the connection meanwhile, the sink
 *       reconnects at once and replays the window (which holds the batch), so that nothing waits
 *       for the next batch; if it cannot reconnect, the batch is returned for a retry instead (and
 *       taken out of the window).
 *   <li>{@link #close()} ends the connection in order and waits for the receiver to end it too,
 *       which confirms that it read everything; if the connection broke instead, it reconnects and
 *       replays first.
 * </ul>
 *
 * A TLS handshake that fails on certificates (receiver not trusted, wrong name, client certificate
 * refused) is a configuration fault, which pauses the sink until it works. UDP is lossy by nature:
 * a datagram that does not arrive is not noticed, and nothing is replayed; an ICMP "port
 * unreachable" holds the batch back ({@link #sendDatagrams}).
 *
 * <p>A record longer than {@code max_message_bytes} is truncated with a visible marker ({@link
 * MessageEncoder}); each is counted ({@link #truncated()}), the first is logged as a warning, and
 * the count is logged when the sink closes.
 *
 * <p>Used by one thread at a time ({@link Sink}); {@link #truncated()} and {@link #replayed()} may
 * be read from any thread.
 */
public final class SyslogSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(SyslogSink.class);

  /**
   * Framed messages are written in chunks of about this size; a record is delivered once its chunk
   * is.
   */
  static final int CHUNK_BYTES = 64 * 1024;

  /**
   * How long {@link #close()} waits for the receiver to close its side after ours (at most the
   * write timeout).
   */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /**
   * Connections {@link #close()} tries, when the receiver resets them, to get the window across.
   */
  static final int CLOSE_ATTEMPTS = 3;

  /**
   * Replays in a row that start with the same record before the sink warns that it makes no
   * progress.
   */
  static final int STUCK_REPLAYS = 10;

  /** The chunk frames are gathered in before a socket write; reused from batch to batch. */
  private final ByteBuf chunk = new ByteBuf(CHUNK_BYTES + 4096);

  private final String name;
  private final SyslogSinkConfig config;
  private final MessageEncoder encoder;
  private final Supplier<Transport> transports;
  private final Transport transport;
  private final AtomicLong truncated = new AtomicLong();
  private boolean truncationLogged;

  /**
   * Frames written on the current stream connection that may not have been read yet; empty for UDP.
   */
  private final ReplayWindow window;

  private final AtomicLong replayed = new AtomicLong();
  private final AtomicLong replays = new AtomicLong();

  /** The oldest frame of the last replay, and how many replays in a row started with it. */
  private byte[] lastReplayHead;

  private int replaysFromSameHead;
  private boolean closed;

  SyslogSink(
      String name, SyslogSinkConfig config, String hostname, Supplier<Transport> transports) {
    this.name = name;
    this.config = config;
    this.encoder =
        new MessageEncoder(
            config.protocol(),
            config.framing(),
            new Priority(config.facility(), config.severity(), config.failureSeverity()),
            hostname,
            config.appName(),
            config.structuredData() ? config.sdId() : null,
            config.bom(),
            config.maxMessageBytes());
    this.transports = transports;
    this.transport = transports.get();
    this.window =
        new ReplayWindow(
            config.transport() == SyslogSinkConfig.Transport.UDP ? 0 : config.replayWindowBytes());
  }

  /**
   * Builds the sink: resolves the local host name (unless {@code hostname} is set) and reads the
   * TLS files. Connects only when the first batch is sent.
   */
  public static SyslogSink create(String name, SyslogSinkConfig c) throws IOException {
    String hostname = c.hostname() != null ? c.hostname() : localHostName(c.protocol());
    int sendBuffer = sendBufferBytes(c.replayWindowBytes());
    Supplier<Transport> transports;
    switch (c.transport()) {
      case UDP -> transports = () -> new UdpTransport(c.host(), c.port());
      case TCP ->
          transports =
              () ->
                  new StreamTransport(
                      name,
                      c.host(),
                      c.port(),
                      null,
                      null,
                      false,
                      c.connectTimeout(),
                      c.writeTimeout(),
                      c.keepAlive(),
                      sendBuffer);
      default -> {
        SSLContext ssl = TlsContexts.build(c.tls());
        String serverName = c.tls().serverName() != null ? c.tls().serverName() : c.host();
        boolean verify = !c.tls().insecureSkipVerify();
        if (!verify) {
          LOG.warn(
              "TLS certificate verification is off (insecure_skip_verify: true): anyone on the path "
                  + "can read and change the audit events. sink={} endpoint={}",
              name,
              c.endpoint());
        }
        transports =
            () ->
                new StreamTransport(
                    name,
                    c.host(),
                    c.port(),
                    ssl,
                    serverName,
                    verify,
                    c.connectTimeout(),
                    c.writeTimeout(),
                    c.keepAlive(),
                    sendBuffer);
      }
    }
    return new SyslogSink(name, c, hostname, transports);
  }

  /**
   * The socket send buffer that goes with a replay window: a quarter of it. What the window must
   * cover is the local send buffer plus the receiver's receive buffer; left alone, Linux grows the
   * send buffer up to 4 MiB, more than the default window. The kernel doubles the value asked for
   * (for its bookkeeping), so the send buffer holds at most half of the window, and the other half
   * is for what the receiver has not read. 0 (no window): the system's default, as without replay.
   */
  static int sendBufferBytes(long replayWindowBytes) {
    return (int) Math.min(Integer.MAX_VALUE / 2, replayWindowBytes / 4);
  }

  @Override
  public String name() {
    return name;
  }

  /** How many messages were truncated to {@code max_message_bytes} and delivered so far. */
  public long truncated() {
    return truncated.get();
  }

  /**
   * How many records were written again on a new connection because the one they had been written
   * on broke (the possible duplicates).
   */
  public long replayed() {
    return replayed.get();
  }

  @Override
  public Outcome send(List<SinkRecord> batch) throws InterruptedException {
    if (batch.isEmpty()) {
      return Outcome.delivered();
    }
    // Before touching the connection: an NIO channel that an interrupted thread reads or writes is
    // closed at once, which would drop a healthy connection and replay the window on the next.
    checkInterrupt();
    List<MessageEncoder.Encoded> msgs = new ArrayList<>(batch.size());
    boolean stream = config.framing() != Framing.NONE;
    for (SinkRecord r : batch) {
      msgs.add(stream ? encoder.encodeFramed(r) : encoder.encode(r));
    }
    if (config.transport() != SyslogSinkConfig.Transport.UDP && transport.peerClosed()) {
      LOG.info(
          "The syslog receiver closed the connection; reconnecting. sink={} endpoint={}",
          name,
          config.endpoint());
      transport.abort();
    }
    Outcome failed = connect(batch);
    if (failed != null) {
      return failed;
    }
    return config.framing() == Framing.NONE ? sendDatagrams(batch, msgs) : sendStream(batch, msgs);
  }

  /**
   * Connects unless connected; on a new connection first writes the replay window again. Null when
   * connected, else the outcome for {@code batch} (nothing of it was written).
   */
  /** Whether the last {@link #connect} opened a new connection (sender thread). */
  private boolean freshConnection;

  private Outcome connect(List<SinkRecord> batch) throws InterruptedException {
    boolean fresh;
    try {
      fresh = transport.open();
    } catch (IOException e) {
      transport.abort();
      rethrowInterrupt(e);
      return failed(batch, connectFailure(e), e);
    }
    freshConnection = fresh;
    boolean udp = config.transport() == SyslogSinkConfig.Transport.UDP;
    if (fresh && (!udp || !announced)) {
      announced = true;
      LOG.info("Connected to the syslog receiver. sink={} endpoint={}", name, config.endpoint());
    }
    if (fresh) {
      try {
        replay();
      } catch (IOException e) {
        transport.abort();
        rethrowInterrupt(e);
        return failed(batch, "cannot write to " + config.endpoint() + ": " + describe(e), e);
      }
    }
    return null;
  }

  /**
   * Writes the window to the new connection, oldest frame first. The window is only ever non-empty
   * on a new connection when the previous one ended without confirmation (it broke, or was dropped
   * after an error), so its frames may not have been read. They stay in the window: they are now
   * unconfirmed on this one.
   */
  private void replay() throws IOException {
    if (window.isEmpty()) {
      return;
    }
    int n = window.size();
    long bytes = window.bytes();
    for (byte[] chunk : window.chunks(CHUNK_BYTES)) {
      transport.write(chunk, 0, chunk.length);
    }
    long total = replayed.addAndGet(n);
    replays.incrementAndGet();
    LOG.warn(
        "The previous connection to the syslog receiver broke, so the records last written on it were "
            + "sent again: the receiver may not have read them (possible duplicates; de-duplicate on the event "
            + "ID). sink={} endpoint={} replayed={} replayed_bytes={} replayed_total={}",
        name,
        config.endpoint(),
        n,
        bytes,
        total);
    // A receiver that ends every connection before it has read past the window gets the same
    // records again
    // and again and nothing new (nothing tells the sender how far it read): say so, once.
    byte[] head = window.oldest();
    replaysFromSameHead = head == lastReplayHead ? replaysFromSameHead + 1 : 1;
    lastReplayHead = head;
    if (replaysFromSameHead == STUCK_REPLAYS) {
      LOG.warn(
          "The syslog receiver keeps breaking the connection before it has read past the replay window: "
              + "the same records were sent again {} times in a row. If it ends connections after a fixed "
              + "amount of data, set replay_window_bytes well below that amount. sink={} endpoint={} "
              + "replay_window_bytes={}",
          STUCK_REPLAYS,
          name,
          config.endpoint(),
          config.replayWindowBytes());
    }
  }

  /**
   * UDP while the receiver refuses datagrams: how long the one probe datagram of an attempt waits
   * for an ICMP "port unreachable" before the receiver counts as back (an ICMP error takes one
   * round trip; on a LAN far less than this).
   */
  static final Duration UDP_PROBE_WAIT = Duration.ofMillis(200);

  /** UDP: whether "Connected" was logged (a datagram socket has no connection to log again). */
  private boolean announced;

  /** UDP: whether the receiver is refusing datagrams (an episode began with one WARN). */
  private boolean refusing;

  /** UDP: ICMP "port unreachable" errors in the current episode, and when it began (nanoTime). */
  private long refusedInEpisode;

  private long episodeStart;

  private final AtomicLong refusedTotal = new AtomicLong();

  /** How many times the UDP receiver refused a datagram (ICMP "port unreachable"). */
  public long refused() {
    return refusedTotal.get();
  }

  /**
   * Datagrams: each message is one. The kernel reports an ICMP "port unreachable" (nothing listens
   * on the receiver's port) as an error on a later send, so it says that some datagram sent before
   * was refused, not which: the whole batch is returned for retry (possible duplicates) and an
   * episode begins, with one WARN. While it lasts, each attempt sends one datagram first and waits
   * up to {@link #UDP_PROBE_WAIT} for a refusal, so a closed port costs one datagram per attempt,
   * not a delivered event per attempt; the episode ends with a WARN and its count when a probe is
   * not refused (or at close).
   */
  private Outcome sendDatagrams(List<SinkRecord> batch, List<MessageEncoder.Encoded> msgs)
      throws InterruptedException {
    int from = 0;
    if (refusing) {
      byte[] m = msgs.get(0).message();
      try {
        transport.write(m, 0, m.length);
        if (transport.refused(UDP_PROBE_WAIT)) {
          return refusedDatagrams(batch);
        }
      } catch (PortUnreachableException e) {
        return refusedDatagrams(batch);
      } catch (IOException e) {
        transport.abort();
        rethrowInterrupt(e);
        return failed(batch, "cannot send to " + config.endpoint() + ": " + describe(e), e);
      }
      LOG.warn(
          "The syslog receiver accepts datagrams again. Events sent just before it first refused "
              + "may be lost (UDP cannot tell). sink={} endpoint={} refused={} refused_ms={}",
          name,
          config.endpoint(),
          refusedInEpisode,
          (System.nanoTime() - episodeStart) / 1_000_000);
      refusing = false;
      refusedInEpisode = 0;
      from = 1;
    }
    for (int i = from; i < msgs.size(); i++) {
      byte[] m = msgs.get(i).message();
      try {
        transport.write(m, 0, m.length);
      } catch (PortUnreachableException e) {
        return refusedDatagrams(batch);
      } catch (IOException e) {
        transport.abort();
        rethrowInterrupt(e);
        delivered(batch, msgs, 0, i);
        return failed(
            batch.subList(i, batch.size()),
            "cannot send to " + config.endpoint() + ": " + describe(e),
            e);
      }
    }
    delivered(batch, msgs, 0, msgs.size());
    return Outcome.delivered();
  }

  /** The receiver refused a datagram: counted, one WARN per episode, the batch retried whole. */
  private Outcome refusedDatagrams(List<SinkRecord> batch) {
    refusedTotal.incrementAndGet();
    refusedInEpisode++;
    if (!refusing) {
      refusing = true;
      episodeStart = System.nanoTime();
      LOG.warn(
          "The syslog receiver refuses datagrams (ICMP port unreachable: nothing listens on its "
              + "port); the events are kept and sent again with back-off, one probe datagram per "
              + "attempt. Events sent just before may be lost: UDP does not say which datagram was "
              + "refused. sink={} endpoint={}",
          name,
          config.endpoint());
    }
    return Outcome.retry(
        batch,
        "the receiver "
            + config.endpoint()
            + " refused datagrams (ICMP port unreachable: nothing listens on its port)",
        null);
  }

  private Outcome sendStream(List<SinkRecord> batch, List<MessageEncoder.Encoded> msgs)
      throws InterruptedException {
    return sendStream(batch, msgs, !freshConnection);
  }

  /**
   * Throws when this thread was interrupted (shutdown, or the spool's {@code max_age} watcher),
   * before the connection is touched: the connection stays as it is.
   */
  private void checkInterrupt() throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("delivery to sink " + name + " interrupted");
    }
  }

  /**
   * An I/O failure caused by an interrupt ({@link ClosedByInterruptException}: NIO closes the
   * channel of an interrupted thread) is the interrupt, not a receiver that closed or a broken
   * network: rethrown as such, without reconnecting. The channel is gone, so what was written on it
   * is still unconfirmed and the window is written again on the next connection.
   */
  private void rethrowInterrupt(IOException e) throws InterruptedException {
    if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
      InterruptedException ie =
          new InterruptedException("delivery to sink " + name + " interrupted");
      ie.initCause(e);
      throw ie;
    }
  }

  /**
   * @param mayReconnect whether a failure of the first write may be taken for a connection that was
   *     already gone before the batch (the receiver's close not yet seen: {@code peerClosed} looks
   *     without waiting): then, once, a new connection takes the replay window and the batch, as if
   *     the close had been seen before writing.
   */
  private Outcome sendStream(
      List<SinkRecord> batch, List<MessageEncoder.Encoded> msgs, boolean mayReconnect)
      throws InterruptedException {
    List<byte[]> frames = new ArrayList<>(msgs.size());
    ByteBuf buf = chunk.reset();
    int chunkStart = 0;
    for (int i = 0; i < msgs.size(); i++) {
      byte[] frame = msgs.get(i).message(); // framed already (MessageEncoder.encodeFramed)
      frames.add(frame);
      buf.put(frame);
      if (buf.length() >= CHUNK_BYTES || i == msgs.size() - 1) {
        checkInterrupt(); // the chunks written before stay in the window, the connection open
        try {
          transport.write(buf.array(), 0, buf.length());
        } catch (IOException e) {
          if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
            transport.abort();
            rethrowInterrupt(e);
          }
          if (chunkStart == 0 && mayReconnect && !(e instanceof SocketTimeoutException)) {
            transport.abort();
            LOG.info(
                "The syslog receiver had closed the connection; reconnecting. sink={} endpoint={}",
                name,
                config.endpoint());
            Outcome failed = connect(batch);
            return failed != null ? failed : sendStream(batch, msgs, false);
          }
          // The chunks written before are delivered and in the window: the next connection gets
          // them again before the records returned here.
          transport.abort();
          delivered(batch, msgs, 0, chunkStart);
          return failed(
              batch.subList(chunkStart, batch.size()),
              "cannot write to " + config.endpoint() + ": " + describe(e),
              e);
        }
        for (int j = chunkStart; j <= i; j++) {
          window.written(frames.get(j));
        }
        chunkStart = i + 1;
        buf.reset();
        buf.trim(CHUNK_BYTES * 4);
      }
    }
    // Not when interrupted: the look would close the channel (NIO) and take a healthy connection
    // for a closed one; the batch is written, and the caller sees the interrupt next.
    if (!Thread.currentThread().isInterrupted() && transport.peerClosed()) {
      transport.abort();
      String reason =
          "the receiver "
              + config.endpoint()
              + " closed the connection while the batch was sent; "
              + "sending it again";
      if (window.isEmpty()) { // replay_window_bytes: 0
        return Outcome.retry(batch, reason, null);
      }
      LOG.info(
          "The syslog receiver closed the connection while a batch was sent; reconnecting to send the "
              + "records last written again. sink={} endpoint={}",
          name,
          config.endpoint());
      Outcome failed = connect(batch);
      if (failed != null) {
        // No new connection took the window: retry the batch (and leave it out of the window, or it
        // would
        // be written twice); the window's older records go first on the next connection.
        window.dropNewest(Math.min(frames.size(), window.size()));
        return failed;
      }
    }
    delivered(batch, msgs, 0, msgs.size());
    return Outcome.delivered();
  }

  /** Counts (and the first time logs) the truncated messages among the delivered ones. */
  private void delivered(
      List<SinkRecord> batch, List<MessageEncoder.Encoded> msgs, int from, int to) {
    for (int i = from; i < to; i++) {
      MessageEncoder.Encoded m = msgs.get(i);
      if (m.truncated()) {
        truncated.incrementAndGet();
        if (!truncationLogged) {
          truncationLogged = true;
          LOG.warn(
              "A record longer than max_message_bytes was truncated, with a marker at its end; "
                  + "further ones are counted and the count is logged at shutdown. Raise "
                  + "max_message_bytes (and the receiver's limit) to avoid this. sink={} id={} bytes={} "
                  + "max_message_bytes={}",
              name,
              batch.get(i).event().id(),
              m.originalBytes(),
              config.maxMessageBytes());
        }
      }
    }
  }

  private static Outcome failed(List<SinkRecord> records, String reason, IOException e) {
    // An operator must fix certificates or trust: pause and probe instead of hammering the
    // receiver.
    return tlsConfigFault(e)
        ? Outcome.configFault(records, reason)
        : Outcome.retry(records, reason, null);
  }

  /** A TLS failure that only an operator can fix ({@link TlsFailures#needsOperator}). */
  static boolean tlsConfigFault(Throwable e) {
    return TlsFailures.needsOperator(e);
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /**
   * What the PRI depends on and, when the messages carry structured data, its parameters (besides
   * ID and Time, which every sink may read).
   */
  @Override
  public Set<String> eventFields() {
    Set<String> f = new HashSet<>(Priority.FIELDS);
    if (config.protocol() == Protocol.RFC5424 && config.structuredData()) {
      f.addAll(StructuredData.FIELDS);
    }
    return f;
  }

  @Override
  public String checkConnectivity() {
    if (config.transport() == SyslogSinkConfig.Transport.UDP) {
      return new InetSocketAddress(config.host(), config.port()).isUnresolved()
          ? "cannot resolve " + config.host()
          : null;
    }
    try (Transport t = transports.get()) {
      t.open();
      return null;
    } catch (IOException e) {
      return connectFailure(e);
    }
  }

  /**
   * Why a connection could not be made; for a TLS failure only an operator can fix (a certificate
   * not trusted or for another name, a refused client certificate), with what to check, as the
   * Splunk HEC and Kafka sinks say it.
   */
  private String connectFailure(IOException e) {
    String m = "cannot connect to " + config.endpoint() + ": " + describe(e);
    if (!tlsConfigFault(e)) {
      return m;
    }
    return m
        + "; check tls.ca_file (the CA that signed the receiver's certificate), that the endpoint's"
        + " host name (or tls.server_name) is in that certificate, and tls.cert_file/key_file if"
        + " the receiver requires a client certificate";
  }

  /**
   * Ends the connection in order and, for TCP and TLS, makes sure the receiver read what the window
   * holds (see {@link #finish()}); then logs the counters.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (config.transport() != SyslogSinkConfig.Transport.UDP && config.replayWindowBytes() > 0) {
      finish();
    }
    transport.close();
    if (refusing) {
      LOG.warn(
          "The syslog receiver was still refusing datagrams when the sink closed; the events not "
              + "delivered stay with the source (or the spool). sink={} endpoint={} refused={} "
              + "refused_ms={}",
          name,
          config.endpoint(),
          refusedInEpisode,
          (System.nanoTime() - episodeStart) / 1_000_000);
    }
    long n = truncated.get();
    if (n > 0) {
      LOG.warn(
          "Records were truncated to max_message_bytes. sink={} truncated={} max_message_bytes={}",
          name,
          n,
          config.maxMessageBytes());
    }
    if (replays.get() > 0) {
      LOG.warn(
          "Connections to the syslog receiver broke; the records last written on them were sent again "
              + "(possible duplicates). sink={} breaks={} replayed={} replay_window_bytes={}",
          name,
          replays.get(),
          replayed.get(),
          config.replayWindowBytes());
    }
  }

  /**
   * The last records written are only known to have arrived once the receiver, having read up to
   * our close, closes too ({@link Transport#shutdown}). If it resets instead, or had already
   * closed, the window is written again on a new connection (up to {@link #CLOSE_ATTEMPTS} times).
   * What cannot be confirmed is logged with its count; nothing can be done about it any more.
   */
  /** How long the look before closing waits for a receiver's close already on its way. */
  static final Duration CLOSE_LOOK = Duration.ofMillis(50);

  private void finish() {
    Duration wait =
        CLOSE_WAIT.compareTo(config.writeTimeout()) < 0 ? CLOSE_WAIT : config.writeTimeout();
    String problem = null;
    for (int attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
      // A receiver that closed an instant before had not read the last writes: its close or reset
      // may still be on its way, so the look before our own close waits for it a little.
      if (transport.connected() && transport.peerClosed(CLOSE_LOOK)) {
        transport.abort();
      }
      if (!transport.connected()) {
        if (window.isEmpty()) {
          return;
        }
        LOG.info(
            "The connection to the syslog receiver ended before the last records were confirmed; "
                + "reconnecting to send them again. sink={} endpoint={}",
            name,
            config.endpoint());
        try {
          if (transport.open()) {
            LOG.info(
                "Connected to the syslog receiver. sink={} endpoint={}", name, config.endpoint());
          }
        } catch (IOException e) {
          transport.abort();
          problem = "cannot send them again: " + describe(e);
          break; // the receiver is not there: no point in trying again at once
        }
        try {
          replay();
        } catch (IOException e) {
          transport.abort();
          problem = "cannot send them again: " + describe(e);
          if (e instanceof SocketTimeoutException) {
            break; // the receiver is not reading: it would not read another try either
          }
          continue;
        }
      }
      int records = window.size();
      try {
        if (transport.shutdown(wait)) {
          window.clear();
          return;
        }
        LOG.warn(
            "The syslog receiver did not close the connection after ours in time, so it is not known "
                + "whether it read the last records. sink={} endpoint={} wait_ms={} records={}",
            name,
            config.endpoint(),
            wait.toMillis(),
            records);
        return;
      } catch (IOException e) {
        problem = "the connection broke while closing: " + describe(e);
        if (e instanceof SocketTimeoutException) {
          break;
        }
      }
    }
    if (!window.isEmpty()) {
      LOG.warn(
          "The syslog receiver may not have received the last records written, and they could not be "
              + "sent again before closing. sink={} endpoint={} records={} error=\"{}\"",
          name,
          config.endpoint(),
          window.size(),
          Logfmt.q(problem));
    }
  }

  /**
   * The local host name for HOSTNAME (RFC 5424 §6.2.4 prefers the FQDN; the JDK gives what the
   * system resolver knows), limited to printable ASCII and 255 characters. RFC 3164 wants the name
   * without the domain (§4.1.2).
   */
  static String localHostName(Protocol protocol) {
    String n;
    try {
      n = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      n = null;
    }
    return sanitizeHostName(n, protocol);
  }

  static String sanitizeHostName(String n, Protocol protocol) {
    if (n == null || n.isEmpty()) {
      return protocol == Protocol.RFC3164 ? "localhost" : "-";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n.length() && sb.length() < 255; i++) {
      char c = n.charAt(i);
      sb.append(c > 32 && c < 127 ? c : '_');
    }
    String s = sb.toString();
    if (protocol == Protocol.RFC3164 && !s.matches("[0-9.]+|.*:.*") && s.indexOf('.') > 0) {
      s = s.substring(0, s.indexOf('.'));
    }
    return s;
  }
}
