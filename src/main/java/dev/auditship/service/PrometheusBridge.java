package dev.auditship.service;

import dev.auditship.metrics.Meter;
import dev.auditship.metrics.Metrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Exposes the run's metrics room ({@link Metrics}) in the Prometheus text format through
 * Micrometer's Prometheus registry, with the JVM and process metrics Micrometer's binders provide.
 * Every counter and gauge registered in the room, now or later (a spool opens after the registry
 * exists), is read when scraped; histograms get each observation.
 *
 * <p>Names follow the Prometheus conventions (https://prometheus.io/docs/practices/naming/): the
 * room's names are already snake case with base units and {@code _total} on counters; the one
 * millisecond counter is exported in seconds ({@code auditship_sink_paused_seconds_total}).
 */
final class PrometheusBridge implements AutoCloseable {
  /** Bucket bounds of request durations: 5 ms to 60 s, covering a local file to a slow HEC. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> binders = new ArrayList<>();

  /** The Micrometer meter made for each meter or histogram of the room (removed on reload). */
  private final Map<Object, io.micrometer.core.instrument.Meter> bound = new ConcurrentHashMap<>();

  PrometheusBridge(Metrics metrics) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    binders.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    metrics.onRegister(this::add);
    metrics.onHistogram(this::add);
    metrics.onRemove(
        gone -> {
          io.micrometer.core.instrument.Meter m = bound.remove(gone);
          if (m != null) {
            registry.remove(m);
          }
        });
  }

  /** The metrics in the Prometheus text exposition format 0.0.4. */
  String scrape() {
    return registry.scrape();
  }

  private void add(Meter m) {
    Tags tags = tags(m.labels());
    String name = m.name();
    if (m.type() == Meter.Type.COUNTER) {
      // Micrometer adds _total to counters itself.
      String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
      double scale = 1;
      if (base.endsWith("_milliseconds")) {
        base = base.substring(0, base.length() - "_milliseconds".length()) + "_seconds";
        scale = 0.001;
      }
      double s = scale;
      bound.put(
          m,
          FunctionCounter.builder(base, m, x -> x.read() * s)
              .description(m.help())
              .tags(tags)
              .register(registry));
    } else {
      bound.put(
          m,
          Gauge.builder(name, m, x -> (double) x.read())
              .description(m.help())
              .tags(tags)
              .strongReference(true)
              .register(registry));
    }
  }

  private void add(Metrics.Distribution d) {
    String base =
        d.name().endsWith("_seconds")
            ? d.name().substring(0, d.name().length() - "_seconds".length())
            : d.name();
    Timer t =
        Timer.builder(base)
            .description(d.help())
            .tags(tags(d.labels()))
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    bound.put(d, t);
    d.histogram().observe(nanos -> t.record(nanos, TimeUnit.NANOSECONDS));
  }

  private static Tags tags(Map<String, String> labels) {
    List<Tag> out = new ArrayList<>();
    labels.forEach((k, v) -> out.add(Tag.of(k, v)));
    return Tags.of(out);
  }

  @Override
  public void close() {
    for (AutoCloseable b : binders) {
      try {
        b.close();
      } catch (Exception ignored) {
        // best effort at shutdown
      }
    }
    registry.close();
  }
}
