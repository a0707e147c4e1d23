package dev.auditship.config;

import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.io.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads and validates the YAML configuration (docs/design.md §5). Every problem is collected; a
 * config with any problem is refused as a whole ({@link Result#problems()}), before anything
 * starts. Loading does no I/O beyond reading the file.
 */
public final class ConfigLoader {

  /** Every source type, in one explicit list (docs/design.md §7, item 3). */
  static final Map<String, Function<Section, SourceSettings>> SOURCE_TYPES = sourceTypes();

  private static Map<String, Function<Section, SourceSettings>> sourceTypes() {
    Map<String, Function<Section, SourceSettings>> m = new LinkedHashMap<>();
    m.put("stdin", StdinSourceConfig::parse);
    m.put("file", FileSourceConfig::parse);
    m.put("coder_api", CoderApiSourceConfig::parse);
    return Collections.unmodifiableMap(m); // in this order in error texts; never changed after
  }

  /**
   * The loaded config, or the problems that refuse it. With problems, {@code config} may still hold
   * what could be read (so later checks, such as filter queries, can report their problems too), or
   * be null.
   */
  public record Result(AuditshipConfig config, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private final Function<String, String> env;
  private final Catalog catalog;
  private final Path base;

  /**
   * @param env reads environment variables for {@code ${VAR}} interpolation
   * @param catalog the sink types and formats that exist ({@code Registry.standard()})
   */
  public ConfigLoader(Function<String, String> env, Catalog catalog) {
    this(env, catalog, null);
  }

  /**
   * A loader whose relative paths resolve against {@code base} (the installation directory when the
   * launcher started the process, so that an installed exporter does not depend on its working
   * directory; docs/operations.md); {@code null}: the working directory.
   */
  public ConfigLoader(Function<String, String> env, Catalog catalog, Path base) {
    this.env = env;
    this.catalog = catalog;
    this.base = base;
  }

  public Result load(Path file) {
    String name = file.toString();
    Problems problems = new Problems(name);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(
          null,
          "",
          "cannot read the config file " + file + ": " + IoErrors.reason(e),
          "check the path given with --config");
      return new Result(null, problems.all());
    }
    return load(text, problems);
  }

  public Result load(String text, Problems problems) {
    Node root = new YamlTree(env, problems).parse(text);
    if (root == null) {
      return new Result(null, problems.all());
    }
    if (!(root instanceof Node.MapNode map)) {
      problems.add(
          root.loc(),
          "",
          "the config must be a mapping with source: and sinks:",
          "start from one of the sample configs");
      return new Result(null, problems.all());
    }
    Section top = new Section(map, "", problems, base);
    AuditshipConfig cfg = parseTop(top);
    top.finish();
    return new Result(cfg, problems.all());
  }

  private AuditshipConfig parseTop(Section top) {
    Problems problems = top.problems();
    SourceConfig source = null;
    Section src = top.section("source");
    if (src == null) {
      if (!top.has("source")) {
        top.problem(null, "source: is missing", "add a source, e.g. source: {type: stdin}");
      }
    } else {
      String type =
          src.requiredString(
              "type", "set type: to one of " + String.join(", ", SOURCE_TYPES.keySet()));
      if (type != null) {
        Function<Section, SourceSettings> parser = SOURCE_TYPES.get(type);
        if (parser == null) {
          src.oneOf("type", null, List.copyOf(SOURCE_TYPES.keySet()));
        } else {
          source = new SourceConfig(type, parser.apply(src));
        }
      }
      if (source != null) {
        src.finish(); // unknown keys are judged only against a known type (see parseSink)
      }
    }

    FilterRef filter = filterRef(top, "filter");
    Section coderSec = top.section("coder");
    CoderConfig coder = coderSec == null ? null : CoderConfig.parse(coderSec);

    EnvelopeDefaults envelope = EnvelopeDefaults.CODER;
    Section env = top.section("envelope");
    if (env != null) {
      envelope =
          new EnvelopeDefaults(
              env.string("caller", EnvelopeDefaults.CODER_CALLER),
              env.string("func", EnvelopeDefaults.CODER_FUNC),
              env.stringList("logger_names", List.of("coderd")));
      env.finish();
    }
    String humanTime = top.oneOf("human_time", "rc1", List.of("rc1", "v3"));

    Path dataDir = top.pathValue("data_dir", defaultDataDir(top));
    Path rejects = top.pathValue("rejects_file", dataDir.resolve("rejects.ndjson"));
    Path deadLetters = top.pathValue("dead_letter_file", dataDir.resolve("dead-letters.ndjson"));
    RetentionConfig rejectsRetention = RetentionConfig.parse(top, "rejects");
    RetentionConfig deadLetterRetention = RetentionConfig.parse(top, "dead_letter");
    int maxEvents = (int) top.integer("batch_max_events", 500, 1, 100_000);
    Duration linger =
        top.duration(
            "batch_linger_ms", Duration.ofMillis(200), Duration.ZERO, Duration.ofMinutes(1));
    Duration shutdown =
        top.duration(
            "shutdown_timeout_secs", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));
    Duration stats =
        top.duration(
            "stats_interval_secs", Duration.ofSeconds(60), Duration.ZERO, Duration.ofDays(1));

    Section metricsSec = top.section("metrics");
    MetricsConfig metrics = metricsSec == null ? null : MetricsConfig.parse(metricsSec);
    List<SinkConfig> sinks = new ArrayList<>();
    Map<Path, String> spoolDirs = new HashMap<>();
    Node sinksNode = top.raw("sinks");
    if (sinksNode == null || (sinksNode instanceof Node.Scalar s && s.isNull())) {
      top.problem(
          null, "sinks: is missing", "add at least one sink, e.g. sinks: {out: {type: stdout}}");
    } else if (!(sinksNode instanceof Node.MapNode sm)) {
      problems.add(
          sinksNode.loc(),
          "sinks",
          "expected a mapping of sink names to sink options, got " + Node.describe(sinksNode),
          "write sinks:\\n  my_sink:\\n    type: stdout");
    } else {
      if (sm.entries().isEmpty()) {
        problems.add(sm.loc(), "sinks", "no sinks are configured", "add at least one sink");
      }
      for (Map.Entry<String, Node> e : sm.entries().entrySet()) {
        String name = e.getKey();
        String path = "sinks." + name;
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
          problems.add(
              sm.keyLocs().get(name),
              path,
              "sink name \"" + name + "\" has characters other " + "than letters, digits, _ . -",
              "rename the sink");
        }
        if (!(e.getValue() instanceof Node.MapNode m)) {
          problems.add(
              e.getValue().loc(),
              path,
              "expected the sink's options, got " + Node.describe(e.getValue()),
              "write type: and the sink's options under " + name + ":");
          continue;
        }
        SinkConfig sc = parseSink(new Section(m, path, problems, base), name, dataDir);
        if (sc != null) {
          sinks.add(sc);
          if (sc.spool() != null) {
            String other =
                spoolDirs.putIfAbsent(sc.spool().directory().toAbsolutePath().normalize(), name);
            if (other != null) {
              problems.add(
                  m.loc(),
                  path + ".spool.directory",
                  "sinks "
                      + other
                      + " and "
                      + name
                      + " use the same spool directory "
                      + sc.spool().directory(),
                  "give each sink its own spool directory (the default is <data_dir>/spool/<sink name>)");
            }
          }
        }
      }
    }
    // Files the exporter writes must not be one another or the file it reads: a file sink on the
    // followed log reads back every event it writes, without end; two writers of one file keep
    // their own size counts, so rotation by max_bytes breaks.
    Path sourceFile =
        source != null && source.settings() instanceof FileSourceConfig fs && fs.path() != null
            ? fs.path().toAbsolutePath().normalize()
            : null;
    Path rejectsAbs = rejects.toAbsolutePath().normalize();
    Path deadAbs = deadLetters.toAbsolutePath().normalize();
    if (rejectsAbs.equals(deadAbs)) {
      boolean deadSet = top.raw("dead_letter_file") != null;
      top.problem(
          deadSet ? "dead_letter_file" : "rejects_file",
          "is the same file as "
              + (deadSet ? "rejects_file" : "dead_letter_file")
              + " ("
              + deadAbs
              + ")",
          "give rejected lines and dead letters a file each");
    }
    if (sourceFile != null && (sourceFile.equals(rejectsAbs) || sourceFile.equals(deadAbs))) {
      String key = sourceFile.equals(rejectsAbs) ? "rejects_file" : "dead_letter_file";
      problems.add(
          top.raw(key) != null ? top.raw(key).loc() : null,
          key,
          "is the file the source reads (" + sourceFile + ")",
          "write " + key + " to another file");
    }
    Map<Path, String> filePaths = new HashMap<>();
    for (SinkConfig sc : sinks) {
      if (sc.settings() instanceof FileSinkConfig f && f.path() != null) {
        Path abs = f.path().toAbsolutePath().normalize();
        Node sinkNode = ((Node.MapNode) sinksNode).entries().get(sc.name());
        String sinkPath = "sinks." + sc.name() + ".path";
        String other = filePaths.putIfAbsent(abs, sc.name());
        if (other != null) {
          problems.add(
              sinkNode.loc(),
              sinkPath,
              "writes to the same file as sink \"" + other + "\" (" + f.path() + ")",
              "give each file sink its own path");
        }
        if (abs.equals(sourceFile)) {
          problems.add(
              sinkNode.loc(),
              sinkPath,
              "writes to the file the source reads ("
                  + f.path()
                  + "): every event written would be read again and written again, without end",
              "write the sink's output to another file");
        } else if (abs.equals(rejectsAbs) || abs.equals(deadAbs)) {
          String key = abs.equals(rejectsAbs) ? "rejects_file" : "dead_letter_file";
          problems.add(
              sinkNode.loc(),
              sinkPath,
              "writes to the " + key + " (" + f.path() + ")",
              "write the sink's output to another file");
        }
      }
    }
    return new AuditshipConfig(
        source,
        filter,
        coder,
        envelope,
        humanTime,
        sinks,
        dataDir,
        rejects,
        deadLetters,
        maxEvents,
        linger,
        shutdown,
        stats,
        rejectsRetention,
        deadLetterRetention,
        metrics);
  }

  /**
   * Under systemd with {@code StateDirectory=} the state goes to {@code $STATE_DIRECTORY} (its
   * first entry: systemd.exec(5) joins several with colons); otherwise to {@code auditship-data}
   * under the base directory.
   */
  private Path defaultDataDir(Section top) {
    String state = env.apply("STATE_DIRECTORY");
    if (state != null && !state.isBlank()) {
      return Path.of(state.split(":", -1)[0]);
    }
    return top.resolve(Path.of("auditship-data"));
  }

  private SinkConfig parseSink(Section s, String name, Path dataDir) {
    List<String> types = catalog.sinkTypes();
    String type = s.requiredString("type", "set type: to one of " + String.join(", ", types));
    Catalog.SinkParser parser = type == null ? null : catalog.sinkParser(type);
    if (type != null && parser == null) {
      s.oneOf("type", null, types);
    }
    // Each sink type names its default format in its registration: humans read stdout, machines
    // read files, syslog and Splunk, so the default is human for stdout and json elsewhere. This
    // is what makes the default config switch from human lines on stdout to slog JSON lines in a
    // rolling file by changing one word (type: stdout -> file).
    String defaultFormat = parser == null ? null : parser.defaultFormat();
    Map.Entry<String, FormatOptions> format = parseFormat(s, defaultFormat);
    FilterRef filter = filterRef(s, "filter");
    Section retrySec = s.section("retry");
    RetryConfig retry = RetryConfig.parse(retrySec);
    Section spoolSec = s.section("spool");
    SpoolConfig spool = spoolSec == null ? null : SpoolConfig.parse(spoolSec, dataDir, name);
    SinkConfig result = null;
    if (parser != null) {
      SinkSettings settings = parser.parser().apply(s);
      String network = networkTypes();
      if (spool != null && !parser.network()) {
        s.problem("spool", "a spool is only for network sinks (" + network + ")", "remove spool:");
      }
      if (retrySec != null && !parser.network()) {
        s.problem(
            "retry", "retry options are only for network sinks (" + network + ")", "remove retry:");
      }
      if (format != null) {
        result =
            new SinkConfig(
                name, type, format.getKey(), format.getValue(), filter, retry, spool, settings);
      }
      // Without a known type its options cannot be judged: listing them all as unknown would only
      // tell the operator to delete valid options because of one typo in type:.
      s.finish();
    }
    return result;
  }

  /**
   * {@code format: json} or {@code format: {name: cef, ...options}}; without {@code format:}, the
   * sink type's default. Returns the name and options, or {@code null} after reporting a problem
   * (or when the default is unknown because the sink type is).
   */
  private Map.Entry<String, FormatOptions> parseFormat(Section s, String defaultFormat) {
    List<String> names = catalog.formats();
    Node n = s.raw("format");
    if (n instanceof Node.MapNode) {
      Section f = s.section("format");
      String name = f.requiredString("name", "set name: to one of " + String.join(", ", names));
      if (name == null) {
        return null;
      }
      Function<Section, ? extends FormatOptions> parser = catalog.formatParser(name);
      if (parser == null) {
        f.oneOf("name", null, names);
        return null;
      }
      FormatOptions options = parser.apply(f);
      f.finish();
      return Map.entry(name, options);
    }
    String name = s.oneOf("format", defaultFormat, names);
    Function<Section, ? extends FormatOptions> parser =
        name == null ? null : catalog.formatParser(name);
    if (parser == null) {
      return null;
    }
    Section none = Section.empty(s.childPath("format"), s.problems(), s.loc());
    FormatOptions options = parser.apply(none);
    none.finish();
    return Map.entry(name, options);
  }

  /**
   * The network sink types for error texts, newest registration first (which lists the built-in
   * ones as "syslog, splunk_hec", the wording operators already know).
   */
  private String networkTypes() {
    List<String> network = new ArrayList<>();
    for (String t : catalog.sinkTypes()) {
      if (catalog.sinkParser(t).network()) {
        network.add(0, t);
      }
    }
    return String.join(", ", network);
  }

  private static FilterRef filterRef(Section s, String key) {
    Node n = s.raw(key);
    if (n == null || (n instanceof Node.Scalar sc && sc.isNull())) {
      return null;
    }
    if (!(n instanceof Node.Scalar sc)) {
      s.problem(
          key,
          "expected a query string, got " + Node.describe(n),
          "write the query as in Coder's search box, e.g. filter: \"type:ssh status:completed\"");
      return null;
    }
    return new FilterRef(sc.text(), s.childPath(key), sc.loc());
  }
}
