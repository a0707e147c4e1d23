package dev.auditship.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.ConfigLoader;
import dev.auditship.config.FileSinkConfig;
import dev.auditship.config.FileSinkConfig.Compression;
import dev.auditship.config.Problem;
import dev.auditship.config.Problems;
import dev.auditship.config.SinkConfig;
import dev.auditship.registry.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code type: file} options: defaults, every key, and the text of every problem. */
class FileSinkConfigTest {
  private static final String HEAD = "source:\n  type: stdin\nsinks:\n  out:\n    type: file\n";

  private static ConfigLoader.Result load(String yaml) {
    return new ConfigLoader(Map.of("LOG_DIR", "/var/log/auditship")::get, Registry.standard())
        .load(yaml, new Problems("test.yaml"));
  }

  private static SinkConfig sink(String options) {
    ConfigLoader.Result r = load(HEAD + options);
    assertThat(r.problems()).extracting(Problem::render).isEmpty();
    return r.config().sinks().get(0);
  }

  private static List<String> problems(String options) {
    return load(HEAD + options).problems().stream().map(Problem::render).toList();
  }

  @Test
  void defaults() {
    SinkConfig sc = sink("");
    assertThat(sc.type()).isEqualTo("file");
    assertThat(sc.format()).isEqualTo("json");
    assertThat(sc.settings())
        .isEqualTo(
            new FileSinkConfig(
                Path.of("out/coder-events.log"),
                100L * 1024 * 1024,
                Duration.ZERO,
                10,
                Duration.ZERO,
                Compression.NONE,
                true));
    assertThat(sc.settings()).isEqualTo(FileSinkConfig.defaults(FileSinkConfig.DEFAULT_PATH));
    assertThat(sc.settings().network()).isFalse();
  }

  @Test
  void everyKey() {
    SinkConfig sc =
        sink(
            """
                    format: human
                    path: ${LOG_DIR}/coder/audit.log
                    max_bytes: 64MiB
                    rotate_every: 1h
                    max_files: 5
                    max_age: 7d
                    compress: gzip
                    fsync: false
                """);
    assertThat(sc.format()).isEqualTo("human");
    assertThat(sc.settings())
        .isEqualTo(
            new FileSinkConfig(
                Path.of("/var/log/auditship/coder/audit.log"),
                64L * 1024 * 1024,
                Duration.ofHours(1),
                5,
                Duration.ofDays(7),
                Compression.GZIP,
                false));
  }

  @Test
  void zeroTurnsEachLimitOff() {
    SinkConfig sc =
        sink(
            """
                    max_bytes: 0
                    rotate_every: 0
                    max_files: 0
                    max_age: 0
                    compress: none
                """);
    assertThat(sc.settings())
        .isEqualTo(
            new FileSinkConfig(
                FileSinkConfig.DEFAULT_PATH,
                0,
                Duration.ZERO,
                0,
                Duration.ZERO,
                Compression.NONE,
                true));
  }

  @ParameterizedTest
  @MethodSource("validPeriods")
  void rotationPeriodsThatFallOnTheSameClockTimesEveryDay(String text, Duration expected) {
    assertThat(((FileSinkConfig) sink("    rotate_every: " + text + "\n").settings()).rotateEvery())
        .isEqualTo(expected);
  }

  static Stream<Arguments> validPeriods() {
    return Stream.of(
        Arguments.of("1m", Duration.ofMinutes(1)),
        Arguments.of("15m", Duration.ofMinutes(15)),
        Arguments.of("1h", Duration.ofHours(1)),
        Arguments.of("6h", Duration.ofHours(6)),
        Arguments.of("24h", Duration.ofDays(1)),
        Arguments.of("1d", Duration.ofDays(1)),
        Arguments.of("1w", Duration.ofDays(7)),
        Arguments.of("30d", Duration.ofDays(30)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void everyBadValueIsReportedWithWhereWhatAndFix(String option, String expected) {
    assertThat(problems(option)).containsExactly(expected);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(
            "    path: \"\"\n",
            "test.yaml:6:11: sinks.out.path: must not be empty. Fix: give the "
                + "file the records go to, for example out/coder-events.log"),
        Arguments.of(
            "    path: out/\n",
            "test.yaml:6:11: sinks.out.path: \"out/\" ends with a separator, so "
                + "it names a directory. Fix: give the file the records go to, for example out/coder-events.log"),
        Arguments.of(
            "    path: /\n",
            "test.yaml:6:11: sinks.out.path: \"/\" ends with a separator, so it "
                + "names a directory. Fix: give the file the records go to, for example out/coder-events.log"),
        Arguments.of(
            "    path: out/..\n",
            "test.yaml:6:11: sinks.out.path: \"out/..\" names a directory. "
                + "Fix: give the file the records go to, for example out/coder-events.log"),
        Arguments.of(
            "    path: \"out/a\\0b\"\n",
            "test.yaml:6:11: sinks.out.path: \"out/a\u0000b\" is not a "
                + "valid path: Nul character not allowed. Fix: give the file the records go to, for example "
                + "out/coder-events.log"),
        Arguments.of(
            "    path: [a, b]\n",
            "test.yaml:6:11: sinks.out.path: expected a single value, got a "
                + "list. Fix: write path: <value>"),
        Arguments.of(
            "    max_bytes: lots\n",
            "test.yaml:6:16: sinks.out.max_bytes: expected a byte size, got "
                + "\"lots\". Fix: use a size from 0 to 1024GiB, for example 1000000, 64KiB or 100MiB"),
        Arguments.of(
            "    max_bytes: 2048GiB\n",
            "test.yaml:6:16: sinks.out.max_bytes: \"2048GiB\" is out of "
                + "range. Fix: use a size from 0 to 1024GiB, for example 1000000, 64KiB or 100MiB"),
        Arguments.of(
            "    max_bytes: 100\n",
            "test.yaml:6:16: sinks.out.max_bytes: 100 bytes is less than "
                + "1KiB: nearly every record would go into a file of its own. Fix: use 0 for no size "
                + "rotation, or a size of at least 1KiB, for example 100MiB"),
        Arguments.of(
            "    rotate_every: hourly\n",
            "test.yaml:6:19: sinks.out.rotate_every: expected a "
                + "duration, got \"hourly\". Fix: use a duration from 0 to 366d, for example 30s, 5m, 12h, "
                + "7d or 2w"),
        Arguments.of(
            "    rotate_every: 3600\n",
            "test.yaml:6:19: sinks.out.rotate_every: expected a "
                + "duration, got \"3600\". Fix: use a duration from 0 to 366d, for example 30s, 5m, 12h, "
                + "7d or 2w"),
        Arguments.of(
            "    rotate_every: 400d\n",
            "test.yaml:6:19: sinks.out.rotate_every: \"400d\" is out of "
                + "range. Fix: use a duration from 0 to 366d, for example 30s, 5m, 12h, 7d or 2w"),
        Arguments.of(
            "    rotate_every: 30s\n",
            "test.yaml:6:19: sinks.out.rotate_every: 30s is shorter than "
                + "one minute. Fix: use 0 for no time rotation, a period that divides a day (for example "
                + "15m, 1h, 6h, 12h) or whole days (1d, 7d)"),
        Arguments.of(
            "    rotate_every: 7h\n",
            "test.yaml:6:19: sinks.out.rotate_every: 7h does not divide a "
                + "day evenly, so rotations would not fall at the same clock times every day. Fix: use 0 for "
                + "no time rotation, a period that divides a day (for example 15m, 1h, 6h, 12h) or whole "
                + "days (1d, 7d)"),
        Arguments.of(
            "    rotate_every: 36h\n",
            "test.yaml:6:19: sinks.out.rotate_every: 36h is longer than "
                + "a day but not a whole number of days. Fix: use 0 for no time rotation, a period that "
                + "divides a day (for example 15m, 1h, 6h, 12h) or whole days (1d, 7d)"),
        Arguments.of(
            "    max_files: -1\n",
            "test.yaml:6:16: sinks.out.max_files: -1 is out of range. Fix: "
                + "use a whole number from 0 to 100000"),
        Arguments.of(
            "    max_files: ten\n",
            "test.yaml:6:16: sinks.out.max_files: expected a whole number, "
                + "got \"ten\". Fix: use a whole number from 0 to 100000"),
        Arguments.of(
            "    max_age: forever\n",
            "test.yaml:6:14: sinks.out.max_age: expected a duration, got "
                + "\"forever\". Fix: use a duration from 0 to 3650d, for example 30s, 5m, 12h, 7d or 2w"),
        Arguments.of(
            "    max_age: 20y\n",
            "test.yaml:6:14: sinks.out.max_age: expected a duration, got "
                + "\"20y\". Fix: use a duration from 0 to 3650d, for example 30s, 5m, 12h, 7d or 2w"),
        Arguments.of(
            "    compress: zip\n",
            "test.yaml:6:15: sinks.out.compress: \"zip\" is not one of none, "
                + "gzip. Fix: use one of: none, gzip (did you mean \"gzip\"?)"),
        Arguments.of(
            "    fsync: sometimes\n",
            "test.yaml:6:12: sinks.out.fsync: expected true or false, got "
                + "\"sometimes\". Fix: write fsync: true or fsync: false"),
        Arguments.of(
            "    max_file: 3\n",
            "test.yaml:6:5: sinks.out.max_file: unknown key \"max_file\". "
                + "Fix: remove it, or use one of: compress, filter, format, fsync, max_age, max_bytes, "
                + "max_files, path, retry, rotate_every, spool, type (did you mean \"max_files\"?)"),
        Arguments.of(
            "    retry:\n      initial_backoff_ms: 100\n",
            "test.yaml:7:7: sinks.out.retry: retry "
                + "options are only for network sinks (kafka, syslog, splunk_hec). Fix: remove retry:"),
        Arguments.of(
            "    spool:\n      max_bytes: 1GiB\n",
            "test.yaml:7:7: sinks.out.spool: a spool is only "
                + "for network sinks (kafka, syslog, splunk_hec). Fix: remove spool:"));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThat(
            problems(
                """
                    path: out/
                    max_bytes: 10
                    rotate_every: 5h
                    max_files: many
                    compress: bzip2
                """))
        .hasSize(5);
  }

  @Test
  void theDefaultConfigSwitchesToARollingJsonFileByChangingOneWord() throws IOException {
    String text = Files.readString(Path.of("config/auditship.yaml"));
    assertThat(text).contains("    type: stdout ");
    ConfigLoader.Result r =
        new ConfigLoader(k -> null, Registry.standard())
            .load(
                text.replace("    type: stdout ", "    type: file "),
                new Problems("config/auditship.yaml"));
    assertThat(r.problems()).extracting(Problem::render).isEmpty();
    AuditshipConfig c = r.config();
    assertThat(c.sinks()).hasSize(1);
    assertThat(c.sinks().get(0).format()).isEqualTo("json");
    assertThat(c.sinks().get(0).settings())
        .isEqualTo(FileSinkConfig.defaults(Path.of("out/coder-events.log")));
  }
}
