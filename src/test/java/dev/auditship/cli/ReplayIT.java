package dev.auditship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.io.JsonText;
import dev.auditship.testutil.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
            "Replayed 2 of 3 selected dead letters; refused again: 0; not sent (sink not"
                + " configured): 1. Record: "
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
            "2 selected dead letter(s) were already replayed to the same sink and accepted ("
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
}
