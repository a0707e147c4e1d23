package dev.auditship.cli;

import dev.auditship.config.SinkConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code validate}: loads and checks a config, lists every problem, exits 78 when there is any. */
@Command(
    name = "validate",
    description = "Check a config file and report every problem.",
    mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {

  @Option(
      names = {"-c", "--config"},
      required = true,
      description = "The YAML config to check.")
  Path config;

  @Option(
      names = "--check-connectivity",
      description =
          "Also check that every network destination answers, and that Coder's API accepts the "
              + "source's token for audit and connection logs.")
  boolean connectivity;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    ConfigSupport.Loaded loaded = ConfigSupport.load(config, err, System.in, System.out);
    if (loaded == null) {
      return ExitCodes.CONFIG;
    }
    StringBuilder sb = new StringBuilder();
    for (SinkConfig s : loaded.config().sinks()) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(s.name())
          .append(" (")
          .append(s.type())
          .append(", ")
          .append(s.format())
          .append(s.filter() != null ? ", filtered" : "")
          .append(')');
    }
    out.println(
        "The configuration "
            + config
            + " is valid: source "
            + loaded.config().source().type()
            + "; sinks "
            + sb
            + ".");
    for (String w : loaded.assembly().checkWarnings()) {
      err.println("  warning: " + w);
    }
    for (String w : ClearTextWarnings.of(loaded.config())) {
      err.println("  warning: " + w);
    }
    List<String> warnings = FileWarnings.of(loaded.config());
    for (String w : warnings) {
      err.println("  warning: " + w);
    }
    if (!warnings.isEmpty()) {
      err.println(
          "auditship: "
              + warnings.size()
              + " file"
              + (warnings.size() == 1 ? "" : "s")
              + " the configuration names cannot be used as they are now; a run needs "
              + (warnings.size() == 1 ? "it" : "them")
              + ".");
      err.flush();
    }
    if (connectivity) {
      int failed = 0;
      for (String problem : loaded.assembly().checkConnectivity()) {
        err.println("  " + problem);
        failed++;
      }
      if (failed > 0) {
        err.println(
            "auditship: " + failed + " connectivity check" + (failed == 1 ? "" : "s") + " failed.");
        return ExitCodes.FAILURE;
      }
      out.println("Every destination answered.");
    }
    out.flush();
    return ExitCodes.OK;
  }
}
