package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig.Framing;
import dev.auditship.config.SyslogSinkConfig.Protocol;
import dev.auditship.event.Event;
import dev.auditship.sink.SinkRecord;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoTime;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns one record into the bytes of one syslog message (without framing). Pure: no I/O, no clock;
 * the message's time is the event's {@code Time}.
 *
 * <p>RFC 5424 (§6): {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID STRUCTURED-DATA SP [BOM]
 * MSG}, where TIMESTAMP is the event's {@code Time} in UTC with six fraction digits, MSGID is
 * {@code audit_log} or {@code connection_log} and MSG is the record, byte for byte.
 *
 * <p>RFC 3164 (§4.1): {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG: MSG}. The BSD timestamp has no year
 * and no zone; it is written in UTC (the record itself carries the full time).
 *
 * <p>With LF framing a message must not contain a line break, so LF and CR become {@code #012} and
 * {@code #015}, the octal escapes rsyslog itself writes for control characters it receives; a
 * multi-line human record then stays one message. The escape is not reversible (a record that
 * already contains {@code #012} looks the same), which is one reason octet counting is the default.
 *
 * <p>A message longer than {@code maxBytes} is cut at a UTF-8 character boundary and ends with a
 * visible marker, {@code [truncated by auditship: message was N bytes, limit M]}. RFC 5424 §6.1
 * allows truncation at the end only, which is where it happens; the header and structured data stay
 * whole, so the receiver still sees the event's ID.
 */
final class MessageEncoder {
  /** What {@link #encode} made. {@code originalBytes} is the length before truncation, or -1. */
  record Encoded(byte[] message, int originalBytes) {
    boolean truncated() {
      return originalBytes >= 0;
    }
  }

  static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final DateTimeFormatter RFC5424_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT);
  private static final DateTimeFormatter RFC3164_TIME =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

  private final Protocol protocol;
  private final Framing framing;
  private final Priority priority;
  private final String hostname;
  private final String appName;
  private final String sdId;
  private final boolean bom;
  private final int maxBytes;

  /**
   * @param sdId the SD-ID of the structured data element, or {@code null} to send {@code -} (and
   *     always for RFC 3164)
   */
  MessageEncoder(
      Protocol protocol,
      Framing framing,
      Priority priority,
      String hostname,
      String appName,
      String sdId,
      boolean bom,
      int maxBytes) {
    this.protocol = protocol;
    this.framing = framing;
    this.priority = priority;
    this.hostname = hostname;
    this.appName = appName;
    this.sdId = sdId;
    this.bom = bom && protocol == Protocol.RFC5424;
    this.maxBytes = maxBytes;
  }

  Encoded encode(SinkRecord r) {
    Event e = r.event();
    byte[] body = escape(r.bytes());
    byte[] prefix = prefix(e, protocol == Protocol.RFC5424 && sdId != null);
    if (prefix.length + body.length <= maxBytes) {
      return new Encoded(concat(prefix, body, body.length, null), -1);
    }
    int original = prefix.length + body.length;
    byte[] marker =
        (" [truncated by auditship: message was " + original + " bytes, limit " + maxBytes + "]")
            .getBytes(StandardCharsets.US_ASCII);
    if (prefix.length + marker.length > maxBytes && protocol == Protocol.RFC5424 && sdId != null) {
      prefix = prefix(e, false); // the header alone always fits: config keeps maxBytes >= 480
    }
    int keep = Math.max(0, Math.min(body.length, maxBytes - prefix.length - marker.length));
    keep = utf8Boundary(body, keep);
    byte[] out = concat(prefix, body, keep, marker);
    if (out.length > maxBytes) { // only with a pathologically small limit: never exceed it
      out = Arrays.copyOf(out, maxBytes);
    }
    return new Encoded(out, original);
  }

  /**
   * The record's frame for a stream with octet counting ({@code MSG-LEN SP SYSLOG-MSG}, RFC 6587
   * §3.4.1): the same bytes as {@link Framer#frame} of {@link #encode}, made in one array with the
   * record copied once. Other framings, records to truncate and events without a usable time take
   * {@link #encode}. One thread at a time (the header is written into a reused buffer).
   */
  Encoded encodeFramed(SinkRecord r) {
    byte[] body = r.bytes();
    if (framing == Framing.OCTET_COUNTING && protocol == Protocol.RFC5424) {
      Event e = r.event();
      long micros = e.timeMicros();
      ByteBuf h = head.reset();
      if (micros != GoTime.NO_TIME && writeHead(e, micros, h)) {
        int len = h.length() + body.length;
        if (len <= maxBytes) {
          int digits = Framer.digits(len);
          byte[] out = new byte[digits + 1 + len];
          for (int v = len, i = digits - 1; i >= 0; i--, v /= 10) {
            out[i] = (byte) ('0' + v % 10);
          }
          out[digits] = ' ';
          System.arraycopy(h.array(), 0, out, digits + 1, h.length());
          System.arraycopy(body, 0, out, digits + 1 + h.length(), body.length);
          head.trim(64 * 1024);
          return new Encoded(out, -1);
        }
      }
      head.trim(64 * 1024);
    }
    Encoded m = encode(r);
    return new Encoded(Framer.frame(m.message(), framing), m.originalBytes());
  }

  private final ByteBuf head = new ByteBuf(512);

  /** The constant part of every header after the TIMESTAMP: SP HOSTNAME SP APP-NAME SP "-" SP. */
  private byte[] hostAppProc;

  private byte[] sdIdBytes;

  /**
   * The RFC 5424 header and structured data of {@link #prefix} as UTF-8, for a time in micros;
   * false when the time is outside what TIMESTAMP can say (then {@link #encode} decides).
   */
  private boolean writeHead(Event e, long micros, ByteBuf h) {
    if (hostAppProc == null) {
      hostAppProc = (" " + hostname + " " + appName + " - ").getBytes(StandardCharsets.UTF_8);
      sdIdBytes = sdId == null ? null : sdId.getBytes(StandardCharsets.UTF_8);
    }
    h.put('<').decimal(priority.of(e)).put('>').put('1').put(' ');
    if (!GoTime.appendRfc5424(h, micros)) {
      return false;
    }
    h.put(hostAppProc).ascii(e.kind().message()).put(' ');
    if (sdIdBytes != null) {
      StructuredData.append(e, sdIdBytes, h);
    } else {
      h.put('-');
    }
    h.put(' ');
    if (bom) {
      h.put(BOM);
    }
    return true;
  }

  /** Everything before MSG, escaped for the framing, with the BOM when configured. */
  private byte[] prefix(Event e, boolean withSd) {
    StringBuilder sb = new StringBuilder(384);
    sb.append('<').append(priority.of(e)).append('>');
    if (protocol == Protocol.RFC3164) {
      OffsetDateTime t = time(e);
      sb.append(t == null ? "Jan  1 00:00:00" : RFC3164_TIME.format(t))
          .append(' ')
          .append(hostname)
          .append(' ')
          .append(appName)
          .append(": ");
      return escape(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    sb.append("1 ")
        .append(rfc5424Time(e))
        .append(' ')
        .append(hostname)
        .append(' ')
        .append(appName)
        .append(" - ")
        .append(e.kind().message())
        .append(' ');
    if (withSd) {
      StructuredData.append(e, sdId, sb);
    } else {
      sb.append('-');
    }
    sb.append(' ');
    // No lone surrogates are left here (StructuredData replaced them), so the JDK encoder is exact.
    byte[] head = escape(sb.toString().getBytes(StandardCharsets.UTF_8));
    return bom ? concat(head, BOM, BOM.length, null) : head;
  }

  /** The RFC 5424 TIMESTAMP of {@link #time}, sliced from the text in the common UTC case. */
  private static String rfc5424Time(Event e) {
    String text = e.time();
    if (text == null) {
      text = e.envelope().ts();
    }
    String fast = GoTime.rfc5424Utc(text);
    if (fast != null) {
      return fast;
    }
    OffsetDateTime t = time(e);
    return t == null ? "-" : RFC5424_TIME.format(t);
  }

  /** The event's {@code Time} in UTC, else the log entry's time, else {@code null} (NILVALUE). */
  private static OffsetDateTime time(Event e) {
    for (String text : new String[] {e.time(), e.envelope().ts()}) {
      if (text != null) {
        try {
          OffsetDateTime t = GoTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
          if (t.getYear() >= 0 && t.getYear() <= 9999) {
            return t;
          }
        } catch (IllegalArgumentException ignored) {
          // try the next one
        }
      }
    }
    return null;
  }

  /** LF framing only: LF and CR become {@code #012} and {@code #015}. */
  private byte[] escape(byte[] b) {
    if (framing != Framing.LF) {
      return b;
    }
    int n = 0;
    for (byte x : b) {
      if (x == '\n' || x == '\r') {
        n++;
      }
    }
    if (n == 0) {
      return b;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 3 * n);
    for (byte x : b) {
      if (x == '\n') {
        out.writeBytes(new byte[] {'#', '0', '1', '2'});
      } else if (x == '\r') {
        out.writeBytes(new byte[] {'#', '0', '1', '5'});
      } else {
        out.write(x);
      }
    }
    return out.toByteArray();
  }

  /**
   * The largest cut at or below {@code at} that does not split a UTF-8 sequence: when the byte at
   * {@code at} is a continuation byte (10xxxxxx), back up to its lead byte (at most 3 bytes; a
   * longer run of continuation bytes is invalid input and may be cut anywhere).
   */
  static int utf8Boundary(byte[] b, int at) {
    int p = at;
    while (p > 0 && p < b.length && (b[p] & 0xC0) == 0x80 && at - p < 3) {
      p--;
    }
    return p < b.length && (b[p] & 0xC0) == 0x80 ? at : p;
  }

  private static byte[] concat(byte[] a, byte[] b, int bLen, byte[] c) {
    byte[] out = new byte[a.length + bLen + (c == null ? 0 : c.length)];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, bLen);
    if (c != null) {
      System.arraycopy(c, 0, out, a.length + bLen, c.length);
    }
    return out;
  }
}
