package dev.auditship.source;

import dev.auditship.codec.Decoded;
import dev.auditship.io.JsonText;
import dev.auditship.io.NdjsonFile;
import dev.auditship.text.GoTime;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quarantine for input that claims to be an audit or connection event but is broken: one NDJSON
 * object per record with the input name, line number, reason and original text, plus a one-line
 * warning on stderr. The run goes on. Thread-safe.
 */
public final class Rejects implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rejects.class);
  private final NdjsonFile file;
  private final Clock clock;

  public Rejects(NdjsonFile file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  public void reject(String input, Decoded.Rejected r) throws IOException {
    file.append(
        new JsonText()
            .str("time", GoTime.rfc3339Nano(clock.instant()))
            .str("input", input)
            .num("line", r.line())
            .str("reason", r.reason())
            .original("original", r.original())
            .toString());
    LOG.warn(
        "Broken event line quarantined. input={} line={} reason=\"{}\" rejects_file={}",
        input,
        r.line(),
        r.reason(),
        file.path());
  }

  public String path() {
    return file.path().toString();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
