package dev.auditship.codec.siem;

import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import java.util.ArrayList;
import java.util.List;

/**
 * Golden events with hostile text put in the fields people type (resource names, user agents, user
 * names, workspace names, disconnect reasons).
 */
final class HostileEvents {
  private HostileEvents() {}

  /** A hostile text, and what a SIEM should show for it (invalid UTF-8 as U+FFFD). */
  record Case(String name, String text, Event audit, Event connection) {
    String expected() {
      return utf8(text);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final List<String[]> TEXTS =
      List.of(
          new String[] {"pipes", "a|b||c|"},
          new String[] {"equals", "k=v a=b =x= "},
          new String[] {"backslashes", "back\\slash \\n \\\\ \\= \\| end\\"},
          new String[] {"crlf", "line1\r\nline2\nline3\r"},
          new String[] {"u2028", "para\u2028graph\u2029end"},
          new String[] {"invalid_utf8", "bad\uDCFFbyte\uDC80"},
          new String[] {"tab_caret", "a\tb^c  trailing  "},
          new String[] {"emoji", "rocket 🚀 é"},
          new String[] {"64KiB", "x".repeat(64 * 1024)});

  static List<Case> cases() {
    Event audit = Golden.decodeOne(Golden.line("audit_user_login").json());
    Event conn = Golden.decodeOne(Golden.line("conn_ssh_disconnect_exit").json());
    List<Case> out = new ArrayList<>();
    for (String[] t : TEXTS) {
      out.add(new Case(t[0], t[1], hostileAudit(audit, t[1]), hostileConnection(conn, t[1])));
    }
    return out;
  }

  static List<Event> all() {
    List<Event> out = new ArrayList<>();
    for (Case c : cases()) {
      out.add(c.audit());
      out.add(c.connection());
    }
    return out;
  }

  private static Event hostileAudit(Event e, String text) {
    List<Field> fields = new ArrayList<>();
    for (Field f : e.fields()) {
      switch (f.key()) {
        case "ResourceTarget", "UserAgent" -> fields.add(new Field(f.key(), Value.str(text)));
        case "actor" -> {
          Value.Actor a = (Value.Actor) f.value();
          fields.add(new Field("actor", new Value.Actor(a.id(), a.email(), text)));
        }
        default -> fields.add(f);
      }
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  private static Event hostileConnection(Event e, String text) {
    List<Field> fields = new ArrayList<>();
    for (Field f : e.fields()) {
      switch (f.key()) {
        case "DisconnectReason", "WorkspaceName", "UserAgent" ->
            fields.add(new Field(f.key(), Value.str(text)));
        default -> fields.add(f);
      }
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  /** The text as UTF-8 can carry it: a lone surrogate (a byte of invalid UTF-8) as U+FFFD. */
  static String utf8(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\ufffd');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
