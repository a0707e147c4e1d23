package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.Format;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.testutil.LineVariants;
import dev.auditship.text.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A SIEM format renders an event still held as its JSON line ({@link Event#lazyFields()}: each
 * value decoded from the line straight into its slot, a UUID the scan checked copied without a
 * second look) exactly as it renders the same event once its fields are a list, and as the event
 * rebuilt from plain values (the general path), over {@link LineVariants}.
 */
class SiemLazyLineTest {
  @Test
  void anEventReadFromItsLineRendersAsItsDecodedFields() {
    List<String> lines = LineVariants.jsonLines();
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
