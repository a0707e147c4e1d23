package dev.auditship.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.testutil.Cli;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while reading stdin: stdin cannot be read again, so every event the exporter has read
 * from it (the batches in flight and the events decoded ahead of them) is delivered before it exits
 * 0; none is dropped without a word.
 */
class StdinStopIT {
  private static final int TOTAL = 1500;
  private static final Pattern ID = Pattern.compile("\"ID\":\"00000000-0000-4000-8000-(\\d{12})\"");

  @TempDir Path tmp;

  @Test
  void sigtermDeliversEveryEventAlreadyReadFromStdin() throws Exception {
    String lines = ReloadIT.lines(0, TOTAL);
    Files.writeString(
        tmp.resolve("c.yaml"),
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nstats_interval_secs: 1s\nsinks:\n  out: {type: stdout, format: json}\n");
    Path stderr = tmp.resolve("stderr.txt");
    Process p =
        Cli.builder(tmp, Map.of(), "run", "--config", tmp.resolve("c.yaml").toString())
            .redirectError(stderr.toFile())
            .start();
    try (OutputStream in = p.getOutputStream();
        InputStream out = p.getInputStream()) {
      // stdout is not read yet: the sink blocks on the full pipe with two batches in flight, and
      // the rest of the events wait decoded in the read-ahead. stdin stays open (no end of input).
      in.write(lines.getBytes(StandardCharsets.UTF_8));
      in.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(stderr).contains("events=" + TOTAL + " ")) {
        assertThat(p.isAlive()).as(Files.readString(stderr)).isTrue();
        assertThat(System.nanoTime()).as(Files.readString(stderr)).isLessThan(deadline);
        Thread.sleep(20);
      }
      // SIGTERM: no more input is read; what was read is delivered. (Process.destroy() would also
      // close the pipes this test still reads.)
      Process k = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start();
      assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(k.exitValue()).isZero();
      long stopping = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(stderr).contains("Shutdown requested")) {
        assertThat(System.nanoTime()).as(Files.readString(stderr)).isLessThan(stopping);
        Thread.sleep(20);
      }
      String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String err = Files.readString(stderr);
      assertThat(p.exitValue()).as(err).isZero();
      List<Integer> ids = new ArrayList<>();
      Matcher m = ID.matcher(stdout);
      while (m.find()) {
        ids.add(Integer.parseInt(m.group(1)));
      }
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < TOTAL; i++) {
        expected.add(i);
      }
      assertThat(ids).as(err).isEqualTo(expected);
      assertThat(err).contains("Finished. sink=out delivered=" + TOTAL + " ");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void sigtermWhileStdinWaitsForInputEndsAtOnceAndSaysWhatALineCutByItHeld() throws Exception {
    String template = ReloadIT.template();
    Files.writeString(
        tmp.resolve("c.yaml"),
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nsinks:\n  out: {type: file, path: "
            + tmp.resolve("out.log")
            + ", format: json}\n");
    Path stderr = tmp.resolve("stderr.txt");
    Process p =
        Cli.builder(tmp, Map.of(), "run", "--config", tmp.resolve("c.yaml").toString())
            .redirectError(stderr.toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    try (OutputStream in = p.getOutputStream()) {
      // One whole event, then half of another: the exporter waits for the rest of that line.
      in.write((template + "\n" + template.substring(0, 200)).getBytes(StandardCharsets.UTF_8));
      in.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(tmp.resolve("out.log"))
          || !Files.readString(tmp.resolve("out.log")).endsWith("\n")) {
        assertThat(p.isAlive()).as(Files.readString(stderr)).isTrue();
        assertThat(System.nanoTime()).as(Files.readString(stderr)).isLessThan(deadline);
        Thread.sleep(20);
      }
      Process k = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start();
      assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
      // stdin stays open: the exporter must not wait for the rest of the line.
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(stderr)).isTrue();
      String err = Files.readString(stderr);
      assertThat(p.exitValue()).as(err).isZero();
      assertThat(Files.readAllLines(tmp.resolve("out.log"))).containsExactly(template);
      assertThat(err)
          .contains(
              "WARN  StreamSource: Stopped in the middle of a line: the 200 bytes of it read so"
                  + " far, without a line feed, are not delivered. input=stdin")
          .contains("Finished. source: read=1 events=1 skipped=0 rejected=0 ");
    } finally {
      p.destroyForcibly();
    }
  }
}
