package dev.auditship.sink.hec;

import dev.auditship.codec.HumanFormat;
import dev.auditship.codec.JsonFormat;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.Secret;
import dev.auditship.config.TlsSettings;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.sink.SinkRecord;
import dev.auditship.sink.Sleeper;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Shared test material: events, records, configs, a clock that a sleeper moves, log capture. */
final class HecFixtures {
  /** The token every test uses; it must never show up in a log line, a reason or a toString(). */
  static final String TOKEN = "a1b2c3d4-e5f6-4711-8899-aabbccddeeff";

  static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);
  static final HumanFormat HUMAN = new HumanFormat(false);

  private HecFixtures() {}

  static Event audit() {
    return Golden.decodeOne(Golden.line("audit_workspace_build_start").json());
  }

  static Event connection() {
    return Golden.decodeOne(Golden.line("conn_ssh_connect").json());
  }

  /** The golden audit event with ID {@code 00000000-0000-4000-8000-00000000000<i>}. */
  static Event audit(int i) {
    return withField(audit(), "ID", new Value.Str(id(i)));
  }

  static String id(int i) {
    return String.format("00000000-0000-4000-8000-%012d", i);
  }

  static Event withField(Event e, String key, Value v) {
    List<Field> fields = new ArrayList<>();
    for (Field f : e.fields()) {
      fields.add(f.key().equals(key) ? new Field(key, v) : f);
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  static SinkRecord json(Event e) {
    return new SinkRecord(e, JSON.format(e));
  }

  static SinkRecord human(Event e) {
    return new SinkRecord(e, HUMAN.format(e));
  }

  static List<SinkRecord> jsonRecords(int n) {
    List<SinkRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(json(audit(i)));
    }
    return out;
  }

  static List<String> ids(List<SinkRecord> records) {
    return records.stream().map(r -> r.event().id()).collect(Collectors.toList());
  }

  /** A config builder with test defaults: no health check at the first send, host "coder-1". */
  static final class Cfg {
    URI endpoint;
    Secret token = Secret.of(TOKEN);
    String index;
    String source;
    String auditSourcetype = HecSinkConfig.DEFAULT_AUDIT_SOURCETYPE;
    String connectionSourcetype = HecSinkConfig.DEFAULT_CONNECTION_SOURCETYPE;
    String host = "coder-1";
    Map<String, String> fields = Map.of();
    int maxEvents = 500;
    long maxBytes = 1_000_000;
    boolean gzip;
    TlsSettings tls = TlsSettings.DEFAULT;
    URI proxy;
    HecSinkConfig.ProxyAuth proxyAuth;
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration requestTimeout = Duration.ofSeconds(10);
    int concurrency = 1;
    HecSinkConfig.Ack ack = HecSinkConfig.Ack.DEFAULT;
    boolean healthCheck;

    Cfg(String endpoint) {
      this.endpoint = URI.create(endpoint);
    }

    HecSinkConfig build() {
      return new HecSinkConfig(
          endpoint,
          token,
          index,
          source,
          auditSourcetype,
          connectionSourcetype,
          host,
          fields,
          maxEvents,
          concurrency,
          maxBytes,
          gzip,
          tls,
          proxy,
          proxyAuth,
          connectTimeout,
          requestTimeout,
          ack,
          healthCheck);
    }
  }

  /** Records every wait and moves the clock by it instead of sleeping. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> sleeps = new ArrayList<>();
    private final MutableClock clock;
    private final Runnable onSleep;

    RecordingSleeper(MutableClock clock) {
      this(clock, () -> {});
    }

    RecordingSleeper(MutableClock clock, Runnable onSleep) {
      this.clock = clock;
      this.onSleep = onSleep;
    }

    @Override
    public synchronized void sleep(Duration d) {
      sleeps.add(d);
      if (clock != null) {
        clock.advance(d);
      }
      onSleep.run();
    }
  }
}
