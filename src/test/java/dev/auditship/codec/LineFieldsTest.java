package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.Kind;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Lookups in the fields of a checked line: the first field of a name wins, however it is keyed. */
class LineFieldsTest {
  private static final int ACTION = Arrays.asList(JsonLineScanner.KEYS).indexOf("Action");

  private static LineFields fields(String line, int[] index, String[] extraKeys) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return new LineFields(
        new LazyLineScanner.Result(
            Kind.AUDIT, null, b, index, index.length / 2, extraKeys, 0, 0, 0, 0, false));
  }

  @Test
  void anExtraKeyOfAKnownNameBeforeTheKnownKeyIsTheFirst() {
    // {"\u0041ction":"a","Action":"b"}: the scan keeps the escaped key as an extra key.
    String line = "{\"\\u0041ction\":\"a\",\"Action\":\"b\"}";
    LineFields f =
        fields(
            line,
            new int[] {-1, line.indexOf("\"a\""), ACTION, line.indexOf("\"b\"")},
            new String[] {"Action"});
    assertThat(f.get("Action")).isEqualTo(new Value.Str("a"));
    ByteBuf out = new ByteBuf(8);
    assertThat(f.appendAscii("Action", out)).isEqualTo(LazyFields.WRITTEN);
    assertThat(out.toString()).isEqualTo("a");
  }

  @Test
  void theKnownKeyBeforeAnExtraKeyOfItsNameIsTheFirst() {
    String line = "{\"Action\":\"b\",\"\\u0041ction\":\"a\"}";
    LineFields f =
        fields(
            line,
            new int[] {ACTION, line.indexOf("\"b\""), -1, line.indexOf("\"a\"")},
            new String[] {"Action"});
    assertThat(f.get("Action")).isEqualTo(new Value.Str("b"));
    assertThat(f.get("Other")).isNull();
    ByteBuf out = new ByteBuf(8);
    assertThat(f.appendAscii("Other", out)).isEqualTo(LazyFields.ABSENT);
    assertThat(f.appendAscii("Action", out)).isEqualTo(LazyFields.WRITTEN);
    assertThat(out.toString()).isEqualTo("b");
  }

  @Test
  void valuesThatNeedDecodingAreLeftToGet() {
    String line =
        // The non-ASCII value last: the index holds byte offsets, indexOf gives char offsets.
        "{\"Action\":\"\\u00e9\",\"ResourceID\":null,\"StatusCode\":-12,\"Ip\":\"caf\u00e9\"}";
    int ip = Arrays.asList(JsonLineScanner.KEYS).indexOf("Ip");
    int rid = Arrays.asList(JsonLineScanner.KEYS).indexOf("ResourceID");
    int sc = Arrays.asList(JsonLineScanner.KEYS).indexOf("StatusCode");
    LineFields f =
        fields(
            line,
            new int[] {
              ACTION,
              line.indexOf("\"\\u"),
              ip,
              line.indexOf("\"caf"),
              rid,
              line.indexOf("null"),
              sc,
              line.indexOf("-12")
            },
            null);
    ByteBuf out = new ByteBuf(8);
    assertThat(f.appendAscii("Action", out)).isEqualTo(LazyFields.DECODE);
    assertThat(f.appendAscii("Ip", out)).isEqualTo(LazyFields.DECODE);
    assertThat(f.appendAscii("ResourceID", out)).isEqualTo(LazyFields.ABSENT);
    assertThat(out.length()).isZero();
    assertThat(f.appendAscii("StatusCode", out)).isEqualTo(LazyFields.WRITTEN);
    assertThat(out.toString()).isEqualTo("-12");
    assertThat(f.get("Action")).isEqualTo(new Value.Str("\u00e9"));
  }
}
