package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig;
import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.Record;
import dev.auditship.sink.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: syslog}: sends each record as one syslog message (RFC 5424 or 3164) over UDP, TCP or TLS.
 *
 * <p>Delivery: records are written in order; a record counts as delivered once its bytes were written to
 * the connection (syslog has no acknowledgement). Before a batch the sink checks that the receiver has not
 * closed the connection (a restarted receiver), and reconnects if it has; after the batch it checks again,
 * and if the receiver closed the connection meanwhile the whole batch is sent again (at least once: every
 * message carries the event ID for de-duplication). An I/O error returns the records not yet written as
 * {@link Outcome#retry}; {@code sink.Delivery} backs off and calls again, and the next call reconnects. A
 * TLS handshake that fails on certificates (receiver not trusted, wrong name, client certificate refused)
 * is a configuration fault, which pauses the sink until it works. UDP is lossy by nature: a datagram that
 * does not arrive is not noticed.
 *
 * <p>A record longer than {@code max_message_bytes} is truncated with a visible marker
 * ({@link MessageEncoder}); each is counted ({@link #truncated()}), the first is logged as a warning, and
 * the count is logged when the sink closes.
 *
 * <p>Used by one thread at a time ({@link Sink}); {@link #truncated()} may be read from any thread.
 */
public final class SyslogSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogSink.class);
    /** Framed messages are written in chunks of about this size; a record is delivered once its chunk is. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final String name;
    private final SyslogSinkConfig config;
    private final MessageEncoder encoder;
    private final Supplier<Transport> transports;
    private final Transport transport;
    private final AtomicLong truncated = new AtomicLong();
    private boolean truncationLogged;

    SyslogSink(String name, SyslogSinkConfig config, String hostname, Supplier<Transport> transports) {
        this.name = name;
        this.config = config;
        this.encoder = new MessageEncoder(config.protocol(), config.framing(),
                new Priority(config.facility(), config.severity(), config.failureSeverity()), hostname,
                config.appName(), config.structuredData() ? config.sdId() : null, config.bom(),
                config.maxMessageBytes());
        this.transports = transports;
        this.transport = transports.get();
    }

    /**
     * Builds the sink: resolves the local host name (unless {@code hostname} is set) and reads the TLS files.
     * Connects only when the first batch is sent.
     */
    public static SyslogSink create(String name, SyslogSinkConfig c) throws IOException {
        String hostname = c.hostname() != null ? c.hostname() : localHostName(c.protocol());
        Supplier<Transport> transports;
        switch (c.transport()) {
            case UDP -> transports = () -> new UdpTransport(c.host(), c.port());
            case TCP -> transports = () -> new StreamTransport(name, c.host(), c.port(), null, null, false,
                    c.connectTimeout(), c.writeTimeout(), c.keepAlive());
            default -> {
                SSLContext ssl = TlsContexts.build(c.tls());
                String serverName = c.tls().serverName() != null ? c.tls().serverName() : c.host();
                boolean verify = !c.tls().insecureSkipVerify();
                if (!verify) {
                    LOG.warn("TLS certificate verification is off (insecure_skip_verify: true): anyone on the path "
                            + "can read and change the audit events. sink={} endpoint={}", name, c.endpoint());
                }
                transports = () -> new StreamTransport(name, c.host(), c.port(), ssl, serverName, verify,
                        c.connectTimeout(), c.writeTimeout(), c.keepAlive());
            }
        }
        return new SyslogSink(name, c, hostname, transports);
    }

    @Override
    public String name() {
        return name;
    }

    /** How many messages were truncated to {@code max_message_bytes} and delivered so far. */
    public long truncated() {
        return truncated.get();
    }

    @Override
    public Outcome send(List<Record> batch) {
        if (batch.isEmpty()) {
            return Outcome.delivered();
        }
        List<MessageEncoder.Encoded> msgs = new ArrayList<>(batch.size());
        for (Record r : batch) {
            msgs.add(encoder.encode(r));
        }
        if (config.transport() != SyslogSinkConfig.Transport.UDP && transport.peerClosed()) {
            LOG.info("The syslog receiver closed the connection; reconnecting. sink={} endpoint={}", name,
                    config.endpoint());
            transport.abort();
        }
        try {
            if (transport.open()) {
                LOG.info("Connected to the syslog receiver. sink={} endpoint={}", name, config.endpoint());
            }
        } catch (IOException e) {
            transport.abort();
            return failed(batch, "cannot connect to " + config.endpoint() + ": " + describe(e), e);
        }
        return config.framing() == Framing.NONE ? sendDatagrams(batch, msgs) : sendStream(batch, msgs);
    }

    private Outcome sendDatagrams(List<Record> batch, List<MessageEncoder.Encoded> msgs) {
        for (int i = 0; i < msgs.size(); i++) {
            byte[] m = msgs.get(i).message();
            try {
                transport.write(m, 0, m.length);
            } catch (IOException e) {
                transport.abort();
                delivered(batch, msgs, 0, i);
                return failed(batch.subList(i, batch.size()), "cannot send to " + config.endpoint() + ": "
                        + describe(e), e);
            }
        }
        delivered(batch, msgs, 0, msgs.size());
        return Outcome.delivered();
    }

    private Outcome sendStream(List<Record> batch, List<MessageEncoder.Encoded> msgs) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(Math.min(CHUNK_BYTES * 2, 1 << 20));
        int chunkStart = 0;
        for (int i = 0; i < msgs.size(); i++) {
            Framer.frame(msgs.get(i).message(), config.framing(), buf);
            if (buf.size() >= CHUNK_BYTES || i == msgs.size() - 1) {
                try {
                    transport.write(buf.toByteArray(), 0, buf.size());
                } catch (IOException e) {
                    transport.abort();
                    delivered(batch, msgs, 0, chunkStart);
                    return failed(batch.subList(chunkStart, batch.size()), "cannot write to " + config.endpoint()
                            + ": " + describe(e), e);
                }
                chunkStart = i + 1;
                buf.reset();
            }
        }
        if (transport.peerClosed()) {
            transport.abort();
            return Outcome.retry(batch, "the receiver " + config.endpoint() + " closed the connection while the "
                    + "batch was sent; sending it again", null);
        }
        delivered(batch, msgs, 0, msgs.size());
        return Outcome.delivered();
    }

    /** Counts (and the first time logs) the truncated messages among the delivered ones. */
    private void delivered(List<Record> batch, List<MessageEncoder.Encoded> msgs, int from, int to) {
        for (int i = from; i < to; i++) {
            MessageEncoder.Encoded m = msgs.get(i);
            if (m.truncated()) {
                truncated.incrementAndGet();
                if (!truncationLogged) {
                    truncationLogged = true;
                    LOG.warn("A record longer than max_message_bytes was truncated, with a marker at its end; "
                            + "further ones are counted and the count is logged at shutdown. Raise "
                            + "max_message_bytes (and the receiver's limit) to avoid this. sink={} id={} bytes={} "
                            + "max_message_bytes={}", name, batch.get(i).event().id(), m.originalBytes(),
                            config.maxMessageBytes());
                }
            }
        }
    }

    private static Outcome failed(List<Record> records, String reason, IOException e) {
        // An operator must fix certificates or trust: pause and probe instead of hammering the receiver.
        return tlsConfigFault(e) ? Outcome.configFault(records, reason) : Outcome.retry(records, reason, null);
    }

    /**
     * A TLS failure that only an operator can fix: the receiver's certificate is not trusted or names
     * another host (a {@link CertificateException} underneath), or the receiver refused us with a fatal
     * alert (bad or missing client certificate, no common protocol). A connection that merely broke during
     * the handshake is transient.
     */
    static boolean tlsConfigFault(Throwable e) {
        if (!(e instanceof SSLException)) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertificateException || m.contains("Received fatal alert")
                    || m.contains("refused the client certificate")) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public String checkConnectivity() {
        if (config.transport() == SyslogSinkConfig.Transport.UDP) {
            return new InetSocketAddress(config.host(), config.port()).isUnresolved()
                    ? "cannot resolve " + config.host() : null;
        }
        try (Transport t = transports.get()) {
            t.open();
            return null;
        } catch (IOException e) {
            return "cannot connect to " + config.endpoint() + ": " + describe(e);
        }
    }

    @Override
    public void close() {
        transport.close();
        long n = truncated.get();
        if (n > 0) {
            LOG.warn("Records were truncated to max_message_bytes. sink={} truncated={} max_message_bytes={}", name,
                    n, config.maxMessageBytes());
        }
    }

    /**
     * The local host name for HOSTNAME (RFC 5424 §6.2.4 prefers the FQDN; the JDK gives what the system
     * resolver knows), limited to printable ASCII and 255 characters. RFC 3164 wants the name without the
     * domain (§4.1.2).
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
