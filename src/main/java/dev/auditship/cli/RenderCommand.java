package dev.auditship.cli;

import dev.auditship.codec.Format;
import dev.auditship.config.FormatOptions;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.io.NdjsonFile;
import dev.auditship.metrics.SourceStats;
import dev.auditship.registry.FormatContext;
import dev.auditship.registry.Registry;
import dev.auditship.source.Rejects;
import dev.auditship.source.Source;
import dev.auditship.source.StreamSource;
import dev.auditship.text.ByteBuf;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code render}: reads Coder log lines (JSON or human) from a file or stdin and writes one record
 * per event to stdout, in input order, with nothing else on stdout. Broken event lines are reported
 * on stderr (and to {@code --rejects} when given); the summary goes to stderr.
 */
@Command(
    name = "render",
    description =
        "Format Coder log lines as slog JSON or human records or in a SIEM format (ecs, ocsf, cef,"
            + " leef), without a config.",
    mixinStandardHelpOptions = true)
final class RenderCommand implements Callable<Integer> {

  @Option(
      names = {"-f", "--format"},
      required = true,
      description = "A registered format: json, human, ...")
  String format;

  @Option(
      names = "--human-time",
      defaultValue = "rc1",
      description = "How human records print Time: rc1 (current Coder) or v3 (slog v3.0.0).")
  String humanTime;

  @Option(names = "--rejects", description = "Also write broken event lines to this NDJSON file.")
  Path rejects;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "Coder server log; - or none: stdin.")
  Path file;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Registry registry = Registry.standard();
    if (!registry.formats().contains(format)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--format must be " + orList(registry.formats()) + ", got " + format);
    }
    if (!humanTime.equals("rc1") && !humanTime.equals("v3")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--human-time must be rc1 or v3");
    }
    Format f =
        registry.format(
            format, FormatOptions.NONE, new FormatContext(EnvelopeDefaults.CODER, humanTime));
    if (file != null && file.toString().equals("-")) {
      file = null; // "-" is stdin, as for most Unix tools
    }
    String input = file == null ? "stdin" : file.toString();
    Rejects.Reporter report =
        (in, r, to) ->
            err.println(
                "auditship: " + in + ":" + r.line() + ": broken event line skipped: " + r.reason());
    SourceStats stats;
    // The stream source `run` uses for stdin and files: the same decoding, the same rejects.
    try (InputStream in =
            file == null ? new FileInputStream(FileDescriptor.in) : Files.newInputStream(file);
        OutputStream out =
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
        Rejects rj =
            new Rejects(
                rejects == null ? null : new NdjsonFile(rejects), Clock.systemUTC(), report);
        StreamSource source = new StreamSource(input, in, rj)) {
      source.start();
      ByteBuf buf = new ByteBuf(64 * 1024);
      Source.Batch batch;
      while ((batch = source.next(1024, Duration.ZERO)) != null) {
        for (Event e : batch.events()) {
          f.write(e, buf);
          buf.put('\n');
          if (buf.length() >= 60 * 1024) {
            buf.writeTo(out);
            buf.reset();
            buf.trim(1 << 20);
          }
        }
      }
      buf.writeTo(out);
      stats = source.stats();
    }
    err.println("auditship: " + input + ": " + stats.summary());
    err.flush();
    return ExitCodes.OK;
  }

  /** {@code a}, {@code a or b}, {@code a, b or c}. */
  static String orList(List<String> names) {
    if (names.size() <= 1) {
      return String.join("", names);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " or "
        + names.get(names.size() - 1);
  }
}
