package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.GoText;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one-pass paths of the SIEM writers against the general ones they stand for, byte for byte:
 * raw JSON carried as text (ECS, CEF, LEEF) or embedded (OCSF) when it is already compact, OCSF's
 * logged_time from the time of day of ts alone, and epoch milliseconds written as thirteen digits.
 */
class SiemOnePassTest {
  private static final Chunk JSON_KEY = JsonOut.key("diff");
  private static final Chunk KV_KEY = KvOut.key("cs6");

  /** Compact and not, with spaces inside and outside strings, and what compacting escapes. */
  private static final String[] RAW = {
    "{}",
    "[]",
    "null",
    "{\"a\":1}",
    "{\"display_name\":{\"Old\":\"Docker\",\"New\":\"Docker Containers\",\"Secret\":false}}",
    "{\"a\": 1}",
    "{ \"a\":\"b c\" }",
    "\"x y\" ",
    "{\"k\":\"v=w\"}",
    "{\"k\":\"a\\\"b\"}",
    "{\"k\":\"a\\\\ b\"}",
    "{\"k\":\"<b>&amp;</b>\"}",
    "{\"k\":\"tab\there\"}",
    "{\n\t\"a\": [1, 2]\r\n}",
    "{\"k\":\"é ü\"}",
    "{\"k\":\"\u2028\"}",
    "{\"k\":\"\uDC80\"}",
    "\"unbalanced \" quote \"",
    "a b",
    "  ",
    ""
  };

  @Test
  void rawJsonAsTextIsWhatTheGeneralWayGives() {
    for (String json : RAW) {
      Value raw = new Value.Raw(json);
      String text = CefMapping.jsonText(raw);

      TextOut fast = new TextOut(1);
      new JsonOut(fast).jsonText(JSON_KEY, raw).jsonText(JSON_KEY, raw);
      TextOut general = new TextOut(1);
      new JsonOut(general).str(JSON_KEY, text).str(JSON_KEY, text);
      assertThat(fast.toString()).as("json %s", json).isEqualTo(general.toString());

      for (char delimiter : new char[] {'\t', '^'}) {
        TextOut cefFast = new TextOut(1);
        KvOut.cef(cefFast).jsonText(KV_KEY, raw).jsonText(KV_KEY, raw);
        TextOut cef = new TextOut(1);
        KvOut.cef(cef).pair(KV_KEY, text).pair(KV_KEY, text);
        assertThat(cefFast.toString()).as("cef %s", json).isEqualTo(cef.toString());
        TextOut leefFast = new TextOut(1);
        KvOut.leef(leefFast, delimiter).jsonText(KV_KEY, raw).jsonText(KV_KEY, raw);
        TextOut leef = new TextOut(1);
        KvOut.leef(leef, delimiter).pair(KV_KEY, text).pair(KV_KEY, text);
        assertThat(leefFast.toString()).as("leef %s", json).isEqualTo(leef.toString());
      }
    }
  }

  @Test
  void embeddedRawJsonIsCompactedAsGoDoes() {
    for (String json : RAW) {
      TextOut t = new TextOut(1);
      new JsonOut(t).valueAt(JSON_KEY, new Value.Raw(json));
      StringBuilder sb = new StringBuilder();
      GoText.appendCompactJson(sb, json);
      // JSON output is UTF-8: the one lone surrogate above (a byte of invalid UTF-8) is U+FFFD.
      String compact = sb.toString().replace("\uDC80", "\\ufffd");
      assertThat(t.toString()).as("%s", json).isEqualTo("\"diff\":" + compact);
    }
  }

  @Test
  void loggedTimeReadsTheTimeOfDayOnlyOnTheDayOfAValidUtcTime() {
    String[] times = {
      "2025-07-03T06:55:02.117803Z",
      "2025-07-03t06:55:02.117803z",
      "2025-07-03T08:55:02.117803+02:00",
      "2025-02-30T06:55:02Z",
      "2016-12-31T23:59:60Z",
      "1969-12-31T23:59:59.5Z"
    };
    String[] tss = {
      "2025-07-03T06:55:02.118406421Z",
      "2025-07-03T23:59:60.999Z",
      "2025-07-03T00:00:00+01:00",
      "2025-07-03T06:55:02",
      "2025-07-03T06:55:02.Z",
      "2025-07-03T24:00:00Z",
      "2025-07-03t06:55:02.1z",
      "2025-07-04T00:00:00.001Z",
      "2025-02-30T07:00:00Z",
      "2016-12-31T23:59:60.5Z",
      "1969-12-31T23:59:59.9Z",
      "bogus"
    };
    for (String time : times) {
      for (String ts : tss) {
        Event e =
            new Event(
                Kind.AUDIT,
                new Envelope(ts, "INFO", null, null, List.of("coderd"), null, null),
                List.of(new Field("Time", new Value.Time(time))));
        assertThat(new Slots(e).tsMillis()).as("%s %s", time, ts).isEqualTo(Coder.epochMillis(ts));
      }
    }
  }

  @Test
  void epochMillisInThirteenDigits() {
    long[] values = {
      999_999_999_999L,
      1_000_000_000_000L,
      1_000_000_000_001L,
      1_000_000_099_999L,
      1_000_100_000_000L,
      1_751_525_702_117L,
      9_999_999_999_999L,
      10_000_000_000_000L
    };
    for (long v : values) {
      TextOut t = new TextOut(1);
      t.putLong(v);
      assertThat(t.toString()).as("%d", v).isEqualTo(Long.toString(v));
    }
  }
}
