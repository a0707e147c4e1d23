package dev.auditship.registry;

import dev.auditship.config.Section;
import dev.auditship.config.SinkSettings;
import dev.auditship.sink.Sink;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;

/**
 * One sink type: its name in config ({@code type: splunk_hec}), how its options are parsed, and how
 * a sink is built from them.
 *
 * @param name the value of {@code type:}
 * @param settings the class of its parsed options
 * @param parser reads the options from the sink's section; reports problems there, never throws
 * @param network true when it delivers over a network (it may then have {@code retry:} and {@code
 *     spool:}); must agree with {@link SinkSettings#network()} of what {@code parser} returns
 * @param defaultFormat the format when {@code format:} is not given
 * @param factory builds the sink (opening files or connections as it needs)
 * @param <S> the options type
 */
public record SinkType<S extends SinkSettings>(
    String name,
    Class<S> settings,
    Function<Section, S> parser,
    boolean network,
    String defaultFormat,
    Factory<S> factory) {

  public SinkType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(defaultFormat, "defaultFormat");
    Objects.requireNonNull(factory, "factory");
  }

  /** Builds a sink of this type. */
  @FunctionalInterface
  public interface Factory<S extends SinkSettings> {
    /**
     * @param name the operator's name for the sink
     * @param settings its parsed options
     * @param context what the run provides (clock, stdout, the sink's format)
     */
    Sink build(String name, S settings, SinkContext context) throws IOException;
  }

  Sink build(String sinkName, SinkSettings parsed, SinkContext context) throws IOException {
    return factory.build(sinkName, settings.cast(parsed), context);
  }
}
