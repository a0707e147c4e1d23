package dev.auditship.pipeline;

import dev.auditship.codec.Format;
import dev.auditship.filter.EventFilter;
import dev.auditship.sink.Target;
import dev.auditship.source.Source;
import java.time.Duration;
import java.util.List;

/**
 * Builds a {@link Pipeline} from parts, for tests in other packages (its constructor is
 * package-private).
 */
public final class TestPipelines {
  private TestPipelines() {}

  /** A pipeline without filters that formats every event with {@code format} for each target. */
  public static Pipeline pipeline(
      Source source,
      List<Target> targets,
      Format format,
      int batchMax,
      Duration linger,
      Duration statsInterval,
      Duration shutdownTimeout) {
    List<SinkRuntime> sinks =
        targets.stream().map(t -> new SinkRuntime(t.name(), EventFilter.ALL, format, t)).toList();
    return new Pipeline(
        source, EventFilter.ALL, sinks, batchMax, linger, statsInterval, shutdownTimeout);
  }
}
