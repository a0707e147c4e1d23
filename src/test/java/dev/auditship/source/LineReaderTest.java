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
}
