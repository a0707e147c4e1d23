package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.Event;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The writer's prepared-key and one-pass paths, byte for byte: keys copied as chunks with or
 * without their separator, values copied up to the first character to escape, numbers two digits at
 * a time, and a buffer that must grow in the middle of a piece.
 */
class SiemWriterTest {
  private static final Chunk JSON_KEY = JsonOut.key("user_agent");
  private static final Chunk KV_KEY = KvOut.key("requestClientApplication");

  /** A JSON-safe ASCII string, as the decoder flags one it scanned. */
  private static Value.Str safe(String s) {
    return Value.Str.classified(s, true, false, false, true);
  }

  @Test
  void chunksAreCopiedWithOrWithoutTheirSeparator() {
    assertThat(JSON_KEY.toString()).isEqualTo(",\"user_agent\":");
    assertThat(KV_KEY.toString()).isEqualTo(" requestClientApplication=");
    TextOut t = new TextOut(1);
    t.put(JSON_KEY, 1);
    t.put(JSON_KEY, 0);
    t.jsonKey(JSON_KEY, 1, '{');
    t.jsonKey(JSON_KEY, 0, (char) 0);
    t.jsonString(JSON_KEY, 0, "curl/8.5.0");
    assertThat(t.toString())
        .isEqualTo(
            "\"user_agent\":,\"user_agent\":\"user_agent\":{,\"user_agent\":"
                + ",\"user_agent\":\"curl/8.5.0\"");
  }

  @Test
  void kvKeysTakeTheSeparatorInPlaceOfTheirFirstByte() {
    TextOut t = new TextOut(1);
    t.kvKey(KV_KEY, (char) 0);
    t.kvPair(KV_KEY, '\t', "a");
    t.kvPair(KV_KEY, '^', "b");
    t.kvKey(KV_KEY, '\u00a6');
    t.kvPair(KV_KEY, '\u00a6', "c");
    t.kvPair(KV_KEY, (char) 0, "d");
    assertThat(t.bytes())
        .isEqualTo(
            ("requestClientApplication=\trequestClientApplication=a^requestClientApplication=b"
                    + "\u00a6requestClientApplication=\u00a6requestClientApplication=c"
                    + "requestClientApplication=d")
                .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void copyAsciiUntilStopsAtTheCharacterAndRewindTakesTheCopyBack() {
    TextOut t = new TextOut(2);
    assertThat(t.copyAsciiUntil("abc=def", '=')).isEqualTo(3);
    int mark = t.mark();
    assertThat(t.copyAsciiUntil("no stop here", '=')).isEqualTo(12);
    assertThat(t.toString()).isEqualTo("abcno stop here");
    t.rewind(mark);
    t.put('!');
    assertThat(t.toString()).isEqualTo("abc!");
  }

  @Test
  void cefAndLeefPairsOfSafeValuesEscapeTheOneCharacterLeft() {
    TextOut t = new TextOut(4);
    KvOut.cef(t)
        .pair(KV_KEY, safe("a=b"))
        .pair(KV_KEY, safe("plain"))
        .pair(KV_KEY, safe("=x="))
        .pair(KV_KEY, (Value.Str) null);
    assertThat(t.toString())
        .isEqualTo(
            "requestClientApplication=a\\=b requestClientApplication=plain"
                + " requestClientApplication=\\=x\\=");
    t = new TextOut(4);
    KvOut.leef(t, '^').pair(KV_KEY, safe("a^b")).pair(KV_KEY, safe("c|d=e"));
    assertThat(t.toString())
        .isEqualTo("requestClientApplication=a\\x5eb^requestClientApplication=c|d=e");
    t = new TextOut(4);
    KvOut.leef(t, '\t').pair(KV_KEY, safe("a^b|c=d")).pair(KV_KEY, safe("e"));
    assertThat(t.toString())
        .isEqualTo("requestClientApplication=a^b|c=d\trequestClientApplication=e");
  }

  @Test
  void headerPartsOfSafeValuesEscapeAPipe() {
    TextOut t = new TextOut(2);
    KvOut.cef(t).headerPart(safe("a|b")).ascii(":").headerPart(safe("workspace_build"));
    assertThat(t.toString()).isEqualTo("a\\|b:workspace_build");
  }

  @Test
  void numbersAreWrittenTwoDigitsAtATime() {
    long[] values = {
      0,
      5,
      10,
      42,
      99,
      100,
      101,
      999,
      1000,
      12345,
      123456,
      999_999_999L,
      1_000_000_000L,
      1_000_000_001L,
      1_751_525_702_117L,
      10_000_000_000_000L,
      999_999_999_999_999_999L
    };
    for (long v : values) {
      TextOut t = new TextOut(1);
      t.putLong(v);
      assertThat(t.toString()).as("%d", v).isEqualTo(Long.toString(v));
    }
  }

  @Test
  void aRecordIntoAFullBufferGrowsItAndKeepsWhatWasThere() {
    ByteBuf b = new ByteBuf(16);
    b.ascii("0123456789abcdef");
    TextOut t = new TextOut(b);
    t.jsonString(JSON_KEY, 1, "x".repeat(100));
    t.finish();
    assertThat(b.toString())
        .isEqualTo("0123456789abcdef\"user_agent\":\"" + "x".repeat(100) + "\"");
  }

  /** The login golden line with other UserAgent and ResourceType texts, decoded from its bytes. */
  private static Event login(String userAgent, String resourceType) {
    String line =
        Golden.line("audit_user_login")
            .json()
            .strip()
            .replaceFirst("\"UserAgent\":\"[^\"]*\"", "\"UserAgent\":\"" + userAgent + "\"")
            .replace("\"ResourceType\":\"api_key\"", "\"ResourceType\":\"" + resourceType + "\"");
    return Golden.decodeOne(line);
  }

  private static String render(String format, Event e) {
    ByteBuf b = new ByteBuf(64);
    SiemFormats.withDefaults(format).write(e, b);
    return b.toString();
  }

  @Test
  void theDecoderTellsWhetherAStringHoldsEqualsOrBar() {
    Event plain = login("curl/8.5.0", "api_key");
    Event special = login("a=b|c", "x|y");
    assertThat(((Value.Str) plain.get("UserAgent")).noEqualsOrBar()).isTrue();
    assertThat(((Value.Str) special.get("UserAgent")).noEqualsOrBar()).isFalse();
    assertThat(((Value.Str) login("a=b", "api_key").get("UserAgent")).noEqualsOrBar()).isFalse();
    assertThat(((Value.Str) login("a|b", "api_key").get("UserAgent")).noEqualsOrBar()).isFalse();
    assertThat(((Value.Str) special.get("UserAgent")).jsonSafe()).isTrue();
    assertThat(new Value.Str("plain").noEqualsOrBar()).isFalse(); // nobody looked
  }

  @Test
  void decodedValuesWithEqualsOrBarAreEscapedInCefAndLeef() {
    Event e = login("a=b|c", "x|y");
    String cef = render("cef", e);
    assertThat(cef).startsWith("CEF:0|Coder|coderd|2|audit:x\\|y:login|login x\\|y|3|");
    assertThat(cef).contains(" requestClientApplication=a\\=b|c ");
    assertThat(cef).contains(" cs1=x|y cs1Label=ResourceType ");
    String leef = render("leef", e);
    assertThat(leef).startsWith("LEEF:2.0|Coder|coderd|2|audit:x\\|y:login|\t|");
    assertThat(leef).contains("\tUserAgent=a=b|c\t");
    TextOut t = new TextOut(8);
    new LeefMapping("V", "P", "1", '|', new Severities(1, 2, 3)).write(e, t);
    assertThat(t.toString()).contains("|UserAgent=a=b\\x7cc|").contains("|ResourceType=x\\x7cy|");
    Event plain = login("curl/8.5.0", "api_key");
    assertThat(render("cef", plain)).contains(" requestClientApplication=curl/8.5.0 ");
  }
}
