package dev.auditship.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Go text rules against what Go's own standard library printed for a table of hard values
 * (tools/go-text-cases): control characters, U+2028/9, Unicode spaces, invalid UTF-8, emoji, CRLF,
 * newlines at the start, middle and end.
 */
class GoTextCasesTest {
  record Case(String name, String input, String json, String human, String quoted, String trim) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() throws IOException {
    ObjectMapper om = new ObjectMapper();
    List<Case> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                GoTextCasesTest.class.getResourceAsStream("/golden/go-text-cases.ndjson"),
                StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        JsonNode n = om.readTree(l);
        out.add(
            new Case(
                n.get("name").asText(),
                bytes(n.get("input_base64").asText()),
                n.get("json").asText(),
                n.get("human").asText(),
                n.get("quoted").asText(),
                bytes(n.get("trim_base64").asText())));
      }
    }
    assertThat(out).hasSizeGreaterThan(60);
    return out.stream();
  }

  private static String bytes(String b64) {
    byte[] b = Base64.getDecoder().decode(b64);
    return Utf8.decode(b, 0, b.length);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void jsonStringAsGoEncodingJsonWithHtmlEscaping(Case c) {
    StringBuilder sb = new StringBuilder();
    GoText.appendJsonString(sb, c.input());
    assertThat(sb.toString()).isEqualTo(c.json());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void humanQuoteAsSlog(Case c) {
    StringBuilder sb = new StringBuilder();
    GoText.appendHumanQuoted(sb, c.input());
    assertThat(sb.toString()).isEqualTo(c.human());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void strconvQuote(Case c) {
    StringBuilder sb = new StringBuilder();
    GoText.appendQuoted(sb, c.input());
    assertThat(sb.toString()).isEqualTo(c.quoted());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trimSpace(Case c) {
    assertThat(GoText.trimSpace(c.input())).isEqualTo(c.trim());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void invalidBytesSurviveADecodeEncodeRoundTrip(Case c) {
    byte[] raw = Utf8.encode(c.input());
    assertThat(Utf8.decode(raw, 0, raw.length)).isEqualTo(c.input());
  }
}
