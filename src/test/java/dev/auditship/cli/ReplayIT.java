package dev.auditship.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.auditship.io.JsonText;
import dev.auditship.testutil.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay}: dead letters go again to the sink that refused them, selected by sink, ID and
 * time; what went is recorded; the dead-letter file is left as it was.
 */
class ReplayIT {
  @TempDir Path tmp;
  private Path dlq;
  private List<String> events;
  private String dlqText;

  @BeforeEach
  void deadLetters() throws IOException {
    events =
        Files.readAllLines(Path.of("samples/coder-server.log")).stream()
            .filter(l -> l.startsWith("{") && l.contains("\"msg\":\"audit_log\""))
            .toList();
    assertThat(events).hasSizeGreaterThanOrEqualTo(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      String id = events.get(i).replaceAll(".*\"ID\":\"([^\"]+)\".*", "$1");
      sb.append(
              new JsonText()
                  .str("time", "2026-11-2" + (5 + i) + "T10:00:00Z")
                  .str("sink", i == 2 ? "gone" : "files")
                  .str("reason", "HEC code 6: Invalid data format")
                  .str("kind", "audit")
                  .str("id", id)
                  .raw("event", events.get(i))
                  .original("record", events.get(i))
                  .toString())
          .append('\n');
    }
    sb.append("not json\n");
    dlqText = sb.toString();
    dlq = tmp.resolve("data/dead-letters.ndjson");
    Files.createDirectories(dlq.getParent());
    Files.writeString(dlq, dlqText);
    Files.writeString(
        tmp.resolve("c.yaml"),
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nsinks:\n  files: {type: file, format: json, path: "
            + tmp.resolve("out/files.log")
            + "}\n  other: {type: file, path: "
            + tmp.resolve("out/other.log")
            + "}\n");
  }

  private static String id(String line) {
    return line.replaceAll(".*\"ID\":\"([^\"]+)\".*", "$1");
  }

  @Test
  void everyDeadLetterGoesBackToTheSinkThatRefusedItAndIsRecorded() throws IOException {
    Cli.Result r = Cli.run(tmp, null, "replay", "--config", tmp.resolve("c.yaml").toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("out/files.log")))
        .containsExactly(events.get(0), events.get(1));
    assertThat(tmp.resolve("out/other.log")).doesNotExist();
    assertThat(r.stderr())
        .contains("dead-letters.ndjson:4: not a dead letter; skipped")
        .contains(
            "1 selected event(s) were refused by sinks that are not in "
                + tmp.resolve("c.yaml")
                + "; not sent (use --to SINK to choose one).");
    assertThat(r.out())
        .isEqualTo(
            "Replayed 2 of 3 selected dead letters; refused again: 0; filtered out: 0; not sent"
                + " (sink not configured): 1. Record: "
                + tmp.resolve("data/replayed.ndjson")
                + "\n");
    List<String> record = Files.readAllLines(tmp.resolve("data/replayed.ndjson"));
    assertThat(record).hasSize(2);
    assertThat(record.get(0))
        .contains("\"sink\":\"files\",\"id\":\"" + id(events.get(0)) + "\"")
        .contains("\"dead_lettered_at\":\"2026-11-25T10:00:00Z\",\"refused_by\":\"files\"")
        .endsWith("\"outcome\":\"accepted\"}");
    assertThat(Files.readString(dlq)).as("the dead-letter file is not changed").isEqualTo(dlqText);
  }

  @Test
  void aLineThatIsNotValidUtf8IsSkippedAndTheOthersReplayed() throws IOException {
    // A dead-letter record cut in the middle of a character (a crash, a full disk), and a line of
    // stray bytes: each is named and skipped, the good letters around them are replayed.
    List<String> lines = dlqText.lines().toList();
    byte[] cut = lines.get(0).substring(0, 40).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(lines.get(0).getBytes(StandardCharsets.UTF_8));
    b.write('\n');
    b.write(new byte[] {'h', 'i', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
    b.write(lines.get(1).getBytes(StandardCharsets.UTF_8));
    b.write('\n');
    b.write(cut);
    b.write(new byte[] {(byte) 0xc3}); // the first byte of a two-byte character, then the end
    Files.write(dlq, b.toByteArray());
    Cli.Result r = Cli.run(tmp, null, "replay", "--config", tmp.resolve("c.yaml").toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("out/files.log")))
        .containsExactly(events.get(0), events.get(1));
    assertThat(r.stderr())
        .contains("dead-letters.ndjson:2: not valid UTF-8; skipped")
        .contains("dead-letters.ndjson:4: not valid UTF-8; skipped");
    assertThat(r.out()).startsWith("Replayed 2 of 2 selected dead letters; refused again: 0;");
    // Replayed again: replayed.ndjson (read the same way) says both were accepted already.
    Cli.Result again = Cli.run(tmp, null, "replay", "--config", tmp.resolve("c.yaml").toString());
    assertThat(again.exit()).as(again.stderr()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("out/files.log"))).hasSize(2);
  }

  @Test
  void selectionByIdTimeAndSinkAndAnotherTarget() throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "--config",
                tmp.resolve("c.yaml").toString(),
                "--since",
                "2026-11-26T00:00:00Z",
                "--to",
                "other"));
    Cli.Result r = Cli.run(tmp, null, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.stderr()).isZero();
    // since the 26th: events 1 (refused by files) and 2 (by gone), both sent to "other"
    assertThat(Files.readAllLines(tmp.resolve("out/other.log")))
        .containsExactly(events.get(1), events.get(2));

    Cli.Result r2 =
        Cli.run(
            tmp,
            null,
            "replay",
            "--config",
            tmp.resolve("c.yaml").toString(),
            "--sink",
            "files",
            "--id",
            id(events.get(0)));
    assertThat(r2.exit()).as(r2.stderr()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("out/files.log"))).containsExactly(events.get(0));
    assertThat(r2.out()).startsWith("Replayed 1 of 1 selected dead letters; refused again: 0;");
  }

  @Test
  void aBadTimeIsAUsageError() {
    Cli.Result r =
        Cli.run(
            tmp, null, "replay", "--config", tmp.resolve("c.yaml").toString(), "--since", "yday");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.stderr())
        .contains("--since yday: not an RFC 3339 time such as 2026-11-27T00:00:00Z");
  }

  @Test
  void aDeadLetterFileNamedThatDoesNotExistIsAnErrorTheDefaultOneIsNot() throws IOException {
    String missing = tmp.resolve("no-such.ndjson").toString();
    Cli.Result r =
        Cli.run(
            tmp, null, "replay", "--config", tmp.resolve("c.yaml").toString(), "--file", missing);
    assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.stderr()).isEqualTo("auditship: " + missing + ": no such file or directory\n");
    Files.delete(tmp.resolve("data/dead-letters.ndjson"));
    Cli.Result d = Cli.run(tmp, null, "replay", "--config", tmp.resolve("c.yaml").toString());
    assertThat(d.exit()).as(d.stderr()).isZero();
    assertThat(d.stderr()).contains("does not exist: nothing to replay.");
  }

  @Test
  void aSecondReplaySkipsWhatTheFirstDeliveredUnlessAskedAgain() throws IOException {
    String c = tmp.resolve("c.yaml").toString();
    Cli.Result first = Cli.run(tmp, null, "replay", "--config", c);
    assertThat(first.exit()).as(first.stderr()).isZero();
    Cli.Result second = Cli.run(tmp, null, "replay", "--config", c);
    assertThat(second.exit()).as(second.stderr()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("out/files.log")))
        .as("each delivered once")
        .containsExactly(events.get(0), events.get(1));
    assertThat(second.stderr())
        .contains(
            "2 selected event(s) were already replayed to the same sink and accepted ("
                + tmp.resolve("data/replayed.ndjson")
                + "); skipped (use --again to send them once more).");
    assertThat(second.out()).startsWith("Replayed 0 of 3 selected dead letters;");
    Cli.Result again =
        Cli.run(tmp, null, "replay", "--config", c, "--again", "--id", id(events.get(0)));
    assertThat(again.exit()).as(again.stderr()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("out/files.log")))
        .containsExactly(events.get(0), events.get(1), events.get(0));
    // Sent to another sink, an event is not skipped for having reached the first one.
    Cli.Result other =
        Cli.run(tmp, null, "replay", "--config", c, "--to", "other", "--id", id(events.get(1)));
    assertThat(other.exit()).as(other.stderr()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("out/other.log"))).hasSize(1);
  }

  @Test
  void anEventRefusedAgainIsSentOncePerReplayAndOnceWhenTheCauseIsFixed() throws IOException {
    // The events are larger than the HEC sink's max_bytes: refused before any request, dead-
    // lettered again by each replay, until max_bytes is raised. Each refused replay appends one
    // line per event; the next one folds them into the newest instead of sending each line.
    List<String> big = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2; i++) {
      big.add(events.get(i).replace("Mozilla/5.0", "Mozilla/5.0 " + "z".repeat(2000)));
      sb.append(
              new JsonText()
                  .str("time", "2020-01-0" + (1 + i) + "T10:00:00Z")
                  .str("sink", "files")
                  .str("reason", "too large")
                  .str("kind", "audit")
                  .str("id", id(big.get(i)))
                  .raw("event", big.get(i))
                  .toString())
          .append('\n');
    }
    String original = sb.toString();
    Files.writeString(dlq, original);
    wm.stubFor(post(urlEqualTo(HEC)).willReturn(okJson("{\"text\":\"Success\",\"code\":0}")));
    String c = hecConfig("1KiB");
    String record = tmp.resolve("data/replayed.ndjson").toString();

    Cli.Result first = Cli.run(tmp, null, "replay", "--config", c);
    assertThat(first.exit()).as(first.stderr()).isEqualTo(ExitCodes.FAILURE);
    assertThat(first.out())
        .isEqualTo(
            "Replayed 2 of 2 selected dead letters; refused again: 2; filtered out: 0; not sent"
                + " (sink not configured): 0. Record: "
                + record
                + "\n");
    assertThat(Files.readAllLines(dlq)).hasSize(4);

    Cli.Result second = Cli.run(tmp, null, "replay", "--config", c);
    assertThat(second.exit()).as(second.stderr()).isEqualTo(ExitCodes.FAILURE);
    assertThat(second.out())
        .isEqualTo(
            "Replayed 2 of 2 selected dead letters (2 lines for the same events folded); refused"
                + " again: 2; filtered out: 0; not sent (sink not configured): 0. Record: "
                + record
                + "\n");
    List<String> lines = Files.readAllLines(dlq);
    assertThat(lines).as("one new line per event, not one per line read").hasSize(6);
    assertThat(Files.readString(dlq)).as("the lines already there are kept").startsWith(original);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(HEC)))).isEmpty();

    // The cause fixed: each event is sent once, with the data of its newest dead letter.
    c = hecConfig("1MB");
    Cli.Result fixed = Cli.run(tmp, null, "replay", "--config", c);
    assertThat(fixed.exit()).as(fixed.stderr()).isZero();
    assertThat(fixed.out())
        .isEqualTo(
            "Replayed 2 of 2 selected dead letters (4 lines for the same events folded); refused"
                + " again: 0; filtered out: 0; not sent (sink not configured): 0. Record: "
                + record
                + "\n");
    assertThat(hecIds()).containsExactly(id(big.get(0)), id(big.get(1)));
    List<String> rec = Files.readAllLines(tmp.resolve("data/replayed.ndjson"));
    assertThat(rec).hasSize(6);
    assertThat(rec.get(4))
        .contains("\"sink\":\"files\",\"id\":\"" + id(big.get(0)) + "\"")
        .contains(
            "\"dead_lettered_at\":\""
                + lines.get(4).replaceAll("^\\{\"time\":\"([^\"]+)\".*", "$1")
                + "\",\"refused_by\":\"files\"")
        .endsWith("\"outcome\":\"accepted\"}");

    // Once accepted, no line of the event is sent to that sink again, whichever is selected.
    Cli.Result after =
        Cli.run(tmp, null, "replay", "--config", c, "--until", "2020-01-02T00:00:00Z");
    assertThat(after.exit()).as(after.stderr()).isZero();
    assertThat(after.stderr())
        .contains(
            "1 selected event(s) were already replayed to the same sink and accepted ("
                + record
                + "); skipped (use --again to send them once more).");
    assertThat(hecIds()).hasSize(2);

    // --to another sink, --id: the event goes there once, not once per line.
    Cli.Result other =
        Cli.run(tmp, null, "replay", "--config", c, "--to", "other", "--id", id(big.get(1)));
    assertThat(other.exit()).as(other.stderr()).isZero();
    assertThat(other.out())
        .startsWith(
            "Replayed 1 of 1 selected dead letters (2 lines for the same events folded); refused"
                + " again: 0;");
    assertThat(Files.readAllLines(tmp.resolve("out/other.log"))).containsExactly(big.get(1));
  }

  @Test
  void anEventTheTargetSinksFilterDropsIsRecordedAsFilteredAndSentOnceTheFilterLetsItThrough()
      throws IOException {
    // Event 0 is a login, event 1 a workspace start; the sink takes only starts.
    String c = pickyConfig("action:start");
    String record = tmp.resolve("data/replayed.ndjson").toString();
    String[] args = {"replay", "--config", c, "--sink", "files", "--to", "picky"};
    Cli.Result r = Cli.run(tmp, null, args);
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "Replayed 1 of 2 selected dead letters; refused again: 0; filtered out: 1; not sent"
                + " (sink not configured): 0. Record: "
                + record
                + "\n");
    assertThat(r.stderr())
        .contains(
            "auditship: 1 selected event(s) were filtered out by the filter of the sink they were"
                + " sent to (or the global filter); not sent, recorded as \"filtered\" (a later"
                + " replay sends them again).\n");
    assertThat(Files.readAllLines(tmp.resolve("out/picky.log"))).containsExactly(events.get(1));
    List<String> rec = Files.readAllLines(tmp.resolve("data/replayed.ndjson"));
    assertThat(rec).hasSize(2);
    assertThat(rec.get(0))
        .contains("\"sink\":\"picky\",\"id\":\"" + id(events.get(0)) + "\"")
        .endsWith("\"outcome\":\"filtered\"}");
    assertThat(rec.get(1))
        .contains("\"id\":\"" + id(events.get(1)) + "\"")
        .endsWith("\"outcome\":\"accepted\"}");

    // The filter changed: the filtered event is not taken for delivered, it is sent now.
    pickyConfig("action:login");
    Cli.Result again = Cli.run(tmp, null, args);
    assertThat(again.exit()).as(again.stderr()).isZero();
    assertThat(again.out())
        .isEqualTo(
            "Replayed 1 of 2 selected dead letters; refused again: 0; filtered out: 0; not sent"
                + " (sink not configured): 0. Record: "
                + record
                + "\n");
    assertThat(again.stderr())
        .contains("1 selected event(s) were already replayed to the same sink and accepted (");
    assertThat(Files.readAllLines(tmp.resolve("out/picky.log")))
        .containsExactly(events.get(1), events.get(0));
  }

  @Test
  void anEventTheGlobalFilterDropsIsRecordedAsFiltered() throws IOException {
    Files.writeString(
        tmp.resolve("g.yaml"),
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nfilter: \"action:login\"\nsinks:\n  files: {type: file, path: "
            + tmp.resolve("out/files.log")
            + "}\n");
    Cli.Result r =
        Cli.run(
            tmp, null, "replay", "--config", tmp.resolve("g.yaml").toString(), "--sink", "files");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.out())
        .startsWith(
            "Replayed 1 of 2 selected dead letters; refused again: 0; filtered out: 1; not sent"
                + " (sink not configured): 0.");
    assertThat(Files.readAllLines(tmp.resolve("out/files.log"))).containsExactly(events.get(0));
  }

  @Test
  void aDeadLetterWhoseEventIsNotAnEventIsNamedAndSkipped() throws IOException {
    // Edited by hand, say: without its ID the source would refuse the event, so it is not sent.
    String noId = events.get(0).replaceAll("\"ID\":\"[^\"]+\",", "");
    Files.writeString(
        dlq,
        new JsonText()
                .str("time", "2026-11-25T10:00:00Z")
                .str("sink", "files")
                .str("id", id(events.get(0)))
                .raw("event", noId)
                .toString()
            + "\n"
            + dlqText.lines().toList().get(1)
            + "\n");
    Cli.Result r = Cli.run(tmp, null, "replay", "--config", tmp.resolve("c.yaml").toString());
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stderr())
        .contains(
            "auditship: "
                + dlq
                + ":1: its event is not a valid Coder audit or connection event (missing \"ID\");"
                + " skipped\n");
    assertThat(r.out()).startsWith("Replayed 1 of 1 selected dead letters; refused again: 0;");
    assertThat(Files.readAllLines(tmp.resolve("out/files.log"))).containsExactly(events.get(1));
  }

  @Test
  void aReplayStoppedBySigtermCountsWhatItDidNotReadAsNotSentNotFiltered() throws Exception {
    // SIGTERM stops the replay's reading; what it read is delivered and the run ends normally.
    // The letters it never read were not filtered: they are "not_sent" and the exit is 75 (a review
    // finding: they were recorded as filtered, with exit 0; now exit 75, as for any replay a signal
    // cuts short).
    String ua = "z".repeat(100_000); // large events: the read-ahead holds a few dozen
    StringBuilder sb = new StringBuilder();
    int n = 200;
    for (int i = 0; i < n; i++) {
      String id = String.format("00000000-0000-4000-8000-%012d", i);
      String event =
          events
              .get(0)
              .replaceAll("\"ID\":\"[^\"]+\"", "\"ID\":\"" + id + "\"")
              .replace("Mozilla/5.0", "Mozilla/5.0 " + ua);
      sb.append(
              new JsonText()
                  .str("time", "2026-11-25T10:00:00Z")
                  .str("sink", "files")
                  .str("reason", "HEC code 9: Server is busy")
                  .str("kind", "audit")
                  .str("id", id)
                  .raw("event", event)
                  .toString())
          .append('\n');
    }
    Files.writeString(dlq, sb);
    wm.stubFor(
        post(urlEqualTo(HEC))
            .willReturn(okJson("{\"text\":\"Success\",\"code\":0}").withFixedDelay(100)));
    Path c = tmp.resolve("slow.yaml");
    Files.writeString(
        c,
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nsinks:\n  files:\n    type: splunk_hec\n    endpoint: http://127.0.0.1:"
            + wm.getPort()
            + "\n    token: 00000000-0000-0000-0000-000000000000\n    max_events: 1\n");
    ProcessBuilder pb = Cli.builder(tmp, Map.of(), "replay", "--config", c.toString());
    Path out = tmp.resolve("replay.out");
    Path err = tmp.resolve("replay.err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process proc = pb.start();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !wm.findAll(postRequestedFor(urlEqualTo(HEC))).isEmpty());
      proc.destroy(); // SIGTERM
      assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      proc.destroyForcibly();
    }
    String summary = Files.readString(out);
    int sent = hecIds().size();
    assertThat(sent).isBetween(1, n - 1);
    assertThat(proc.exitValue()).as(Files.readString(err)).isEqualTo(75);
    assertThat(summary)
        .startsWith("Replayed " + sent + " of " + n + " selected dead letters;")
        .contains("; filtered out: 0;")
        .contains("; not sent (cut short): " + (n - sent) + ".");
    List<String> record = Files.readAllLines(tmp.resolve("data/replayed.ndjson"));
    assertThat(record).hasSize(n);
    assertThat(record.stream().filter(l -> l.endsWith("\"outcome\":\"not_sent\"}")))
        .hasSize(n - sent);
  }

  private static final String HEC = "/services/collector/event";

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance()
          .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
          .build();

  /** A config whose sink "files" is a HEC sink with {@code maxBytes}; "other" a file sink. */
  private String hecConfig(String maxBytes) throws IOException {
    Path c = tmp.resolve("hec.yaml");
    Files.writeString(
        c,
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nsinks:\n  files:\n    type: splunk_hec\n    endpoint: http://127.0.0.1:"
            + wm.getPort()
            + "\n    token: 00000000-0000-0000-0000-000000000000\n    max_bytes: "
            + maxBytes
            + "\n  other: {type: file, path: "
            + tmp.resolve("out/other.log")
            + "}\n");
    return c.toString();
  }

  /** A config with the file sink "picky" that lets through only {@code query}. */
  private String pickyConfig(String query) throws IOException {
    Path c = tmp.resolve("picky.yaml");
    Files.writeString(
        c,
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nsinks:\n  files: {type: file, path: "
            + tmp.resolve("out/files.log")
            + "}\n  picky: {type: file, path: "
            + tmp.resolve("out/picky.log")
            + ", filter: \""
            + query
            + "\"}\n");
    return c.toString();
  }

  /** The event IDs the HEC receiver got, one per event sent. */
  private static List<String> hecIds() throws IOException {
    List<String> ids = new ArrayList<>();
    for (LoggedRequest r : wm.findAll(postRequestedFor(urlEqualTo(HEC)))) {
      for (String line : new String(r.getBody(), StandardCharsets.UTF_8).split("\n")) {
        ids.add(new ObjectMapper().readTree(line).get("event").get("fields").get("ID").asText());
      }
    }
    return ids;
  }
}
