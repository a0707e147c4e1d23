package dev.auditship.spool;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.GoTime;
import dev.auditship.text.Utf8;
import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The little of an event that a spooled record in a format other than {@code json} needs to be
 * sent: its kind, {@code ID}, {@code Time} (the log entry's {@code ts} and level only when the
 * event has no usable {@code Time}), and the fields the sink reads when it sends (for example the
 * syslog sink's structured data). The record itself is stored in full beside it, so the event's
 * JSON line is not stored a second time (docs/reliability.md, "Spool").
 *
 * <p>Layout (lengths are unsigned LEB128 varints, text is UTF-8 as the event holds it, invalid
 * input kept by {@link Utf8}):
 *
 * <pre>
 *   1  version      1
 *   1  kind         0 audit, 1 connection
 *   v  level        length + text ("" when not kept)
 *   v  ts           length + text ("" when not kept: the restored entry's ts is the Time)
 *   v  count        number of fields
 *   per field:  1 name: 1..n = NAMES[n-1], or 0 and v length + name
 *               1 type, then the value:
 *                 U  a string that is a UUID in lower-case canonical form: its 16 bytes
 *                 Y  an RFC 3339 time in UTC ("T", "Z", year 1970 on): v seconds since the epoch,
 *                    1 count of fraction digits (0: none), v fraction as written
 *                 S string, N number, T time, R raw JSON: v length + text
 *                 B boolean (1 byte 0/1), Z null, r nil raw JSON: nothing more
 * </pre>
 *
 * A summary of an audit event's ID and Time takes about 35 bytes; with the syslog sink's structured
 * data about 90.
 */
final class EventSummary {
  private static final int VERSION = 1;

  /**
   * Field names stored as one byte (index + 1). Frozen: a summary on disk refers to them by
   * position, so names are only ever appended.
   */
  private static final List<String> NAMES =
      List.of(
          "ID",
          "Time",
          "Action",
          "ResourceType",
          "ResourceID",
          "StatusCode",
          "Type",
          "ConnectionStatus",
          "WorkspaceID",
          "WorkspaceName",
          "AgentName",
          "Code",
          "UserID",
          "OrganizationID",
          "Ip",
          "UserAgent",
          "ResourceTarget",
          "RequestID",
          "WorkspaceOwnerID",
          "SlugOrPort",
          "ConnectionID",
          "DisconnectReason");

  private EventSummary() {}

  /** The summary of {@code e}: its ID and Time and, if present, every field of {@code fields}. */
  static byte[] encode(Event e, Set<String> fields) {
    return encode(e, keys(fields));
  }

  /** The summary of {@code e} with the fields {@code keys} names ({@link #keys}), if present. */
  static byte[] encode(Event e, List<String> keys) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(VERSION);
    out.write(e.kind() == Kind.AUDIT ? 0 : 1);
    String time = e.time();
    boolean usableTime = time != null && GoTime.isRfc3339(time);
    text(out, usableTime ? "" : e.envelope().level());
    text(out, usableTime ? "" : e.envelope().ts());
    List<Field> kept = new ArrayList<>();
    for (String key : keys) {
      Value v = e.get(key);
      if (v != null && !(v instanceof Value.Actor)) {
        kept.add(new Field(key, v));
      }
    }
    varint(out, kept.size());
    for (Field f : kept) {
      int n = NAMES.indexOf(f.key());
      out.write(n + 1);
      if (n < 0) {
        text(out, f.key());
      }
      Value v = f.value();
      if (v instanceof Value.Str s && isUuid(s.value())) {
        out.write('U');
        uuid(out, s.value());
      } else if (v instanceof Value.Str s) {
        out.write('S');
        text(out, s.value());
      } else if (v instanceof Value.Num num) {
        out.write('N');
        text(out, num.text());
      } else if (v instanceof Value.Bool b) {
        out.write('B');
        out.write(b.value() ? 1 : 0);
      } else if (v instanceof Value.Time t && isUtcTime(t.text())) {
        out.write('Y');
        utcTime(out, t.text());
      } else if (v instanceof Value.Time t) {
        out.write('T');
        text(out, t.text());
      } else if (v instanceof Value.Raw r && r.json() != null) {
        out.write('R');
        text(out, r.json());
      } else if (v instanceof Value.Raw) {
        out.write('r');
      } else {
        out.write('Z');
      }
    }
    return out.toByteArray();
  }

  /** What a summary keeps for a sink that reads {@code fields}: ID, Time, then those, in order. */
  static List<String> keys(Set<String> fields) {
    List<String> keys = new ArrayList<>(fields.size() + 2);
    keys.add("ID");
    keys.add("Time");
    for (String f : new TreeSet<>(fields)) { // a fixed order, whatever the set's
      if (!keys.contains(f)) {
        keys.add(f);
      }
    }
    return List.copyOf(keys);
  }

  /**
   * The event a summary describes ({@link Event#isSummary()}), or {@code null} when the bytes are
   * not a summary this version can read.
   */
  static Event decode(byte[] b, int off, int len) {
    Reader r = new Reader(b, off, off + len);
    try {
      if (r.u8() != VERSION) {
        return null;
      }
      int k = r.u8();
      if (k != 0 && k != 1) {
        return null;
      }
      Kind kind = k == 0 ? Kind.AUDIT : Kind.CONNECTION;
      String level = r.text();
      String ts = r.text();
      int n = r.varint();
      List<Field> fields = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int name = r.u8();
        String key = name == 0 ? r.text() : NAMES.get(name - 1);
        int type = r.u8();
        Value value =
            switch (type) {
              case 'U' -> new Value.Str(r.uuid());
              case 'S' -> new Value.Str(r.text());
              case 'N' -> new Value.Num(r.text());
              case 'B' -> new Value.Bool(r.u8() != 0);
              case 'Y' -> new Value.Time(r.utcTime());
              case 'T' -> new Value.Time(r.text());
              case 'R' -> new Value.Raw(r.text());
              case 'r' -> Value.Raw.NIL;
              case 'Z' -> Value.Null.INSTANCE;
              default -> null;
            };
        if (value == null) {
          return null;
        }
        fields.add(new Field(key, value));
      }
      if (r.pos != r.end) {
        return null;
      }
      if (ts.isEmpty()) {
        for (Field f : fields) {
          if (f.key().equals("Time") && f.value() instanceof Value.Time t) {
            ts = t.text();
          }
        }
      }
      return Event.summary(
          kind, new Envelope(ts, level, null, null, List.of(), null, null), fields);
    } catch (RuntimeException e) {
      return null; // truncated or malformed: the caller quarantines the record
    }
  }

  /** A UUID as Go's uuid.UUID prints it: 36 characters, lower-case hex, dashes at 8, 13, 18, 23. */
  static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean ok =
          i == 8 || i == 13 || i == 18 || i == 23
              ? c == '-'
              : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static void uuid(ByteArrayOutputStream out, String s) {
    for (int i = 0; i < 36; i += 2) {
      if (s.charAt(i) == '-') {
        i--; // the next pair starts after the dash
        continue;
      }
      out.write(Character.digit(s.charAt(i), 16) << 4 | Character.digit(s.charAt(i + 1), 16));
    }
  }

  /** An RFC 3339 time in UTC as slog prints it, from 1970 on: {@code 2025-07-03T07:12:44.3819Z}. */
  static boolean isUtcTime(String t) {
    return GoTime.isRfc3339(t)
        && t.charAt(10) == 'T'
        && t.charAt(t.length() - 1) == 'Z'
        && t.charAt(0) != '0'
        && t.compareTo("1970") >= 0;
  }

  private static void utcTime(ByteArrayOutputStream out, String t) {
    LocalDateTime d =
        LocalDateTime.of(
            Integer.parseInt(t, 0, 4, 10),
            Integer.parseInt(t, 5, 7, 10),
            Integer.parseInt(t, 8, 10, 10),
            Integer.parseInt(t, 11, 13, 10),
            Integer.parseInt(t, 14, 16, 10),
            Integer.parseInt(t, 17, 19, 10));
    varintLong(out, d.toEpochSecond(ZoneOffset.UTC));
    int digits = t.length() - 1 - 20; // after "...:SS." and before "Z"; -1 without a fraction
    if (digits <= 0) {
      out.write(0);
      return;
    }
    out.write(digits);
    varint(out, Integer.parseInt(t, 20, 20 + digits, 10));
  }

  private static void text(ByteArrayOutputStream out, String s) {
    byte[] b = Utf8.encode(s);
    varint(out, b.length);
    out.writeBytes(b);
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    varintLong(out, v & 0xFFFFFFFFL);
  }

  private static void varintLong(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    int u8() {
      if (pos >= end) {
        throw new IllegalArgumentException("summary ends early");
      }
      return b[pos++] & 0xFF;
    }

    int varint() {
      long v = varintLong();
      if (v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("length out of range");
      }
      return (int) v;
    }

    long varintLong() {
      long v = 0;
      for (int shift = 0; shift < 63; shift += 7) {
        int x = u8();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }

    String uuid() {
      StringBuilder sb = new StringBuilder(36);
      for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
          sb.append('-');
        }
        int x = u8();
        sb.append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 15, 16));
      }
      return sb.toString();
    }

    String utcTime() {
      long secs = varintLong();
      int digits = u8();
      LocalDateTime d = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC);
      StringBuilder sb = new StringBuilder(30);
      pad(sb, d.getYear(), 4).append('-');
      pad(sb, d.getMonthValue(), 2).append('-');
      pad(sb, d.getDayOfMonth(), 2).append('T');
      pad(sb, d.getHour(), 2).append(':');
      pad(sb, d.getMinute(), 2).append(':');
      pad(sb, d.getSecond(), 2);
      if (digits > 0) {
        if (digits > 9) {
          throw new IllegalArgumentException("fraction digits out of range");
        }
        pad(sb.append('.'), varint(), digits);
      }
      return sb.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
      String s = Integer.toString(v);
      if (s.length() > width) {
        throw new IllegalArgumentException("field out of range");
      }
      sb.append("0".repeat(width - s.length())).append(s);
      return sb;
    }

    String text() {
      int n = varint();
      if (n > end - pos) {
        throw new IllegalArgumentException("text runs past the summary");
      }
      String s = Utf8.decode(b, pos, n);
      pos += n;
      return s;
    }
  }
}
