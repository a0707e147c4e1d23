package dev.auditship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.HumanFormat;
import dev.auditship.config.ConfigLoader;
import dev.auditship.config.FileSourceConfig;
import dev.auditship.config.Problem;
import dev.auditship.pipeline.Assembly;
import dev.auditship.registry.Registry;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample config (and the default config) loads and validates, with no secrets in the
 * environment.
 */
class SamplesTest {
  static Stream<Path> configs() throws IOException {
    List<Path> all;
    try (Stream<Path> s =
        Stream.concat(Files.list(Path.of("samples")), Files.list(Path.of("config")))) {
      all = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(all).contains(Path.of("config/auditship.yaml"), Path.of("samples/stdout-json.yaml"));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void sampleConfigIsValid(Path config) {
    ConfigLoader.Result r =
        new ConfigLoader(Map.<String, String>of()::get, Registry.standard()).load(config);
    assertThat(r.problems()).extracting(Problem::render).isEmpty();
    Assembly a =
        new Assembly(
            r.config(),
            Clock.systemUTC(),
            new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream());
    assertThat(a.check()).extracting(Problem::render).isEmpty();
  }

  @Test
  void theReadmesExcerptOfTheFirstCommandsOutputIsWhatItPrints() throws IOException {
    // The default config prints samples/coder-server.log's events as slog human lines; the README
    // shows some of them: each whole line shown must be printed, in that order, and "..." must
    // stand wherever printed lines are left out.
    // What the default config reads and writes: the sample, to stdout, as human lines.
    ConfigLoader.Result cfg =
        new ConfigLoader(Map.<String, String>of()::get, Registry.standard())
            .load(Path.of("config/auditship.yaml"));
    assertThat(cfg.config().source().settings())
        .isInstanceOfSatisfying(
            FileSourceConfig.class,
            f -> assertThat(f.path().toString()).endsWith("samples/coder-server.log"));
    assertThat(cfg.config().sinks())
        .singleElement()
        .satisfies(
            sink -> {
              assertThat(sink.type()).isEqualTo("stdout");
              assertThat(sink.format()).isEqualTo("human");
            });
    StringBuilder out = new StringBuilder();
    HumanFormat human = new HumanFormat(false);
    for (Decoded d : Golden.decodeAll(Files.readString(Path.of("samples/coder-server.log")))) {
      if (d instanceof Decoded.Ok ok) {
        ByteBuf b = new ByteBuf(4096);
        human.write(ok.event(), b);
        out.append(b).append('\n');
      }
    }
    List<String> printed = out.toString().lines().toList();
    String readme = Files.readString(Path.of("README.md"));
    int at = readme.indexOf("```text", readme.indexOf("## What the first command prints"));
    List<String> shown = readme.substring(at + 8, readme.indexOf("```", at + 8)).lines().toList();
    int next = 0;
    boolean gap = false;
    for (String line : shown) {
      if (line.equals("...")) {
        gap = true;
        continue;
      }
      if (line.contains("  ...  ")) { // a line shortened in the README: compared up to the cut
        String head = line.substring(0, line.indexOf("  ...  "));
        int i = next;
        while (i < printed.size() && !printed.get(i).startsWith(head)) {
          i++;
        }
        assertThat(i).as("README line not printed: %s", line).isLessThan(printed.size());
        assertThat(gap || i == next).as("lines left out before: %s", line).isTrue();
        next = i + 1;
        gap = false;
        continue;
      }
      int i = printed.subList(next, printed.size()).indexOf(line);
      assertThat(i).as("README line not printed (in this order): %s", line).isNotNegative();
      assertThat(gap || i == 0).as("lines left out without \"...\" before: %s", line).isTrue();
      next += i + 1;
      gap = false;
    }
    assertThat(gap || next == printed.size()).as("lines left out at the end").isTrue();
  }

  @Test
  void everySampleConfigIsNamedInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    try (Stream<Path> s = Files.list(Path.of("samples"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".yaml")).map(p -> p.getFileName().toString()))
          .allSatisfy(name -> assertThat(readme).contains("samples/" + name));
    }
  }
}
