package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.testutil.LineVariants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fields of a line read lazily ({@link LineFields}: one at a time, {@link LazyFields#value}, or
 * as a list) are the eager decoder's, with the same classification of every string, where the lazy
 * way takes what the scan knows instead of decoding (a checked UUID, the first Time, the actor read
 * without a second validation): the golden lines and variants with duplicated, extra, null and
 * upper-case UUID fields.
 */
class LineFieldsEagerTest {
  @Test
  void theLazyFieldsAreTheEagerDecodersFieldsClassifiedAlike() {
    int lazy = 0;
    for (String line : LineVariants.jsonLines()) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      JsonLineScanner.Parsed eager = new JsonLineScanner().scan(b, 0, b.length);
      Event e = decode(b);
      if (eager == null || e == null || e.lazyFields() == null) {
        continue;
      }
      lazy++;
      LazyFields l = e.lazyFields();
      List<Field> expected = eager.fields();
      assertThat(l.count()).as(line).isEqualTo(expected.size());
      List<Field> listed = l.fields();
      for (int i = 0; i < expected.size(); i++) {
        Field x = expected.get(i);
        assertThat(l.key(i)).as(line).isEqualTo(x.key());
        assertSame(l.value(i), x.value(), line);
        assertSame(listed.get(i).value(), x.value(), line);
      }
      assertSame(
          l.get("Time"),
          eager.fields().stream()
              .filter(f -> f.key().equals("Time"))
              .findFirst()
              .orElseThrow()
              .value(),
          line);
    }
    assertThat(lazy).isGreaterThan(LineVariants.jsonLines().size() / 2);
  }

  private static void assertSame(Value actual, Value expected, String line) {
    assertThat(actual).as(line).isEqualTo(expected);
    assertThat(actual.getClass()).as(line).isEqualTo(expected.getClass());
    if (expected instanceof Value.Str s) {
      assertFlags((Value.Str) actual, s, line);
    }
    if (expected instanceof Value.Actor a) {
      Value.Actor got = (Value.Actor) actual;
      assertThat(got.id()).as(line).isEqualTo(a.id());
      assertThat(got.email()).as(line).isEqualTo(a.email());
      assertThat(got.username()).as(line).isEqualTo(a.username());
      if (a.idStr() != null) {
        assertFlags(got.idStr(), a.idStr(), line);
        assertFlags(got.emailStr(), a.emailStr(), line);
        assertFlags(got.usernameStr(), a.usernameStr(), line);
      } else {
        assertThat(got.idStr()).as(line).isNull();
      }
    }
  }

  private static void assertFlags(Value.Str got, Value.Str want, String line) {
    assertThat(got.value()).as(line).isEqualTo(want.value());
    assertThat(
            List.of(
                got.jsonSafe(),
                got.humanBare(),
                got.ascii(),
                got.noEqualsOrBar(),
                got.hasNewline()))
        .as(line + " " + want.value())
        .isEqualTo(
            List.of(
                want.jsonSafe(),
                want.humanBare(),
                want.ascii(),
                want.noEqualsOrBar(),
                want.hasNewline()));
  }

  private static Event decode(byte[] b) {
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    d.line(1, b, 0, b.length);
    d.finish();
    return out.size() == 1 && out.get(0) instanceof Decoded.Ok ok ? ok.event() : null;
  }
}
