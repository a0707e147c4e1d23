package dev.auditship.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.registry.Registry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code spool:} under a sink, and the retention keys of the dead-letter and rejects files. */
class SpoolConfigTest {

  private static SpoolConfig parse(String yaml, Problems problems) {
    Node n = new YamlTree(k -> null, problems).parse(yaml);
    return SpoolConfig.parse(
        new Section((Node.MapNode) n, "sinks.hec.spool", problems), Path.of("state"), "hec");
  }

  private static List<String> rendered(Problems problems) {
    return problems.all().stream().map(Problem::render).toList();
  }

  @Test
  void defaults() {
    Problems problems = new Problems("a.yaml");
    SpoolConfig c = parse("{}", problems);
    assertThat(problems.all()).isEmpty();
    assertThat(c)
        .isEqualTo(
            new SpoolConfig(
                Path.of("state", "spool", "hec"),
                1024L * 1024 * 1024,
                SpoolConfig.WhenFull.BLOCK,
                Duration.ZERO));
    assertThat(c.expires()).isFalse();
  }

  @Test
  void everyOption() {
    Problems problems = new Problems("a.yaml");
    SpoolConfig c =
        parse(
            "directory: /var/lib/auditship/hec\nmax_bytes: 10MiB\nwhen_full: drop_newest\n"
                + "max_age: 7d\n",
            problems);
    assertThat(problems.all()).isEmpty();
    assertThat(c)
        .isEqualTo(
            new SpoolConfig(
                Path.of("/var/lib/auditship/hec"),
                10L * 1024 * 1024,
                SpoolConfig.WhenFull.DROP_NEWEST,
                Duration.ofDays(7)));
    assertThat(c.expires()).isTrue();
  }

  @Test
  void badValuesAreAllReportedWithPathAndFix() {
    Problems problems = new Problems("a.yaml");
    parse("max_bytes: 10KiB\nwhen_full: drop_oldest\nmax_age: soon\nmax_size: 1\n", problems);
    assertThat(rendered(problems))
        .containsExactly(
            "a.yaml:1:12: sinks.hec.spool.max_bytes: \"10KiB\" is out of range. Fix: use a size from 1MiB to "
                + "16384GiB, for example 100MiB",
            "a.yaml:2:12: sinks.hec.spool.when_full: \"drop_oldest\" is not one of block, drop_newest. Fix: use "
                + "one of: block, drop_newest",
            "a.yaml:3:10: sinks.hec.spool.max_age: expected a duration, got \"soon\". Fix: use a duration from 0 "
                + "to 3650d, for example 30s, 5m, 12h, 7d or 2w",
            "a.yaml:4:1: sinks.hec.spool.max_size: unknown key \"max_size\". Fix: remove it, or use one of: "
                + "directory, max_age, max_bytes, when_full");
  }

  private static ConfigLoader.Result load(String yaml) {
    return new ConfigLoader(k -> null, Registry.standard()).load(yaml, new Problems("a.yaml"));
  }

  @Test
  void aSpoolOnANonNetworkSinkIsRefused() {
    ConfigLoader.Result r =
        load("source: {type: stdin}\nsinks:\n  out:\n    type: stdout\n    spool: {}\n");
    assertThat(r.problems())
        .extracting(Problem::render)
        .containsExactly(
            "a.yaml:5:12: sinks.out.spool: a spool is only for network sinks (kafka, syslog, splunk_hec). Fix: remove spool:");
  }

  @Test
  void twoSinksCannotShareASpoolDirectory() {
    ConfigLoader.Result r =
        load(
            "source: {type: stdin}\nsinks:\n  a:\n    type: stdout\n    spool: {directory: /s}\n"
                + "  b:\n    type: stdout\n    spool: {directory: /s/../s}\n");
    assertThat(r.problems())
        .extracting(Problem::render)
        .contains(
            "a.yaml:7:5: sinks.b.spool.directory: sinks a and b use the same spool directory /s/../s. Fix: give "
                + "each sink its own spool directory (the default is <data_dir>/spool/<sink name>)");
  }

  @Test
  void retentionOfTheDeadLetterAndRejectsFiles() {
    ConfigLoader.Result r =
        load(
            "source: {type: stdin}\nsinks: {out: {type: stdout}}\ndead_letter_max_bytes: 10MiB\n"
                + "dead_letter_max_age: 90d\nrejects_max_age: 2w\n");
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().deadLetterRetention())
        .isEqualTo(new RetentionConfig(10L * 1024 * 1024, Duration.ofDays(90)));
    assertThat(r.config().rejectsRetention())
        .isEqualTo(new RetentionConfig(100L * 1024 * 1024, Duration.ofDays(14)));
  }

  @Test
  void retentionDefaultsKeepEverythingAndRotateAt100MiB() {
    ConfigLoader.Result r = load("source: {type: stdin}\nsinks: {out: {type: stdout}}\n");
    assertThat(r.config().deadLetterRetention()).isEqualTo(RetentionConfig.DEFAULT);
    assertThat(r.config().rejectsRetention()).isEqualTo(RetentionConfig.DEFAULT);
    assertThat(RetentionConfig.DEFAULT)
        .isEqualTo(new RetentionConfig(100L * 1024 * 1024, Duration.ZERO));
  }
}
