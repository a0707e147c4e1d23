package dev.auditship.spool;

import static dev.auditship.spool.Fixtures.record;
import static dev.auditship.spool.Fixtures.records;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.auditship.config.SpoolConfig;
import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.io.NdjsonFile;
import dev.auditship.sink.DeadLetters;
import dev.auditship.sink.SinkRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A record in a format other than json is spooled once, with the summary of its event that its sink
 * reads ({@link EventSummary}); spools written before that (record and event JSON line) still
 * deliver.
 */
class SpoolSummaryTest {
  @TempDir Path tmp;

  private SpoolTarget target(Fixtures.CollectingSink sink) throws Exception {
    return Fixtures.target(
        Storage.DISK,
        Fixtures.config(
            tmp.resolve("spool"), 64L * 1024 * 1024, SpoolConfig.WhenFull.BLOCK, Duration.ZERO),
        sink,
        tmp.resolve("dead-letters.ndjson"),
        Clock.systemUTC(),
        100);
  }

  private long segmentBytes() throws Exception {
    try (Stream<Path> s = Files.list(tmp.resolve("spool"))) {
      long n = 0;
      for (Path p : s.filter(p -> p.toString().endsWith(".seg")).toList()) {
        n += Files.size(p);
      }
      return n;
    }
  }

  @Test
  void aRecordIsStoredOnceWithTheFieldsItsSinkReads() throws Exception {
    Fixtures.CollectingSink sink = new Fixtures.CollectingSink("out");
    sink.eventFields = Set.of("Action", "StatusCode");
    sink.hold();
    List<SinkRecord> in = records(0, 50);
    long recordBytes = in.stream().mapToLong(SinkRecord::size).sum();
    try (SpoolTarget t = target(sink)) {
      t.accept(in);
      // Frame (32 bytes) + record + summary: within 1.2 times the records' bytes.
      assertThat(segmentBytes()).isLessThanOrEqualTo(recordBytes * 12 / 10);
      sink.release();
      await().atMost(ofSeconds(10)).until(() -> sink.delivered.size() == 50);
    }
    for (int i = 0; i < 50; i++) {
      SinkRecord sent = in.get(i);
      SinkRecord out = sink.delivered.get(i);
      assertThat(out.bytes()).isEqualTo(sent.bytes());
      Event e = out.event();
      assertThat(e.isSummary()).isTrue();
      assertThat(e.kind()).isEqualTo(sent.event().kind());
      assertThat(e.id()).isEqualTo(sent.event().id());
      assertThat(e.time()).isEqualTo(sent.event().time());
      for (String f : List.of("Action", "StatusCode")) {
        assertThat(e.get(f)).isEqualTo(sent.event().get(f));
      }
      assertThat(e.get("UserAgent")).isNull();
    }
  }

  @Test
  void framesWithTheWholeEventWrittenBeforeStillDeliverTheWholeEvent() throws Exception {
    Fixtures.CollectingSink old = new Fixtures.CollectingSink("out");
    old.down = true; // a sink that may read anything: record + event JSON line, as before
    List<SinkRecord> in = records(0, 5);
    try (SpoolTarget t = target(old)) {
      t.accept(in);
    }
    Fixtures.CollectingSink now = new Fixtures.CollectingSink("out");
    now.eventFields = Set.of();
    try (SpoolTarget t = target(now)) {
      await().atMost(ofSeconds(10)).until(() -> t.gauges().records() == 0);
    }
    assertThat(now.delivered).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(now.delivered.get(i).event().isSummary()).isFalse();
      assertThat(now.delivered.get(i).event()).isEqualTo(in.get(i).event());
      assertThat(now.delivered.get(i).text()).isEqualTo(in.get(i).text());
    }
  }

  @Test
  void summaryKeepsEveryValueTypeAndTheEntryTimeWhenThereIsNoTime() {
    Event e =
        new Event(
            Kind.CONNECTION,
            new Envelope(
                "2025-07-10T10:14:38.951024833Z", "INFO", "c", "f", List.of("x"), null, null),
            List.of(
                new Field("ID", new Value.Str("00000000-0000-4000-8000-000000000004")),
                new Field("WorkspaceName", new Value.Str("d\u00e9v \udcff")),
                new Field("Code", new Value.Num("255")),
                new Field("Flag", new Value.Bool(true)),
                new Field("Gone", Value.Null.INSTANCE),
                new Field("Raw", new Value.Raw("{\"a\":1}")),
                new Field("Nil", Value.Raw.NIL),
                new Field("UserAgent", new Value.Str("not kept"))));
    byte[] b =
        EventSummary.encode(e, Set.of("WorkspaceName", "Code", "Flag", "Gone", "Raw", "Nil"));
    Event s = EventSummary.decode(b, 0, b.length);
    assertThat(s.isSummary()).isTrue();
    assertThat(s.kind()).isEqualTo(Kind.CONNECTION);
    assertThat(s.envelope().ts()).isEqualTo("2025-07-10T10:14:38.951024833Z");
    assertThat(s.envelope().level()).isEqualTo("INFO");
    assertThat(s.fields())
        .containsExactlyInAnyOrderElementsOf(
            e.fields().stream().filter(f -> !f.key().equals("UserAgent")).toList());
    assertThat(EventSummary.decode(b, 0, b.length - 1)).isNull();
    assertThat(EventSummary.decode(new byte[] {9, 0}, 0, 2)).isNull();
  }

  @Test
  void withATimeTheEntryTimeIsNotStored() {
    Event e = record(3).event();
    byte[] b = EventSummary.encode(e, Set.of());
    Event s = EventSummary.decode(b, 0, b.length);
    assertThat(s.envelope().ts()).isEqualTo(e.time());
    assertThat(s.time()).isEqualTo(e.time());
    assertThat(s.id()).isEqualTo(e.id());
    // kind, ID and Time: a few dozen bytes beside a record of hundreds.
    assertThat(b.length).isLessThan(100);
  }

  @Test
  void aDeadLetterNamesASummaryAsSuch() throws Exception {
    SinkRecord r = record(4);
    byte[] b = EventSummary.encode(r.event(), Set.of("Action"));
    SinkRecord fromSpool = new SinkRecord(EventSummary.decode(b, 0, b.length), r.bytes());
    Path file = tmp.resolve("dl.ndjson");
    try (DeadLetters dl = new DeadLetters(new NdjsonFile(file), Fixtures.JSON, Clock.systemUTC())) {
      dl.write("out", fromSpool, "too large");
      dl.write("out", r, "too large");
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0))
        .contains("\"event_summary\":{")
        .doesNotContain("\"event\":")
        .contains("\"record\":");
    assertThat(lines.get(1)).contains("\"event\":{").doesNotContain("event_summary");
  }

  /** Times and UUIDs stored in binary come back as the same text; others are kept as text. */
  @ParameterizedTest
  @CsvSource({
    "2025-07-03T07:12:44Z, 00000000-0000-4000-8000-000000000000",
    "2025-07-03T07:12:44.3Z, ffffffff-ffff-ffff-ffff-ffffffffffff",
    "2025-07-03T07:12:44.000000100Z, 0665a54f-0b77-4a58-94aa-59646fa38a74",
    "2025-07-03T07:12:44.390512107Z, 0665A54F-0B77-4A58-94AA-59646FA38A74",
    "1970-01-01T00:00:00Z, {0665a54f-0b77-4a58-94aa-59646fa38a74}",
    "9999-12-31T23:59:59.9Z, 0665a54f0b774a5894aa59646fa38a74",
    "2025-07-03t07:12:44z, 0665a54f-0b77-4a58-94aa-59646fa38a7",
    "2025-07-03T09:12:44.5+02:00, not-a-uuid",
    "1969-12-31T23:59:59.000123Z, ''",
  })
  void timesAndIdsComeBackAsTheSameText(String time, String id) {
    Event e =
        new Event(
            Kind.AUDIT,
            new Envelope(
                "2025-07-03T07:12:44.390512107Z", "INFO", null, null, List.of(), null, null),
            List.of(
                new Field("ID", new Value.Str(id)),
                new Field("Time", new Value.Time(time)),
                new Field("ResourceID", new Value.Str(id))));
    byte[] b = EventSummary.encode(e, Set.of("ResourceID"));
    Event s = EventSummary.decode(b, 0, b.length);
    assertThat(s.fields()).containsExactlyElementsOf(e.fields());
  }
}
