package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  @Test
  void lineReaderHandlesCrlfAFinalLineWithoutNewlineAndOverlongLines() throws IOException {
    byte[] in = ("a\r\nb\n" + "x".repeat(50) + "\nlast").getBytes(StandardCharsets.UTF_8);
    LineReader r = new LineReader(new ByteArrayInputStream(in), 10);
    assertThat(r.next()).isEqualTo("a");
    assertThat(r.lastTerminated()).isTrue();
    assertThat(r.next()).isEqualTo("b");
    assertThat(r.next()).isEqualTo("x".repeat(10));
    assertThat(r.lastTooLong()).isTrue();
    assertThat(r.next()).isEqualTo("last");
    assertThat(r.lastTooLong()).isFalse();
    assertThat(r.lastTerminated()).isFalse();
    assertThat(r.offset()).isEqualTo(in.length);
    assertThat(r.next()).isNull();
  }

  /**
   * A UTF-8 byte order mark before the first line is not part of it, whichever way the line is read
   * (the reader's slow path, or a caller that finds the line feed itself); one later in the stream
   * is data. A stream of nothing but the mark has no lines.
   */
  @Test
  void aByteOrderMarkAtTheStartIsNotPartOfTheFirstLine() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] in = concat(bom, "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8), bom, "b\n".getBytes());
    LineReader r = new LineReader(new ByteArrayInputStream(in), 1024);
    assertThat(r.next()).isEqualTo("{\"a\":1}");
    assertThat(r.next()).isEqualTo("\uFEFFb");
    assertThat(r.offset()).isEqualTo(in.length);
    assertThat(r.next()).isNull();

    LineReader f = new LineReader(new ByteArrayInputStream(in), 1024);
    assertThat(f.fill(16)).isTrue();
    assertThat(f.position()).isEqualTo(3);
    assertThat(f.buffer()[f.position()]).isEqualTo((byte) '{');

    assertThat(new LineReader(new ByteArrayInputStream(bom), 1024).next()).isNull();
    assertThat(
            new LineReader(new ByteArrayInputStream(new byte[] {(byte) 0xEF, 'x', '\n'}), 1024)
                .read())
        .isTrue();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }

  /**
   * A line that does not lie whole in the read buffer is copied into a line array that grows:
   * {@link LineReader#bytes()} is the grown array (it was the one it outgrew, and reading the line
   * failed with an index out of bounds).
   */
  @Test
  void aLineLongerThanTheLineArrayAcrossReadsIsHandedOutWhole() throws IOException {
    String longer = "y".repeat(70_000);
    String across = "z".repeat(1500);
    byte[] in =
        ("x".repeat(65_000) + "\n" + across + "\n" + longer + "\nend")
            .getBytes(StandardCharsets.US_ASCII);
    LineReader r = new LineReader(new ByteArrayInputStream(in), 1024 * 1024);
    assertThat(r.read()).isTrue();
    assertThat(r.length()).isEqualTo(65_000);
    assertThat(r.read()).isTrue(); // across the first 64 KiB read's end
    assertThat(new String(r.bytes(), r.start(), r.length(), StandardCharsets.US_ASCII))
        .isEqualTo(across);
    assertThat(r.next()).isEqualTo(longer);
    assertThat(r.next()).isEqualTo("end");
    assertThat(r.next()).isNull();
  }
}
