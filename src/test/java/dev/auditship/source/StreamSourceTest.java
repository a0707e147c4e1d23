package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.auditship.io.NdjsonFile;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LogCapture;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /**
   * A stop while the reader is reading: the line it had begun (no line feed yet) is not decoded
   * into a broken line for the rejects file; a WARN gives its length. The whole line before it is
   * delivered.
   */
  @Test
  void aLineCutByAStopIsNotQuarantinedAsBrokenButNamedInAWarning() throws Exception {
    String whole = Golden.line("audit_user_login").json();
    String begun = whole.substring(0, 120);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InputStream in =
        new InputStream() {
          private int reads;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (reads++ == 0) {
              byte[] first = (whole + begun).getBytes(StandardCharsets.UTF_8);
              System.arraycopy(first, 0, b, off, first.length);
              return first.length;
            }
            entered.countDown();
            try {
              release.await(); // the stop comes while this read is under way
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            return -1;
          }
        };
    try (LogCapture log = new LogCapture(StreamSource.class)) {
      StreamSource s = new StreamSource("stdin", in, rejects());
      s.start();
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      s.stopReading();
      release.countDown();
      Source.Batch b = s.nextAlreadyRead(100);
      assertThat(b.events()).hasSize(1);
      assertThat(s.nextAlreadyRead(100)).isNull();
      assertThat(s.stats().rejected.get()).isZero();
      assertThat(log.messages(Level.WARN))
          .containsExactly(
              "Stopped in the middle of a line: the 120 bytes of it read so far, without a line"
                  + " feed, are not delivered. input=stdin");
    }
  }

  /**
   * A stop while stdin is idle after a multi-line human entry whose next line has not come: the
   * entry was read whole (every line with its line feed), so it is delivered, not left held in the
   * decoder while the reader waits in a read.
   */
  @Test
  void aMultiLineEntryHeldWhileTheInputIsIdleIsDeliveredAtAStop() throws Exception {
    String entry = Golden.line("edge_multiline_reason").human();
    PipedOutputStream w = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(w, 1 << 20);
    w.write(entry.getBytes(StandardCharsets.UTF_8));
    w.flush();
    StreamSource s = new StreamSource("stdin", in, rejects());
    s.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (in.available() > 0) { // the reader takes the entry; its next line never comes
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }
    Source.Batch b = s.nextAlreadyRead(100);
    assertThat(b).isNotNull();
    assertThat(b.events()).hasSize(1);
    assertThat(s.nextAlreadyRead(100)).isNull();
    w.close();
  }
}
