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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.LoggerFactory;

/**
 * Loading and checking a config for {@code run} and {@code validate}: every problem, then exit 78.
 */
final class ConfigSupport {
  private ConfigSupport() {}

  record Loaded(AuditshipConfig config, Assembly assembly) {}

  /** A config loaded and checked: {@code config} is usable only when {@code problems} is empty. */
  record Checked(AuditshipConfig config, Assembly assembly, List<Problem> problems) {}

  /** Loads and checks {@code file}; every problem, sorted by place. */
  static Checked check(Path file, InputStream stdin, OutputStream stdout) {
    Registry registry = Registry.standard();
    ConfigLoader.Result r =
        new ConfigLoader(System::getenv, registry, Install.fromSystem().home()).load(file);
    List<Problem> problems = new ArrayList<>(r.problems());
    Assembly assembly = null;
    if (r.config() != null) {
      assembly = new Assembly(r.config(), Clock.systemUTC(), stdin, stdout, registry);
      List<Problem> found;
      try {
        found = assembly.check();
      } catch (RuntimeException e) {
        assembly.closeResolver(); // its HTTP client, if a name lookup made one
        throw e;
      }
      for (Problem p : found) {
        problems.add(
            new Problem(file.toString(), p.line(), p.column(), p.path(), p.what(), p.fix()));
      }
    }
    problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return new Checked(r.config(), assembly, problems);
  }

  /** The checked config, or {@code null} after printing every problem to {@code err}. */
  static Loaded load(Path file, PrintWriter err, InputStream stdin, OutputStream stdout) {
    Checked c = check(file, stdin, stdout);
    List<Problem> problems = c.problems();
    AuditshipConfig config = c.config();
    Assembly assembly = c.assembly();
    if (!problems.isEmpty() && "json".equals(System.getProperty("auditship.log.format"))) {
      refuseAsJson(file, problems);
      return null;
    }
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
    return new Loaded(config, assembly);
  }

  /**
   * With {@code --log-format json} the refusal is one JSON log event on stderr, like every other
   * line a log collector reads: the problems as an array of objects (file, line, column, path,
   * what, fix), the rendered lines too.
   */
  private static void refuseAsJson(Path file, List<Problem> problems) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Problem p : problems) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", p.file());
      m.put("line", p.line());
      m.put("column", p.column());
      m.put("path", p.path());
      m.put("what", p.what());
      m.put("fix", p.fix());
      m.put("text", p.render());
      list.add(m);
    }
    LoggerFactory.getLogger(ConfigSupport.class)
        .error(
            "The configuration {} has {} problem{}; nothing was started.",
            StructuredArguments.v("config", file.toString()),
            StructuredArguments.v("problem_count", problems.size()),
            problems.size() == 1 ? "" : "s",
            StructuredArguments.v("problems", list));
  }
}
