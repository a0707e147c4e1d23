package dev.auditship.sink.hec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.codec.Format;
import dev.auditship.codec.siem.SiemFormats;
import dev.auditship.event.Event;
import dev.auditship.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HEC sink embeds ecs and ocsf records as its event object, cef and leef as strings. */
class HecSiemFormatTest {
  private static JsonNode envelope(String format) throws Exception {
    Event e = HecFixtures.audit();
    Format f = SiemFormats.withDefaults(format);
    HecEncoder enc =
        new HecEncoder(
            "json".equals(format) || SiemFormats.isJsonObject(format),
            "coder-1",
            null,
            "coder:audit",
            "coder:connection",
            null,
            Map.of());
    byte[] b = enc.encode(new SinkRecord(e, f.format(e)));
    return new ObjectMapper().readTree(new String(b, StandardCharsets.UTF_8));
  }

  @Test
  void ecsAndOcsfAreEmbeddedAsObjects() throws Exception {
    assertThat(envelope("ecs").at("/event/event/dataset").asText()).isEqualTo("coder.audit");
    assertThat(envelope("ocsf").at("/event/class_uid").asInt()).isEqualTo(6003);
  }

  @Test
  void cefAndLeefAreSentAsStrings() throws Exception {
    assertThat(envelope("cef").get("event").asText()).startsWith("CEF:0|Coder|coderd|2|");
    assertThat(envelope("leef").get("event").asText()).startsWith("LEEF:2.0|Coder|coderd|2|");
  }
}
