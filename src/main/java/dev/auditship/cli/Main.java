package dev.auditship.cli;

import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: {@code run}, {@code validate}, {@code render}, {@code replay}, {@code
 * --version}, {@code --help}. The exporter's own logs go to stderr; stdout carries only records.
 */
@Command(
    name = "auditship",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Ships Coder audit and connection log events to stdout, files, syslog and Splunk HEC.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      RenderCommand.class,
      ReplayCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeOnInvalidInput = ExitCodes.USAGE)
public final class Main implements Runnable {

  @Option(
      names = "--log-format",
      description =
          "Format of the exporter's own logs on stderr: text or json "
              + "(default: text, or AUDITSHIP_LOG_FORMAT).",
      scope = CommandLine.ScopeType.INHERIT)
  void logFormat(String f) {
    if (!f.equals("text") && !f.equals("json")) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--log-format must be text or json, got " + f);
    }
    System.setProperty("auditship.log.format", f);
  }

  @Option(
      names = "--log-level",
      description =
          "Level of the exporter's own logs: error, warn, info, debug " + "(default: info).",
      scope = CommandLine.ScopeType.INHERIT)
  void logLevel(String l) {
    System.setProperty("auditship.log.level", l.toUpperCase(Locale.ROOT));
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing a command: run, validate or render");
  }

  public static void main(String[] args) {
    String env = System.getenv("AUDITSHIP_LOG_FORMAT");
    if (env != null && System.getProperty("auditship.log.format") == null) {
      System.setProperty("auditship.log.format", env);
    }
    int code = commandLine().execute(args);
    System.exit(code);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("auditship: " + ex.getMessage());
          return ExitCodes.FAILURE;
        });
    return cl;
  }

  /** The version from the jar manifest (set by Maven). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"auditship " + (v == null ? "development build" : v)};
    }
  }
}
