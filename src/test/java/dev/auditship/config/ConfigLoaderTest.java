package dev.auditship.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.registry.Registry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Config loading: defaults, interpolation, and the exact text of every problem. */
class ConfigLoaderTest {
  private static final Map<String, String> ENV = Map.of("HOME_DIR", "/srv", "EMPTY", "");

  static ConfigLoader.Result load(String yaml) {
    return new ConfigLoader(ENV::get, Registry.standard()).load(yaml, new Problems("c.yaml"));
  }

  static List<String> problems(String yaml) {
    return load(yaml).problems().stream().map(Problem::render).toList();
  }

  @Test
  void minimalConfigGetsDefaults() {
    ConfigLoader.Result r = load("source: {type: stdin}\nsinks:\n  out: {type: stdout}\n");
    assertThat(r.problems()).isEmpty();
    AuditshipConfig c = r.config();
    assertThat(c.source().type()).isEqualTo("stdin");
    assertThat(c.sinks()).hasSize(1);
    assertThat(c.sinks().get(0).format()).isEqualTo("human");
    assertThat(c.dataDir()).isEqualTo(Path.of("auditship-data"));
    assertThat(c.rejectsFile()).isEqualTo(Path.of("auditship-data/rejects.ndjson"));
    assertThat(c.deadLetterFile()).isEqualTo(Path.of("auditship-data/dead-letters.ndjson"));
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.batchMaxEvents()).isEqualTo(500);
    assertThat(c.humanTime()).isEqualTo("rc1");
    assertThat(c.envelope().loggerNames()).containsExactly("coderd");
  }

  @Test
  void interpolationWithDefaultsAndLiteralDollar() {
    ConfigLoader.Result r =
        load(
            "source:\n  type: file\n  path: ${HOME_DIR}/coder.log\n"
                + "data_dir: ${NOPE:-/var/lib/auditship}\nrejects_file: ${EMPTY:-r.ndjson}\n"
                + "envelope:\n  func: \"$${literal}\"\nsinks:\n  out: {type: stdout}\n");
    assertThat(r.problems()).isEmpty();
    assertThat(((FileSourceConfig) r.config().source().settings()).path())
        .isEqualTo(Path.of("/srv/coder.log"));
    assertThat(r.config().dataDir()).isEqualTo(Path.of("/var/lib/auditship"));
    assertThat(r.config().rejectsFile()).isEqualTo(Path.of("r.ndjson"));
    assertThat(r.config().envelope().func()).isEqualTo("${literal}");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThat(
            problems(
                "source:\n  type: file\nfilterr: x\nsinks:\n  a:\n    type: stdout\n    format: xml\n"
                    + "  b c:\n    type: stdout\n  d: 3\nbatch_max_events: 0\nshutdown_timeout_secs: soon\n"))
        .containsExactlyInAnyOrder(
            "c.yaml:2:3: source.path: is required. Fix: set path: to Coder's server log file, e.g. /var/log/coder/coderd.log",
            "c.yaml:3:1: filterr: unknown key \"filterr\". Fix: remove it, or use one of: batch_linger_ms, "
                + "batch_max_events, coder, data_dir, dead_letter_file, dead_letter_max_age, dead_letter_max_bytes, "
                + "envelope, filter, human_time, metrics, rejects_file, rejects_max_age, rejects_max_bytes, "
                + "shutdown_timeout_secs, sinks, source, stats_interval_secs (did you mean \"filter\"?)",
            "c.yaml:7:13: sinks.a.format: \"xml\" is not one of json, human, ecs, ocsf, cef, leef. Fix: use one of: json, human, ecs, ocsf, cef, leef",
            "c.yaml:8:3: sinks.b c: sink name \"b c\" has characters other than letters, digits, _ . -. Fix: rename the sink",
            "c.yaml:10:6: sinks.d: expected the sink's options, got \"3\". Fix: write type: and the sink's options under d:",
            "c.yaml:11:19: batch_max_events: 0 is out of range. Fix: use a whole number from 1 to 100000",
            "c.yaml:12:24: shutdown_timeout_secs: expected a duration, got \"soon\". Fix: use a duration from 0 to 1h, "
                + "for example 30s, 5m, 12h, 7d or 2w");
  }

  @Test
  void filesTheExporterWritesMustNotBeTheFileItReadsOrOneAnother() {
    assertThat(
            problems(
                "source: {type: file, path: /var/log/coder/coderd.log, follow: true}\n"
                    + "data_dir: /var/lib/auditship\n"
                    + "rejects_file: /var/lib/auditship/bad.ndjson\n"
                    + "dead_letter_file: /var/lib/auditship/./bad.ndjson\n"
                    + "sinks:\n"
                    + "  loop: {type: file, path: /var/log/coder/../coder/coderd.log}\n"
                    + "  rej: {type: file, path: /var/lib/auditship/bad.ndjson}\n"
                    + "  ok: {type: file, path: /var/log/auditship/events.log}\n"))
        .containsExactly(
            "c.yaml:4:19: dead_letter_file: is the same file as rejects_file"
                + " (/var/lib/auditship/bad.ndjson). Fix: give rejected lines and dead letters a"
                + " file each",
            "c.yaml:6:9: sinks.loop.path: writes to the file the source reads"
                + " (/var/log/coder/../coder/coderd.log): every event written would be read again"
                + " and written again, without end. Fix: write the sink's output to another file",
            "c.yaml:7:8: sinks.rej.path: writes to the rejects_file"
                + " (/var/lib/auditship/bad.ndjson). Fix: write the sink's output to another file");
    assertThat(
            problems(
                "source: {type: file, path: /var/lib/auditship/rejects.ndjson}\n"
                    + "data_dir: /var/lib/auditship\n"
                    + "sinks: {a: {type: stdout}}\n"))
        .containsExactly(
            "c.yaml: rejects_file: is the file the source reads"
                + " (/var/lib/auditship/rejects.ndjson). Fix: write rejects_file to another file");
  }

  @Test
  void aSecretThatIsNotASingleValueIsReportedOnceNotAlsoAsMissing() {
    assertThat(
            problems(
                "source: {type: stdin}\nsinks:\n  h: {type: splunk_hec, endpoint:"
                    + " \"http://127.0.0.1:8088\", token: [a, b]}\n"))
        .containsExactly(
            "c.yaml:3:67: sinks.h.token: expected a single value, got a list. Fix: write token:"
                + " <value>");
    assertThat(
            problems(
                "source: {type: stdin}\nsinks:\n  h: {type: splunk_hec, endpoint:"
                    + " \"http://127.0.0.1:8088\", token_file: {a: b}}\n"))
        .containsExactly(
            "c.yaml:3:72: sinks.h.token_file: expected a single value, got a mapping. Fix: write"
                + " token_file: <value>");
    assertThat(
            problems(
                "source: {type: stdin}\nsinks:\n  h: {type: splunk_hec, endpoint:"
                    + " \"http://127.0.0.1:8088\", token: }\n"))
        .containsExactly(
            "c.yaml:3:6: sinks.h.token: is required. Fix: set token: ${ENV_VAR} or token_file:"
                + " /path/to/token");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty file        | ''                                  | c.yaml:1:1: source: is missing. Fix: add a source, e.g. source: {type: stdin}",
        "not a mapping     | '- a'                               | c.yaml:1:1: the config must be a mapping with source: and sinks:. Fix: start from one of the sample configs",
        "bad yaml          | 'source: [unclosed'                 | c.yaml:1:18: not valid YAML: while parsing a flow sequence: expected ',' or ']', but got <stream end>. Fix: correct the YAML syntax",
        "tab indent        | 'source: {type: stdin}\nsinks:\n  a:\n\ttype: stdout' | c.yaml:4:1: not valid YAML: while scanning for the next token: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation). Fix: correct the YAML syntax (indent with spaces",
        "no sinks          | 'source: {type: stdin}'             | c.yaml:1:1: sinks: is missing. Fix: add at least one sink, e.g. sinks: {out: {type: stdout}}",
        "empty sinks       | 'source: {type: stdin}\nsinks: {}'  | c.yaml:2:8: sinks: no sinks are configured. Fix: add at least one sink",
        "unknown sink type | 'source: {type: stdin}\nsinks: {a: {type: kinesis}}' | c.yaml:2:19: sinks.a.type: \"kinesis\" is not one of ",
        "sink without type | 'source: {type: stdin}\nsinks: {a: {format: json}}' | c.yaml:2:12: sinks.a.type: is required. Fix: set type: to one of ",
        "unset variable    | 'source: {type: file, path: \"${NOT_SET}\"}\nsinks: {a: {type: stdout}}' | c.yaml:1:28: source.path: environment variable NOT_SET is not set. Fix: set NOT_SET or give a default: ${NOT_SET:-value}",
        "bad variable      | 'source: {type: file, path: \"${1X}\"}\nsinks: {a: {type: stdout}}' | c.yaml:1:28: source.path: \"${1X}\" is not a valid variable reference",
        "duplicate key     | 'source: {type: stdin}\nsource: {type: stdin}\nsinks: {a: {type: stdout}}' | c.yaml:2:1: source: duplicate key \"source\" (first at line 1). Fix: keep one of them",
        "spool on stdout   | 'source: {type: stdin}\nsinks: {a: {type: stdout, spool: {}}}' | c.yaml:2:34: sinks.a.spool: a spool is only for network sinks (kafka, syslog, splunk_hec). Fix: remove spool:",
        "filter as a list  | 'source: {type: stdin}\nfilter: [a]\nsinks: {a: {type: stdout}}' | c.yaml:2:9: filter: expected a query string, got a list.",
        "bad human_time    | 'source: {type: stdin}\nhuman_time: v2\nsinks: {a: {type: stdout}}' | c.yaml:2:13: human_time: \"v2\" is not one of rc1, v3",
      })
  void problemTexts(String what, String yaml, String expected) {
    List<String> p = problems(yaml.replace("\\n", "\n"));
    assertThat(p).anySatisfy(s -> assertThat(s).startsWith(expected.strip()));
  }

  @Test
  void aWrongTypeIsOneProblemNotOnePerOption() {
    assertThat(
            problems(
                "source: {type: filez, path: /x, follow: true}\nsinks:\n  a: {type: splnuk_hec, endpoint: "
                    + "https://s:8088, token: t, index: coder}\n"))
        .containsExactly(
            "c.yaml:1:16: source.type: \"filez\" is not one of stdin, file, coder_api. Fix: use one of: stdin, "
                + "file, coder_api (did you mean \"file\"?)",
            "c.yaml:3:13: sinks.a.type: \"splnuk_hec\" is not one of stdout, file, splunk_hec, syslog, kafka. Fix: use "
                + "one of: stdout, file, splunk_hec, syslog, kafka (did you mean \"splunk_hec\"?)");
  }

  @Test
  void anUnsetVariableIsReportedOnceNotAlsoAsAMissingValue() {
    assertThat(
            problems(
                "source: {type: file, path: \"${NOT_SET}\"}\ncoder: {endpoint: \"${NO_URL}\", "
                    + "token: \"${NO_TOKEN}\"}\nsinks: {a: {type: stdout}}\n"))
        .containsExactly(
            "c.yaml:1:28: source.path: environment variable NOT_SET is not set. Fix: set NOT_SET or give a default: ${NOT_SET:-value}",
            "c.yaml:2:19: coder.endpoint: environment variable NO_URL is not set. Fix: set NO_URL or give a default: ${NO_URL:-value}",
            "c.yaml:2:39: coder.token: environment variable NO_TOKEN is not set. Fix: set NO_TOKEN or give a default: ${NO_TOKEN:-value}");
  }

  @Test
  void durationsAndSizesInTheirUnits() {
    assertThat(Units.parseDuration("90d", null)).isEqualTo(Duration.ofDays(90));
    assertThat(Units.parseDuration("2w", null)).isEqualTo(Duration.ofDays(14));
    assertThat(Units.parseDuration("1h30m", null)).isEqualTo(Duration.ofMinutes(90));
    assertThat(Units.parseDuration("250", "ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Units.parseDuration("0", null)).isEqualTo(Duration.ZERO);
    assertThat(Units.parseDuration("5", null)).isNull();
    assertThat(Units.parseDuration("5y", null)).isNull();
    assertThat(Units.parseBytes("64KiB")).isEqualTo(65536L);
    assertThat(Units.parseBytes("1MB")).isEqualTo(1_000_000L);
    assertThat(Units.parseBytes("1_000_000")).isEqualTo(1_000_000L);
    assertThat(Units.parseBytes("1 GiB")).isEqualTo(1L << 30);
    assertThat(Units.parseBytes("lots")).isNull();
  }

  @Test
  void secretsAreNeverPrinted() throws Exception {
    Secret s = Secret.of("super-secret-token");
    assertThat(s.toString()).doesNotContain("super-secret-token");
    assertThat(s.describe()).doesNotContain("super-secret-token");
    assertThat(s.value()).isEqualTo("super-secret-token");
    ConfigLoader.Result r =
        load(
            "source: {type: stdin}\ncoder:\n  endpoint: https://coder.example.com\n"
                + "  token: super-secret-token\n  token_file: /x\nsinks: {a: {type: stdout}}\n");
    assertThat(r.problems())
        .extracting(Problem::render)
        .containsExactly(
            "c.yaml:4:10: coder.token: both token and token_file are set. Fix: keep only one of them");
    assertThat(r.problems().toString()).doesNotContain("super-secret-token");
  }
}
