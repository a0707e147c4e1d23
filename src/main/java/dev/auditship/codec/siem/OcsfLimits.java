package dev.auditship.codec.siem;

import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * OCSF's limit on a string: {@code string_t} holds at most 65,535 characters (OCSF 1.2.0
 * dictionary.json, "types"; the OCSF server's validator rejects a longer value). A value of one of
 * Coder's fields of the event's kind longer than that is cut to the limit wherever it lands (an
 * OCSF attribute, or unmapped), and kept whole in {@code unmapped.untruncated.<Coder field>}
 * (docs/formats.md, "ocsf").
 */
final class OcsfLimits {
  private OcsfLimits() {}

  /** string_t's {@code max_len}, in characters (code points). */
  static final int MAX_STRING = 65_535;

  /** The name, in unmapped, of the object with the whole values. */
  static final String UNTRUNCATED = "untruncated";

  /**
   * {@code e} with each of its Coder fields (and the actor's name and e-mail) longer than {@link
   * #MAX_STRING} cut to it, and a field {@link #UNTRUNCATED} (unknown to the mapping, so written in
   * unmapped) holding the whole values; {@code e} itself when nothing is too long.
   */
  static Event cut(Event e) {
    List<Field> fields = new ArrayList<>(e.fields().size() + 1);
    TextOut whole = null;
    JsonOut w = null;
    for (Field f : e.fields()) {
      Value v = f.value();
      if (v instanceof Value.Str s && tooLong(s.value()) && known(e.kind(), f.key())) {
        if (w == null) {
          whole = new TextOut(2 * MAX_STRING);
          w = new JsonOut(whole);
          w.beginRecord();
        }
        w.str(JsonOut.key(f.key()), s);
        fields.add(new Field(f.key(), new Value.Str(cutText(s.value()))));
      } else if (v instanceof Value.Actor a
          && (tooLong(a.username()) || tooLong(a.email()))
          && known(e.kind(), f.key())) {
        if (w == null) {
          whole = new TextOut(2 * MAX_STRING);
          w = new JsonOut(whole);
          w.beginRecord();
        }
        if (tooLong(a.username())) {
          w.str(JsonOut.key("actor_username"), new Value.Str(a.username()));
        }
        if (tooLong(a.email())) {
          w.str(JsonOut.key("actor_email"), new Value.Str(a.email()));
        }
        fields.add(
            new Field(f.key(), new Value.Actor(a.id(), cutText(a.email()), cutText(a.username()))));
      } else {
        fields.add(f);
      }
    }
    if (w == null) {
      return e;
    }
    w.endRecord();
    whole.finish();
    fields.add(
        new Field(UNTRUNCATED, new Value.Raw(new String(whole.bytes(), StandardCharsets.UTF_8))));
    return new Event(e.kind(), e.envelope(), fields);
  }

  /**
   * Coder's fields of the event's kind: cut wherever they land, in an OCSF attribute or in unmapped
   * (a field another kind does not print, or one Coder adds later, goes to unmapped whole, where
   * nothing checks a length).
   */
  private static boolean known(Kind kind, String key) {
    return kind.fields().contains(key) || (kind == Kind.CONNECTION && key.equals("request_id"));
  }

  private static boolean tooLong(String s) {
    // A string of at most MAX_STRING UTF-16 units has at most as many code points.
    return s.length() > MAX_STRING && s.codePointCount(0, s.length()) > MAX_STRING;
  }

  /** The first MAX_STRING code points: never half of a surrogate pair. */
  private static String cutText(String s) {
    if (!tooLong(s)) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, MAX_STRING));
  }
}
