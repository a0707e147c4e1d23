package dev.auditship.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.JsonFormat;
import dev.auditship.config.ConfigLoader;
import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.config.Problem;
import dev.auditship.config.Problems;
import dev.auditship.config.SinkConfig;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.registry.Registry;
import dev.auditship.sink.RetryingSink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Helpers shared by the Kafka sink tests. */
final class KafkaTests {
  private KafkaTests() {}

  /** The sink {@code k} of a config whose sinks: section is {@code k: {type: kafka, <yaml>}}. */
  static SinkConfig sink(String yaml) {
    return sink(yaml, Map.of());
  }

  static SinkConfig sink(String yaml, Map<String, String> env) {
    String text = "source: {type: stdin}\nsinks:\n  k:\n    type: kafka\n" + yaml.strip().indent(4);
    ConfigLoader.Result r =
        new ConfigLoader(env::get, Registry.standard()).load(text, new Problems("k.yaml"));
    assertThat(r.problems()).extracting(Problem::render).isEmpty();
    return r.config().sinks().get(0);
  }

  static KafkaSinkConfig settings(String yaml) {
    return (KafkaSinkConfig) sink(yaml).settings();
  }

  /** The problems of such a config, rendered. */
  static List<String> problems(String yaml) {
    String text = "source: {type: stdin}\nsinks:\n  k:\n    type: kafka\n" + yaml.strip().indent(4);
    ConfigLoader.Result r =
        new ConfigLoader(Map.<String, String>of()::get, Registry.standard())
            .load(text, new Problems("k.yaml"));
    return r.problems().stream().map(Problem::render).toList();
  }

  static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);

  static List<SinkRecord> records(List<Event> events) {
    List<SinkRecord> out = new ArrayList<>();
    for (Event e : events) {
      out.add(new SinkRecord(e, JSON.format(e)));
    }
    return out;
  }

  /**
   * Starts a thread that delivers events 0..total-1 through {@code d} in batches of {@code
   * perBatch}, pausing {@code pauseMillis} between batches; a failure is kept in {@code failure}.
   */
  static Thread stream(
      RetryingSink d,
      int total,
      int perBatch,
      long pauseMillis,
      AtomicReference<Throwable> failure) {
    Thread t =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < total; i += perBatch) {
                  List<Event> events = new ArrayList<>();
                  for (int j = i; j < i + perBatch; j++) {
                    events.add(TestEvents.event(j));
                  }
                  d.deliver(records(events));
                  Thread.sleep(pauseMillis);
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "kafka-stream");
    t.start();
    return t;
  }
}
