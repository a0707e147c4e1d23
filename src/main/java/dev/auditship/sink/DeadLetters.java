package dev.auditship.sink;

import dev.auditship.codec.JsonFormat;
import dev.auditship.io.JsonText;
import dev.auditship.io.NdjsonFile;
import dev.auditship.text.GoTime;
import java.io.IOException;
import java.time.Clock;

/**
 * The dead-letter file: NDJSON, one object per event a destination refused for good, with the sink,
 * the reason (the destination's code and text), the time, the event as a slog JSON object and the
 * record as formatted for the sink. Shared by all sinks; thread-safe.
 */
public final class DeadLetters implements AutoCloseable {
  private final NdjsonFile file;
  private final JsonFormat json;
  private final Clock clock;

  public DeadLetters(NdjsonFile file, JsonFormat json, Clock clock) {
    this.file = file;
    this.json = json;
    this.clock = clock;
  }

  public String path() {
    return file.path().toString();
  }

  /**
   * Writes one dead letter and syncs it; an I/O failure is thrown so the caller keeps the event.
   */
  public void write(String sink, SinkRecord record, String reason) throws IOException {
    String line =
        new JsonText()
            .str("time", GoTime.rfc3339Nano(clock.instant()))
            .str("sink", sink)
            .str("reason", reason)
            .str("kind", record.event().kind().label())
            .str("id", record.event().id())
            // A record sent from a spool in a format other than json carries only a summary of
            // its event (what the sink reads): named so, so that nobody mistakes it for the event.
            .raw(
                record.event().isSummary() ? "event_summary" : "event", json.format(record.event()))
            .original("record", record.text())
            .toString();
    file.append(line);
  }

  public long count() {
    return file.count();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
