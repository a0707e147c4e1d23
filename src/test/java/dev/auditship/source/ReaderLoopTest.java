package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.LogDecoder;
import dev.auditship.testutil.Golden;
import dev.auditship.text.Utf8;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader thread's loop ({@link StreamSource#readLines}), where the decoder finds the end of a
 * JSON event line while it scans it, against the plain loop it replaced (each line split at its
 * line feed first, then decoded): the same records, line numbers and offsets, for every kind of
 * line, cut by the read buffer's end at every position, read in pieces of any size.
 */
class ReaderLoopTest {
  /** A stream that hands out at most {@code chunk} bytes a read; says more is ready or not. */
  private static final class Pieces extends InputStream {
    private final byte[] b;
    private final int chunk;
    private final boolean tellsAvailable;
    private int pos;
    int reads;
    int asked;

    Pieces(byte[] b, int chunk, boolean tellsAvailable) {
      this.b = b;
      this.chunk = chunk;
      this.tellsAvailable = tellsAvailable;
    }

    @Override
    public int read() {
      return pos < b.length ? b[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] to, int off, int len) {
      reads++;
      if (pos == b.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), b.length - pos);
      System.arraycopy(b, pos, to, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      asked++;
      return tellsAvailable ? b.length - pos : 0;
    }
  }

  private record Run(List<Decoded> records, long lines, long offset) {}

  /** What the reader did before: split, then decode each line. */
  private static Run plain(byte[] text, int buffer, int maxLine) throws IOException {
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    LineReader lr = new LineReader(new Pieces(text, Integer.MAX_VALUE, true), maxLine, buffer);
    long n = 0;
    while (lr.read()) {
      n++;
      if (lr.lastTooLong()) {
        String line = Utf8.decode(lr.bytes(), lr.start(), lr.length());
        out.add(
            new Decoded.Rejected(
                n,
                "line longer than " + maxLine + " bytes (cut in the rejects file)",
                line.substring(0, Math.min(line.length(), 64 * 1024))));
        continue;
      }
      d.line(n, lr.bytes(), lr.start(), lr.length());
    }
    d.finish();
    return new Run(out, n, lr.offset());
  }

  private static Run loop(byte[] text, int buffer, int maxLine, int chunk, boolean available)
      throws IOException {
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    LineReader lr = new LineReader(new Pieces(text, chunk, available), maxLine, buffer);
    long[] n = new long[1];
    StreamSource.readLines(lr, d, out::add, () -> n[0]++);
    return new Run(out, n[0], lr.offset());
  }

  private static void assertSame(byte[] text, int buffer, int maxLine, int chunk, boolean avail)
      throws IOException {
    Run expected = plain(text, buffer, maxLine);
    Run actual = loop(text, buffer, maxLine, chunk, avail);
    String what = "buffer " + buffer + ", pieces of " + chunk + ", available " + avail;
    assertThat(actual.lines()).as(what).isEqualTo(expected.lines());
    assertThat(actual.offset()).as(what).isEqualTo(expected.offset()).isEqualTo(text.length);
    Golden.assertSameRecords(expected.records(), actual.records(), what);
  }

  /** Every kind of line a log may hold, the hard ones included. */
  private static byte[] allKinds() {
    StringBuilder sb = new StringBuilder();
    List<Golden.Line> golden = Golden.lines();
    for (Golden.Line g : golden) {
      sb.append(g.json().strip()).append('\n');
    }
    String first = golden.get(0).json().strip();
    sb.append(first).append("\r\n"); // CRLF
    sb.append(first).append("\r\r\n"); // two CRs: not slog's line
    sb.append(first).append(" \n"); // white space after the object
    sb.append(first).append("}\n"); // a brace too many
    sb.append(first, 0, first.length() - 1).append('\n'); // one too few
    sb.append(first, 0, first.length() / 2).append('\n'); // cut in the middle
    sb.append('\n').append("\r\n"); // empty lines
    sb.append("{\"ts\":\"2025-07-03T06:50:01.004Z\",\"level\":\"INFO\",\"msg\":\"started\",")
        .append("\"fields\":{\"address\":\"0.0.0.0:3000\"}}\n"); // not an event
    sb.append(first.replace("\"UserAgent\":\"", "\"UserAgent\":\"<b>\\u00e9\u00e9\\n"))
        .append('\n'); // kept as values, not as the line
    sb.append(first.replace("\"Action\":\"start\"", "\"Action\":\"a\u2028b\""))
        .append('\n'); // U+2028, which Go escapes
    sb.append(first.replace("\"ID\":\"", "\"ID\":\"x")).append('\n'); // rejected
    for (Golden.Line g : golden) {
      sb.append(g.human()).append('\n'); // multi-line human entries among them
    }
    sb.append(first).append('\n');
    sb.append(golden.get(1).human()).append('\n');
    sb.append(first); // the last line without a line feed
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyKindOfLineReadsAsBeforeInPiecesOfAnySize() throws IOException {
    byte[] text = allKinds();
    for (int buffer : new int[] {64, 1000, 1500, 4096, 65536}) {
      for (int chunk : new int[] {1, 7, 333, 1024, Integer.MAX_VALUE}) {
        for (boolean available : new boolean[] {true, false}) {
          assertSame(text, buffer, 1024 * 1024, chunk, available);
        }
      }
    }
  }

  /**
   * A line of every kind cut by the read buffer's end at every position (the stream saying no more
   * is ready, so the buffer is not topped up): a short line before it moves it one byte a step.
   */
  @Test
  void aLineCutByTheBufferAtEveryPositionReadsAsBefore() throws IOException {
    byte[] kinds = allKinds();
    int buffer = 2048;
    for (int shift = 0; shift <= buffer; shift++) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      text.write(new byte[shift], 0, 0);
      text.writeBytes(("x".repeat(shift) + "\n").getBytes(StandardCharsets.US_ASCII));
      text.write(kinds, 0, Math.min(kinds.length, 6 * 1024));
      assertSame(text.toByteArray(), buffer, 1024 * 1024, Integer.MAX_VALUE, false);
    }
  }

  /** Lines longer than the limit are cut and rejected as before, wherever the limit falls. */
  @Test
  void linesAroundTheLengthLimitReadAsBefore() throws IOException {
    byte[] text = allKinds();
    for (int max = 900; max <= 1100; max++) {
      assertSame(text, 4096, max, Integer.MAX_VALUE, true);
    }
  }

  /**
   * A stream with nothing ready (a pipe written line by line) is asked so at most once per read,
   * not once per line left in the buffer; one that said how much it has is asked again only when
   * that is read.
   */
  @Test
  void aStreamWithNothingReadyIsAskedOncePerRead() throws IOException {
    byte[] text = allKinds();
    Pieces in = new Pieces(text, 4096, false);
    LineReader lr = new LineReader(in, 1024 * 1024);
    StreamSource.readLines(lr, new LogDecoder(d -> {}), d -> {}, () -> {});
    assertThat(in.asked).isPositive().isLessThanOrEqualTo(in.reads);
    // A file says how much it has left: asked once, however many reads (and at its end).
    Pieces file = new Pieces(text, 4096, true);
    StreamSource.readLines(
        new LineReader(file, 1024 * 1024), new LogDecoder(d -> {}), d -> {}, () -> {});
    assertThat(file.asked).isBetween(1, 2); // once more when all of it was read
    assertThat(file.reads).isGreaterThan(text.length / 4096);
  }
}
