package dev.auditship.spool;

import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * A window on a segment's bytes, read {@link #SIZE} bytes at a time, in which whole records are
 * checked in memory ({@link Frame#validIn}). Reading a record through the file costs a seek and a
 * read for its header and two more for its payload (the CRC, then the copy); through the window the
 * reader and the recovery scan make one read per window. Bytes that are not a whole record, or a
 * record larger than the window, are left to {@link Frame#check}, which reads the file and gives
 * the reason.
 *
 * <p>Holds bytes of one segment's handle; they stay valid while the process runs, since bytes below
 * a segment's published end never change (appends only), so the window is kept from one read to the
 * next. {@link #reset} before a pass that may change the file (recovery). Not thread-safe.
 */
final class FrameWindow {
  /** Bytes read at once; a record larger than this is read from the file by itself. */
  static final int SIZE = 1024 * 1024;

  private byte[] buf;
  private Storage.Handle handle; // whose bytes [start, start + length) are in buf
  private long start = -1;
  private int length;
  private final CRC32C crc = new CRC32C();

  /** Forgets what the window holds (a new pass, or another segment). */
  void reset() {
    handle = null;
    start = -1;
    length = 0;
  }

  /**
   * The whole, intact record at {@code pos} of {@code h}, whose data ends at {@code end}, read into
   * the window if it does not hold it yet; {@code null} when the bytes there are not a whole record
   * or the record is larger than the window.
   */
  Frame.Valid at(Storage.Handle h, long pos, long end) throws IOException {
    Frame.Valid v =
        h == handle && start >= 0 && pos >= start && pos - start < length
            ? Frame.validIn(buf, (int) (pos - start), length - (int) (pos - start), pos, crc)
            : null;
    if (v == null && (h != handle || start != pos)) {
      if (buf == null) {
        buf = new byte[SIZE];
      }
      // Forgotten first: a read that fails part-way must not leave the old bytes labelled with the
      // new position (a retry there would take them for the records at it).
      reset();
      int n = (int) Math.min(buf.length, end - pos);
      h.readFully(pos, buf, 0, n);
      handle = h;
      start = pos;
      length = n;
      v = Frame.validIn(buf, 0, length, pos, crc);
    }
    return v;
  }

  /**
   * The window's bytes: a record {@link #at} returned starts at {@link #offset} of its position.
   */
  byte[] array() {
    return buf;
  }

  int offset(long pos) {
    return (int) (pos - start);
  }
}
