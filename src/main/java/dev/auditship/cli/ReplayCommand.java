package dev.auditship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.SourceConfig;
import dev.auditship.config.StdinSourceConfig;
import dev.auditship.io.JsonText;
import dev.auditship.io.Logfmt;
import dev.auditship.pipeline.Assembly;
import dev.auditship.pipeline.Pipeline;
import dev.auditship.text.GoTime;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replay}: sends events from the dead-letter file again, each to the sink that refused it
 * (or to {@code --to}), through that sink's format, filter and retry, once the cause is fixed. It
 * never changes the dead-letter file: an event refused again is dead-lettered again (a new line),
 * and what was sent is recorded in {@code replayed.ndjson} next to it (docs/operations.md).
 *
 * <p>Replay sends directly, without the sink's spool: the spool belongs to the running service (it
 * is locked), and the outcome of each event should be known when the command ends.
 */
@Command(
    name = "replay",
    description = "Send dead-lettered events again through the configured sinks.",
    mixinStandardHelpOptions = true)
final class ReplayCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = {"-c", "--config"},
      description = "The YAML config (default as for run).")
  Path config;

  @Option(
      names = "--file",
      description = "The dead-letter file to read (default: dead_letter_file of the config).")
  Path file;

  @Option(names = "--sink", description = "Only events this sink refused.")
  String sink;

  @Option(names = "--id", description = "Only the event with this ID (repeatable).")
  List<String> ids = new ArrayList<>();

  @Option(
      names = "--since",
      description = "Only events dead-lettered at or after this time (RFC 3339).")
  String since;

  @Option(names = "--until", description = "Only events dead-lettered before this time (RFC 3339).")
  String until;

  @Option(
      names = "--to",
      description = "Send every selected event to this sink instead of the one that refused it.")
  String to;

  @Option(
      names = "--again",
      description =
          "Also send dead letters that an earlier replay already delivered to the same sink"
              + " (replayed.ndjson says accepted); by default they are skipped.")
  boolean again;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One selected dead letter. */
  record Letter(String sink, String id, String time, String eventJson) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    Instant from = parseTime("--since", since);
    Instant before = parseTime("--until", until);
    if (config == null) {
      config = Install.fromSystem().defaultConfig();
    }
    ConfigSupport.Loaded loaded =
        ConfigSupport.load(
            config,
            err,
            new ByteArrayInputStream(new byte[0]),
            new FileOutputStream(FileDescriptor.out));
    if (loaded == null) {
      return ExitCodes.CONFIG;
    }
    AuditshipConfig cfg = loaded.config();
    Map<String, SinkConfig> sinks = new LinkedHashMap<>();
    cfg.sinks().forEach(s -> sinks.put(s.name(), s));
    if (to != null && !sinks.containsKey(to)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--to " + to + ": no such sink in " + config + " (sinks: " + sinks.keySet() + ")");
    }
    Path dlq = file != null ? file : cfg.deadLetterFile();
    List<Letter> selected = new ArrayList<>();
    int unreadable = 0;
    try (LineIn r = new LineIn(dlq)) {
      String line;
      while ((line = r.next()) != null) {
        int n = r.number();
        if (r.invalid()) {
          // A record cut in the middle of a character (a crash, a full disk): that line only.
          err.println("auditship: " + dlq + ":" + n + ": not valid UTF-8; skipped");
          unreadable++;
          continue;
        }
        if (line.isBlank()) {
          continue;
        }
        Letter l = parse(line);
        if (l == null) {
          err.println(
              "auditship: "
                  + dlq
                  + ":"
                  + n
                  + (summaryLetter(line)
                      ? ": the dead letter of a record sent from a spool holds only a summary of"
                          + " its event (the record itself is complete in \"record\"), so it"
                          + " cannot be replayed; skipped"
                      : ": not a dead letter; skipped"));
          unreadable++;
          continue;
        }
        if (selects(l, from, before)) {
          selected.add(l);
        }
      }
    } catch (NoSuchFileException e) {
      if (file != null) {
        // Named on the command line: a typo, not an empty dead-letter file.
        err.println("auditship: " + dlq + ": no such file or directory");
        err.flush();
        return ExitCodes.FAILURE;
      }
      err.println("auditship: the dead-letter file " + dlq + " does not exist: nothing to replay.");
      err.flush();
      return ExitCodes.OK;
    }
    Map<String, List<Letter>> bySink = new LinkedHashMap<>();
    int skipped = 0;
    Path record = dlq.resolveSibling("replayed.ndjson");
    Set<String> delivered = again ? Set.of() : delivered(record);
    int already = 0;
    for (Letter l : selected) {
      String target = to != null ? to : l.sink();
      if (!sinks.containsKey(target)) {
        skipped++;
        continue;
      }
      if (delivered.contains(key(target, l))) {
        already++;
        continue;
      }
      bySink.computeIfAbsent(target, k -> new ArrayList<>()).add(l);
    }
    if (already > 0) {
      err.println(
          "auditship: "
              + already
              + " selected dead letter(s) were already replayed to the same sink and accepted ("
              + record
              + "); skipped (use --again to send them once more).");
    }
    if (skipped > 0) {
      err.println(
          "auditship: "
              + skipped
              + " selected event(s) were refused by sinks that are not in "
              + config
              + "; not sent (use --to SINK to choose one).");
    }
    Logger log = LoggerFactory.getLogger(ReplayCommand.class);
    log.info(
        "Replay started. file={} selected={} unreadable_lines={} sinks={}",
        dlq,
        selected.size(),
        unreadable,
        bySink.keySet());
    int refusedAgain = 0;
    int code = ExitCodes.OK;
    for (Map.Entry<String, List<Letter>> e : bySink.entrySet()) {
      String name = e.getKey();
      List<Letter> letters = e.getValue();
      long dlqBefore = lines(dlq);
      int result = send(cfg, loaded, sinks.get(name), letters, log);
      Set<String> again = refusedAgain(dlq, dlqBefore, name);
      refusedAgain += (int) letters.stream().filter(l -> again.contains(l.id())).count();
      String at = GoTime.rfc3339Nano(Clock.systemUTC().instant());
      StringBuilder sb = new StringBuilder();
      for (Letter l : letters) {
        String outcome =
            result != ExitCodes.OK
                ? "not_sent"
                : again.contains(l.id()) ? "dead_lettered_again" : "accepted";
        sb.append(
                new JsonText()
                    .str("time", at)
                    .str("sink", name)
                    .str("id", l.id())
                    .str("dead_lettered_at", l.time())
                    .str("refused_by", l.sink())
                    .str("outcome", outcome)
                    .toString())
            .append('\n');
      }
      Files.writeString(
          record,
          sb,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
      if (result != ExitCodes.OK) {
        code = result;
        break;
      }
    }
    out.println(
        "Replayed "
            + bySink.values().stream().mapToInt(List::size).sum()
            + " of "
            + selected.size()
            + " selected dead letters; refused again: "
            + refusedAgain
            + "; not sent (sink not configured): "
            + skipped
            + ". Record: "
            + record);
    out.flush();
    if (code == ExitCodes.OK && refusedAgain > 0) {
      return ExitCodes.FAILURE;
    }
    return code;
  }

  private static int send(
      AuditshipConfig cfg,
      ConfigSupport.Loaded loaded,
      SinkConfig sink,
      List<Letter> letters,
      Logger log)
      throws IOException {
    StringBuilder in = new StringBuilder();
    for (Letter l : letters) {
      in.append(l.eventJson()).append('\n');
    }
    SinkConfig direct =
        new SinkConfig(
            sink.name(),
            sink.type(),
            sink.format(),
            sink.formatOptions(),
            sink.filter(),
            sink.retry(),
            null,
            sink.settings());
    AuditshipConfig one =
        new AuditshipConfig(
            new SourceConfig("stdin", new StdinSourceConfig()),
            cfg.filter(),
            cfg.coder(),
            cfg.envelope(),
            cfg.humanTime(),
            List.of(direct),
            cfg.dataDir(),
            cfg.rejectsFile(),
            cfg.deadLetterFile(),
            cfg.batchMaxEvents(),
            cfg.batchLinger(),
            cfg.shutdownTimeout(),
            cfg.statsInterval(),
            cfg.rejectsRetention(),
            cfg.deadLetterRetention(),
            null); // no listener: the service may hold the port
    Pipeline p;
    try {
      p =
          new Assembly(
                  one,
                  Clock.systemUTC(),
                  new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.UTF_8)),
                  new FileOutputStream(FileDescriptor.out),
                  dev.auditship.registry.Registry.standard())
              .build();
    } catch (IOException | RuntimeException e) {
      log.error(
          "Cannot start the sink. sink={} error=\"{}\"",
          sink.name(),
          Logfmt.q(e.getMessage() != null ? e.getMessage() : e.toString()));
      return ExitCodes.FAILURE;
    }
    return RunCommand.runUntilDone(p, cfg.shutdownTimeout(), log);
  }

  private boolean selects(Letter l, Instant from, Instant before) {
    if (sink != null && !sink.equals(l.sink())) {
      return false;
    }
    if (!ids.isEmpty() && !ids.contains(l.id())) {
      return false;
    }
    if (from != null || before != null) {
      Instant t;
      try {
        t = Instant.parse(l.time());
      } catch (DateTimeParseException e) {
        return false;
      }
      if (from != null && t.isBefore(from)) {
        return false;
      }
      if (before != null && !t.isBefore(before)) {
        return false;
      }
    }
    return true;
  }

  /** A dead letter whose event is a spool's summary ({@code DeadLetters}, "event_summary"). */
  private static boolean summaryLetter(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n.get("sink") != null && n.get("event") == null && n.has("event_summary");
    } catch (IOException e) {
      return false;
    }
  }

  /** What identifies a dead letter sent to {@code target} in replayed.ndjson. */
  private static String key(String target, Letter l) {
    return target + "\n" + l.sink() + "\n" + l.id() + "\n" + l.time();
  }

  /** The dead letters replayed.ndjson records as accepted, by {@link #key}; empty without it. */
  private static Set<String> delivered(Path record) throws IOException {
    Set<String> out = new HashSet<>();
    List<String> lines = new ArrayList<>();
    try (LineIn r = new LineIn(record)) {
      for (String line; (line = r.next()) != null; ) {
        lines.add(line); // a line that is not valid UTF-8 is not JSON either: it records nothing
      }
    } catch (NoSuchFileException e) {
      return out;
    }
    for (String line : lines) {
      try {
        JsonNode n = JSON.readTree(line);
        if (n != null && "accepted".equals(n.path("outcome").asText())) {
          out.add(
              n.path("sink").asText()
                  + "\n"
                  + n.path("refused_by").asText()
                  + "\n"
                  + n.path("id").asText()
                  + "\n"
                  + n.path("dead_lettered_at").asText());
        }
      } catch (IOException e) {
        // a line that is not JSON (a cut write): it records nothing
      }
    }
    return out;
  }

  private static Letter parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      JsonNode event = n.get("event");
      if (n.get("sink") == null || event == null || !event.isObject()) {
        return null;
      }
      return new Letter(
          n.get("sink").asText(),
          n.path("id").asText(""),
          n.path("time").asText(""),
          event.toString());
    } catch (IOException e) {
      return null;
    }
  }

  private static long lines(Path f) throws IOException {
    long n = 0;
    try (LineIn r = new LineIn(f)) {
      while (r.next() != null) {
        n++;
      }
    } catch (NoSuchFileException e) {
      return 0;
    }
    return n;
  }

  /** IDs of the events dead-lettered for {@code sink} after line {@code skip} of the file. */
  private static Set<String> refusedAgain(Path dlq, long skip, String sink) throws IOException {
    Set<String> out = new HashSet<>();
    try (LineIn r = new LineIn(dlq)) {
      for (String line; (line = r.next()) != null; ) {
        if (r.number() <= skip || r.invalid()) {
          continue;
        }
        Letter l = parse(line);
        if (l != null && l.sink().equals(sink)) {
          out.add(l.id());
        }
      }
    } catch (NoSuchFileException e) {
      // nothing was dead-lettered
    }
    return out;
  }

  /**
   * The lines of a file (LF, a CR before it dropped), each decoded as UTF-8 on its own: a line that
   * is not valid UTF-8 (a record cut in the middle of a character) is marked {@link #invalid()} and
   * does not stop the others from being read, as a reader of the whole file would.
   */
  private static final class LineIn implements AutoCloseable {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private int number;
    private boolean invalid;

    LineIn(Path f) throws IOException {
      this.in = new BufferedInputStream(Files.newInputStream(f), 64 * 1024);
    }

    /** The next line (empty text when not valid UTF-8), or {@code null} at the end. */
    String next() throws IOException {
      line.reset();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.write(c);
      }
      if (c < 0 && line.size() == 0) {
        return null;
      }
      number++;
      byte[] b = line.toByteArray();
      int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
      try {
        invalid = false;
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b, 0, len))
            .toString();
      } catch (CharacterCodingException e) {
        invalid = true;
        return "";
      }
    }

    /** The 1-based number of the line {@link #next()} gave last. */
    int number() {
      return number;
    }

    /** Whether that line was not valid UTF-8. */
    boolean invalid() {
      return invalid;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private Instant parseTime(String option, String v) {
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          option + " " + v + ": not an RFC 3339 time such as 2026-11-27T00:00:00Z");
    }
  }
}
