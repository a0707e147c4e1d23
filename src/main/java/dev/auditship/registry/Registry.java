package dev.auditship.registry;

import dev.auditship.codec.Format;
import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.codec.siem.SiemFormats;
import dev.auditship.codec.siem.SiemOptions.Cef;
import dev.auditship.codec.siem.SiemOptions.Ecs;
import dev.auditship.codec.siem.SiemOptions.Leef;
import dev.auditship.codec.siem.SiemOptions.Ocsf;
import dev.auditship.config.Catalog;
import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.FormatOptions;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.config.Section;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.StdoutSinkConfig;
import dev.auditship.config.SyslogSinkConfig;
import dev.auditship.sink.Sink;
import dev.auditship.sink.StdoutSink;
import dev.auditship.sink.file.FileSink;
import dev.auditship.sink.hec.HecSink;
import dev.auditship.sink.kafka.KafkaSink;
import dev.auditship.sink.syslog.SyslogSink;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The sink types and formats, by name: the one list of what exists. {@link #standard()} is the
 * registration of every built-in; adding a sink type or a format is one line there (see
 * docs/design.md, "Adding a sink or a format"). Lookups of an unregistered name fail with the list
 * of registered ones; nothing falls back to a default.
 *
 * <p>A registry is built once and then only read; it is not static state (each {@link #standard()}
 * call makes a new one), so tests may build their own.
 */
public final class Registry implements Catalog {
  private final Map<String, SinkType<?>> sinks = new LinkedHashMap<>();
  private final Map<String, FormatType<?>> formats = new LinkedHashMap<>();

  /** Every built-in sink type and format. */
  public static Registry standard() {
    return new Registry()
        .format(FormatType.withoutOptions("json", true, ctx -> new JsonFormat(ctx.envelope())))
        .format(
            FormatType.withoutOptions(
                "human", false, ctx -> new HumanFormat("v3".equals(ctx.humanTime()))))
        .format(new FormatType<>("ecs", Ecs.class, Ecs::parse, true, (o, c) -> SiemFormats.ecs(o)))
        .format(
            new FormatType<>("ocsf", Ocsf.class, Ocsf::parse, true, (o, c) -> SiemFormats.ocsf(o)))
        .format(new FormatType<>("cef", Cef.class, Cef::parse, false, (o, c) -> SiemFormats.cef(o)))
        .format(
            new FormatType<>("leef", Leef.class, Leef::parse, false, (o, c) -> SiemFormats.leef(o)))
        .sink(
            new SinkType<>(
                "stdout",
                StdoutSinkConfig.class,
                StdoutSinkConfig::parse,
                false,
                "human",
                (name, c, ctx) -> new StdoutSink(name, ctx.stdout())))
        .sink(
            new SinkType<>(
                "file",
                FileSinkConfig.class,
                FileSinkConfig::parse,
                false,
                "json",
                (name, c, ctx) -> new FileSink(name, c, ctx.clock())))
        .sink(
            new SinkType<>(
                "splunk_hec",
                HecSinkConfig.class,
                HecSinkConfig::parse,
                true,
                "json",
                (name, c, ctx) -> new HecSink(name, ctx.format().jsonObject(), c, ctx.clock())))
        .sink(
            new SinkType<>(
                "syslog",
                SyslogSinkConfig.class,
                SyslogSinkConfig::parse,
                true,
                "json",
                (name, c, ctx) -> SyslogSink.create(name, c)))
        .sink(
            new SinkType<>(
                "kafka",
                KafkaSinkConfig.class,
                KafkaSinkConfig::parse,
                true,
                "json",
                (name, c, ctx) -> new KafkaSink(name, ctx.format().name(), c)));
  }

  /**
   * Registers a sink type.
   *
   * @throws IllegalArgumentException if the name is taken or its default format is not registered
   *     yet (register formats first)
   */
  public Registry sink(SinkType<?> type) {
    if (sinks.containsKey(type.name())) {
      throw new IllegalArgumentException("sink type " + type.name() + " is registered twice");
    }
    if (!formats.containsKey(type.defaultFormat())) {
      throw new IllegalArgumentException(
          "sink type "
              + type.name()
              + " names an unregistered default format "
              + type.defaultFormat());
    }
    sinks.put(type.name(), type);
    return this;
  }

  /**
   * Registers a format.
   *
   * @throws IllegalArgumentException if the name is taken
   */
  public Registry format(FormatType<?> type) {
    if (formats.containsKey(type.name())) {
      throw new IllegalArgumentException("format " + type.name() + " is registered twice");
    }
    formats.put(type.name(), type);
    return this;
  }

  /**
   * The sink type {@code name}.
   *
   * @throws IllegalArgumentException naming the registered types, if there is none by that name
   */
  public SinkType<?> sinkType(String name) {
    SinkType<?> t = sinks.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "no sink type \"" + name + "\"; the sink types are " + String.join(", ", sinkTypes()));
    }
    return t;
  }

  /**
   * The format {@code name}.
   *
   * @throws IllegalArgumentException naming the registered formats, if there is none by that name
   */
  public FormatType<?> formatType(String name) {
    FormatType<?> t = formats.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "no format \"" + name + "\"; the formats are " + String.join(", ", formats()));
    }
    return t;
  }

  /** Builds the sink {@code sink} describes. */
  public Sink buildSink(SinkConfig sink, SinkContext context) throws IOException {
    return sinkType(sink.type()).build(sink.name(), sink.settings(), context);
  }

  /** Makes the format {@code name} with {@code options} (as parsed by its own parser). */
  public Format format(String name, FormatOptions options, FormatContext context) {
    return formatType(name).create(options, context);
  }

  /** The format a sink's config names. */
  public Format format(SinkConfig sink, FormatContext context) {
    return format(sink.format(), sink.formatOptions(), context);
  }

  @Override
  public List<String> sinkTypes() {
    return List.copyOf(sinks.keySet());
  }

  @Override
  public SinkParser sinkParser(String name) {
    SinkType<?> t = sinks.get(name);
    return t == null ? null : new SinkParser(t.parser(), t.network(), t.defaultFormat());
  }

  @Override
  public List<String> formats() {
    return List.copyOf(formats.keySet());
  }

  @Override
  public Function<Section, ? extends FormatOptions> formatParser(String name) {
    FormatType<?> t = formats.get(name);
    return t == null ? null : t.parser();
  }
}
