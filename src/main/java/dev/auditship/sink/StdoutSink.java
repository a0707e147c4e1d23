package dev.auditship.sink;

import dev.auditship.source.Utf8;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code type: stdout}: one record per line (a human multi-line record as slog prints it), written
 * and flushed per batch. The exporter's own logs go to stderr, so stdout carries records only. A
 * write failure (stdout closed) is not transient: it is thrown and ends the run with nothing
 * committed.
 */
public final class StdoutSink implements Sink {
  private final String name;
  private final OutputStream out;
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);

  public StdoutSink(String name, OutputStream out) {
    this.name = name;
    this.out = out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Outcome send(List<SinkRecord> batch) {
    buf.reset();
    for (SinkRecord r : batch) {
      Utf8.encodeTo(r.text(), buf);
      buf.write('\n');
    }
    try {
      buf.writeTo(out);
      out.flush();
      return Outcome.delivered();
    } catch (IOException e) {
      // A closed stdout (the reading process went away) does not come back: fail the run instead of
      // retrying forever. Nothing of this batch is committed, so nothing is lost.
      throw new UncheckedIOException("cannot write to stdout: " + e.getMessage(), e);
    }
  }
}
