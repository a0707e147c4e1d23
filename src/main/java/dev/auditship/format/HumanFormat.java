package dev.auditship.format;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
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
  private static final Map<String, String> KNOWN_KEYS;

  static {
    Map<String, String> m = new HashMap<>();
    for (dev.auditship.event.Kind k : dev.auditship.event.Kind.values()) {
      for (String f : k.fields()) {
        m.put(f, "  " + f + "=");
      }
    }
    m.put("request_id", "  request_id=");
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
  public void append(Event event, StringBuilder out) {
    Envelope env = event.envelope();
    GoTime.appendHumanTimestamp(out, env.ts());
    out.append(" [").append(levelTag(env.level())).append("]  ");
    List<String> names = env.loggerNames();
    if (names.size() == 1 && names.get(0).equals("coderd")) {
      out.append("coderd: ");
    } else if (!names.isEmpty()) {
      GoText.appendHumanQuoted(out, String.join(".", names).replace(' ', '_'));
      out.append(": ");
    }
    out.append(event.kind().message());
    if (env.trace() != null) {
      out.append("  trace=").append(env.trace());
    }
    if (env.span() != null) {
      out.append("  span=").append(env.span());
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
      String known = KNOWN_KEYS.get(f.key());
      if (known != null) {
        out.append(known);
      } else {
        out.append("  ");
        GoText.appendHumanQuoted(out, f.key().replace(' ', '_'));
        out.append('=');
      }
      appendValue(out, f.value());
    }
    if (multiline >= 0) {
      String key = fields.get(multiline).key();
      out.append(" ...\n    ").append(key).append("= ");
      // Continuation lines are indented by len(key)+2 (entryhuman) plus 4 (sloghuman); empty lines
      // get no indent at all.
      int indent = key.getBytes(StandardCharsets.UTF_8).length + 6;
      int from = 0;
      boolean first = true;
      while (true) {
        int nl = multilineValue.indexOf('\n', from);
        String line = nl < 0 ? multilineValue.substring(from) : multilineValue.substring(from, nl);
        if (!first) {
          out.append('\n');
          if (!line.isEmpty()) {
            out.append(" ".repeat(indent));
          }
        }
        out.append(line);
        first = false;
        if (nl < 0) {
          break;
        }
        from = nl + 1;
      }
    }
  }

  private void appendValue(StringBuilder out, Value v) {
    if (v instanceof Value.Str s) {
      if (s.humanBare()) {
        out.append(s.value());
      } else {
        GoText.appendHumanQuoted(out, s.value());
      }
    } else if (v instanceof Value.Num num) {
      out.append(num.text());
    } else if (v instanceof Value.Time t) {
      if (v3Time) {
        GoText.appendQuoted(out, GoTime.goTimeString(t.text()));
      } else {
        JsonFormat.appendTime(out, t.text());
      }
    } else if (v instanceof Value.Raw r) {
      if (r.json() == null) {
        out.append("\"\"");
      } else {
        GoText.appendQuoted(out, r.json());
      }
    } else if (v instanceof Value.Actor a) {
      // quote("&{ID:… Email:… Username:…}"): always quoted (it has spaces); strconv.Quote escapes
      // character by character, so the parts can be escaped one by one without building the string.
      out.append("\"&{ID:");
      GoText.appendQuotedBody(out, a.id());
      out.append(" Email:");
      GoText.appendQuotedBody(out, a.email());
      out.append(" Username:");
      GoText.appendQuotedBody(out, a.username());
      out.append("}\"");
    } else if (v instanceof Value.Bool b) {
      out.append(b.value());
    } else {
      out.append("<nil>");
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
