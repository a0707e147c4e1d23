package dev.auditship.registry;

import dev.auditship.config.FormatOptions;
import dev.auditship.config.Section;
import dev.auditship.format.Format;
import java.util.Objects;
import java.util.function.Function;

/**
 * One format: its name in config ({@code format: json} or {@code format: {name: cef, ...}}), how
 * its options are parsed and how it is made. Registration only names a factory that returns a
 * {@link Format}; it does not depend on what methods {@code Format} has.
 *
 * @param name the format's name
 * @param options the class of its parsed options ({@link FormatOptions.None} for none)
 * @param parser reads the options block (for a plain {@code format: name}, an empty one)
 * @param jsonObject true when each record is one JSON object (a sink may then embed it as JSON, as
 *     HEC does in its {@code event} field)
 * @param factory makes the format
 * @param <O> the options type
 */
public record FormatType<O extends FormatOptions>(
    String name,
    Class<O> options,
    Function<Section, O> parser,
    boolean jsonObject,
    Factory<O> factory) {

  public FormatType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(factory, "factory");
  }

  /** A format without options. */
  public static FormatType<FormatOptions.None> withoutOptions(
      String name, boolean jsonObject, Function<FormatContext, Format> factory) {
    return new FormatType<>(
        name,
        FormatOptions.None.class,
        FormatOptions::none,
        jsonObject,
        (o, context) -> factory.apply(context));
  }

  /** Makes a format of this type. */
  @FunctionalInterface
  public interface Factory<O extends FormatOptions> {
    Format create(O options, FormatContext context);
  }

  Format create(FormatOptions parsed, FormatContext context) {
    return factory.create(options.cast(parsed), context);
  }
}
