package dev.auditship.cli;

import dev.auditship.io.IoErrors;
import java.io.IOException;
import java.util.List;
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
        "Ships Coder audit and connection log events to stdout, files, syslog, Splunk HEC and Kafka.",
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
          spec.commandLine(), "--log-format must be text or json, got " + f);
    }
    System.setProperty("auditship.log.format", f);
  }

  @Option(
      names = "--log-level",
      description =
          "Level of the exporter's own logs: error, warn, info, debug " + "(default: info).",
      scope = CommandLine.ScopeType.INHERIT)
  void logLevel(String l) {
    String level = l.toUpperCase(Locale.ROOT);
    if (!List.of("ERROR", "WARN", "INFO", "DEBUG").contains(level)) {
      // logback reads an unknown level as DEBUG: refused like an unknown --log-format.
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--log-level must be error, warn, info or debug, got " + l);
    }
    System.setProperty("auditship.log.level", level);
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
    int code = commandLine(args).execute(args);
    System.exit(code);
  }

  /** The subcommands, in the order help lists them. */
  private static final List<String> COMMANDS = List.of("run", "validate", "render", "replay");

  /**
   * The command line for {@code args}, with only the subcommand they invoke when that is clear, so
   * that a run does not build the model of every other subcommand: picocli reads a command's
   * annotations by reflection on first use, about a tenth of a second of start-up per command.
   * Help, usage errors and anything unclear get every subcommand, so that help lists them all.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    String only = invoked(args);
    for (String name : COMMANDS) {
      if (only == null || only.equals(name)) {
        cl.addSubcommand(name, command(name));
      }
    }
    if (only == null) {
      cl.addSubcommand("help", new CommandLine.HelpCommand());
    }
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr()
              .println(
                  "auditship: "
                      + (ex instanceof IOException io ? IoErrors.describe(io) : ex.getMessage()));
          return ExitCodes.FAILURE;
        });
    return cl;
  }

  /**
   * The subcommand {@code args} invoke, or null when that is not clear: no subcommand, {@code
   * help}, or a word or help option before the subcommand (usage, which lists every subcommand).
   */
  static String invoked(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (COMMANDS.contains(a)) {
        return a;
      }
      if (a.equals("--log-format") || a.equals("--log-level")) {
        i++; // its value
      } else if (!a.startsWith("--log-format=") && !a.startsWith("--log-level=")) {
        return null; // help, --help, --version, an unknown word or option: the whole command line
      }
    }
    return null;
  }

  private static Object command(String name) {
    return switch (name) {
      case "run" -> new RunCommand();
      case "validate" -> new ValidateCommand();
      case "render" -> new RenderCommand();
      case "replay" -> new ReplayCommand();
      default -> throw new IllegalArgumentException("no command " + name);
    };
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
