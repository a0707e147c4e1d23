package dev.auditship.codec;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoText;
import dev.auditship.text.GoTime;
import dev.auditship.text.Swar;
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

  private static final KeyTable KEY_TABLE = new KeyTable(KNOWN_KEYS);

  /** {@link #KNOWN_KEYS} by the key's index in {@link JsonLineScanner#KEYS} (null: not known). */
  private static final byte[][] BY_JSON_KEY = new byte[JsonLineScanner.KEYS.length][];

  static {
    for (int i = 0; i < BY_JSON_KEY.length; i++) {
      BY_JSON_KEY[i] = KNOWN_KEYS.get(JsonLineScanner.KEYS[i]);
    }
  }

  /** How {@link #copyValue} treats a key, by its index in {@link JsonLineScanner#KEYS}. */
  private static final byte[] SPECIAL = new byte[JsonLineScanner.KEYS.length];

  private static final byte PLAIN = 0;
  private static final byte TIME = 1;
  private static final byte RAW = 2;
  private static final byte ACTOR = 3;
  private static final byte UUID = 4;

  static {
    for (int i = 0; i < SPECIAL.length; i++) {
      String key = JsonLineScanner.KEYS[i];
      SPECIAL[i] =
          switch (key) {
            case "Time" -> TIME;
            case "Diff", "AdditionalFields" -> RAW;
            case "actor" -> ACTOR;
            default ->
                EventChecks.UUIDS.contains(key) || EventChecks.NULLABLE_UUIDS.contains(key)
                    ? UUID
                    : PLAIN;
          };
    }
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
  public byte[] record(Event event, ByteBuf scratch) {
    byte[] line = event.humanLine();
    return line != null && !v3Time ? line : Format.super.record(event, scratch);
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
    if (event.lazyFields() instanceof LineFields line) {
      writeFromLine(line, out);
      return;
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
      writeKey(out, f.key());
      writeValue(out, f.value());
    }
    if (multiline >= 0) {
      writeMultiline(out, fields.get(multiline).key(), multilineValue);
    }
  }

  /**
   * The multi-line block of the field {@code key} whose trimmed value {@code value} holds a line
   * break: {@code " ...\n key= "}, then the value's lines, each after the first indented.
   */
  private static void writeMultiline(ByteBuf out, String key, String value) {
    out.ascii(" ...\n    ").utf8(key).put('=').put(' ');
    // Continuation lines are indented by len(key)+2 (entryhuman) plus 4 (sloghuman); empty lines
    // get no indent at all.
    int indent = key.getBytes(StandardCharsets.UTF_8).length + 6;
    int from = 0;
    boolean first = true;
    int n = value.length();
    while (true) {
      int nl = value.indexOf('\n', from);
      int lineEnd = nl < 0 ? n : nl;
      if (!first) {
        out.put('\n');
        if (lineEnd > from) {
          for (int k = 0; k < indent; k++) {
            out.put(' ');
          }
        }
      }
      out.utf8(value, from, lineEnd);
      first = false;
      if (nl < 0) {
        break;
      }
      from = nl + 1;
    }
  }

  private static void writeKey(ByteBuf out, String key) {
    byte[] known = KEY_TABLE.get(key);
    if (known != null) {
      out.put(known);
    } else {
      out.put(' ').put(' ');
      GoText.appendHumanQuoted(out, key.replace(' ', '_'));
      out.put('=');
    }
  }

  /**
   * The fields of an event read lazily from a slog JSON line, written straight from the line's
   * bytes: a value that is printable ASCII without escapes (most of what Coder prints) is copied as
   * slog's human sink spells it; any other value is decoded and written by {@link #writeValue},
   * which stays the definition. The first plain string holding a line break (after trimming) goes
   * to the multi-line block at the end, as {@link #write} decides for decoded fields; only decoded
   * strings can hold one (a copied value has no escape, so no line break).
   */
  private void writeFromLine(LineFields lf, ByteBuf out) {
    byte[] b = lf.line();
    String multilineKey = null;
    String multilineValue = null;
    for (int f = 0, count = lf.count(); f < count; f++) {
      int k = lf.keyIndex(f);
      int p = lf.valueStart(f);
      byte[] known = k >= 0 ? BY_JSON_KEY[k] : null;
      int mark = out.length();
      if (known != null) {
        out.put(known);
      } else {
        writeKey(out, lf.key(f));
      }
      if (copyValue(k >= 0 ? SPECIAL[k] : PLAIN, b, p, out)) {
        continue;
      }
      Value v = lf.value(f);
      if (multilineKey == null && v instanceof Value.Str s && s.hasNewline()) {
        String key = lf.key(f);
        if (!NOT_PLAIN_STRING.contains(key)) {
          String trimmed = GoText.trimSpace(s.value());
          if (trimmed.indexOf('\n') >= 0) {
            out.truncate(mark); // written last, in the block
            multilineKey = key;
            multilineValue = trimmed;
            continue;
          }
        }
      }
      writeValue(out, v);
    }
    if (multilineKey != null) {
      writeMultiline(out, multilineKey, multilineValue);
    }
  }

  /**
   * Writes the value at {@code b[p]} of a field of kind {@code special} ({@link #SPECIAL}) as
   * {@link #writeValue} would write its decoded value, when that is a copy of its bytes; false
   * (nothing written) otherwise.
   */
  private boolean copyValue(byte special, byte[] b, int p, ByteBuf out) {
    byte c = b[p];
    switch (special) {
      case TIME:
        if (c == '"' && !v3Time) {
          int q = p + 1;
          while (q < b.length && b[q] >= 0 && JsonFormat.TIME_CHARS[b[q]]) {
            q++;
          }
          if (q < b.length && b[q] == '"' && q > p + 1) {
            out.put(b, p, q + 1 - p); // Time="..." as it was (JsonFormat.writeTime)
            return true;
          }
        }
        return false;
      case RAW:
        if (c == 'n') {
          out.put('"').put('"'); // a nil RawMessage
          return true;
        }
        return quoteRaw(b, p, out);
      case ACTOR:
        return c == '{' && actor(b, p, out);
      case UUID:
        // A string here is a UUID the scanner checked (LineFields): 36 printable ASCII bytes
        // without a space, which slog's human sink writes bare.
        if (c == '"' && p + 37 < b.length && b[p + 37] == '"') {
          out.put(b, p + 1, 36);
          return true;
        }
        break;
      default:
        break;
    }
    if (c == '"') {
      return copyString(b, p, out);
    }
    if (c == 't' || c == 'f' || c == 'n') {
      return false; // true, false, null: rare, decoded
    }
    if (c == '{' || c == '[') {
      return quoteRaw(b, p, out);
    }
    int e = p;
    while (e < b.length && ((b[e] >= '0' && b[e] <= '9') || b[e] == '-')) {
      e++;
    }
    if (e > p && e < b.length && (b[e] == ',' || b[e] == '}')) {
      out.put(b, p, e - p); // an integer, as it was spelt
      return true;
    }
    return false;
  }

  /**
   * The JSON string at {@code b[p]} (its opening quote) as slog's human sink writes it, when it is
   * printable ASCII without escapes: bare when it has no space and is not empty, else quoted, which
   * for such text is a copy with its quotes ({@code strconv.Quote}). False (nothing written) for
   * anything else, which is decoded.
   */
  private static boolean copyString(byte[] b, int p, ByteBuf out) {
    int n = b.length;
    int q = p + 1;
    // Eight bytes a step to the first space or byte that ends or spoils a copy.
    for (long hits; ; q += 8) {
      if (q + 8 > n) {
        while (q < n && b[q] > ' ' && b[q] != '"' && b[q] != '\\' && b[q] != 0x7F) {
          q++;
        }
        break;
      }
      if ((hits = Swar.humanSpecials(Swar.word(b, q))) != 0) {
        q += Long.numberOfTrailingZeros(hits) >>> 3;
        break;
      }
    }
    if (q < n && b[q] == '"') {
      if (q == p + 1) {
        out.put('"').put('"'); // the empty string is quoted
      } else {
        out.put(b, p + 1, q - p - 1); // bare
      }
      return true;
    }
    if (q >= n || b[q] != ' ') {
      return false; // an escape, a control or non-ASCII character: decoded
    }
    // A space: quoted. On to the closing quote past further spaces.
    int close = closingQuote(b, q + 1);
    if (close < 0) {
      return false;
    }
    out.put(b, p, close + 1 - p);
    return true;
  }

  /**
   * The index of the quote that ends the printable ASCII string body (spaces allowed) at or after
   * {@code q}, or -1 when an escape, control or non-ASCII byte comes first.
   */
  private static int closingQuote(byte[] b, int q) {
    int n = b.length;
    for (long hits; q + 8 <= n; q += 8) {
      if ((hits = Swar.quotedSpecials(Swar.word(b, q))) != 0) {
        q += Long.numberOfTrailingZeros(hits) >>> 3;
        return b[q] == '"' ? q : -1;
      }
    }
    for (; q < n; q++) {
      byte d = b[q];
      if (d == '"') {
        return q;
      }
      if (d == '\\' || d < 0x20 || d == 0x7F) {
        return -1; // d < 0x20 includes every non-ASCII byte
      }
    }
    return -1;
  }

  /**
   * {@code strconv.Quote} of the raw JSON value at {@code b[p]} (an object or array), when it is
   * printable ASCII; false (nothing written) otherwise.
   */
  private static boolean quoteRaw(byte[] b, int p, ByteBuf out) {
    byte open = b[p];
    if (open != '{' && open != '[') {
      return false;
    }
    // One pass: each byte is checked and written quoted (a quote or backslash with a backslash
    // before it) while the value's end is looked for; on a byte that is not printable ASCII
    // nothing is kept (the length is only advanced at the end). At most two bytes out for each
    // byte in, and the two quotes.
    int n = b.length;
    out.ensure(2 * (n - p) + 2);
    byte[] o = out.array();
    int w = out.length();
    o[w++] = '"';
    int depth = 0;
    boolean inString = false;
    for (int e = p; e < n; e++) {
      byte d = b[e];
      if (d < 0x20 || d == 0x7F) {
        return false; // non-ASCII (negative) or a control byte
      }
      if (inString) {
        if (d == '\\') {
          if (++e >= n) {
            return false;
          }
          byte x = b[e]; // the escaped byte, copied as it is (quoted if a quote or backslash)
          o[w++] = '\\';
          o[w++] = '\\';
          if (x == '"' || x == '\\') {
            o[w++] = '\\';
          }
          o[w++] = x;
          continue;
        }
        if (d == '"') {
          inString = false;
          o[w++] = '\\';
        }
        o[w++] = d;
        continue;
      }
      if (d == '"') {
        inString = true;
        o[w++] = '\\';
      } else if (d == '{' || d == '[') {
        depth++;
      } else if ((d == '}' || d == ']') && --depth == 0) {
        o[w++] = d;
        o[w++] = '"';
        out.advance(w - out.length());
        return true;
      }
      o[w++] = d;
    }
    return false;
  }

  private static final byte[] ACTOR_ID = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ACTOR_EMAIL = "\",\"email\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ACTOR_USERNAME =
      "\",\"username\":\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * {@code "&{ID:… Email:… Username:…}"} from the actor object at {@code b[p]} when it is exactly
   * {@code {"id":…,"email":…,"username":…}} with printable ASCII strings without escapes; false
   * (nothing written) otherwise.
   */
  private static boolean actor(byte[] b, int p, ByteBuf out) {
    if (!at(b, p, ACTOR_ID)) {
      return false;
    }
    int id = p + ACTOR_ID.length;
    int idEnd = plainString(b, id);
    if (idEnd < 0 || !at(b, idEnd, ACTOR_EMAIL)) {
      return false;
    }
    int email = idEnd + ACTOR_EMAIL.length;
    int emailEnd = plainString(b, email);
    if (emailEnd < 0 || !at(b, emailEnd, ACTOR_USERNAME)) {
      return false;
    }
    int user = emailEnd + ACTOR_USERNAME.length;
    int userEnd = plainString(b, user);
    if (userEnd < 0 || userEnd + 1 >= b.length || b[userEnd + 1] != '}') {
      return false;
    }
    out.ascii("\"&{ID:").put(b, id, idEnd - id);
    out.ascii(" Email:").put(b, email, emailEnd - email);
    out.ascii(" Username:").put(b, user, userEnd - user);
    out.put('}').put('"');
    return true;
  }

  /** The index of the quote that ends the printable ASCII string body at {@code p}, or -1. */
  private static int plainString(byte[] b, int p) {
    return closingQuote(b, p);
  }

  private static boolean at(byte[] b, int p, byte[] s) {
    if (p + s.length > b.length) {
      return false;
    }
    for (int i = 0; i < s.length; i++) {
      if (b[p + i] != s[i]) {
        return false;
      }
    }
    return true;
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
