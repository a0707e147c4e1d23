package dev.auditship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.testutil.Cli;
import dev.auditship.testutil.Golden;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end, as a child process: verbs, exit codes, stdout/stderr separation. */
class CliIT {
  @TempDir Path tmp;

  private static String goldenJsonLines() {
    return Golden.lines().stream().map(Golden.Line::json).collect(Collectors.joining());
  }

  private static String goldenHumanLines() {
    return Golden.lines().stream()
        .filter(l -> l.note() == null)
        .map(Golden.Line::human)
        .collect(Collectors.joining());
  }

  @Test
  void defaultConfigPrintsTheBundledSampleAsHumanLinesOnStdoutAndLogsOnlyToStderr()
      throws IOException {
    Cli.Result r = Cli.run(Cli.repoRoot(), null, "run");
    assertThat(r.exit()).as(r.stderr()).isEqualTo(0);
    List<String> expected =
        Files.readAllLines(Path.of("samples/coder-server.log")).stream()
            .filter(
                l ->
                    l.startsWith("{")
                        && (l.contains("\"msg\":\"audit_log\"")
                            || l.contains("\"msg\":\"connection_log\"")))
            .map(
                l ->
                    Golden.lines().stream()
                        .filter(g -> g.json().equals(l + "\n"))
                        .findFirst()
                        .orElseThrow())
            .map(g -> g.note() == null ? g.human() : null)
            .filter(h -> h != null)
            .toList();
    for (String h : expected) {
      assertThat(r.out()).contains(h);
    }
    assertThat(r.out()).doesNotContain("INFO").doesNotContain("started HTTP listener");
    assertThat(r.stderr()).contains("Finished. source: read=16 events=11 skipped=5 rejected=0");
  }

  @Test
  void renderJsonReproducesEveryGoldenLineByteForByte() {
    Cli.Result r =
        Cli.run(
            tmp, goldenJsonLines().getBytes(StandardCharsets.UTF_8), "render", "--format", "json");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out()).isEqualTo(goldenJsonLines());
    assertThat(r.stderr()).contains("stdin: read=11 events=11 skipped=0 rejected=0");
    Cli.Result dash =
        Cli.run(
            tmp,
            goldenJsonLines().getBytes(StandardCharsets.UTF_8),
            "render",
            "--format",
            "json",
            "-");
    assertThat(dash.exit()).as(dash.stderr()).isZero();
    assertThat(dash.out()).isEqualTo(goldenJsonLines());
  }

  @Test
  void renderHumanFromJsonLinesGivesTheGoldenHumanLines() throws IOException {
    String in =
        Golden.lines().stream()
            .filter(l -> l.note() == null)
            .map(Golden.Line::json)
            .collect(Collectors.joining());
    Path f = tmp.resolve("coder.log");
    Files.writeString(f, in);
    Cli.Result r = Cli.run(tmp, null, "render", "--format", "human", f.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out()).isEqualTo(goldenHumanLines());
  }

  @Test
  void renderJsonFromHumanSampleConvertsHumanLogsToJson() {
    Cli.Result r =
        Cli.run(
            Cli.repoRoot(), null, "render", "--format", "json", "samples/coder-server-human.log");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out().lines().count()).isEqualTo(11);
    assertThat(r.out())
        .contains("\"DisconnectReason\":\"line one\\nline two \\u003c\\u0026\\u003e \\\"q\\\"\"");
  }

  @Test
  void renderQuarantinesABrokenEventLineAndGoesOn() throws IOException {
    String good = Golden.line("audit_user_login").json();
    String broken =
        "{\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"Time\":\"2025-07-03T06:55:02Z\"}}\n";
    String bad = "{\"msg\":\"audit_log\", oops\n";
    Path rejects = tmp.resolve("rejects.ndjson");
    Cli.Result r =
        Cli.run(
            tmp,
            (good + broken + bad + good).getBytes(StandardCharsets.UTF_8),
            "render",
            "--format",
            "json",
            "--rejects",
            rejects.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(good + good);
    assertThat(r.stderr())
        .contains("auditship: stdin:2: broken event line skipped: missing \"ID\"")
        .contains("auditship: stdin:3: broken event line skipped: invalid JSON: ")
        .contains("read=4 events=2 skipped=0 rejected=2");
    List<String> lines = Files.readAllLines(rejects);
    assertThat(lines).hasSize(2);
    // The one rejects schema (source.Rejects, as `run` writes it): the time of the rejection first.
    assertThat(lines.get(0)).matches("\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\",.*");
    assertThat(lines.get(0).replaceFirst("^\\{\"time\":\"[^\"]+\",", "{"))
        .isEqualTo(
            "{\"input\":\"stdin\",\"line\":2,\"reason\":\"missing \\\"ID\\\"\","
                + "\"original\":\"{\\\"ts\\\":\\\"2025-07-03T06:55:02Z\\\",\\\"level\\\":\\\"INFO\\\",\\\"msg\\\":"
                + "\\\"audit_log\\\",\\\"fields\\\":{\\\"Time\\\":\\\"2025-07-03T06:55:02Z\\\"}}\"}");
  }

  @Test
  void renderUsageErrorsExitTwo() {
    assertThat(Cli.run(tmp, null, "render").exit()).isEqualTo(2);
    Cli.Result r = Cli.run(tmp, new byte[0], "render", "--format", "xml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stderr())
        .contains("--format must be json, human, ecs, ocsf, cef or leef, got xml");
    assertThat(Cli.run(tmp, null, "frobnicate").exit()).isEqualTo(2);
  }

  @Test
  void versionAndHelp() {
    Cli.Result v = Cli.run(tmp, null, "--version");
    assertThat(v.exit()).isZero();
    assertThat(v.out()).startsWith("auditship ");
    Cli.Result h = Cli.run(tmp, null, "--help");
    assertThat(h.exit()).isZero();
    assertThat(h.out()).contains("run").contains("validate").contains("render");
  }

  @Test
  void validateListsEveryProblemWithFileLineAndFixAndExits78() throws IOException {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(
        cfg,
        "source:\n  type: filez\nsinks:\n  a:\n    type: stdout\n    formatt: json\n"
            + "  b:\n    type: stdout\n    format: xml\n");
    Cli.Result r = Cli.run(tmp, null, "validate", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(78);
    assertThat(r.stderr())
        .contains("the configuration " + cfg + " has 3 problems; nothing was started:")
        .contains(cfg + ":2:9: source.type: \"filez\" is not one of stdin, file")
        .contains(
            cfg
                + ":6:5: sinks.a.formatt: unknown key \"formatt\". Fix: remove it, or use one of: "
                + "filter, format, retry, spool, type (did you mean \"format\"?)")
        .contains(
            cfg
                + ":9:13: sinks.b.format: \"xml\" is not one of json, human, ecs, ocsf, cef, leef. Fix:"
                + " use one of: json, human, ecs, ocsf, cef, leef");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void runRefusesABadConfigBeforeStartingAnything() throws IOException {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(
        cfg,
        "source:\n  type: stdin\nsinks:\n  a:\n    type: stdout\n    token: ${NOT_SET_ANYWHERE}\n");
    Cli.Result r =
        Cli.run(
            tmp,
            Map.of(),
            "x\n".getBytes(StandardCharsets.UTF_8),
            "run",
            "--config",
            cfg.toString());
    assertThat(r.exit()).isEqualTo(78);
    assertThat(r.stderr())
        .contains(cfg + ":6:12: sinks.a.token: environment variable NOT_SET_ANYWHERE is not set")
        .contains(cfg + ":6:5: sinks.a.token: unknown key \"token\"");
    assertThat(Files.exists(tmp.resolve("auditship-data"))).isFalse();
  }

  @Test
  void validateAcceptsAGoodConfig() throws IOException {
    Path cfg = tmp.resolve("good.yaml");
    Files.writeString(cfg, "source:\n  type: stdin\nsinks:\n  console:\n    type: stdout\n");
    Cli.Result r = Cli.run(tmp, null, "validate", "--config", cfg.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "The configuration "
                + cfg
                + " is valid: source stdin; sinks console (stdout, human).\n");
  }

  @Test
  void validateWarnsAboutASinkThatItsFiltersLeaveNoEventFor() throws IOException {
    Path cfg = tmp.resolve("disjoint.yaml");
    Files.writeString(
        cfg,
        "source: {type: stdin}\nfilter: \"kind:audit\"\nsinks:\n"
            + "  s: {type: stdout, filter: \"type:ssh\"}\n"
            + "  t: {type: stdout, filter: \"action:create\"}\n");
    Cli.Result r = Cli.run(tmp, null, "validate", "--config", cfg.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stderr())
        .isEqualTo(
            "  warning: sinks.s.filter: it lets only connection events through and the global"
                + " filter only audit events, so this sink receives no event\n");
  }

  @Test
  void validateCheckConnectivityProbesTheCoderApiAndExitsNonZero() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path cfg = tmp.resolve("api.yaml");
    Files.writeString(
        cfg,
        "source:\n  type: coder_api\n  endpoint: http://127.0.0.1:"
            + port
            + "\n  token: not-a-real-token\nsinks:\n  console:\n    type: stdout\n");
    Cli.Result r =
        Cli.run(tmp, null, "validate", "--config", cfg.toString(), "--check-connectivity");
    assertThat(r.exit()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr())
        .contains(
            "  source (coder_api): cannot reach Coder at http://127.0.0.1:" + port + ": ",
            "; check endpoint, that Coder runs, and the network (tls.ca_file for a private CA)",
            "auditship: 1 connectivity check failed.")
        .doesNotContain("not-a-real-token");
    assertThat(r.out()).doesNotContain("Every destination answered");
  }

  @Test
  void runFromStdinWithJsonLogsOfTheExporter() throws IOException {
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(
        cfg,
        "source:\n  type: stdin\ndata_dir: state\nsinks:\n  console:\n    type: stdout\n    format: json\n");
    Cli.Result r =
        Cli.run(
            tmp,
            goldenJsonLines().getBytes(StandardCharsets.UTF_8),
            "--log-format",
            "json",
            "run",
            "--config",
            cfg.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out()).isEqualTo(goldenJsonLines());
    assertThat(r.stderr().lines()).allSatisfy(l -> assertThat(l).startsWith("{\"@timestamp\":"));
    assertThat(r.stderr()).contains("\"message\":\"Finished. sink=console delivered=11 retried=0");
  }

  @Test
  void runWithAMissingInputFileFailsWithExitOne() throws IOException {
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(
        cfg, "source:\n  type: file\n  path: nowhere.log\nsinks:\n  console:\n    type: stdout\n");
    Cli.Result r = Cli.run(tmp, null, "run", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stderr()).contains("Cannot start: the source file nowhere.log does not exist");
  }

  @Test
  void filtersGlobalAndPerSinkBothMustMatch() throws IOException {
    Path cfg = tmp.resolve("f.yaml");
    Files.writeString(
        cfg,
        "source: {type: stdin}\nfilter: \"kind:connection\"\nsinks:\n  ssh:\n    type: stdout\n"
            + "    format: json\n    filter: \"type:ssh status:completed\"\n");
    Cli.Result r =
        Cli.run(
            tmp,
            goldenJsonLines().getBytes(StandardCharsets.UTF_8),
            "run",
            "--config",
            cfg.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out()).isEqualTo(Golden.line("conn_ssh_disconnect_exit").json());
    assertThat(r.stderr())
        .contains("filtered_globally=5")
        .contains("sink=ssh delivered=1 retried=0 dead_lettered=0 filtered=5");
  }

  @Test
  void validateWarnsAboutEveryFileARunWouldNeedThatIsMissingEvenWithoutConnectivityChecks()
      throws IOException {
    Path cfg = tmp.resolve("w.yaml");
    Files.createDirectory(tmp.resolve("ca-dir"));
    Files.writeString(
        cfg,
        "source: {type: file, path: "
            + tmp.resolve("missing.log")
            + "}\nsinks:\n  splunk:\n    type: splunk_hec\n    endpoint: https://splunk.example:8088\n"
            + "    token_file: "
            + tmp.resolve("no-token")
            + "\n    tls: {ca_file: "
            + tmp.resolve("ca-dir")
            + "}\n");
    Cli.Result r = Cli.run(tmp, null, "validate", "--config", cfg.toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out()).startsWith("The configuration " + cfg + " is valid");
    assertThat(r.stderr())
        .isEqualTo(
            "  warning: source.path: "
                + tmp.resolve("missing.log")
                + " does not exist\n"
                + "  warning: sinks.splunk.token_file: "
                + tmp.resolve("no-token")
                + " does not exist\n"
                + "  warning: sinks.splunk.tls.ca_file: "
                + tmp.resolve("ca-dir")
                + " is a directory, not a file\n"
                + "auditship: 3 files the configuration names cannot be used as they are now; a "
                + "run needs them.\n");
  }

  @Test
  void aRejectsFileThatCannotBeWrittenIsNamedWithItsReasonByValidateRunAndRender()
      throws IOException {
    // Written only when a broken line comes, maybe days after the start: said before that.
    Path file = tmp.resolve("afile");
    Files.writeString(file, "");
    Path rejects = file.resolve("rej.ndjson");
    Path input = tmp.resolve("in.log");
    Files.writeString(input, Golden.line("audit_user_login").json() + "\n");
    Path cfg = tmp.resolve("r.yaml");
    Files.writeString(
        cfg,
        "data_dir: "
            + tmp.resolve("data")
            + "\nrejects_file: "
            + rejects
            + "\nsource: {type: file, path: "
            + input
            + "}\nsinks: {o: {type: stdout}}\n");
    Cli.Result v = Cli.run(tmp, null, "validate", "--config", cfg.toString());
    assertThat(v.exit()).as(v.stderr()).isZero();
    assertThat(v.stderr())
        .isEqualTo(
            "  warning: rejects_file: "
                + rejects
                + " cannot be written: "
                + file
                + " is a file, not a directory\n"
                + "auditship: 1 file the configuration names cannot be used as they are now; a run"
                + " needs it.\n");
    Cli.Result run = Cli.run(tmp, null, "run", "--config", cfg.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty(); // refused before the first line was read
    assertThat(run.stderr())
        .contains(
            "Cannot start: cannot write the rejects file "
                + rejects
                + ": "
                + file
                + " is a file, not a directory");
    Path broken = tmp.resolve("broken.log");
    Files.writeString(
        broken,
        "{\"ts\":\"2025-07-03T06:55:02.118Z\",\"msg\":\"audit_log\",\"fields\":{\"ID\":1}}\n");
    Cli.Result render =
        Cli.run(
            tmp,
            null,
            "render",
            "--format",
            "json",
            "--rejects",
            rejects.toString(),
            broken.toString());
    assertThat(render.exit()).isEqualTo(1);
    assertThat(render.stderr())
        .contains(
            "auditship: cannot write the rejects file "
                + rejects
                + ": "
                + file
                + " is a file, not a directory");
  }

  @Test
  void withJsonLogsTheConfigRefusalIsOneJsonEventWithTheProblemsAsFields() throws Exception {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, "source: {type: filez}\nsinks:\n  a: {type: stdout, formatt: x}\n");
    Cli.Result r =
        Cli.run(tmp, null, "--log-format", "json", "validate", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(78);
    List<String> lines = r.stderr().lines().toList();
    assertThat(lines).hasSize(1);
    com.fasterxml.jackson.databind.JsonNode n =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
    assertThat(n.get("level").asText()).isEqualTo("ERROR");
    assertThat(n.get("message").asText())
        .isEqualTo("The configuration " + cfg + " has 2 problems; nothing was started.");
    assertThat(n.get("config").asText()).isEqualTo(cfg.toString());
    assertThat(n.get("problem_count").asInt()).isEqualTo(2);
    assertThat(n.get("problems")).hasSize(2);
    com.fasterxml.jackson.databind.JsonNode p = n.get("problems").get(1);
    assertThat(p.get("line").asInt()).isEqualTo(3);
    assertThat(p.get("path").asText()).isEqualTo("sinks.a.formatt");
    assertThat(p.get("what").asText()).isEqualTo("unknown key \"formatt\"");
    assertThat(p.get("fix").asText()).startsWith("remove it, or use one of: filter, format");
  }

  @Test
  void aBadQueryIsRefusedWithCodersWordingAndItsPlace() throws IOException {
    Path cfg = tmp.resolve("f.yaml");
    Files.writeString(
        cfg,
        "source: {type: stdin}\nsinks:\n  a:\n    type: stdout\n    filter: \"action:explode organization:acme\"\n");
    Cli.Result r = Cli.run(tmp, null, "validate", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(78);
    assertThat(r.stderr())
        .contains(
            cfg
                + ":5:13: sinks.a.filter: Query param \"action\" has invalid value: \"explode\" is not a valid value")
        .contains("(in the query \"action:explode organization:acme\")")
        .contains(cfg + ":5:13: sinks.a.filter: ")
        .contains("organization");
  }
}
