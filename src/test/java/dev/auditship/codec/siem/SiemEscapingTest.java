package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The escaping rules of docs/formats.md, byte for byte. */
class SiemEscapingTest {
  private static String cefHeader(String s) {
    TextOut t = new TextOut(16);
    KvOut.cef(t).header(s);
    return t.toString();
  }

  private static String cefPair(String v) {
    TextOut t = new TextOut(16);
    KvOut.cef(t).pair("k", v);
    return t.toString();
  }

  private static String leefPair(char delimiter, String v) {
    TextOut t = new TextOut(16);
    KvOut.leef(t, delimiter).pair("a", "1").pair("k", v);
    return t.toString();
  }

  private static String json(String v) {
    TextOut t = new TextOut(16);
    new JsonOut(t).string(v);
    return t.toString();
  }

  @Test
  void cefHeaderEscapesBackslashAndPipeOnly() {
    assertThat(cefHeader("a|b\\c=d e")).isEqualTo("a\\|b\\\\c=d e|");
    assertThat(cefHeader("line\nbreak")).isEqualTo("line break|");
  }

  @Test
  void cefExtensionEscapesBackslashEqualsAndLineBreaks() {
    assertThat(cefPair("a=b\\c|d e\r\nf")).isEqualTo("k=a\\=b\\\\c|d e\\r\\nf");
    assertThat(cefPair("tab\there")).isEqualTo("k=tab\there");
    assertThat(cefPair("bad\uDC80byte")).isEqualTo("k=bad\uFFFDbyte");
    assertThat(cefPair("rocket \uD83D\uDE80")).isEqualTo("k=rocket \uD83D\uDE80");
  }

  @Test
  void leefValuesEscapeBackslashBreaksTabsAndTheDelimiter() {
    assertThat(leefPair('\t', "a\tb\\c\nd=e|f^g")).isEqualTo("a=1\tk=a\\tb\\\\c\\nd=e|f^g");
    assertThat(leefPair('^', "a\tb^c|d")).isEqualTo("a=1^k=a\\tb\\x5ec|d");
    assertThat(leefPair('|', "a|b")).isEqualTo("a=1|k=a\\x7cb");
  }

  @Test
  void jsonEscapesAsRfc8259AndKeepsValidPairs() {
    assertThat(json("q\"b\\s\n\r\t\b\f\u0001<&>"))
        .isEqualTo("\"q\\\"b\\\\s\\n\\r\\t\\b\\f\\u0001<&>\"");
    assertThat(json("sep\u2028\u2029")).isEqualTo("\"sep\\u2028\\u2029\"");
    assertThat(json("bad\uDCFF \uD83D\uDE80 é")).isEqualTo("\"bad\\ufffd \uD83D\uDE80 é\"");
  }

  @Test
  void numbersAreWrittenInDecimal() {
    for (long v :
        new long[] {0, 7, 10, 99, 100, 1751525702117L, -1, -127, Long.MAX_VALUE, Long.MIN_VALUE}) {
      TextOut t = new TextOut(4);
      t.putLong(v);
      assertThat(t.toString()).isEqualTo(Long.toString(v));
    }
  }

  @Test
  void epochMillisAndDevTime() {
    assertThat(Coder.epochMillis("2025-07-03T06:55:02.117803Z")).isEqualTo(1751525702117L);
    assertThat(Coder.epochMillis("2025-07-03T08:55:02.1+02:00")).isEqualTo(1751525702100L);
    assertThat(Coder.epochMillis("1969-12-31T23:59:59.999999999Z")).isEqualTo(-1L);
    assertThat(Coder.epochMillis("2025-07-03 06:55:02Z")).isEqualTo(Long.MIN_VALUE);
    assertThat(LeefMapping.devTime(1751525702117L)).isEqualTo("2025-07-03T06:55:02.117+0000");
    assertThat(LeefMapping.devTime(-1L)).isEqualTo("1969-12-31T23:59:59.999+0000");
    assertThat(LeefMapping.devTime(951782400000L)).isEqualTo("2000-02-29T00:00:00.000+0000");
  }
}
