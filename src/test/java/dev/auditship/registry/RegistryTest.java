package dev.auditship.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.codec.Format;
import dev.auditship.config.ConfigLoader;
import dev.auditship.config.FormatOptions;
import dev.auditship.config.Problem;
import dev.auditship.config.Problems;
import dev.auditship.config.SinkConfig;
import dev.auditship.event.Event;
import dev.auditship.sink.Sink;
import dev.auditship.testutil.Golden;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry is the one list of sink types and formats: every registered sink type parses a
 * sample and builds, every format renders the golden events, and names that are not registered are
 * refused with the registered ones listed. A new sink type or format must add its sample here (the
 * first test fails until it does).
 */
class RegistryTest {
  private final Registry registry = Registry.standard();
  @TempDir Path dir;

  /** One minimal, valid options block per sink type (below {@code type:}). */
  private Map<String, String> samples() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("stdout", "");
    m.put("file", "path: " + dir.resolve("out.log"));
    m.put("splunk_hec", "endpoint: https://127.0.0.1:8088\ntoken: x");
    m.put("syslog", "endpoint: tcp://127.0.0.1:601");
    m.put("kafka", "bootstrap_servers: [127.0.0.1:9092]\ntopic: coder-events");
    return m;
  }

  private ConfigLoader.Result load(String sinkYaml) {
    String yaml =
        "source: {type: stdin}\ndata_dir: " + dir + "\nsinks:\n  s:\n" + indent(sinkYaml, 4);
    return new ConfigLoader(k -> null, registry).load(yaml, new Problems("r.yaml"));
  }

  private static String indent(String s, int n) {
    StringBuilder sb = new StringBuilder();
    for (String l : s.split("\n", -1)) {
      if (!l.isEmpty()) {
        sb.append(" ".repeat(n)).append(l).append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void everySinkTypeHasASampleThatParsesAndBuilds() throws Exception {
    assertThat(samples().keySet()).containsExactlyElementsOf(registry.sinkTypes());
    for (Map.Entry<String, String> e : samples().entrySet()) {
      ConfigLoader.Result r = load("type: " + e.getKey() + "\n" + e.getValue());
      assertThat(r.problems()).as(e.getKey()).isEmpty();
      SinkConfig sc = r.config().sinks().get(0);
      SinkType<?> type = registry.sinkType(e.getKey());
      assertThat(sc.settings()).as(e.getKey()).isInstanceOf(type.settings());
      assertThat(sc.settings().network()).as(e.getKey()).isEqualTo(type.network());
      assertThat(sc.format()).isEqualTo(type.defaultFormat());
      SinkContext ctx =
          new SinkContext(
              registry.formatType(sc.format()), Clock.systemUTC(), new ByteArrayOutputStream());
      try (Sink sink = registry.buildSink(sc, ctx)) {
        assertThat(sink.name()).isEqualTo("s");
      }
    }
  }

  @Test
  void everyFormatRendersTheGoldenEvents() {
    List<Golden.Line> golden = Golden.lines();
    for (String name : registry.formats()) {
      Format f = registry.format(name, FormatOptions.NONE, FormatContext.DEFAULT);
      for (Golden.Line g : golden) {
        Event e = Golden.decodeOne(g.json());
        String record = f.format(e);
        assertThat(record).as(name + " " + g.name()).isNotEmpty();
        if (name.equals("json")) {
          assertThat(record + "\n").isEqualTo(g.json());
        }
        if (name.equals("human") && g.note() == null) {
          assertThat(record + "\n").isEqualTo(g.human());
        }
      }
    }
  }

  @Test
  void aFormatMayBeGivenAsAnOptionsBlock() {
    ConfigLoader.Result r =
        load("type: file\npath: " + dir.resolve("a.log") + "\nformat: {name: human}");
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().sinks().get(0).format()).isEqualTo("human");
    assertThat(r.config().sinks().get(0).formatOptions()).isEqualTo(FormatOptions.NONE);
  }

  @Test
  void formatBlockProblemsNameTheKeyAndTheRegisteredFormats() {
    assertThat(render(load("type: stdout\nformat: {name: xml}")))
        .containsExactly(
            "r.yaml:6:20: sinks.s.format.name: \"xml\" is not one of json, human, ecs, ocsf, cef, leef. Fix: use"
                + " one of: json, human, ecs, ocsf, cef, leef");
    assertThat(render(load("type: stdout\nformat: {}")))
        .containsExactly(
            "r.yaml:6:13: sinks.s.format.name: is required. Fix: set name: to one of json, human, ecs, ocsf, cef, leef");
    assertThat(render(load("type: stdout\nformat: {name: json, colour: red}")))
        .containsExactly(
            "r.yaml:6:26: sinks.s.format.colour: unknown key \"colour\". Fix: remove it, or use one"
                + " of: name");
  }

  @Test
  void unregisteredNamesAreRefusedWithTheRegisteredOnesListed() {
    assertThatThrownBy(() -> registry.sinkType("kinesis"))
        .hasMessage(
            "no sink type \"kinesis\"; the sink types are stdout, file, splunk_hec, syslog, kafka");
    assertThatThrownBy(() -> registry.formatType("xml"))
        .hasMessage("no format \"xml\"; the formats are json, human, ecs, ocsf, cef, leef");
  }

  @Test
  void aNameIsRegisteredOnceAndDefaultFormatsMustExist() {
    assertThatThrownBy(
            () ->
                registry.format(
                    FormatType.withoutOptions(
                        "json",
                        true,
                        ctx -> Registry.standard().format("json", FormatOptions.NONE, ctx))))
        .hasMessage("format json is registered twice");
    SinkType<?> stdout = registry.sinkType("stdout");
    assertThatThrownBy(
            () ->
                new Registry()
                    .sink(
                        new SinkType<>(
                            "x",
                            dev.auditship.config.StdoutSinkConfig.class,
                            dev.auditship.config.StdoutSinkConfig::parse,
                            false,
                            "human",
                            (n, c, ctx) -> null)))
        .hasMessage("sink type x names an unregistered default format human");
    assertThat(stdout.defaultFormat()).isEqualTo("human");
  }

  private static List<String> render(ConfigLoader.Result r) {
    return r.problems().stream().map(Problem::render).toList();
  }
}
