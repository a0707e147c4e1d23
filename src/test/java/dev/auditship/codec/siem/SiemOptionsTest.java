package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Format;
import dev.auditship.config.ConfigLoader;
import dev.auditship.config.Problem;
import dev.auditship.config.Problems;
import dev.auditship.event.Event;
import dev.auditship.registry.FormatContext;
import dev.auditship.registry.Registry;
import dev.auditship.testutil.Golden;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SIEM formats' options through the format registry: defaults, values, every problem. */
class SiemOptionsTest {
  private final Registry registry = Registry.standard();
  @TempDir Path dir;

  private ConfigLoader.Result load(String format) {
    String yaml =
        "source: {type: stdin}\ndata_dir: "
            + dir
            + "\nsinks:\n  s:\n    type: stdout\n    format: "
            + format
            + "\n";
    return new ConfigLoader(k -> null, registry).load(yaml, new Problems("o.yaml"));
  }

  private static List<String> problems(ConfigLoader.Result r) {
    return r.problems().stream().map(Problem::render).toList();
  }

  private Format format(String block) {
    ConfigLoader.Result r = load(block);
    assertThat(problems(r)).isEmpty();
    return registry.format(r.config().sinks().get(0), FormatContext.DEFAULT);
  }

  private static Event login() {
    return Golden.decodeOne(Golden.line("audit_user_login").json());
  }

  @Test
  void aPlainNameGivesTheDefaults() {
    assertThat(load("cef").config().sinks().get(0).formatOptions())
        .isEqualTo(SiemOptions.Cef.DEFAULT);
    assertThat(load("leef").config().sinks().get(0).formatOptions())
        .isEqualTo(SiemOptions.Leef.DEFAULT);
    assertThat(load("ecs").config().sinks().get(0).formatOptions())
        .isEqualTo(SiemOptions.Ecs.DEFAULT);
    assertThat(load("ocsf").config().sinks().get(0).formatOptions())
        .isEqualTo(SiemOptions.Ocsf.DEFAULT);
  }

  @Test
  void cefHeaderAndSeverityComeFromTheOptions() {
    Format f =
        format(
            "{name: cef, vendor: Acme, product: \"Coder|Prod\", version: 2.24.1,"
                + " severity: {success: 1, failure: 9, unknown: 4}}");
    assertThat(f.format(login()))
        .startsWith("CEF:0|Acme|Coder\\|Prod|2.24.1|audit:api_key:login|login api_key|1|");
  }

  @Test
  void leefDelimiterAndSeverityComeFromTheOptions() {
    Format f = format("{name: leef, delimiter: \"^\", severity: {success: 2}}");
    assertThat(f.format(login()))
        .startsWith("LEEF:2.0|Coder|coderd|2|audit:api_key:login|^|devTime=")
        .contains("^sev=2^");
    assertThat(format("{name: leef, delimiter: x7c}").format(login()))
        .startsWith("LEEF:2.0|Coder|coderd|2|audit:api_key:login|||devTime=");
  }

  @Test
  void ecsAndOcsfVersionsComeFromTheOptions() {
    assertThat(format("{name: ecs, ecs_version: 8.17.0}").format(login()))
        .contains("\"ecs\":{\"version\":\"8.17.0\"}");
    assertThat(
            format(
                    "{name: ocsf, ocsf_version: 1.3.0, product: Coder OSS, vendor: Coder Technologies}")
                .format(login()))
        .contains(
            "\"metadata\":{\"version\":\"1.3.0\",\"uid\":\"95f7c392-da3e-480c-a579-8909f145fbe2\","
                + "\"product\":{\"name\":\"Coder OSS\",\"vendor_name\":\"Coder Technologies\"}");
  }

  @Test
  void aLeefDelimiterThatOccursInDevTimeIsRefused() {
    // devTime (2025-07-03T06:55:02.117+0000) and devTimeFormat are written as they are, for QRadar
    // to parse: such a delimiter would cut them into attributes of their own.
    for (String d : List.of("-", ":", ".", "+", "'", "0x2d")) {
      assertThat(problems(load("{name: leef, delimiter: \"" + d + "\"}")))
          .containsExactly(
              "o.yaml:6:37: sinks.s.format.delimiter: cannot be \""
                  + d
                  + "\" (it occurs in devTime and devTimeFormat, written as they are). Fix: write"
                  + " delimiter: tab, or one character such as ^ or |");
    }
    for (String d : List.of("^", "|", ",", "@", ";", "0x5e")) {
      assertThat(problems(load("{name: leef, delimiter: \"" + d + "\"}"))).isEmpty();
    }
  }

  @Test
  void everyBadOptionIsReportedAtOnce() {
    assertThat(
            problems(
                load(
                    "{name: leef, delimiter: \"=\", vendor: \"\", severity: {success: 11, loud: 1},"
                        + " colour: red}")))
        .containsExactlyInAnyOrder(
            "o.yaml:6:37: sinks.s.format.delimiter: cannot be \"=\" (ambiguous in LEEF attributes)."
                + " Fix: write delimiter: tab, or one character such as ^ or |",
            "o.yaml:6:50: sinks.s.format.vendor: is empty. Fix: write vendor: Coder, or remove it"
                + " for the default",
            "o.yaml:6:74: sinks.s.format.severity.success: 11 is out of range. Fix: use a whole"
                + " number from 1 to 10",
            "o.yaml:6:78: sinks.s.format.severity.loud: unknown key \"loud\". Fix: remove it, or use"
                + " one of: failure, success, unknown",
            "o.yaml:6:88: sinks.s.format.colour: unknown key \"colour\". Fix: remove it, or use one"
                + " of: delimiter, name, product, severity, vendor, version");
    assertThat(problems(load("{name: ecs, ecs_version: latest}")))
        .containsExactly(
            "o.yaml:6:38: sinks.s.format.ecs_version: expected a version such as 9.4.0, got"
                + " \"latest\". Fix: write ecs_version: 9.4.0");
    assertThat(problems(load("{name: cef, product: \"a\\tb\"}")))
        .containsExactly(
            "o.yaml:6:34: sinks.s.format.product: contains a control character. Fix: use printable"
                + " text");
  }
}
