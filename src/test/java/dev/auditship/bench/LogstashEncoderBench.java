package dev.auditship.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.auditship.codec.JsonFormat;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same golden events rendered as one JSON object each by logstash-logback-encoder's {@code
 * LogstashEncoder} (the JSON encoder Java services usually log with) and by auditship's json
 * format, one thread, into bytes. The logback events are built once in setup with the event's
 * fields as structured arguments (raw JSON kept raw), so only the encoding is measured.
 * docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogstashEncoderBench {
  private LogstashEncoder encoder;
  private LoggerContext context;
  private LoggingEvent[] logback;
  private Event[] events;
  private final JsonFormat json = new JsonFormat(EnvelopeDefaults.CODER);
  private final ByteBuf buf = new ByteBuf(4096);
  private int i;

  @Setup
  public void setup() {
    context = new LoggerContext();
    encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.start();
    List<Event> decoded = Golden.lines().stream().map(g -> Golden.decodeOne(g.json())).toList();
    events =
        decoded.stream()
            .map(e -> new Event(e.kind(), e.envelope(), e.fields()))
            .toArray(Event[]::new);
    logback = new LoggingEvent[events.length];
    for (int k = 0; k < events.length; k++) {
      Event e = events[k];
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Field f : e.fields()) {
        fields.put(f.key(), plain(f.value()));
      }
      LoggingEvent le = new LoggingEvent();
      le.setLoggerName("coderd");
      le.setLevel(Level.INFO);
      le.setMessage(e.kind().message());
      le.setThreadName("main");
      le.setTimeStamp(GoTime.parse(e.envelope().ts()).toInstant().toEpochMilli());
      le.setArgumentArray(new Object[] {StructuredArguments.entries(fields)});
      le.setLoggerContext(context);
      le.setMDCPropertyMap(Map.of());
      logback[k] = le;
    }
  }

  private static Object plain(Value v) {
    if (v instanceof Value.Str s) {
      return s.value();
    }
    if (v instanceof Value.Num n) {
      return new RawValue(n.text());
    }
    if (v instanceof Value.Bool b) {
      return b.value();
    }
    if (v instanceof Value.Time t) {
      return t.text();
    }
    if (v instanceof Value.Raw r) {
      return r.json() == null ? null : new RawValue(r.json());
    }
    if (v instanceof Value.Actor a) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("email", a.email());
      m.put("username", a.username());
      return m;
    }
    return null;
  }

  @TearDown
  public void tearDown() {
    encoder.stop();
    context.stop();
  }

  /** LogstashEncoder: one event to a new byte array (its API). */
  @Benchmark
  public byte[] logstashEncoder() {
    return encoder.encode(logback[i++ % logback.length]);
  }

  /** auditship's json format rendering the same event from its values, into a reused buffer. */
  @Benchmark
  public int auditshipJson() {
    buf.reset();
    json.write(events[i++ % events.length], buf);
    return buf.length();
  }

  /** The same into a new byte array per event, as LogstashEncoder returns one. */
  @Benchmark
  public byte[] auditshipJsonArray() {
    return json.bytes(events[i++ % events.length]);
  }
}
