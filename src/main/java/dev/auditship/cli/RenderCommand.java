package dev.auditship.cli;

import dev.auditship.config.FormatOptions;
import dev.auditship.format.EnvelopeDefaults;
import dev.auditship.format.Format;
import dev.auditship.io.JsonText;
import dev.auditship.registry.FormatContext;
import dev.auditship.registry.Registry;
import dev.auditship.source.Decoded;
import dev.auditship.source.LineReader;
import dev.auditship.source.LogDecoder;
import dev.auditship.source.StreamSource;
import dev.auditship.source.Utf8;
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
    description = "Format Coder log lines as slog JSON or human records, without a config.",
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
      description = "Coder server log (default: stdin).")
  Path file;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
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
    String input = file == null ? "stdin" : file.toString();
    long[] counts = new long[4]; // read, events, skipped, rejected
    try (InputStream in =
            file == null ? new FileInputStream(FileDescriptor.in) : Files.newInputStream(file);
        OutputStream out =
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
        dev.auditship.io.NdjsonFile rj =
            rejects == null ? null : new dev.auditship.io.NdjsonFile(rejects)) {
      StringBuilder sb = new StringBuilder(2048);
      IOException[] failure = new IOException[1];
      LogDecoder decoder =
          new LogDecoder(
              d -> {
                try {
                  if (d instanceof Decoded.Ok ok) {
                    counts[1]++;
                    sb.setLength(0);
                    f.append(ok.event(), sb);
                    sb.append('\n');
                    out.write(Utf8.encode(sb));
                  } else if (d instanceof Decoded.Skipped) {
                    counts[2]++;
                  } else if (d instanceof Decoded.Rejected r) {
                    counts[3]++;
                    err.println(
                        "auditship: "
                            + input
                            + ":"
                            + r.line()
                            + ": broken event line skipped: "
                            + r.reason());
                    if (rj != null) {
                      rj.append(
                          new JsonText()
                              .str("input", input)
                              .num("line", r.line())
                              .str("reason", r.reason())
                              .original("original", r.original())
                              .toString());
                    }
                  }
                } catch (IOException e) {
                  failure[0] = e;
                }
              });
      LineReader lr = new LineReader(in, StreamSource.MAX_LINE_BYTES);
      String line;
      long n = 0;
      while ((line = lr.next()) != null && failure[0] == null) {
        n++;
        counts[0]++;
        if (lr.lastTooLong()) {
          counts[3]++;
          err.println(
              "auditship: "
                  + input
                  + ":"
                  + n
                  + ": line longer than "
                  + StreamSource.MAX_LINE_BYTES
                  + " bytes skipped");
          continue;
        }
        decoder.line(n, line);
      }
      decoder.finish();
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    err.println(
        "auditship: "
            + input
            + ": read="
            + counts[0]
            + " events="
            + counts[1]
            + " skipped="
            + counts[2]
            + " rejected="
            + counts[3]);
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
