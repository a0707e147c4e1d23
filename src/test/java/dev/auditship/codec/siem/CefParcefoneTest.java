package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fluenda.parcefone.event.CommonEvent;
import com.fluenda.parcefone.parser.CEFParser;
import dev.auditship.codec.Format;
import dev.auditship.event.Event;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CEF records parsed back by a second implementation nobody here wrote: ParCEFone ({@code
 * com.fluenda:parcefone}, the parser of Apache NiFi's ParseCEF), beside nsyslog-parser in {@link
 * SiemCheckersTest}. ParCEFone splits the header at unescaped {@code |} and the extension at
 * unescaped {@code =}, so it keeps a value holding {@code \=} whole where nsyslog-parser cuts it;
 * it types the CEF dictionary keys ({@code rt} as a date, {@code src}/{@code c6a2} as addresses,
 * {@code cn1} as a number) and keeps every other key as a custom extension. It leaves escape
 * sequences in the text, so each value is unescaped here with CEF's four value escapes ({@code \\},
 * {@code \=}, {@code \n}, {@code \r}) before it is compared (docs/formats.md, "How the formats are
 * checked").
 */
class CefParcefoneTest {
  private static final CEFParser PARSER = new CEFParser();

  private static CommonEvent parse(String record) {
    CommonEvent e = PARSER.parse(record, false, true, Locale.ENGLISH);
    assertThat(e).as("ParCEFone parses %s", abbreviate(record)).isNotNull();
    return e;
  }

  /** Every parsed extension value as text: addresses in their canonical form, dates in millis. */
  private static List<String> values(CommonEvent e) throws Exception {
    List<String> out = new ArrayList<>();
    for (Object v : e.getExtension(true, true).values()) {
      if (v instanceof InetAddress a) {
        out.add(a.getHostAddress());
      } else if (v instanceof Date d) {
        out.add(Long.toString(d.getTime()));
      } else if (v instanceof String s) {
        out.add(SiemCheckersTest.unescapeCef(s));
      } else {
        out.add(String.valueOf(v));
      }
    }
    return out;
  }

  @Test
  void everyCoderValueRoundTripsOnGoldenAndHostileEvents() throws Exception {
    Format cef = SiemFormats.withDefaults("cef");
    for (Event e : SiemCheckersTest.everything()) {
      String record = cef.format(e);
      CommonEvent parsed = parse(record);
      List<String> values = values(parsed);
      for (String expected : SiemCheckersTest.coderValues(e)) {
        // An IP is typed by the parser (src, c6a2): compared in Java's canonical text.
        String want =
            Coder.ip(expected) != null
                ? InetAddress.getByName(expected).getHostAddress()
                : expected;
        assertThat(values)
            .as("%s: value %s in %s", e, abbreviate(want), abbreviate(values.toString()))
            .contains(want);
      }
    }
  }

  @Test
  void theHeaderAndTheTypedKeysParseToWhatTheEventSays() throws Exception {
    for (Event e : SiemCheckersTest.golden()) {
      CommonEvent parsed = parse(SiemFormats.withDefaults("cef").format(e));
      Map<String, Object> h = parsed.getHeader();
      assertThat(h.get("version")).isEqualTo(0);
      assertThat(h.get("deviceVendor")).isEqualTo("Coder");
      assertThat(h.get("deviceProduct")).isEqualTo("coderd");
      assertThat((String) h.get("deviceEventClassId")).startsWith(e.kind().label() + ":");
      Date rt = (Date) parsed.getExtension(true, true).get("rt");
      assertThat(rt.getTime()).isEqualTo(Coder.epochMillis(e.time()));
    }
  }

  @Test
  void headerOptionsWithPipesAndBackslashesParseBack() throws Exception {
    Format f =
        SiemFormats.cef(new SiemOptions.Cef("Co|der", "core\\d", "2|3", new Severities(0, 10, 5)));
    for (HostileEvents.Case c : HostileEvents.cases()) {
      Map<String, Object> h = parse(f.format(c.audit())).getHeader();
      assertThat(SiemCheckersTest.unescapeHeader((String) h.get("deviceVendor")))
          .isEqualTo("Co|der");
      assertThat(SiemCheckersTest.unescapeHeader((String) h.get("deviceProduct")))
          .isEqualTo("core\\d");
      assertThat(SiemCheckersTest.unescapeHeader((String) h.get("deviceVersion"))).isEqualTo("2|3");
      assertThat(h.get("severity")).isEqualTo("0");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 600 ? s.substring(0, 600) + "..." : s;
  }
}
