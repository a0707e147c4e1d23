package dev.auditship.spool;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.GoTime;
import dev.auditship.text.Utf8;
import java.io.ByteArrayOutputStream;
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
 *   per field:  v name length + name, 1 type (S string, N number, B boolean, T time, Z null,
 *               R raw JSON, r nil raw JSON), v value length + value
 * </pre>
 */
final class EventSummary {
  private static final int VERSION = 1;

  private EventSummary() {}

  /** The summary of {@code e}: its ID and Time and, if present, every field of {@code fields}. */
  static byte[] encode(Event e, Set<String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(VERSION);
    out.write(e.kind() == Kind.AUDIT ? 0 : 1);
    String time = e.time();
    boolean usableTime = time != null && GoTime.isRfc3339(time);
    text(out, usableTime ? "" : e.envelope().level());
    text(out, usableTime ? "" : e.envelope().ts());
    List<Field> kept = new ArrayList<>();
    for (String key : keys(e, fields)) {
      Value v = e.get(key);
      if (v != null && !(v instanceof Value.Actor)) {
        kept.add(new Field(key, v));
      }
    }
    varint(out, kept.size());
    for (Field f : kept) {
      text(out, f.key());
      Value v = f.value();
      if (v instanceof Value.Str s) {
        out.write('S');
        text(out, s.value());
      } else if (v instanceof Value.Num n) {
        out.write('N');
        text(out, n.text());
      } else if (v instanceof Value.Bool b) {
        out.write('B');
        text(out, b.value() ? "true" : "false");
      } else if (v instanceof Value.Time t) {
        out.write('T');
        text(out, t.text());
      } else if (v instanceof Value.Raw r && r.json() != null) {
        out.write('R');
        text(out, r.json());
      } else if (v instanceof Value.Raw) {
        out.write('r');
        text(out, "");
      } else {
        out.write('Z');
        text(out, "");
      }
    }
    return out.toByteArray();
  }

  private static List<String> keys(Event e, Set<String> fields) {
    List<String> keys = new ArrayList<>(fields.size() + 2);
    keys.add("ID");
    keys.add("Time");
    for (String f : new TreeSet<>(fields)) { // a fixed order, whatever the set's
      if (!keys.contains(f)) {
        keys.add(f);
      }
    }
    return keys;
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
        String key = r.text();
        int type = r.u8();
        String v = r.text();
        Value value =
            switch (type) {
              case 'S' -> new Value.Str(v);
              case 'N' -> new Value.Num(v);
              case 'B' -> new Value.Bool(v.equals("true"));
              case 'T' -> new Value.Time(v);
              case 'R' -> new Value.Raw(v);
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

  private static void text(ByteArrayOutputStream out, String s) {
    byte[] b = Utf8.encode(s);
    varint(out, b.length);
    out.writeBytes(b);
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
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
      int v = 0;
      for (int shift = 0; shift < 32; shift += 7) {
        int x = u8();
        v |= (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          if (v < 0) {
            throw new IllegalArgumentException("length out of range");
          }
          return v;
        }
      }
      throw new IllegalArgumentException("varint too long");
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
