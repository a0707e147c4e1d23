package dev.auditship.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every counter and gauge can be read back by name and labels, also those registered later. */
class MetricsTest {

  @Test
  void sinkAndSourceCountersAreReadByNameAndLabels() {
    Metrics m = new Metrics();
    List<String> seen = new ArrayList<>();
    m.onRegister(meter -> seen.add(meter.name() + meter.labels()));
    SinkStats sink = new SinkStats();
    sink.spoolGauges(() -> new SpoolGauges(3, 300, Duration.ofSeconds(7), 0));
    sink.register(m, "splunk");
    sink.delivered.addAndGet(5);
    SourceStats source = new SourceStats();
    source.register(m, "file");
    source.lines.incrementAndGet();

    assertThat(m.value("auditship_sink_delivered_total", Map.of("sink", "splunk"))).hasValue(5);
    assertThat(m.value("auditship_spool_records", Map.of("sink", "splunk"))).hasValue(3);
    assertThat(m.value("auditship_spool_oldest_age_seconds", Map.of("sink", "splunk"))).hasValue(7);
    assertThat(m.value("auditship_source_lines_total", Map.of("source", "file"))).hasValue(1);
    assertThat(m.value("auditship_source_lines_total", Map.of("source", "stdin"))).isEmpty();
    assertThat(seen).contains("auditship_sink_delivered_total{sink=splunk}");
    assertThat(seen).hasSize(m.meters().size());
    assertThat(m.meters())
        .filteredOn(x -> x.type() == Meter.Type.GAUGE)
        .extracting(Meter::name)
        .containsExactly(
            "auditship_spool_records",
            "auditship_spool_bytes",
            "auditship_spool_oldest_age_seconds",
            "auditship_spool_quarantined_bytes",
            "auditship_sink_in_flight_events",
            "auditship_sink_paused",
            "auditship_sink_paused",
            "auditship_sink_newest_delivered_event_timestamp_seconds",
            "auditship_sink_oldest_undelivered_event_age_seconds");
  }

  @Test
  void aNameWithTheSameLabelsIsRegisteredOnceAndCountersOnlyGrow() {
    Metrics m = new Metrics();
    m.counter("auditship_x_total", "x", Map.of("sink", "a"));
    m.counter("auditship_x_total", "x", Map.of("sink", "b"));
    assertThatThrownBy(() -> m.counter("auditship_x_total", "x", Map.of("sink", "a")))
        .hasMessage("metric auditship_x_total{sink=a} is registered twice");
    assertThatThrownBy(() -> new Counter().addAndGet(-1))
        .hasMessage("a counter cannot go down: -1");
  }
}
