package dev.auditship.cli;

import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.ConfigLoader;
import dev.auditship.config.Problem;
import dev.auditship.pipeline.Assembly;
import dev.auditship.registry.Registry;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Loading and checking a config for {@code run} and {@code validate}: every problem, then exit 78.
 */
final class ConfigSupport {
  private ConfigSupport() {}

  record Loaded(AuditshipConfig config, Assembly assembly) {}

  /** The checked config, or {@code null} after printing every problem to {@code err}. */
  static Loaded load(Path file, PrintWriter err, InputStream stdin, OutputStream stdout) {
    Registry registry = Registry.standard();
    ConfigLoader.Result r = new ConfigLoader(System::getenv, registry).load(file);
    List<Problem> problems = new ArrayList<>(r.problems());
    Assembly assembly = null;
    if (r.config() != null) {
      assembly = new Assembly(r.config(), Clock.systemUTC(), stdin, stdout, registry);
      for (Problem p : assembly.check()) {
        problems.add(
            new Problem(file.toString(), p.line(), p.column(), p.path(), p.what(), p.fix()));
      }
    }
    problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    if (!problems.isEmpty()) {
      err.println(
          "auditship: the configuration "
              + file
              + " has "
              + problems.size()
              + " problem"
              + (problems.size() == 1 ? "" : "s")
              + "; nothing was started:");
      for (Problem p : problems) {
        err.println("  " + p.render());
      }
      err.flush();
      return null;
    }
    return new Loaded(r.config(), assembly);
  }
}
