package dev.auditship.source;

import dev.auditship.text.Utf8;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines (LF; {@link #next()} drops a CR before the LF, {@link #read()}
 * keeps it), decoding UTF-8 with surrogate escapes ({@link Utf8}). A line longer than {@code
 * maxLineBytes} is cut there and flagged, and the rest of it up to the next LF is discarded, so one
 * runaway line cannot exhaust memory. Not thread-safe.
 */
public final class LineReader {
  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf;
  private int pos;
  private int end;
  private byte[] line = new byte[1024];

  /**
   * Where the last line is: a slice of {@link #buf} when it lay whole in it, else {@link #line}.
   */
  private byte[] lineArray = line;

  private int lineStart;
  private int len;
  private long offset;
  private boolean lastTooLong;
  private boolean lastTerminated;

  public LineReader(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, 64 * 1024);
  }

  /** With a read buffer of {@code bufferBytes} (tests: lines across its end). */
  LineReader(InputStream in, int maxLineBytes, int bufferBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.buf = new byte[bufferBytes];
  }

  /**
   * For a caller that finds where a line ends itself, while it reads the line anyway (a scanner
   * that checks a JSON line stops at its line feed): makes {@link #buffer()}{@code [position(),
   * limit())} hold the unread bytes, between lines only. When fewer than {@code reserve} are left
   * and the stream has more ready ({@link InputStream#available()}: a read that would block is
   * never made while whole lines wait in the buffer), they are moved to the front and more are read
   * behind them, so that few lines are cut by the buffer's end. False at the end of the stream
   * (nothing left: {@link #read()} says so too).
   */
  public boolean fill(int reserve) throws IOException {
    int left = end - pos;
    if (left >= reserve) {
      return true;
    }
    if (left == 0) {
      int n = read(0, buf.length);
      pos = 0;
      end = Math.max(n, 0);
      if (!started && n > 0) {
        skipBom();
      }
      return n > 0;
    }
    if (pos > 0 && ready()) {
      System.arraycopy(buf, pos, buf, 0, left);
      pos = 0;
      end = left;
      int n = read(end, buf.length - end);
      if (n > 0) {
        end += n;
      }
    }
    return true;
  }

  /**
   * Whether the stream has bytes ready to be read without blocking. It is asked ({@link
   * InputStream#available()}: for a file two or three system calls) only when what it said last has
   * been read: a file says at once how much is left. Nothing ready (a pipe written line by line):
   * not asked again until a read.
   */
  private boolean ready() throws IOException {
    if (ready > 0) {
      return true;
    }
    if (drained) {
      return false;
    }
    ready = in.available();
    drained = ready <= 0;
    return !drained;
  }

  /** Bytes the stream said it had ready ({@link #ready}), less what was read since. */
  private long ready;

  /** The stream had nothing ready when last asked, and nothing was read since. */
  private boolean drained;

  /** Reads into {@code buf[off, off+len)}: the stream's read, counted against {@link #ready}. */
  private int read(int off, int len) throws IOException {
    int n = in.read(buf, off, len);
    drained = false;
    ready = n > 0 ? Math.max(0, ready - n) : 0;
    return n;
  }

  /** The longest line kept whole. */
  public int maxLineBytes() {
    return maxLineBytes;
  }

  /** The read buffer; see {@link #fill}. */
  public byte[] buffer() {
    return buf;
  }

  /** Where the next line starts in {@link #buffer()}. */
  public int position() {
    return pos;
  }

  /**
   * Where the bytes the next line may lie in end: the end of what was read, or sooner when that is
   * more than the longest line allowed (and its line feed).
   */
  public int limit() {
    return (int) Math.min(end, pos + (long) maxLineBytes + 1);
  }

  /**
   * Takes the line from {@link #position()} to the line feed at {@code lineFeed} (in {@link
   * #buffer()}, before {@link #limit()}), found by the caller: afterwards {@link #bytes()}, {@link
   * #length()} and the rest say what {@link #read()} would say of it.
   */
  public void take(int lineFeed) {
    lastTooLong = false;
    lineArray = buf;
    lineStart = pos;
    len = lineFeed - pos;
    offset += len + 1;
    pos = lineFeed + 1;
    lastTerminated = true;
  }

  /** The next line without its terminator (nor a CR before it), or {@code null} at the end. */
  public String next() throws IOException {
    return read() ? decode() : null;
  }

  /**
   * Reads the next line into {@link #bytes()}{@code [start(), start() + length())}, without its LF
   * but with a CR before it (the decoder decides what a CR means); false at the end of the stream.
   * The array is reused by the next call.
   */
  public boolean read() throws IOException {
    len = 0;
    lastTooLong = false;
    lineArray = line;
    lineStart = 0;
    boolean any = false;
    while (true) {
      if (pos == end) {
        partial = len;
        end = read(0, buf.length);
        partial = 0;
        pos = 0;
        if (end <= 0) {
          end = 0;
          if (!any) {
            return false;
          }
          lastTerminated = false;
          return true;
        }
        if (!started) {
          skipBom();
          if (pos == end) {
            continue; // nothing but the mark yet
          }
        }
      }
      any = true;
      int start = pos;
      pos = Utf8.indexOf(buf, pos, end, (byte) '\n');
      if (pos < end && len == 0 && pos - start <= maxLineBytes) {
        // The whole line is in the read buffer: hand out that slice, no copy.
        lineArray = buf;
        lineStart = start;
        len = pos - start;
        offset += len + 1;
        pos++;
        lastTerminated = true;
        return true;
      }
      append(start, pos);
      offset += pos - start;
      if (pos < end) {
        pos++;
        offset++;
        lastTerminated = true;
        return true;
      }
    }
  }

  /** Whether the stream's first bytes were looked at for a byte order mark. */
  private boolean started;

  /**
   * A UTF-8 byte order mark (EF BB BF) that an editor or a Windows tool put before the first line
   * is not part of that line: the line is read without it (else an event line would not start with
   * its brace and be skipped as a server line). Only at the start of the stream.
   */
  private void skipBom() {
    started = true;
    if (end - pos >= 3
        && buf[pos] == (byte) 0xEF
        && buf[pos + 1] == (byte) 0xBB
        && buf[pos + 2] == (byte) 0xBF) {
      pos += 3;
      offset += 3;
    }
  }

  /** Bytes of a line without its line feed yet while {@link #read()} reads more (other threads). */
  private volatile int partial;

  /**
   * While {@link #read()} waits for the rest of a line: how many bytes of it it has read; 0
   * otherwise. Safe to ask from another thread.
   */
  public int partialBytes() {
    return partial;
  }

  private void append(int from, int to) {
    int n = to - from;
    if (n == 0) {
      return;
    }
    int room = maxLineBytes - len;
    if (n > room) {
      lastTooLong = true;
      n = Math.max(room, 0);
    }
    if (len + n > line.length) {
      line = Arrays.copyOf(line, Math.max(len + n, line.length * 2));
      lineArray = line; // the line is handed out from the grown array, not the one it outgrew
    }
    System.arraycopy(buf, from, line, len, n);
    len += n;
  }

  private String decode() {
    int n = len;
    if (n > 0 && lineArray[lineStart + n - 1] == '\r' && !lastTooLong) {
      n--;
    }
    return Utf8.decode(lineArray, lineStart, n);
  }

  /**
   * The array holding the last line read by {@link #read()}, at {@link #start()}: valid until the
   * next call.
   */
  public byte[] bytes() {
    return lineArray;
  }

  /** Where the last line starts in {@link #bytes()}. */
  public int start() {
    return lineStart;
  }

  /** Length of the last line read by {@link #read()}. */
  public int length() {
    return len;
  }

  /** True when the last line was longer than the limit and was cut. */
  public boolean lastTooLong() {
    return lastTooLong;
  }

  /** True when the last line ended with LF (false for a final line without one). */
  public boolean lastTerminated() {
    return lastTerminated;
  }

  /** Bytes consumed so far, including line terminators. */
  public long offset() {
    return offset;
  }
}
