package dev.auditship.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.auditship.codec.JsonFormat;
import dev.auditship.config.RetryConfig;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.filter.EventFilter;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SinkState;
import dev.auditship.metrics.SinkStats;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Sleeper;
import dev.auditship.source.Source;
import dev.auditship.testutil.LogCapture;
import dev.auditship.testutil.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Progress and Stopped lines of a sink paused by a configuration fault (QA finding F4): {@code
 * paused_ms} counts the pause in progress, and a pause the shutdown cuts short.
 */
class PausedProgressTest {
  @TempDir Path tmp;

  /** A HEC destination that refuses the token. */
  static final class BadToken implements Sink {
    @Override
    public String name() {
      return "splunk";
    }

    @Override
    public Outcome send(List<SinkRecord> batch) {
      return Outcome.configFault(batch, "Splunk refused the token: HTTP 403 code 4");
    }
  }

  @Test
  void pausedMsInTheProgressAndStoppedLinesIsTheTimePausedSoFar() throws Exception {
    MutableClock clock = new MutableClock("2026-11-28T11:00:00Z");
    SinkStats stats = new SinkStats();
    RetryingSink target =
        new RetryingSink(
            new BadToken(),
            new RetryConfig(
                Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 0.0, Duration.ofSeconds(30)),
            new DeadLetters(
                new NdjsonFile(tmp.resolve("dl.ndjson")),
                new JsonFormat(EnvelopeDefaults.CODER),
                clock),
            stats,
            Sleeper.REAL, // the 30 s probe wait, cut short by the abort below
            clock);
    PipelineTest.ListSource src = new PipelineTest.ListSource();
    List<Event> ev = PipelineTest.events();
    src.batches.add(new Source.Batch(ev, "p1"));
    Pipeline p =
        new Pipeline(
            src,
            EventFilter.ALL,
            List.of(
                new SinkRuntime(
                    "splunk", EventFilter.ALL, new JsonFormat(EnvelopeDefaults.CODER), target)),
            100,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofSeconds(1));
    Throwable[] thrown = new Throwable[1];
    try (LogCapture logs = new LogCapture(Pipeline.class)) {
      Thread runner = PipelineTest.start(p, thrown);
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> stats.state.get().mode() == SinkState.Mode.PAUSED);
      clock.advance(Duration.ofSeconds(14));
      p.logProgress();
      String counters =
          "sink=splunk delivered=0 retried=" + ev.size() + " dead_lettered=0 filtered=0 dropped=0";
      assertThat(logs.startingWith("Progress. sink=splunk"))
          .singleElement()
          .asString()
          .startsWith("Progress. " + counters + " paused_ms=14000 delivered_per_sec=0.0 lag_secs=")
          .endsWith(" state=paused");
      clock.advance(Duration.ofSeconds(2));
      p.abort(); // the shutdown deadline, while the sink waits for its next probe
      runner.join(10_000);
      assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
      p.logStats("Stopped.");
      assertThat(logs.startingWith("Stopped. sink=splunk"))
          .containsExactly("Stopped. " + counters + " paused_ms=16000");
    } finally {
      p.close();
    }
  }
}
