package dev.auditship.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher names methods of the exporter in JIT commands ({@code dontinline}); a renamed method
 * would make its command silently do nothing, so each must exist.
 */
class LauncherTest {
  private static final Pattern NOINLINE =
      Pattern.compile(
          "for m in ([\\w ]+); do\\s+noinline=\"\\$noinline -XX:CompileCommand=dontinline,"
              + "([\\w.]+)::\\$m\"");

  @Test
  void everyMethodTheLauncherKeepsFromInliningExists() throws Exception {
    String launcher = Files.readString(Path.of("bin/auditship"));
    Matcher m = NOINLINE.matcher(launcher);
    assertThat(m.find()).as("the dontinline loop in bin/auditship").isTrue();
    // The commands are printed to stdout (a sink) unless the first one is "quiet".
    assertThat(launcher).contains("noinline=\"-XX:CompileCommand=quiet\"");
    Class<?> c = Class.forName(m.group(2));
    List<String> declared = Arrays.stream(c.getDeclaredMethods()).map(Method::getName).toList();
    List<String> named = List.of(m.group(1).trim().split(" +"));
    assertThat(named).isNotEmpty();
    assertThat(declared).containsAll(named);
  }

  @Test
  void theSystemdUnitsHeapIsTheLaunchersDefault() throws Exception {
    // The unit sets AUDITSHIP_HEAP for operators to edit; it must not pin a size the launcher's
    // generation flags were not measured with (docs/operations.md, "Sizing").
    Matcher launcher =
        Pattern.compile("heap=\\$\\{AUDITSHIP_HEAP:-(\\w+)}")
            .matcher(Files.readString(Path.of("bin/auditship")));
    Matcher unit =
        Pattern.compile("(?m)^Environment=AUDITSHIP_HEAP=(\\w+)$")
            .matcher(Files.readString(Path.of("dist/systemd/auditship.service")));
    assertThat(launcher.find()).isTrue();
    assertThat(unit.find()).isTrue();
    assertThat(unit.group(1)).isEqualTo(launcher.group(1));
    assertThat(Files.readString(Path.of("docs/operations.md")))
        .contains("default `" + launcher.group(1) + "`");
  }
}
