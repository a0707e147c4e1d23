package dev.auditship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.ConfigLoader;
import dev.auditship.config.Problem;
import dev.auditship.pipeline.Assembly;
import dev.auditship.registry.Registry;
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
  void everySampleConfigIsNamedInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    try (Stream<Path> s = Files.list(Path.of("samples"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".yaml")).map(p -> p.getFileName().toString()))
          .allSatisfy(name -> assertThat(readme).contains("samples/" + name));
    }
  }
}
