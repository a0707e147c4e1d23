package dev.auditship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.codec.Decoded;
import dev.auditship.codec.LogDecoder;
import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.SinkSettings;
import dev.auditship.config.SourceConfig;
import dev.auditship.config.StdinSourceConfig;
import dev.auditship.io.JsonText;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.Metrics;
import dev.auditship.pipeline.Assembly;
import dev.auditship.pipeline.Pipeline;
import dev.auditship.registry.Registry;
import dev.auditship.registry.SinkType;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import dev.auditship.source.StreamSource;
import dev.auditship.text.GoTime;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replay}: sends events from the dead-letter file again, each to the sink that refused it
 * (or to {@code --to}), through that sink's format, filter and retry, once the cause is fixed. It
 * never changes the dead-letter file: an event refused again is dead-lettered again (a new line),
 * and what was sent is recorded in {@code replayed.ndjson} next to it (docs/operations.md). An
 * event goes at most once per run to each sink, however many lines the file has for it, and the
 * outcome of each event (accepted, refused again, dropped by a filter) is what the sink saw.
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
          "Also send events that an earlier replay already delivered to the same sink"
              + " (replayed.ndjson says accepted); by default they are skipped.")
  boolean again;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One selected dead letter; {@code id} is its event's ID. */
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
        if (!selects(l, from, before)) {
          continue;
        }
        // The event must be one the replay's source reads (so that one that never reaches the
        // sink was dropped by a filter, nothing else); the ID is the event's own.
        Decoded d =
            l.eventJson().getBytes(StandardCharsets.UTF_8).length > StreamSource.MAX_LINE_BYTES
                ? new Decoded.Rejected(0, "longer than the source reads in one line", "")
                : LogDecoder.decodeJsonLine(l.eventJson());
        if (!(d instanceof Decoded.Ok ok)) {
          err.println(
              "auditship: "
                  + dlq
                  + ":"
                  + n
                  + ": its event is not a valid Coder audit or connection event ("
                  + (d instanceof Decoded.Rejected rj ? rj.reason() : "not an event")
                  + "); skipped");
          unreadable++;
          continue;
        }
        selected.add(new Letter(l.sink(), ok.event().id(), l.time(), l.eventJson()));
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
    // One event is sent at most once per run to each sink (F7 of the QA round): a dead letter
    // refused
    // again is appended as a new line, so the file may hold several lines for one event and one
    // sink; the newest stands for them all (its time and reason are the latest), the older ones
    // are folded into it and counted, never sent too. Without this, each failed replay would send
    // every earlier line of the event again and double them.
    Map<Key, Letter> events = new LinkedHashMap<>();
    for (Letter l : selected) {
      events.put(new Key(to != null ? to : l.sink(), l.id()), l); // keeps the first position
    }
    int folded = selected.size() - events.size();
    Map<String, List<Letter>> bySink = new LinkedHashMap<>();
    int skipped = 0;
    Path record = dlq.resolveSibling("replayed.ndjson");
    Set<Key> delivered = again ? Set.of() : delivered(record);
    int already = 0;
    for (Map.Entry<Key, Letter> e : events.entrySet()) {
      String target = e.getKey().sink();
      if (!sinks.containsKey(target)) {
        skipped++;
        continue;
      }
      if (delivered.contains(e.getKey())) {
        already++;
        continue;
      }
      bySink.computeIfAbsent(target, k -> new ArrayList<>()).add(e.getValue());
    }
    if (already > 0) {
      err.println(
          "auditship: "
              + already
              + " selected event(s) were already replayed to the same sink and accepted ("
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
        "Replay started. file={} selected_events={} folded_lines={} unreadable_lines={} sinks={}",
        dlq,
        events.size(),
        folded,
        unreadable,
        bySink.keySet());
    int accepted = 0;
    int refusedAgain = 0;
    int filtered = 0;
    int cut = 0;
    int code = ExitCodes.OK;
    for (Map.Entry<String, List<Letter>> e : bySink.entrySet()) {
      String name = e.getKey();
      List<Letter> letters = e.getValue();
      Observed seen = new Observed();
      int result = send(cfg, sinks.get(name), letters, seen, log);
      String at = GoTime.rfc3339Nano(Clock.systemUTC().instant());
      StringBuilder sb = new StringBuilder();
      for (int li = 0; li < letters.size(); li++) {
        Letter l = letters.get(li);
        // Read by the source (in the order given) in a run that ended normally: a letter it never
        // read was cut short by a shutdown signal (the stdin source stops reading), not filtered.
        String outcome = seen.outcome(l.id(), result == ExitCodes.OK && li < seen.eventsRead);
        switch (outcome) {
          case ACCEPTED -> accepted++;
          case REFUSED_AGAIN -> refusedAgain++;
          case FILTERED -> filtered++;
          default -> cut++;
        }
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
      if (seen.eventsRead < letters.size()) {
        code = ExitCodes.INCOMPLETE; // stopped by a signal before every letter was read
        break;
      }
    }
    if (filtered > 0) {
      err.println(
          "auditship: "
              + filtered
              + " selected event(s) were filtered out by the filter of the sink they were sent to"
              + " (or the global filter); not sent, recorded as \""
              + FILTERED
              + "\" (a later replay sends them again).");
    }
    out.println(
        "Replayed "
            + (accepted + refusedAgain)
            + " of "
            + events.size()
            + " selected dead letters"
            + (folded == 1 ? " (1 line for the same event folded)" : "")
            + (folded > 1 ? " (" + folded + " lines for the same events folded)" : "")
            + "; refused again: "
            + refusedAgain
            + "; filtered out: "
            + filtered
            + "; not sent (sink not configured): "
            + skipped
            + (cut > 0 ? "; not sent (cut short): " + cut : "")
            + ". Record: "
            + record);
    out.flush();
    if (code == ExitCodes.OK && refusedAgain > 0) {
      return ExitCodes.FAILURE;
    }
    return code;
  }

  /**
   * Sends {@code letters} to {@code sink} (without its spool) and waits for the outcome; {@code
   * seen} learns what reached the sink and what it did with each event.
   */
  private static int send(
      AuditshipConfig cfg, SinkConfig sink, List<Letter> letters, Observed seen, Logger log)
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
                  observing(Registry.standard(), seen))
              .build();
    } catch (IOException | RuntimeException e) {
      log.error(
          "Cannot start the sink. sink={} error=\"{}\"",
          sink.name(),
          Logfmt.q(e.getMessage() != null ? e.getMessage() : e.toString()));
      return ExitCodes.FAILURE;
    }
    int result = RunCommand.runUntilDone(p, cfg.shutdownTimeout(), log);
    seen.eventsRead = p.eventsRead();
    return result;
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

  /**
   * An event sent to a sink: what a replay sends at most once, and what replayed.ndjson records as
   * accepted. The time and the refusing sink of the dead letter are not part of it: once a sink
   * accepted an event, any dead letter of that event for that sink is delivered.
   */
  record Key(String sink, String id) {}

  /** The events replayed.ndjson records as accepted, by sink; empty without the file. */
  private static Set<Key> delivered(Path record) throws IOException {
    Set<Key> out = new HashSet<>();
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
        if (n != null && ACCEPTED.equals(n.path("outcome").asText())) {
          out.add(new Key(n.path("sink").asText(), n.path("id").asText()));
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

  /** The outcomes replayed.ndjson records. */
  static final String ACCEPTED = "accepted";

  static final String REFUSED_AGAIN = "dead_lettered_again";
  static final String FILTERED = "filtered";
  static final String NOT_SENT = "not_sent";

  /**
   * What reached the replay's sink and what the destination did with each event, by event ID. The
   * pipeline counts only totals per sink; this sees every batch the sink is given, so that an event
   * the global or the sink's filter dropped (it never reaches the sink) is told from one that was
   * delivered. Thread-safe: a sink may take several batches at once.
   */
  static final class Observed {
    /** How many of the letters given the source read (in order) before the run ended. */
    long eventsRead;

    private final Set<String> reached = ConcurrentHashMap.newKeySet();
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    void sent(List<SinkRecord> batch, Outcome o) {
      Set<String> open = new HashSet<>();
      for (Outcome.Rejection r : o.rejected()) {
        refused.add(r.record().event().id());
        open.add(r.record().event().id());
      }
      for (SinkRecord r : o.retry()) {
        open.add(r.event().id());
      }
      for (SinkRecord r : batch) {
        if (!open.contains(r.event().id())) {
          delivered.add(r.event().id());
        }
      }
    }

    /**
     * The outcome of event {@code id}. Refused (dead-lettered again) or delivered, as the sink
     * said; never given to the sink in a run that ended normally: a filter dropped it (each
     * selected event was checked to decode, so the source passes every one on); otherwise the run
     * was cut short before it was done.
     */
    String outcome(String id, boolean finished) {
      if (refused.contains(id)) {
        return REFUSED_AGAIN;
      }
      if (delivered.contains(id)) {
        return ACCEPTED;
      }
      return finished && !reached.contains(id) ? FILTERED : NOT_SENT;
    }
  }

  /** {@code registry} with every sink type's sinks reporting to {@code seen}. */
  private static Registry observing(Registry registry, Observed seen) {
    Registry r = new Registry();
    for (String f : registry.formats()) {
      r.format(registry.formatType(f));
    }
    for (String t : registry.sinkTypes()) {
      r.sink(observing(registry.sinkType(t), seen));
    }
    return r;
  }

  private static <S extends SinkSettings> SinkType<S> observing(SinkType<S> t, Observed seen) {
    return new SinkType<>(
        t.name(),
        t.settings(),
        t.parser(),
        t.network(),
        t.defaultFormat(),
        (name, settings, ctx) -> new ObservedSink(t.factory().build(name, settings, ctx), seen));
  }

  /** A sink that tells {@link Observed} what it was given and what became of it. */
  private static final class ObservedSink implements Sink {
    /** How many of the letters given the source read (in order) before the run ended. */
    long eventsRead;

    private final Sink sink;
    private final Observed seen;

    ObservedSink(Sink sink, Observed seen) {
      this.sink = sink;
      this.seen = seen;
    }

    @Override
    public String name() {
      return sink.name();
    }

    @Override
    public Outcome send(List<SinkRecord> batch) throws InterruptedException {
      for (SinkRecord r : batch) {
        seen.reached.add(r.event().id());
      }
      Outcome o = sink.send(batch);
      seen.sent(batch, o);
      return o;
    }

    @Override
    public String checkConnectivity() {
      return sink.checkConnectivity();
    }

    @Override
    public void registerMetrics(Metrics metrics) {
      sink.registerMetrics(metrics);
    }

    @Override
    public Set<String> eventFields() {
      return sink.eventFields();
    }

    @Override
    public int batchesInFlight() {
      return sink.batchesInFlight();
    }

    @Override
    public void close() {
      sink.close();
    }
  }

  /**
   * The lines of a file (LF, a CR before it dropped), each decoded as UTF-8 on its own: a line that
   * is not valid UTF-8 (a record cut in the middle of a character) is marked {@link #invalid()} and
   * does not stop the others from being read, as a reader of the whole file would.
   */
  private static final class LineIn implements AutoCloseable {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int end;
    private byte[] line = new byte[1024];
    private int len;
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int number;
    private boolean invalid;

    LineIn(Path f) throws IOException {
      this.in = Files.newInputStream(f);
    }

    /** The next line (empty text when not valid UTF-8), or {@code null} at the end. */
    String next() throws IOException {
      len = 0;
      boolean any = false;
      while (true) {
        if (pos == end) {
          int n = in.read(buf, 0, buf.length);
          pos = 0;
          end = Math.max(n, 0);
          if (n <= 0) {
            if (!any) {
              return null;
            }
            break; // the last line, without its line feed
          }
        }
        any = true;
        int i = pos;
        while (i < end && buf[i] != '\n') {
          i++;
        }
        append(pos, i - pos);
        if (i < end) {
          pos = i + 1;
          break;
        }
        pos = end;
      }
      number++;
      int n = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
      try {
        invalid = false;
        return utf8.reset().decode(ByteBuffer.wrap(line, 0, n)).toString();
      } catch (CharacterCodingException e) {
        invalid = true;
        return "";
      }
    }

    private void append(int from, int n) {
      if (len + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
      }
      System.arraycopy(buf, from, line, len, n);
      len += n;
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
