package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.GoTime;
import dev.auditship.text.GoUnquote;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the first line of a slog human entry (docs/coder-reference.md §5) into a partial event.
 *
 * <p>What the human line cannot carry, and so cannot be recovered: {@code ts} has millisecond
 * precision only; {@code caller} and {@code func} are not printed (the format's configured defaults
 * are used); a multi-line value lost its leading and trailing white space to slog's TrimSpace;
 * {@code Diff} and {@code AdditionalFields} printed as {@code ""} are read as nil; an unknown field
 * printed bare is read as a string, and {@code <nil>} as null.
 *
 * <p>Stateless and thread-safe.
 */
final class HumanLineDecoder {
  /** {@code 2006-01-02 15:04:05.000 [info] }: 23 + 1 + 6 + 2. */
  static final int PREFIX = 32;

  /**
   * A partially parsed human entry: the fields on its first line, and whether a multi-line block
   * follows.
   *
   * @param humanLine the line's UTF-8 bytes when they are exactly what slog's human sink prints for
   *     the event ({@link HumanLineScanner} decides), else {@code null}
   * @param checked true when {@link EventChecks} already passed for these fields (the scanner
   *     checks them as it reads them); otherwise the event is checked before it is emitted
   */
  record Partial(
      Kind kind,
      Envelope envelope,
      List<Field> fields,
      boolean continues,
      byte[] humanLine,
      boolean checked) {}

  /** Thrown for a line that claims to be an event but cannot be parsed. */
  static final class BadLine extends Exception {
    BadLine(String message) {
      super(message, null, false, false);
    }
  }

  /** True when {@code line} has the human prefix (timestamp and level). */
  static boolean looksHuman(String line) {
    if (line.length() < PREFIX) {
      return false;
    }
    for (int i = 0; i < PREFIX; i++) {
      if (!prefixChar(i, line.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether character {@code c} may stand at position {@code i} of the prefix {@code 2006-01-02
   * 15:04:05.000 [info] } (any level tag).
   */
  static boolean prefixChar(int i, int c) {
    return switch (i) {
      case 4, 7 -> c == '-';
      case 10, 23, 30, 31 -> c == ' ';
      case 13, 16 -> c == ':';
      case 19 -> c == '.';
      case 24 -> c == '[';
      case 29 -> c == ']';
      case 25, 26, 27, 28 -> true;
      default -> c >= '0' && c <= '9';
    };
  }

  /** The event kind the line claims, or {@code null} when it is some other log line. */
  static Kind claimedKind(String line) {
    return kindAt(line, messageStart(line));
  }

  private static int messageStart(String line) {
    // Optional logger names: "coderd: " (no spaces inside the names part).
    int colon = line.indexOf(": ", PREFIX);
    int space = line.indexOf(' ', PREFIX);
    if (colon > PREFIX && (space < 0 || colon < space)) {
      return colon + 2;
    }
    return PREFIX;
  }

  private static Kind kindAt(String line, int at) {
    for (Kind k : Kind.values()) {
      String m = k.message();
      if (line.startsWith(m, at)) {
        int end = at + m.length();
        if (end == line.length() || line.charAt(end) == ' ') {
          return k;
        }
      }
    }
    return null;
  }

  Partial parse(String line) throws BadLine {
    int msgAt = messageStart(line);
    Kind kind = kindAt(line, msgAt);
    if (kind == null) {
      throw new BadLine("not an audit or connection entry");
    }
    List<String> names =
        msgAt == PREFIX ? List.of() : List.of(line.substring(PREFIX, msgAt - 2).split("\\.", -1));
    String ts = isoTs(line);
    String level = level(line.substring(25, 29));
    int n = line.length();
    int i = msgAt + kind.message().length();
    List<Field> fields = new ArrayList<>(20);
    String trace = null;
    String span = null;
    boolean continues = false;
    StringBuilder sb = new StringBuilder();
    while (i < n) {
      if (i + 4 == n && line.startsWith(" ...", i)) {
        continues = true;
        break;
      }
      if (!line.startsWith("  ", i)) {
        throw new BadLine("expected two spaces before a field at column " + (i + 1));
      }
      i += 2;
      int eq = line.indexOf('=', i);
      int sp = line.indexOf(' ', i);
      if (eq < 0 || (sp >= 0 && sp < eq) || eq == i) {
        throw new BadLine("expected key=value at column " + (i + 1));
      }
      String key = line.substring(i, eq);
      i = eq + 1;
      String text;
      boolean quoted;
      if (i < n && line.charAt(i) == '"') {
        sb.setLength(0);
        i = GoUnquote.unquote(line, i, sb);
        if (i < 0) {
          throw new BadLine("unterminated or invalid quoted value for " + key);
        }
        text = sb.toString();
        quoted = true;
      } else {
        int end = line.indexOf(' ', i);
        if (end < 0) {
          end = n;
        }
        text = line.substring(i, end);
        i = end;
        quoted = false;
      }
      if (!quoted && fields.isEmpty() && key.equals("trace") && trace == null) {
        trace = text;
        continue;
      }
      if (!quoted && fields.isEmpty() && key.equals("span") && span == null) {
        span = text;
        continue;
      }
      fields.add(new Field(key, typed(kind, key, text, quoted)));
    }
    return new Partial(
        kind,
        new Envelope(ts, level, null, null, names, trace, span),
        fields,
        continues,
        null,
        false);
  }

  /** The typed value of a human field, by the Go type Coder gives {@code key}. */
  static Value typed(Kind kind, String key, String text, boolean quoted) throws BadLine {
    switch (key) {
      case "Time":
        if (!quoted) {
          throw new BadLine("\"Time\" must be quoted");
        }
        if (GoTime.isRfc3339(text)) {
          return new Value.Time(text);
        }
        try {
          return new Value.Time(fromGoTimeString(text));
        } catch (RuntimeException e) {
          throw new BadLine("\"Time\" is not a time: \"" + text + "\"");
        }
      case "Diff":
      case "AdditionalFields":
        if (!quoted) {
          throw new BadLine("\"" + key + "\" must be quoted");
        }
        return text.isEmpty() ? Value.Raw.NIL : new Value.Raw(text);
      case "actor":
        Value.Actor a = actor(text);
        if (a == null) {
          throw new BadLine("\"actor\" is not &{ID:… Email:… Username:…}");
        }
        return a;
      case "StatusCode":
      case "Code":
        if (!quoted && text.equals("<nil>")) {
          return Value.Null.INSTANCE;
        }
        if (!quoted && text.matches("-?[0-9]+")) {
          return new Value.Num(text);
        }
        throw new BadLine(
            "\"" + key + "\" must be an integer" + (key.equals("Code") ? " or <nil>" : ""));
      case "UserID":
      case "ConnectionID":
        if (!quoted && text.equals("<nil>") && (kind == Kind.CONNECTION)) {
          return Value.Null.INSTANCE;
        }
        return new Value.Str(text);
      default:
        if (kind.fields().contains(key) || key.equals("request_id")) {
          return new Value.Str(text);
        }
        if (!quoted && text.equals("<nil>")) {
          return Value.Null.INSTANCE;
        }
        return new Value.Str(text);
    }
  }

  /** The actor printed as {@code &{ID:… Email:… Username:…}}, or {@code null} when it is not. */
  static Value.Actor actor(String text) {
    if (text.startsWith("&{ID:") && text.endsWith("}")) {
      int e = text.indexOf(" Email:");
      int u = text.lastIndexOf(" Username:");
      if (e > 0 && u > e) {
        return new Value.Actor(
            text.substring(5, e),
            text.substring(e + 7, u),
            text.substring(u + 10, text.length() - 1));
      }
    }
    return null;
  }

  /** Go's {@code time.Time.String()} ({@code 2025-07-03 06:57:16.144719 +0000 UTC}) to RFC 3339. */
  static String fromGoTimeString(String s) {
    String[] p = s.split(" ");
    if (p.length < 3) {
      throw new IllegalArgumentException(s);
    }
    String off = p[2];
    String zone = off.substring(0, 3) + ":" + off.substring(3, 5);
    String iso = p[0] + "T" + p[1] + (zone.equals("+00:00") ? "Z" : zone);
    return GoTime.rfc3339Nano(GoTime.parse(iso));
  }

  /**
   * The human timestamp {@code 2025-07-03 07:12:44.390} as RFC 3339 {@code
   * 2025-07-03T07:12:44.39Z}.
   */
  static String isoTs(String line) {
    StringBuilder sb = new StringBuilder(24);
    sb.append(line, 0, 10).append('T').append(line, 11, 19);
    int end = 23;
    while (end > 20 && line.charAt(end - 1) == '0') {
      end--;
    }
    if (end > 20) {
      sb.append('.').append(line, 20, end);
    }
    return sb.append('Z').toString();
  }

  static String level(String tag) {
    return switch (tag) {
      case "debu" -> "DEBUG";
      case "info" -> "INFO";
      case "warn" -> "WARN";
      case "erro" -> "ERROR";
      case "crit" -> "CRITICAL";
      case "fata" -> "FATAL";
      default -> tag.toUpperCase(Locale.ROOT);
    };
  }
}
