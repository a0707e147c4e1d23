package dev.auditship.spool;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The record frame (byte layout in {@code package-info}): magic, payload length, CRC32C, payload.
 * Encoding, and the check that tells a whole record from a torn, changed or foreign one. Stateless.
 */
final class Frame {
  /**
   * {@code FF 41 53 31}: 0xFF never occurs in UTF-8 text, so event text rarely looks like a frame
   * start.
   */
  static final byte[] MAGIC = {(byte) 0xFF, 'A', 'S', '1'};

  /** Magic, length, CRC32C. */
  static final int HEADER = 12;

  /** seq, appended_at, text length. */
  static final int FIXED = 20;

  /**
   * The text length field's value for a record that is its event's slog JSON line (the json
   * format): the payload holds it once, as record and event at the same time.
   */
  static final int SHARED = -1;

  /**
   * Text length fields below {@link #SHARED} mark a record stored with its event's summary instead
   * of its event ({@link EventSummary}): the field is {@code SUMMARY_BASE - record length}, the
   * record follows, then the summary.
   */
  static final int SUMMARY_BASE = -2;

  /**
   * Largest payload: the length field is read as a signed int and a Java array cannot be larger.
   */
  static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

  private static final int CHUNK = 64 * 1024;

  private Frame() {}

  /** Bytes a record with these parts takes on disk. */
  static long size(int textBytes, int jsonBytes) {
    return (long) HEADER + FIXED + textBytes + jsonBytes;
  }

  /**
   * Writes one frame into {@code out} (which must have room for {@link #size}); {@code json} null
   * stores {@code text} once as both ({@link #SHARED}); with {@code summary}, {@code json} is the
   * event's summary ({@link #SUMMARY_BASE}).
   */
  static void encode(
      ByteBuffer out, long seq, long appendedAtMillis, byte[] text, byte[] json, boolean summary) {
    int start = out.position();
    int len = FIXED + text.length + (json == null ? 0 : json.length);
    out.put(MAGIC).putInt(len).putInt(0);
    out.putLong(seq).putLong(appendedAtMillis);
    if (json == null) {
      out.putInt(SHARED).put(text);
    } else if (summary) {
      out.putInt(SUMMARY_BASE - text.length).put(text).put(json);
    } else {
      out.putInt(text.length).put(text).put(json);
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), out.arrayOffset() + start + 4, 4);
    crc.update(out.array(), out.arrayOffset() + start + HEADER, len);
    out.putInt(start + 8, (int) crc.getValue());
  }

  /** What is at one position of a segment: a whole record or the reason it is not one. */
  sealed interface Check {}

  /**
   * A whole record.
   *
   * @param pos where its frame starts
   * @param size bytes of the whole frame
   * @param seq its sequence number
   * @param appendedAt when it was appended (epoch milliseconds)
   */
  record Valid(long pos, long size, long seq, long appendedAt) implements Check {
    long end() {
      return pos + size;
    }
  }

  /**
   * Not a record.
   *
   * @param reason for the operator (the quarantine file and the log)
   * @param torn true when it looks like the start of a record that the end of the data cut short:
   *     what a crash during a write leaves
   */
  record Invalid(String reason, boolean torn) implements Check {}

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * The whole, intact record at {@code off} of {@code buf}, which holds {@code avail} bytes from
   * there read from position {@code pos} of a segment; {@code null} when those bytes are not all of
   * one (the record goes on past them, or it is torn, changed or foreign): the caller then reads
   * more, or looks with {@link #check}, which gives the reason. The same checks as {@link #check},
   * on bytes already read: the spool's reader reads a run of records in one go and checks each in
   * memory, instead of reading each record's header and payload twice from the file.
   *
   * @param crc reused, reset here
   */
  static Valid validIn(byte[] buf, int off, int avail, long pos, CRC32C crc) {
    if (avail < HEADER + FIXED
        || buf[off] != MAGIC[0]
        || buf[off + 1] != MAGIC[1]
        || buf[off + 2] != MAGIC[2]
        || buf[off + 3] != MAGIC[3]) {
      return null;
    }
    int len = (int) INT.get(buf, off + 4);
    if (len < FIXED || len > avail - HEADER) { // MAX_PAYLOAD and above do not fit in an array
      return null;
    }
    crc.reset();
    crc.update(buf, off + 4, 4);
    crc.update(buf, off + HEADER, len);
    if ((int) crc.getValue() != (int) INT.get(buf, off + 8)) {
      return null;
    }
    int textLen = (int) INT.get(buf, off + HEADER + 16);
    long recordLen = textLen <= SUMMARY_BASE ? (long) SUMMARY_BASE - textLen : textLen;
    if (textLen != SHARED && (recordLen < 0 || recordLen > len - FIXED)) {
      return null;
    }
    return new Valid(
        pos,
        HEADER + (long) len,
        (long) LONG.get(buf, off + HEADER),
        (long) LONG.get(buf, off + HEADER + 8));
  }

  /** Checks the bytes at {@code pos} of {@code h}, whose data ends at {@code end}. */
  static Check check(Storage.Handle h, long pos, long end) throws IOException {
    long left = end - pos;
    byte[] head = new byte[HEADER + FIXED];
    int have = (int) Math.min(left, head.length);
    h.readFully(pos, head, 0, have);
    int m = Math.min(have, 4);
    for (int i = 0; i < m; i++) {
      if (head[i] != MAGIC[i]) {
        return new Invalid(
            "no record starts here (the bytes are not the spool's record magic)", false);
      }
    }
    if (have < HEADER) {
      return new Invalid(
          "torn record: the data ends "
              + have
              + " bytes into a record header (the process "
              + "or machine stopped while it was being written)",
          true);
    }
    ByteBuffer b = ByteBuffer.wrap(head);
    int len = b.getInt(4);
    int stored = b.getInt(8);
    if (len < FIXED || len > MAX_PAYLOAD) {
      return new Invalid(
          "record length " + Integer.toUnsignedString(len) + " is out of range", false);
    }
    if (left < HEADER + (long) len) {
      return new Invalid(
          "torn record: the record is "
              + (HEADER + (long) len)
              + " bytes but the data ends "
              + "after "
              + left
              + " (the process or machine stopped while it was being written)",
          true);
    }
    CRC32C crc = new CRC32C();
    crc.update(head, 4, 4);
    byte[] buf = new byte[Math.min(CHUNK, len)];
    long p = pos + HEADER;
    long stop = p + len;
    while (p < stop) {
      int n = (int) Math.min(buf.length, stop - p);
      h.readFully(p, buf, 0, n);
      crc.update(buf, 0, n);
      p += n;
    }
    if ((int) crc.getValue() != stored) {
      return new Invalid("CRC32C mismatch: the record's bytes changed after it was written", false);
    }
    long seq = b.getLong(HEADER);
    long at = b.getLong(HEADER + 8);
    int textLen = b.getInt(HEADER + 16);
    long recordLen = textLen <= SUMMARY_BASE ? (long) SUMMARY_BASE - textLen : textLen;
    if (textLen != SHARED && (recordLen < 0 || recordLen > len - FIXED)) {
      return new Invalid("text length " + textLen + " does not fit in the record", false);
    }
    return new Valid(pos, HEADER + (long) len, seq, at);
  }

  /**
   * The next position after {@code from} where a whole record with a sequence number above {@code
   * afterSeq} and below {@code beforeSeq} starts (the resynchronisation scan: look for the magic,
   * then check the frame), or {@code null}.
   */
  static Valid resync(Storage.Handle h, long from, long end, long afterSeq, long beforeSeq)
      throws IOException {
    byte[] buf = new byte[CHUNK + 3];
    long base = from;
    while (base < end) {
      int n = (int) Math.min(buf.length, end - base);
      h.readFully(base, buf, 0, n);
      for (int i = 0; i + 3 < n; i++) {
        if (buf[i] == MAGIC[0]
            && buf[i + 1] == MAGIC[1]
            && buf[i + 2] == MAGIC[2]
            && buf[i + 3] == MAGIC[3]) {
          Check c = check(h, base + i, end);
          if (c instanceof Valid v && v.seq() > afterSeq && v.seq() < beforeSeq) {
            return v;
          }
        }
      }
      if (n < 4) {
        return null;
      }
      base += n - 3; // the last three bytes may start a magic that continues in the next chunk
    }
    return null;
  }

  /** Reads a valid record's payload: seq, appended_at, text and the event's JSON line, as bytes. */
  static byte[] payload(Storage.Handle h, Valid v) throws IOException {
    byte[] p = new byte[(int) (v.size() - HEADER)];
    h.readFully(v.pos() + HEADER, p, 0, p.length);
    return p;
  }
}
