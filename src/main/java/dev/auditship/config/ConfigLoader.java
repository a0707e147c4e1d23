package dev.auditship.config;

import dev.auditship.format.EnvelopeDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads and validates the YAML configuration (DESIGN §5). Every problem is collected; a config with
 * any problem is refused as a whole ({@link Result#problems()}), before anything starts. Loading
 * does no I/O beyond reading the file.
 */
public final class ConfigLoader {

  /** Every source type, in one explicit list (DESIGN §7.3). */
  static final Map<String, Function<Section, SourceSettings>> SOURCE_TYPES = new LinkedHashMap<>();

  /** Every sink type, in one explicit list (DESIGN §7.3). */
  static final Map<String, Function<Section, SinkSettings>> SINK_TYPES = new LinkedHashMap<>();

  /** The record formats. */
  public static final List<String> FORMATS = List.of("json", "human");

  static {
    SOURCE_TYPES.put("stdin", StdinSourceConfig::parse);
    SOURCE_TYPES.put("file", FileSourceConfig::parse);
    SOURCE_TYPES.put("coder_api", CoderApiSourceConfig::parse);
    SINK_TYPES.put("stdout", StdoutSinkConfig::parse);
    SINK_TYPES.put("file", FileSinkConfig::parse);
    SINK_TYPES.put("splunk_hec", HecSinkConfig::parse);
    SINK_TYPES.put("syslog", SyslogSinkConfig::parse);
    SINK_TYPES.put("kafka", KafkaSinkConfig::parse);
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

  public ConfigLoader(Function<String, String> env) {
    this.env = env;
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
          "cannot read the config file: "
              + e.getClass().getSimpleName()
              + (e.getMessage() != null ? " " + e.getMessage() : ""),
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
    Section top = new Section(map, "", problems);
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

    Path dataDir = top.pathValue("data_dir", Path.of("auditship-data"));
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

    List<SinkConfig> sinks = new ArrayList<>();
    Map<Path, String> spoolDirs = new java.util.HashMap<>();
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
        SinkConfig sc = parseSink(new Section(m, path, problems), name, dataDir);
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
    Map<Path, String> filePaths = new java.util.HashMap<>();
    for (SinkConfig sc : sinks) {
      if (sc.settings() instanceof FileSinkConfig f && f.path() != null) {
        String other = filePaths.putIfAbsent(f.path().toAbsolutePath().normalize(), sc.name());
        if (other != null) {
          Node sinkNode = ((Node.MapNode) sinksNode).entries().get(sc.name());
          problems.add(
              sinkNode.loc(),
              "sinks." + sc.name() + ".path",
              "writes to the same file as sink \"" + other + "\" (" + f.path() + ")",
              "give each file sink its own path");
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
        deadLetterRetention);
  }

  private SinkConfig parseSink(Section s, String name, Path dataDir) {
    String type =
        s.requiredString("type", "set type: to one of " + String.join(", ", SINK_TYPES.keySet()));
    // Humans read stdout; machines read files, syslog and Splunk: so the default format is human
    // for
    // stdout and json elsewhere. This is what makes the default config switch from human lines on
    // stdout to slog JSON lines in a rolling file by changing one word (type: stdout -> file).
    String format = s.oneOf("format", "stdout".equals(type) ? "human" : "json", FORMATS);
    FilterRef filter = filterRef(s, "filter");
    Section retrySec = s.section("retry");
    RetryConfig retry = RetryConfig.parse(retrySec);
    Section spoolSec = s.section("spool");
    SpoolConfig spool = spoolSec == null ? null : SpoolConfig.parse(spoolSec, dataDir, name);
    SinkConfig result = null;
    if (type != null) {
      Function<Section, SinkSettings> parser = SINK_TYPES.get(type);
      if (parser == null) {
        s.oneOf("type", null, List.copyOf(SINK_TYPES.keySet()));
      } else {
        SinkSettings settings = parser.apply(s);
        if (spool != null && !settings.network()) {
          s.problem(
              "spool",
              "a spool is only for network sinks (syslog, splunk_hec, kafka)",
              "remove spool:");
        }
        if (retrySec != null && !settings.network()) {
          s.problem(
              "retry",
              "retry options are only for network sinks (syslog, splunk_hec, kafka)",
              "remove retry:");
        }
        result = new SinkConfig(name, type, format, filter, retry, spool, settings);
      }
    }
    if (result != null) {
      // Without a known type its options cannot be judged: listing them all as unknown would only
      // tell the operator to delete valid options because of one typo in type:.
      s.finish();
    }
    return result;
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
