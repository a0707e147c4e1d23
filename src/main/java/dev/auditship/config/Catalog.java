package dev.auditship.config;

import java.util.List;
import java.util.function.Function;

/**
 * What config parsing needs to know about the extension points: the sink types and formats that
 * exist, and how to parse each one's options. The registry ({@code dev.auditship.registry}) is the
 * one implementation; it lives above this package because it also knows how to build each sink and
 * format, and this interface keeps {@code config} from importing it.
 */
public interface Catalog {

  /** The registered sink type names, in registration order (as error texts list them). */
  List<String> sinkTypes();

  /** How to parse sink type {@code name}, or {@code null} when no such type is registered. */
  SinkParser sinkParser(String name);

  /** The registered format names, in registration order. */
  List<String> formats();

  /** How to parse the options of format {@code name}, or {@code null} when it is not registered. */
  Function<Section, ? extends FormatOptions> formatParser(String name);

  /**
   * How one sink type reads its config.
   *
   * @param parser reads the type-specific options from the sink's section
   * @param network true for sinks that deliver over a network (they may have retry: and spool:)
   * @param defaultFormat the format when {@code format:} is not given
   */
  record SinkParser(
      Function<Section, ? extends SinkSettings> parser, boolean network, String defaultFormat) {}
}
