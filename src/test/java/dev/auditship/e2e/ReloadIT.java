package dev.auditship.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.auditship.testutil.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP under load, with a real exporter following a file that a writer keeps appending to: a
 * valid new config (a second sink) is applied between batches, an invalid one is refused with its
 * problems while the run goes on; the first sink gets every event exactly once across both, the new
 * one a gap-free tail of them. A valid config whose changed sink cannot be opened is undone: the
 * run goes on with the previous sinks, and nothing is lost.
 */
class ReloadIT {
  private static final int TOTAL = 3000;
  private static final Pattern ID = Pattern.compile("\"ID\":\"00000000-0000-4000-8000-(\\d{12})\"");

  @TempDir Path tmp;

  /** The sample's first audit line (also for other end-to-end tests). */
  static String template() throws IOException {
    return Files.readAllLines(Path.of("samples/coder-server.log")).stream()
        .filter(l -> l.contains("\"msg\":\"audit_log\""))
        .findFirst()
        .orElseThrow();
  }

  private static List<Integer> ids(Path f) throws IOException {
    List<Integer> out = new ArrayList<>();
    if (!Files.exists(f)) {
      return out;
    }
    for (String l : Files.readAllLines(f)) {
      Matcher m = ID.matcher(l);
      if (m.find()) {
        out.add(Integer.parseInt(m.group(1)));
      }
    }
    return out;
  }

  private void config(String extra) throws IOException {
    config(extra, "");
  }

  private void config(String extra, String global) throws IOException {
    Files.writeString(
        tmp.resolve("c.yaml"),
        "source: {type: file, follow: true, path: "
            + tmp.resolve("coderd.log")
            + "}\ndata_dir: "
            + tmp.resolve("data")
            + "\n"
            + global
            + "batch_max_events: 50\nbatch_linger_ms: 20ms\nsinks:\n  a: {type: file, path: "
            + tmp.resolve("out/a.log")
            + "}\n"
            + extra);
  }

  private static void hangup(Process p) throws Exception {
    Process k = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start();
    assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).isZero();
  }

  @Test
  void aReloadUnderLoadAddsASinkLosesAndRepeatsNothingAndABadOneIsRefused() throws Exception {
    String template = template();
    Pattern idField = Pattern.compile("\"ID\":\"[^\"]+\"");
    Files.writeString(tmp.resolve("coderd.log"), "");
    config("");
    Process p =
        Cli.builder(tmp, Map.of(), "run", "--config", tmp.resolve("c.yaml").toString())
            .redirectError(tmp.resolve("stderr.txt").toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    try {
      // SIGHUP before the handler is installed would end the JVM: wait until it has started.
      long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(tmp.resolve("stderr.txt")).contains("Started.")) {
        assertThat(p.isAlive()).isTrue();
        assertThat(System.nanoTime()).isLessThan(started);
        Thread.sleep(20);
      }
      try (OutputStream out =
          Files.newOutputStream(tmp.resolve("coderd.log"), StandardOpenOption.APPEND)) {
        for (int i = 0; i < TOTAL; i++) {
          String line =
              idField
                  .matcher(template)
                  .replaceFirst(String.format("\"ID\":\"00000000-0000-4000-8000-%012d\"", i));
          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          if (i % 100 == 99) {
            out.flush();
            Thread.sleep(30);
          }
          if (i == 1000) {
            out.flush();
            // Sink b must start after the first event (asserted below): the reload is applied
            // before the next batch is read, so it waits until a batch has reached sink a. (A busy
            // machine could otherwise apply it before the exporter's first poll of the file.)
            await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> !ids(tmp.resolve("out/a.log")).isEmpty());
            config("  b: {type: file, path: " + tmp.resolve("out/b.log") + "}\n");
            hangup(p);
          }
          if (i == 2000) {
            out.flush();
            config("  b: {type: file, path: " + tmp.resolve("out/b.log") + ", formatt: x}\n");
            hangup(p);
          }
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ids(tmp.resolve("out/a.log")).size() < TOTAL && System.nanoTime() < deadline) {
        assertThat(p.isAlive()).isTrue();
        Thread.sleep(50);
      }
    } finally {
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
    String err = Files.readString(tmp.resolve("stderr.txt"));
    assertThat(p.exitValue()).as(err).isZero();
    List<Integer> a = ids(tmp.resolve("out/a.log"));
    List<Integer> expected = range(TOTAL);
    assertThat(a).as("sink a: every event once, in order").isEqualTo(expected);
    List<Integer> b = ids(tmp.resolve("out/b.log"));
    assertThat(b).isNotEmpty();
    int first = b.get(0);
    assertThat(first).isPositive();
    assertThat(b).as("sink b: a gap-free tail").isEqualTo(expected.subList(first, TOTAL));
    assertThat(err)
        .contains(
            "Configuration reloaded. added=[b] removed=[] changed=[] unchanged=[a]"
                + " filters_changed=[]")
        .contains(
            "Reload refused: the configuration "
                + tmp.resolve("c.yaml")
                + " has 1 problem; still running on the previous configuration.")
        .contains("Reload refused: " + tmp.resolve("c.yaml") + ":")
        .contains("sinks.b.formatt: unknown key \"formatt\"");
  }

  /** Lines of the events in {@code ids}, made from the sample's first audit line. */
  private static void append(Path log, int from, int to) throws IOException {
    Files.writeString(log, lines(from, to), StandardOpenOption.APPEND);
  }

  /**
   * The sample's first audit line with IDs {@code 00000000-0000-4000-8000-<from>} to {@code <to -
   * 1>}, each with its line feed (also for other end-to-end tests).
   */
  static String lines(int from, int to) throws IOException {
    String template = template();
    Pattern idField = Pattern.compile("\"ID\":\"[^\"]+\"");
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append(
              idField
                  .matcher(template)
                  .replaceFirst(String.format("\"ID\":\"00000000-0000-4000-8000-%012d\"", i)))
          .append('\n');
    }
    return b.toString();
  }

  /** 0, 1, ..., n - 1. */
  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(i);
    }
    return r;
  }

  /** Starts {@code run} on c.yaml, its stderr to {@code stderr}, and waits for "Started.". */
  private Process startRun(Path stderr) throws Exception {
    Process p =
        Cli.builder(tmp, Map.of(), "run", "--config", tmp.resolve("c.yaml").toString())
            .redirectError(stderr.toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    awaitLog(p, stderr, "Started.");
    return p;
  }

  private static void awaitLog(Process p, Path stderr, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(stderr).contains(text)) {
      assertThat(p.isAlive()).as(Files.readString(stderr)).isTrue();
      assertThat(System.nanoTime()).as(Files.readString(stderr)).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aReloadWhoseChangedSinkCannotOpenIsUndoneAndTheRunGoesOnWithThePreviousSinks()
      throws Exception {
    // A syslog receiver on loopback that keeps the ID of every event it reads.
    Set<Integer> received = Collections.synchronizedSet(new TreeSet<>());
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread receiver =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket c = server.accept();
                      InputStream in = c.getInputStream()) {
                    StringBuilder text = new StringBuilder();
                    byte[] buf = new byte[65536];
                    for (int n; (n = in.read(buf)) > 0; ) {
                      text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                      Matcher m = ID.matcher(text);
                      int end = 0;
                      while (m.find()) {
                        received.add(Integer.parseInt(m.group(1)));
                        end = m.end();
                      }
                      text.delete(0, end);
                    }
                  } catch (IOException e) {
                    // closed: the test is over, or the exporter reconnects
                  }
                }
              });
      receiver.setDaemon(true);
      receiver.start();
      Path log = tmp.resolve("coderd.log");
      Files.writeString(log, "");
      Path notADir = tmp.resolve("a-file");
      Files.writeString(notADir, "");
      String syslog =
          "  s: {type: syslog, endpoint: \"tcp://127.0.0.1:"
              + server.getLocalPort()
              + "\", format: json, spool: {directory: ";
      config(syslog + tmp.resolve("spool-s") + "}}\n");
      Path stderr = tmp.resolve("stderr.txt");
      Process p = startRun(stderr);
      try {
        append(log, 0, 500);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ids(tmp.resolve("out/a.log")).size() == 500);
        // Sink s changed: its new spool directory would be inside a regular file. A global filter
        // comes with it, which must not stay either.
        config(
            syslog + notADir.resolve("spool") + "}}\n",
            "filter: 'resource_type:workspace_build'\n");
        hangup(p);
        awaitLog(p, stderr, "Reload failed; still running on the previous configuration.");
        append(log, 500, 1000);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ids(tmp.resolve("out/a.log")).size() == 1000 && received.size() == 1000);
        // Only the global filter changes (it lets the sample's api_key events through): both sinks
        // keep running, and the log says which filter changed.
        config(syslog + tmp.resolve("spool-s") + "}}\n", "filter: 'resource_type:api_key'\n");
        hangup(p);
        awaitLog(p, stderr, "Configuration reloaded.");
        append(log, 1000, 1200);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ids(tmp.resolve("out/a.log")).size() == 1200 && received.size() == 1200);
      } finally {
        p.destroy();
        p.waitFor(60, TimeUnit.SECONDS);
      }
      String err = Files.readString(stderr);
      assertThat(p.exitValue()).as(err).isZero();
      List<Integer> expected = range(1200);
      assertThat(ids(tmp.resolve("out/a.log"))).as("sink a: every event once").isEqualTo(expected);
      assertThat(new ArrayList<>(received)).as("sink s: every event").isEqualTo(expected);
      assertThat(err)
          .contains(
              "Reload failed; still running on the previous configuration. error=\"cannot open the"
                  + " spool of sink s in "
                  + notADir.resolve("spool")
                  + ": ")
          .contains(
              "Configuration reloaded. added=[] removed=[] changed=[] unchanged=[a, s]"
                  + " filters_changed=[global]");
      assertThat(err.indexOf("Configuration reloaded."))
          .as("nothing reloaded by the failed reload")
          .isGreaterThan(err.indexOf("Reload failed;"));
    }
  }

  @Test
  void aReloadWhoseFilterNameCannotBeLookedUpAnyMoreKeepsThePreviousConfiguration()
      throws Exception {
    // Coder answers the lookup made when SIGHUP checks the config, then stops answering: the
    // reload's own lookup fails, and the run must go on as it was (not stop with exit 1).
    WireMockServer coder = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    coder.start();
    try {
      coder.stubFor(
          get("/api/v2/organizations/acme")
              .inScenario("coder")
              .whenScenarioStateIs(STARTED)
              .willSetStateTo("down")
              .willReturn(okJson("{\"id\":\"00000000-0000-4000-8000-00000000000a\"}")));
      coder.stubFor(
          get("/api/v2/organizations/acme")
              .inScenario("coder")
              .whenScenarioStateIs("down")
              .willReturn(aResponse().withStatus(503)));
      String coderSection =
          "coder: {endpoint: \"http://127.0.0.1:" + coder.port() + "\", token: tok}\n";
      Path log = tmp.resolve("coderd.log");
      Files.writeString(log, "");
      config("", coderSection);
      Path stderr = tmp.resolve("stderr.txt");
      Process p = startRun(stderr);
      try {
        append(log, 0, 100);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ids(tmp.resolve("out/a.log")).size() == 100);
        config("", coderSection + "filter: 'organization:acme'\n");
        hangup(p);
        awaitLog(p, stderr, "Reload failed; still running on the previous configuration.");
        append(log, 100, 200);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ids(tmp.resolve("out/a.log")).size() == 200);
      } finally {
        p.destroy();
        p.waitFor(60, TimeUnit.SECONDS);
      }
      String err = Files.readString(stderr);
      assertThat(p.exitValue()).as(err).isZero();
      List<Integer> expected = range(200);
      assertThat(ids(tmp.resolve("out/a.log")))
          .as("sink a, unfiltered: every event once")
          .isEqualTo(expected);
      assertThat(err)
          .contains(
              "Reload accepted; it is applied once the sinks have accepted the batches they hold"
                  + " (a sink it changes or removes that is retrying is not waited for: it gets"
                  + " them again as reloaded).")
          .contains(
              "Reload failed; still running on the previous configuration. error=\"the filters have"
                  + " problems: ")
          .contains("Coder answered HTTP 503 to GET /api/v2/organizations/acme; check that Coder")
          .doesNotContain("Configuration reloaded.")
          .doesNotContain("tok\"");
    } finally {
      coder.stop();
    }
  }

  @Test
  void aReloadThatFixesTheEndpointOfARetryingHecSinkIsAppliedAndTheBatchGoesToTheNewOne()
      throws Exception {
    // QA finding F5: the reload used to wait for the batch the old, unreachable endpoint never
    // took, so the operator's fix did nothing ("Reload accepted" and then silence).
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    WireMockServer hec = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    hec.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                    "/services/collector/event"))
            .willReturn(aResponse().withStatus(200).withBody("{\"text\":\"Success\",\"code\":0}")));
    hec.start();
    try {
      String splunk =
          "  splunk: {type: splunk_hec, endpoint: \"http://127.0.0.1:%d\", token:"
              + " 11111111-2222-3333-4444-555555555555, health_check: false, retry:"
              + " {initial_backoff_ms: 100, max_backoff_secs: 1}}\n";
      Path log = tmp.resolve("coderd.log");
      Files.writeString(log, "");
      config(String.format(splunk, closed));
      Path stderr = tmp.resolve("stderr.txt");
      Process p = startRun(stderr);
      try {
        append(log, 0, 10);
        awaitLog(p, stderr, "Delivery failed; retrying. sink=splunk events=10 attempt=1");
        config(String.format(splunk, hec.port()));
        hangup(p);
        awaitLog(
            p,
            stderr,
            "Configuration reloaded. added=[] removed=[] changed=[splunk] unchanged=[a]"
                + " filters_changed=[]");
        await().atMost(Duration.ofSeconds(60)).until(() -> hecIds(hec).size() == 10);
        append(log, 10, 20);
        await().atMost(Duration.ofSeconds(60)).until(() -> hecIds(hec).size() == 20);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ids(tmp.resolve("out/a.log")).size() == 20);
      } finally {
        p.destroy();
        p.waitFor(60, TimeUnit.SECONDS);
      }
      String err = Files.readString(stderr);
      assertThat(p.exitValue()).as(err).isZero();
      assertThat(hecIds(hec)).as("the fixed endpoint: every event once").isEqualTo(range(20));
      assertThat(ids(tmp.resolve("out/a.log")))
          .as("sink a, unchanged, is not sent the batch again")
          .isEqualTo(range(20));
      assertThat(err)
          .containsPattern(
              "WARN  Pipeline: The reload changes sink splunk, which is retrying a batch"
                  + " \\(state=retrying reason=\"[^\"]*Connection refused[^\"]*\"\\): its retries stop,"
                  + " and the events it holds go to the sink as reloaded. Nothing is committed"
                  + " before it accepts them; events the previous settings may have got across are"
                  + " sent again. batches=1\n")
          .contains(
              "INFO  Pipeline: Sending again through the reloaded sink. sink=splunk events=10");
    } finally {
      hec.stop();
    }
  }

  /** The event numbers the HEC receiver got, in the order received. */
  private static List<Integer> hecIds(WireMockServer hec) {
    List<Integer> out = new ArrayList<>();
    List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> served =
        new ArrayList<>(hec.getAllServeEvents());
    Collections.reverse(served); // WireMock lists the newest first
    for (var e : served) {
      Matcher m = ID.matcher(e.getRequest().getBodyAsString());
      while (m.find()) {
        out.add(Integer.parseInt(m.group(1)));
      }
    }
    return out;
  }
}
