package dev.auditship.sink.hec;

import static dev.auditship.sink.hec.HecFixtures.audit;
import static dev.auditship.sink.hec.HecFixtures.connection;
import static dev.auditship.sink.hec.HecFixtures.human;
import static dev.auditship.sink.hec.HecFixtures.json;
import static dev.auditship.sink.hec.HecFixtures.withField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.event.Value;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.Golden;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The envelope bytes, exactly (docs/coder-reference.md §10.3). */
class HecEncoderTest {
  private static final String AUDIT_JSON =
      Golden.line("audit_workspace_build_start").json().strip();
  private static final String CONN_JSON = Golden.line("conn_ssh_connect").json().strip();

  private static HecEncoder encoder(
      boolean json, String index, String source, Map<String, String> fields) {
    return new HecEncoder(
        json, "coder-1", source, "coder:audit", "coder:connection", index, fields);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void jsonFormatEmbedsTheSlogObjectAsItIsWithEveryConfiguredKeyInDocumentedOrder() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("env", "prod");
    fields.put("dc", "eu");
    HecEncoder enc = encoder(true, "coder", "coderd", fields);
    assertThat(text(enc.encode(json(audit()))))
        .isEqualTo(
            "{\"time\":1751526764.381926,\"host\":\"coder-1\","
                + "\"source\":\"coderd\",\"sourcetype\":\"coder:audit\",\"index\":\"coder\","
                + "\"fields\":{\"dc\":\"eu\",\"env\":\"prod\"},\"event\":"
                + AUDIT_JSON
                + "}");
  }

  @Test
  void connectionEventsGetTheirOwnSourcetypeAndNanosecondsAreTruncatedToMicroseconds() {
    HecEncoder enc = encoder(true, null, null, Map.of());
    // Time 2025-07-10T10:14:38.942776145Z: six digits, truncated (not rounded), never 1.752142478E9
    assertThat(text(enc.encode(json(connection()))))
        .isEqualTo(
            "{\"time\":1752142478.942776,"
                + "\"host\":\"coder-1\",\"sourcetype\":\"coder:connection\",\"event\":"
                + CONN_JSON
                + "}");
  }

  @Test
  void humanFormatSendsTheLineAsAJsonString() throws Exception {
    HecEncoder enc = encoder(false, null, null, Map.of());
    SinkRecord r = human(audit());
    String env = text(enc.encode(r));
    assertThat(env)
        .startsWith(
            "{\"time\":1751526764.381926,\"host\":\"coder-1\",\"sourcetype\":\"coder:audit\","
                + "\"event\":\"2025-07-03 07:12:44.390 [info]  coderd: audit_log  ID=b4f043e3");
    // Go's HTML-safe escaping, as everywhere in the exporter: valid JSON, no raw & < >
    assertThat(env).contains("actor=\\\"\\u0026{ID:6dea5f8c");
    JsonNode n = new ObjectMapper().readTree(env);
    assertThat(n.get("event").asText()).isEqualTo(r.text());
    assertThat(n.size()).isEqualTo(4);
  }

  @Test
  void everyEnvelopeIsValidJsonWithOnlyTheDocumentedKeys() throws Exception {
    ObjectMapper om = new ObjectMapper();
    HecEncoder enc = encoder(true, "i", "s", Map.of("k", "v"));
    for (Golden.Line g : Golden.lines()) {
      JsonNode n = om.readTree(enc.encode(json(Golden.decodeOne(g.json()))));
      List<String> keys = new ArrayList<>();
      n.fieldNames().forEachRemaining(keys::add);
      assertThat(keys)
          .as(g.name())
          .containsExactly("time", "host", "source", "sourcetype", "index", "fields", "event");
      assertThat(n.get("time").isBigDecimal() || n.get("time").isDouble()).isTrue();
      assertThat(n.get("event").isObject()).isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "2025-07-03T07:12:44Z, 1751526764.000000",
    "2025-07-03T07:12:44.5Z, 1751526764.500000",
    "2025-07-03T09:12:44.000001+02:00, 1751526764.000001",
    "1970-01-01T00:00:10.000000999Z, 10.000000",
    "2286-11-20T17:46:40Z, 10000000000.000000"
  })
  void timeIsFixedDecimalEpochSecondsWithSixDigits(String time, String expected) {
    assertThat(HecEncoder.time(withField(audit(), "Time", new Value.Time(time))))
        .isEqualTo(expected);
  }

  @Test
  void withoutAUsableTimeTheLogTimestampIsUsed() {
    assertThat(HecEncoder.time(withField(audit(), "Time", new Value.Str("yesterday"))))
        .isEqualTo("1751526764.390512");
  }

  @Test
  void invalidUtf8KeptByTheSourceIsSentAsReplacementCharacterSoTheBodyIsValidJson()
      throws Exception {
    // U+DCFF stands for the invalid byte 0xFF (source.Utf8 surrogate escape)
    SinkRecord r = new SinkRecord(audit(), "{\"msg\":\"a\uDCFFb\",\"ok\":\"\uD83D\uDE00\"}");
    byte[] env = encoder(true, null, null, Map.of()).encode(r);
    assertThat(text(env)).endsWith("\"event\":{\"msg\":\"a\\ufffdb\",\"ok\":\"\uD83D\uDE00\"}}");
    assertThat(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(env))
                .toString())
        .isEqualTo(text(env));
  }

  @Test
  void aJsonRecordThatIsNotAnObjectIsSentAsAString() {
    SinkRecord r = new SinkRecord(audit(), "not json");
    assertThat(text(encoder(true, null, null, Map.of()).encode(r)))
        .endsWith(",\"event\":\"not json\"}");
  }

  @Test
  void metadataIsEscaped() {
    HecEncoder enc =
        new HecEncoder(true, "h\"1", "s\\x", "a<b", "c", "i\n", Map.of("k\"", "v\u0001"));
    assertThat(text(enc.encode(json(audit()))))
        .startsWith(
            "{\"time\":1751526764.381926,\"host\":\"h\\\"1\","
                + "\"source\":\"s\\\\x\",\"sourcetype\":\"a\\u003cb\",\"index\":\"i\\n\",\"fields\":{\"k\\\"\":\"v\\u0001\"},");
  }
}
