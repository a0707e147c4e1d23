package dev.auditship.sink.syslog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real syslog daemon run in the foreground by a test, on loopback ports, with a private config
 * from {@code src/test/resources/syslog/}. It writes one JSON object per message it parsed to
 * {@code out/received.jsonl}.
 */
abstract class ReceiverDaemon implements AutoCloseable {
  /**
   * What the receiver parsed from one message. Fields the receiver left empty are empty or "-". The
   * {@code sd*} fields are single structured-data values as syslog-ng parsed them (rsyslog: null).
   */
  record Received(
      String input,
      String pri,
      String time,
      String host,
      String app,
      String procid,
      String msgid,
      String sd,
      String msg,
      String raw,
      String sd_id,
      String sd_action,
      String sd_workspace_name) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  final Path dir;
  final Path tls;
  private final Path stderr;
  private Process process;

  ReceiverDaemon(Path dir, Path tls) throws IOException {
    this.dir = dir.toAbsolutePath();
    this.tls = tls.toAbsolutePath();
    this.stderr = this.dir.resolve("daemon.stderr");
    Files.createDirectories(this.dir.resolve("out"));
    Files.createDirectories(this.dir.resolve("work"));
  }

  abstract List<String> command();

  abstract Map<String, String> env();

  abstract List<Integer> tcpPorts();

  abstract List<Integer> udpPorts();

  /**
   * Copies a config from the test resources into the daemon's directory (daemons want absolute
   * paths).
   */
  Path config(String resource) throws IOException {
    Path p = dir.resolve(resource);
    try (InputStream in = ReceiverDaemon.class.getResourceAsStream("/syslog/" + resource)) {
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  void start() throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command())
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.stdout").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    pb.environment().put("PEER_DIR", dir.toString());
    pb.environment().put("PEER_TLS", tls.toString());
    pb.environment().putAll(env());
    process = pb.start();
    Receivers.awaitListening(process, stderr, tcpPorts(), udpPorts());
  }

  void stop() throws InterruptedException {
    Receivers.stop(process);
    process = null;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Everything received so far (complete lines only). */
  List<Received> received() throws IOException {
    Path f = dir.resolve("out/received.jsonl");
    if (!Files.exists(f)) {
      return List.of();
    }
    String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
    List<Received> out = new ArrayList<>();
    int start = 0;
    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      out.add(JSON.readValue(text.substring(start, nl), Received.class));
      start = nl + 1;
    }
    return out;
  }

  /**
   * Waits (bounded) until {@code n} received messages match {@code which}, and returns them in
   * order.
   */
  List<Received> await(Predicate<Received> which, int n) {
    List<List<Received>> got = new ArrayList<>(List.of(List.of()));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(25))
        .until(
            () -> {
              got.set(0, received().stream().filter(which).toList());
              return got.get(0).size() >= n;
            });
    return got.get(0);
  }

  /** The stderr of the daemon so far, for failure messages. */
  String stderr() throws IOException {
    return Files.exists(stderr) ? Files.readString(stderr) : "";
  }
}
