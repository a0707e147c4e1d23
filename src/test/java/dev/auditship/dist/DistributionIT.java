package dev.auditship.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.auditship.testutil.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator gets it: {@code auditship-<version>.tar.gz} unpacked into a
 * temporary directory and started through {@code bin/auditship} from another working directory.
 * Runs in Failsafe, after {@code package} built the tarball; the path comes from the system
 * property {@code auditship.dist}.
 */
class DistributionIT {
  @TempDir Path tmp;
  private Path home;
  private Path elsewhere;

  @BeforeEach
  void unpack() throws Exception {
    String dist = System.getProperty("auditship.dist");
    boolean present = dist != null && Files.isRegularFile(Path.of(dist));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("the distribution was not built: " + dist);
    }
    assumeTrue(present, "run through mvn verify: the tarball is built by package");
    Path root = tmp.resolve("opt");
    Files.createDirectories(root);
    Result r = exec(root, Map.of(), List.of("tar", "-xzf", dist));
    assertThat(r.exit).as(r.err).isZero();
    try (Stream<Path> s = Files.list(root)) {
      List<Path> dirs = s.toList();
      assertThat(dirs).hasSize(1);
      home = dirs.get(0);
    }
    assertThat(home.getFileName().toString()).matches("auditship-\\d+\\.\\d+\\.\\d+");
    elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
  }

  @Test
  void theTarballHasTheLauncherTheJarConfigSamplesUnitAndDocs() throws IOException {
    for (String f :
        List.of(
            "bin/auditship",
            "lib/auditship.jar",
            "config/auditship.yaml",
            "config/logback.xml",
            "samples/coder-server.log",
            "samples/splunk-hec.yaml",
            "systemd/auditship.service",
            "docs/operations.md",
            "README.md")) {
      assertThat(home.resolve(f)).as(f).isRegularFile();
    }
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/auditship")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
  }

  @Test
  void startedFromAnotherDirectoryItFindsItsDefaultConfigAndSampleAndLeavesTheDirectoryAlone()
      throws Exception {
    Result r = exec(elsewhere, Map.of(), List.of(home.resolve("bin/auditship").toString(), "run"));
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out.lines().filter(l -> l.contains("[info]  coderd: ")).count()).isEqualTo(11);
    assertThat(r.err)
        .contains("config=" + home.resolve("config/auditship.yaml"))
        .contains("Finished. source: read=16 events=11 skipped=5 rejected=0");
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertThat(s.toList()).as("nothing is created in the working directory").isEmpty();
    }
  }

  @Test
  void underSystemdStateGoesToStateDirectoryAndRelativePathsResolveAgainstTheInstallation()
      throws Exception {
    Path state = Files.createDirectories(tmp.resolve("var-lib-auditship"));
    Path config = tmp.resolve("etc/auditship.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(
        config,
        """
        source: {type: file, path: samples/coder-server.log, follow: true}
        sinks:
          out: {type: file, path: out/events.log}
        """);
    Process p =
        builder(
                elsewhere,
                Map.of("STATE_DIRECTORY", state.toString()),
                List.of(home.resolve("bin/auditship").toString(), "run", "-c", config.toString()))
            .redirectError(tmp.resolve("stderr.txt").toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    Path out = home.resolve("out/events.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(out) && Files.readAllLines(out).size() == 11)) {
      assertThat(p.isAlive()).as(() -> read(tmp.resolve("stderr.txt"))).isTrue();
      assertThat(System.nanoTime()).as("11 records written").isLessThan(deadline);
      Thread.sleep(50);
    }
    Path checkpoint = state.resolve("follow-coder-server.log.checkpoint.json");
    while (!Files.exists(checkpoint)) {
      assertThat(System.nanoTime()).as("checkpoint in STATE_DIRECTORY").isLessThan(deadline);
      Thread.sleep(50);
    }
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = read(tmp.resolve("stderr.txt"));
    assertThat(p.exitValue()).as(err).isZero();
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertThat(s.toList()).isEmpty();
    }
    assertThat(home.resolve("auditship-data")).doesNotExist();
  }

  @Test
  void theSystemdUnitPassesSystemdAnalyzeVerify() throws Exception {
    boolean have =
        Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze")
            .anyMatch(f -> Files.isExecutable(Path.of(f)));
    if (!have && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("systemd-analyze is missing: .ci/run installs systemd");
    }
    assumeTrue(have, "systemd-analyze is not installed (apt-get install systemd)");
    // verify checks that ExecStart exists: point it at the unpacked launcher.
    String unit =
        Files.readString(home.resolve("systemd/auditship.service"))
            .replace("/opt/auditship/", home + "/");
    Path dir = Files.createDirectories(tmp.resolve("units"));
    Path copy = dir.resolve("auditship.service");
    Files.writeString(copy, unit);
    Result r = exec(dir, Map.of(), List.of("systemd-analyze", "verify", copy.toString()));
    // systemd-analyze exits 0 for unknown keys and bad values, printing them: demand silence.
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.err.strip()).isEmpty();
    assertThat(unit)
        .contains("StateDirectory=auditship")
        .contains("DynamicUser=yes")
        .contains("ProtectSystem=strict")
        .contains("NoNewPrivileges=yes");
  }

  private record Result(int exit, String out, String err) {}

  private static ProcessBuilder builder(Path dir, Map<String, String> env, List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("STATE_DIRECTORY");
    pb.environment().putAll(env);
    return pb;
  }

  private static Result exec(Path dir, Map<String, String> env, List<String> cmd) throws Exception {
    Process p = builder(dir, env, cmd).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread to = Cli.pump(p.getInputStream(), out);
    Thread te = Cli.pump(p.getErrorStream(), err);
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not exit within 60 s: " + cmd);
    }
    to.join();
    te.join();
    return new Result(
        p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
