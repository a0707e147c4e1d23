package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.testutil.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code render --format ecs|ocsf|cef|leef} on the bundled sample prints what docs/formats.md
 * shows: each example there is marked {@code <!-- render FORMAT N -->} (N: the event's place in the
 * sample) and must equal that line of the command's output.
 */
class FormatsDocTest {
  private static final Pattern EXAMPLE =
      Pattern.compile(
          "<!-- render (\\w+) (\\d+)(?: tab=(\\S))? -->\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

  @Test
  void everyExampleInTheDocIsWhatRenderPrints() throws IOException {
    String doc = Files.readString(Path.of("docs/formats.md"));
    Matcher m = EXAMPLE.matcher(doc);
    List<String> seen = new ArrayList<>();
    while (m.find()) {
      String format = m.group(1);
      int n = Integer.parseInt(m.group(2));
      String expected = m.group(4);
      if (m.group(3) != null) {
        expected = expected.replace(m.group(3), "\t");
      }
      Cli.Result r =
          Cli.run(Cli.repoRoot(), null, "render", "--format", format, "samples/coder-server.log");
      assertThat(r.exit()).as(r.stderr()).isZero();
      String[] lines = r.out().split("\n");
      assertThat(lines).hasSize(11);
      assertThat(lines[n - 1]).as("render --format %s, event %d", format, n).isEqualTo(expected);
      seen.add(format);
    }
    assertThat(seen).containsExactlyInAnyOrder("ecs", "ocsf", "cef", "leef");
  }

  @Test
  void renderRefusesAnUnknownFormatNamingTheSiemOnes() {
    Cli.Result r =
        Cli.run(Cli.repoRoot(), null, "render", "--format", "xml", "samples/coder-server.log");
    assertThat(r.exit()).isNotZero();
    assertThat(r.stderr())
        .contains("--format must be json, human, ecs, ocsf, cef or leef, got xml");
  }
}
