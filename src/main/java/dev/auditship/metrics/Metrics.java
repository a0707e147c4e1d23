package dev.auditship.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The registry of one run: every counter and gauge the components report into, by name and labels.
 * One instance is made by the assembly and handed to what it builds; nothing here is static. An
 * exporter (a Prometheus endpoint) reads {@link #meters()} and subscribes with {@link #onRegister}
 * for meters registered later (a sink's spool opens after the registry exists). Thread-safe.
 */
public final class Metrics {
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final List<Consumer<Meter>> listeners = new CopyOnWriteArrayList<>();
  private final List<Distribution> distributions = new CopyOnWriteArrayList<>();
  private final List<Consumer<Distribution>> distributionListeners = new CopyOnWriteArrayList<>();

  /**
   * A registered histogram of durations.
   *
   * @param name the metric name without unit suffixes an exporter adds, e.g. {@code
   *     auditship_sink_request_duration_seconds}
   * @param help one sentence
   * @param labels label names to values
   * @param histogram where durations are recorded
   */
  public record Distribution(
      String name, String help, Map<String, String> labels, Histogram histogram) {}

  /** Registers {@code histogram} as {@code name} with {@code labels}; returns it. */
  public Histogram histogram(
      String name, String help, Map<String, String> labels, Histogram histogram) {
    Distribution d = new Distribution(name, help, Map.copyOf(labels), histogram);
    List<Consumer<Distribution>> tell;
    synchronized (this) {
      distributions.add(d);
      tell = List.copyOf(distributionListeners);
    }
    tell.forEach(l -> l.accept(d));
    return histogram;
  }

  /** Calls {@code listener} for every histogram registered so far and each one registered later. */
  public void onHistogram(Consumer<Distribution> listener) {
    List<Distribution> now;
    synchronized (this) {
      distributionListeners.add(listener);
      now = new ArrayList<>(distributions);
    }
    now.forEach(listener);
  }

  /** Registers {@code counter} as {@code name} with {@code labels}; returns it. */
  public Counter counter(String name, String help, Map<String, String> labels, Counter counter) {
    add(new Meter(name, help, Meter.Type.COUNTER, labels, counter::get));
    return counter;
  }

  /** Registers a counter whose value is computed when read (it must never go down). */
  public void counter(String name, String help, Map<String, String> labels, LongSupplier value) {
    add(new Meter(name, help, Meter.Type.COUNTER, labels, value));
  }

  /** Registers a new counter; returns it for the caller to report into. */
  public Counter counter(String name, String help, Map<String, String> labels) {
    return counter(name, help, labels, new Counter());
  }

  /** Registers {@code gauge} as {@code name} with {@code labels}; returns it. */
  public Gauge gauge(String name, String help, Map<String, String> labels, Gauge gauge) {
    add(new Meter(name, help, Meter.Type.GAUGE, labels, gauge::get));
    return gauge;
  }

  /** Registers a gauge whose value is computed when read. */
  public void gauge(String name, String help, Map<String, String> labels, LongSupplier value) {
    add(new Meter(name, help, Meter.Type.GAUGE, labels, value));
  }

  private final List<Consumer<Object>> removalListeners = new CopyOnWriteArrayList<>();

  /**
   * Removes every meter and histogram labelled {@code label=value} (a sink removed or rebuilt by a
   * configuration reload); listeners of {@link #onRemove} are told of each.
   */
  public void unregister(String label, String value) {
    List<Object> gone = new ArrayList<>();
    synchronized (this) {
      for (Meter m : meters) {
        if (value.equals(m.labels().get(label))) {
          gone.add(m);
        }
      }
      for (Distribution d : distributions) {
        if (value.equals(d.labels().get(label))) {
          gone.add(d);
        }
      }
      meters.removeIf(gone::contains);
      distributions.removeIf(gone::contains);
    }
    for (Object g : gone) {
      removalListeners.forEach(l -> l.accept(g));
    }
  }

  /** Calls {@code listener} with each {@link Meter} or {@link Distribution} removed later. */
  public void onRemove(Consumer<Object> listener) {
    removalListeners.add(listener);
  }

  /** Every meter registered so far, in registration order. */
  public List<Meter> meters() {
    return List.copyOf(meters);
  }

  /** The value of the meter with this name and exactly these labels, if one is registered. */
  public OptionalLong value(String name, Map<String, String> labels) {
    for (Meter m : meters) {
      if (m.name().equals(name) && m.labels().equals(labels)) {
        return OptionalLong.of(m.read());
      }
    }
    return OptionalLong.empty();
  }

  /** Calls {@code listener} for every meter registered so far and for each one registered later. */
  public void onRegister(Consumer<Meter> listener) {
    Objects.requireNonNull(listener, "listener");
    List<Meter> now;
    synchronized (this) {
      listeners.add(listener);
      now = new ArrayList<>(meters);
    }
    now.forEach(listener);
  }

  private void add(Meter m) {
    List<Consumer<Meter>> tell;
    synchronized (this) {
      for (Meter old : meters) {
        if (old.name().equals(m.name()) && old.labels().equals(m.labels())) {
          throw new IllegalStateException(
              "metric " + m.name() + m.labels() + " is registered twice");
        }
      }
      meters.add(m);
      tell = List.copyOf(listeners);
    }
    tell.forEach(l -> l.accept(m));
  }
}
