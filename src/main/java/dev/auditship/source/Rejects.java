package dev.auditship.source;

import dev.auditship.codec.Decoded;
import dev.auditship.io.JsonText;
import dev.auditship.io.Logfmt;
import dev.auditship.io.NdjsonFile;
import dev.auditship.text.GoTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quarantine for input that claims to be an audit or connection event but is broken: one NDJSON
 * object per record ({@code time} of the rejection, {@code input} name, {@code line} number, {@code
 * reason} and {@code original} text; the one schema of every rejects file, from {@code run} and
 * {@code render}), and a one-line report to the operator. The run goes on. Thread-safe.
 */
public final class Rejects implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rejects.class);

  /** Tells the operator about one rejected line. */
  @FunctionalInterface
  public interface Reporter {
    /**
     * @param file the rejects file it was written to, or {@code null} when there is none
     */
    void rejected(String input, Decoded.Rejected r, Path file);
  }

  /** A WARN line in the exporter's log (for {@code run}). */
  public static final Reporter LOG_WARNING =
      (input, r, file) ->
          LOG.warn(
              "Broken event line quarantined. input={} line={} reason=\"{}\" rejects_file={}",
              input,
              r.line(),
              Logfmt.q(r.reason()),
              file);

  private final NdjsonFile file;
  private final Clock clock;
  private final Reporter reporter;

  /** Writes to {@code file} and logs a warning per line. */
  public Rejects(NdjsonFile file, Clock clock) {
    this(file, clock, LOG_WARNING);
  }

  /**
   * @param file where rejected lines are written, or {@code null} to only report them
   */
  public Rejects(NdjsonFile file, Clock clock, Reporter reporter) {
    this.file = file;
    this.clock = clock;
    this.reporter = reporter;
  }

  public void reject(String input, Decoded.Rejected r) throws IOException {
    if (file != null) {
      file.append(
          new JsonText()
              .str("time", GoTime.rfc3339Nano(clock.instant()))
              .str("input", input)
              .num("line", r.line())
              .str("reason", r.reason())
              .original("original", r.original())
              .toString());
    }
    reporter.rejected(input, r, file == null ? null : file.path());
  }

  /** The error to stop with when a rejected line could not be written ({@code e}). */
  public UncheckedIOException writeFailed(IOException e) {
    return new UncheckedIOException(writeFailure(e), e);
  }

  /** What went wrong writing a rejected line, as a sentence naming the file and the reason. */
  public String writeFailure(IOException e) {
    return "cannot write the rejects file " + path() + ": " + (file == null ? "" : file.failure(e));
  }

  /** The rejects file, or {@code "(none)"}. */
  public String path() {
    return file == null ? "(none)" : file.path().toString();
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
    }
  }
}
