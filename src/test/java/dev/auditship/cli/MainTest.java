package dev.auditship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line builds only the subcommand it is asked for (picocli reads each command's
 * annotations when it is built); help, usage errors and anything unclear get all of them.
 */
class MainTest {
  @Test
  void theInvokedSubcommandIsFoundPastTheGlobalOptions() {
    assertThat(Main.invoked(new String[] {"run", "-c", "x.yaml"})).isEqualTo("run");
    assertThat(Main.invoked(new String[] {"--log-format", "json", "render", "-f", "json"}))
        .isEqualTo("render");
    assertThat(Main.invoked(new String[] {"--log-level=debug", "replay"})).isEqualTo("replay");
    assertThat(Main.invoked(new String[] {"validate", "run"})).isEqualTo("validate");
  }

  @Test
  void helpUsageErrorsAndNoSubcommandMeanTheWholeCommandLine() {
    assertThat(Main.invoked(new String[] {})).isNull();
    assertThat(Main.invoked(new String[] {"help", "run"})).isNull();
    assertThat(Main.invoked(new String[] {"--help", "run"})).isNull();
    assertThat(Main.invoked(new String[] {"-V"})).isNull();
    assertThat(Main.invoked(new String[] {"frob", "run"})).isNull();
    assertThat(Main.invoked(new String[] {"--log-level", "run"})).isNull(); // "run" is its value
  }

  @Test
  void onlyTheInvokedSubcommandIsBuilt() {
    assertThat(Main.commandLine(new String[] {"render", "-f", "json"}).getSubcommands())
        .containsOnlyKeys("render");
    assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands().keySet())
        .containsExactly("run", "validate", "render", "replay", "help");
  }

  @Test
  void anUnknownLogLevelIsAUsageError() {
    StringWriter err = new StringWriter();
    String[] args = {"--log-level", "bogus", "render", "-f", "json", "-"};
    CommandLine cl = Main.commandLine(args);
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    assertThat(cl.execute(args)).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .startsWith("--log-level must be error, warn, info or debug, got bogus\n");
  }

  @Test
  void aFileThatCannotBeReadIsNamedWithTheReason(@TempDir Path tmp) {
    StringWriter err = new StringWriter();
    String missing = tmp.resolve("nope.log").toString();
    CommandLine cl = Main.commandLine(new String[] {"render", "-f", "json", missing});
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    assertThat(cl.execute("render", "-f", "json", missing)).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString()).isEqualTo("auditship: " + missing + ": no such file or directory\n");
  }
}
