package dev.auditship.cli;

import dev.auditship.codec.JsonFormat;
import dev.auditship.config.RetryConfig;
import dev.auditship.config.SpoolConfig;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkStats;
import dev.auditship.metrics.SourceStats;
import dev.auditship.pipeline.Pipeline;
import dev.auditship.pipeline.TestPipelines;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Sleeper;
import dev.auditship.source.Source;
import dev.auditship.spool.SpoolTarget;
import dev.auditship.testutil.TestEvents;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link GracefulShutdownIT}: the real run loop, signal handling and exit code
 * ({@link RunCommand#runUntilDone}) with a spool in front of a slow sink, fed by a source that
 * behaves like the file follower (a checkpoint committed after acceptance; idle, not ended, once it
 * has read everything).
 *
 * <p>Arguments: spool directory, checkpoint file, delivered file, events in total, sink delay per
 * batch (ms), shutdown timeout (ms), batch size.
 */
public final class ShutdownChild {
  private ShutdownChild() {}

  /**
   * Emits events 0..total-1 after the committed checkpoint, then idles like a follower at the end
   * of its file.
   */
  static final class CheckpointedSource implements Source {
    private final long total;
    private final Path checkpoint;
    private final SourceStats stats = new SourceStats();
    private long next;

    CheckpointedSource(long total, Path checkpoint) throws IOException {
      this.total = total;
      this.checkpoint = checkpoint;
      this.next =
          Files.exists(checkpoint) ? Long.parseLong(Files.readString(checkpoint).strip()) : 0;
    }

    @Override
    public Batch next(int max, Duration linger) throws InterruptedException {
      if (next >= total) {
        Thread.sleep(linger.toMillis());
        return new Batch(List.of(), next);
      }
      int n = (int) Math.min(max, total - next);
      List<Event> events = new ArrayList<>(n);
      for (long i = next; i < next + n; i++) {
        events.add(TestEvents.event(i));
      }
      next += n;
      stats.events.addAndGet(n);
      return new Batch(events, next);
    }

    @Override
    public void commit(Batch batch) throws IOException {
      Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
      Files.writeString(tmp, batch.position() + "\n");
      Files.move(
          tmp, checkpoint, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public SourceStats stats() {
      return stats;
    }
  }

  public static void main(String[] args) throws Exception {
    Path spoolDir = Path.of(args[0]);
    Path checkpoint = Path.of(args[1]);
    Path deliveredFile = Path.of(args[2]);
    long total = Long.parseLong(args[3]);
    long delayMs = Long.parseLong(args[4]);
    Duration shutdownTimeout = Duration.ofMillis(Long.parseLong(args[5]));
    int batchMax = Integer.parseInt(args[6]);

    FileOutputStream delivered = new FileOutputStream(deliveredFile.toFile(), true);
    Sink slow =
        new Sink() {
          @Override
          public String name() {
            return "slow";
          }

          @Override
          public Outcome send(List<SinkRecord> batch) throws InterruptedException {
            Thread.sleep(delayMs); // interrupted when the shutdown deadline cuts the delivery short
            StringBuilder sb = new StringBuilder();
            for (SinkRecord r : batch) {
              sb.append(TestEvents.index(r.event())).append('\n');
            }
            try {
              delivered.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return Outcome.delivered();
          }
        };
    JsonFormat json = new JsonFormat(EnvelopeDefaults.CODER);
    Clock clock = Clock.systemUTC();
    RetryingSink delivery =
        new RetryingSink(
            slow,
            RetryConfig.DEFAULT,
            new DeadLetters(
                new NdjsonFile(spoolDir.resolveSibling("dead-letters.ndjson")), json, clock),
            new SinkStats(),
            Sleeper.REAL);
    SpoolTarget target =
        SpoolTarget.open(
            new SpoolConfig(spoolDir, 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ZERO),
            delivery,
            json,
            clock,
            batchMax);
    Pipeline pipeline =
        TestPipelines.pipeline(
            new CheckpointedSource(total, checkpoint),
            List.of(target),
            json,
            batchMax,
            Duration.ofMillis(50),
            Duration.ZERO,
            shutdownTimeout);
    System.exit(
        RunCommand.runUntilDone(
            pipeline, shutdownTimeout, LoggerFactory.getLogger(RunCommand.class)));
  }
}
