package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoText;
import dev.auditship.text.GoTime;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The cdr.dev/slog human sink line, byte for byte, without colour (docs/coder-reference.md §5):
 * {@code <ts ms> [info] coderd: audit_log K=V...}, slog's quote rule, {@code <nil>}, {@code
 * Time="..."}, {@code actor="&{...}"}, {@code %q} for raw JSON and the multi-line block for the
 * first plain-string field holding a newline.
 */
public final class HumanFormat implements Format {
  /**
   * Fields whose Go type is not the plain {@code string} type (uuid.UUID, named enum strings), so
   * slog never moves them to a multi-line block: their newlines are escaped inline instead.
   */
  private static final Set<String> NOT_PLAIN_STRING =
      Set.of(
          "ID",
          "UserID",
          "OrganizationID",
          "ResourceID",
          "RequestID",
          "WorkspaceOwnerID",
          "WorkspaceID",
          "ConnectionID",
          "ResourceType",
          "Action",
          "Type",
          "ConnectionStatus",
          "request_id");

  /** {@code " Key="} for every field Coder prints (none of them needs quoting). */
  private static final Map<String, byte[]> KNOWN_KEYS;

  static {
    Map<String, byte[]> m = new HashMap<>();
    for (dev.auditship.event.Kind k : dev.auditship.event.Kind.values()) {
      for (String f : k.fields()) {
        m.put(f, ("  " + f + "=").getBytes(StandardCharsets.US_ASCII));
      }
    }
    m.put("request_id", "  request_id=".getBytes(StandardCharsets.US_ASCII));
    KNOWN_KEYS = Map.copyOf(m);
  }

  private final boolean v3Time;

  /**
   * @param v3Time render {@code Time} as slog v3.0.0 does ({@code Time="2025-07-03 06:57:16.144719
   *     +0000 UTC"}) instead of v3.0.0-rc1's RFC 3339 form, which current Coder prints (reference
   *     §5.6)
   */
  public HumanFormat(boolean v3Time) {
    this.v3Time = v3Time;
  }

  @Override
  public String name() {
    return "human";
  }

  @Override
  public void write(Event event, ByteBuf out) {
    byte[] kept = event.humanLine();
    if (kept != null && !v3Time) {
      out.put(kept); // the input line, already exactly this record (checked at decode)
      return;
    }
    Envelope env = event.envelope();
    GoTime.appendHumanTimestamp(out, env.ts());
    out.ascii(" [").utf8(levelTag(env.level())).ascii("]  ");
    List<String> names = env.loggerNames();
    if (names.size() == 1 && names.get(0).equals("coderd")) {
      out.ascii("coderd: ");
    } else if (!names.isEmpty()) {
      GoText.appendHumanQuoted(out, String.join(".", names).replace(' ', '_'));
      out.put(':').put(' ');
    }
    out.ascii(event.kind().message());
    if (env.trace() != null) {
      out.ascii("  trace=").utf8(env.trace());
    }
    if (env.span() != null) {
      out.ascii("  span=").utf8(env.span());
    }
    List<Field> fields = event.fields();
    int multiline = -1;
    String multilineValue = null;
    for (int i = 0, n = fields.size(); i < n; i++) {
      Field f = fields.get(i);
      if (f.value() instanceof Value.Str s
          && s.hasNewline()
          && !NOT_PLAIN_STRING.contains(f.key())) {
        String trimmed = GoText.trimSpace(s.value());
        if (trimmed.indexOf('\n') >= 0) {
          multiline = i;
          multilineValue = trimmed;
          break;
        }
      }
    }
    for (int i = 0, n = fields.size(); i < n; i++) {
      if (i == multiline) {
        continue;
      }
      Field f = fields.get(i);
      byte[] known = KNOWN_KEYS.get(f.key());
      if (known != null) {
        out.put(known);
      } else {
        out.put(' ').put(' ');
        GoText.appendHumanQuoted(out, f.key().replace(' ', '_'));
        out.put('=');
      }
      writeValue(out, f.value());
    }
    if (multiline >= 0) {
      String key = fields.get(multiline).key();
      out.ascii(" ...\n    ").utf8(key).put('=').put(' ');
      // Continuation lines are indented by len(key)+2 (entryhuman) plus 4 (sloghuman); empty lines
      // get no indent at all.
      int indent = key.getBytes(StandardCharsets.UTF_8).length + 6;
      int from = 0;
      boolean first = true;
      int n = multilineValue.length();
      while (true) {
        int nl = multilineValue.indexOf('\n', from);
        int lineEnd = nl < 0 ? n : nl;
        if (!first) {
          out.put('\n');
          if (lineEnd > from) {
            for (int k = 0; k < indent; k++) {
              out.put(' ');
            }
          }
        }
        out.utf8(multilineValue, from, lineEnd);
        first = false;
        if (nl < 0) {
          break;
        }
        from = nl + 1;
      }
    }
  }

  private void writeValue(ByteBuf out, Value v) {
    if (v instanceof Value.Str s) {
      if (s.humanBare()) {
        if (s.ascii()) {
          out.ascii(s.value());
        } else {
          out.utf8(s.value());
        }
      } else {
        GoText.appendHumanQuoted(out, s.value());
      }
    } else if (v instanceof Value.Num num) {
      out.utf8(num.text());
    } else if (v instanceof Value.Time t) {
      if (v3Time) {
        GoText.appendQuoted(out, GoTime.goTimeString(t.text()));
      } else {
        JsonFormat.writeTime(out, t.text());
      }
    } else if (v instanceof Value.Raw r) {
      if (r.json() == null) {
        out.put('"').put('"');
      } else {
        GoText.appendQuoted(out, r.json());
      }
    } else if (v instanceof Value.Actor a) {
      // quote("&{ID:… Email:… Username:…}"): always quoted (it has spaces); strconv.Quote escapes
      // character by character, so the parts can be escaped one by one without building the string.
      out.ascii("\"&{ID:");
      GoText.appendQuotedBody(out, a.id());
      out.ascii(" Email:");
      GoText.appendQuotedBody(out, a.email());
      out.ascii(" Username:");
      GoText.appendQuotedBody(out, a.username());
      out.put('}').put('"');
    } else if (v instanceof Value.Bool b) {
      out.ascii(b.value() ? "true" : "false");
    } else {
      out.ascii("<nil>");
    }
  }

  /**
   * slog's four-letter level tag: {@code INFO} gives {@code info}, {@code ERROR} gives {@code
   * erro}.
   */
  static String levelTag(String level) {
    if (level.equals("INFO")) {
      return "info";
    }
    String l = level.toLowerCase(Locale.ROOT);
    return l.length() > 4 ? l.substring(0, 4) : l;
  }
}
