package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.Format;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A SIEM format renders an event still held as its JSON line ({@link Event#lazyFields()}: each
 * value decoded from the line straight into its slot, a UUID the scan checked copied without a
 * second look) exactly as it renders the same event once its fields are a list, and as the event
 * rebuilt from plain values (the general path): the golden lines and variants with duplicated,
 * extra, null and upper-case UUID fields.
 */
class SiemLazyLineTest {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @Test
  void anEventReadFromItsLineRendersAsItsDecodedFields() {
    List<String> lines = new ArrayList<>();
    for (Golden.Line g : Golden.lines()) {
      String json = g.json().strip();
      if (!json.startsWith("{")) {
        continue;
      }
      lines.add(json);
      // An extra field at the end, and the first field printed twice (the first value wins).
      lines.add(json.substring(0, json.length() - 2) + ",\"NewField\":\"x\"}}");
      int fields = json.indexOf("\"fields\":{") + 10;
      int comma = json.indexOf(",\"", fields);
      lines.add(
          json.substring(0, comma) + "," + json.substring(fields, comma) + json.substring(comma));
      lines.add(UUID.matcher(json).replaceAll(m -> m.group().toUpperCase(Locale.ROOT)));
      lines.add(json.replace("\"UserID\":\"", "\"UserID\":null,\"X\":\""));
      lines.add(json.replace("\"ConnectionID\":\"", "\"ConnectionID\":null,\"Y\":\""));
    }
    int lazy = 0;
    for (String line : lines) {
      for (String name : SiemFormats.NAMES) {
        Format f = SiemFormats.withDefaults(name);
        Event fresh = decode(line);
        if (fresh == null) {
          continue; // a variant the decoder quarantines
        }
        LazyFields l = fresh.lazyFields();
        if (l != null && l.count() >= 0) {
          lazy++;
        }
        String fromLine = render(f, fresh);
        Event listed = decode(line);
        List<Field> plain = new ArrayList<>();
        for (Field x : listed.fields()) {
          Value v = x.value() instanceof Value.Str s ? new Value.Str(s.value()) : x.value();
          plain.add(new Field(x.key(), v));
        }
        assertThat(fromLine).as(name + " " + line).isEqualTo(render(f, listed));
        assertThat(fromLine)
            .as(name + " " + line)
            .isEqualTo(render(f, new Event(listed.kind(), listed.envelope(), plain)));
      }
    }
    // The lines really took the lazy way (not the eager decoder's list).
    assertThat(lazy).isGreaterThan(lines.size() * 2);
  }

  private static String render(Format f, Event e) {
    ByteBuf b = new ByteBuf(64);
    f.write(e, b);
    return b.toString();
  }

  private static Event decode(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    d.line(1, b, 0, b.length);
    d.finish();
    return out.size() == 1 && out.get(0) instanceof Decoded.Ok ok ? ok.event() : null;
  }
}
