package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.io.NdjsonFile;
import dev.auditship.testutil.Golden;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stdin/file read to the end: nothing read is lost when stopping or when the input fails mid-batch.
 */
class StreamSourceTest {
  @TempDir Path tmp;

  private Rejects rejects() {
    return new Rejects(new NdjsonFile(tmp.resolve("rejects.ndjson")), Clock.systemUTC());
  }

  private static byte[] lines(int n) {
    return Golden.line("audit_user_login").json().repeat(n).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anInterruptWhileLingeringReturnsWhatWasAlreadyRead() throws Exception {
    PipedOutputStream w = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(w, 1 << 20);
    w.write(lines(3));
    w.flush();
    StreamSource s = new StreamSource("stdin", in, rejects());
    s.start();
    Thread caller = Thread.currentThread();
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException ignored) {
                return;
              }
              caller.interrupt();
            });
    stopper.start();
    Source.Batch b = s.next(100, Duration.ofSeconds(30)); // lingers: the pipe stays open
    assertThat(Thread.interrupted()).isTrue();
    assertThat(b.events()).hasSize(3);
    stopper.join();
    w.close();
  }

  @Test
  void aReadErrorAfterSomeEventsDeliversThemFirstThenFails() throws Exception {
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("device error");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw new IOException("device error");
          }
        };
    StreamSource s =
        new StreamSource(
            "in.log",
            new SequenceInputStream(new ByteArrayInputStream(lines(2)), failing),
            rejects());
    s.start();
    Source.Batch b = s.next(100, Duration.ofSeconds(2));
    assertThat(b.events()).hasSize(2);
    assertThatThrownBy(() -> s.next(100, Duration.ofSeconds(2)))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot read in.log: device error");
  }
}
