package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoTime;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bytes-first decode (the scanner over a line's bytes, the input line kept when it already is
 * slog's JSON) means exactly what the general text path means, for every golden line and for lines
 * that leave the fast path.
 */
class BytesFirstDecodeTest {
  private static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);
  private static final Format HUMAN = new HumanFormat(false);

  static List<Golden.Line> golden() {
    return Golden.lines();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void everyGoldenJsonLineIsKeptAsItsOwnRecord(Golden.Line g) {
    String line = g.json().strip();
    List<Decoded> bytes = Golden.decodeAll(line + "\n");
    assertThat(bytes).isEqualTo(Golden.decodeAllText(line + "\n"));
    Event e = ((Decoded.Ok) bytes.get(0)).event();
    // Kept only because rendering the values gives the very same bytes.
    assertThat(e.jsonLine()).isEqualTo(line.getBytes(StandardCharsets.UTF_8));
    assertThat(rendered(e)).isEqualTo(line);
    assertThat(JSON.format(e)).isEqualTo(line);
    // ID and Time, which sinks read for every record, come from the scan as the values give them.
    Event text = ((Decoded.Ok) Golden.decodeAllText(line + "\n").get(0)).event();
    if (e.lazyFields() != null) { // the lazy scan took it (the others take the eager path)
      assertThat(e.lazyFields().timeMicros()).isEqualTo(GoTime.epochMicrosOf(text.time()));
    }
    assertThat(e.timeMicros()).isEqualTo(text.timeMicros()).isNotEqualTo(GoTime.NO_TIME);
    assertThat(e.id()).isEqualTo(text.id()).hasSize(36);
    assertThat(e.time()).isEqualTo(text.time());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void everyGoldenHumanLineDecodesAsTheTextPathDoes(Golden.Line g) {
    assertThat(Golden.decodeAll(g.human())).isEqualTo(Golden.decodeAllText(g.human()));
  }

  private static final String LINE = Golden.lines().get(0).json().strip();

  /**
   * The human format copies plain values straight from a JSON line, eight bytes a step: around
   * every kind of byte that stops the copy, at every position of a long value, it writes what it
   * writes from the decoded values.
   */
  @Test
  void humanFromTheLineIsHumanFromTheValuesAroundEveryStop() {
    String base = Golden.line("audit_workspace_build_start").json().strip();
    String[] stops = {" ", "\\\"", "\\\\", "\u007f", "\u00e9", "\\n", "=", "\\u0001"};
    int checked = 0;
    for (String stop : stops) {
      for (int at = 0; at <= 20; at++) {
        String value = "a".repeat(at) + stop + "b".repeat(20 - at);
        String line = base.replace("\"Action\":\"start\"", "\"Action\":\"" + value + "\"");
        Event lazy = ((Decoded.Ok) Golden.decodeAll(line + "\n").get(0)).event();
        assertThat(lazy.lazyFields()).as(line).isNotNull();
        Event values = new Event(lazy.kind(), lazy.envelope(), lazy.fields());
        assertThat(HUMAN.format(((Decoded.Ok) Golden.decodeAll(line + "\n").get(0)).event()))
            .as(value)
            .isEqualTo(HUMAN.format(values));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(stops.length * 21);
  }

  /**
   * A quoted value (it has a space) copied from the line, eight bytes a step to its closing quote:
   * around every kind of byte that stops the copy after the space, at every position, it writes
   * what it writes from the decoded values; so does the actor, whose parts are copied the same way.
   */
  @Test
  void quotedHumanFromTheLineIsHumanFromTheValuesAroundEveryStop() {
    String base = Golden.line("audit_workspace_build_start").json().strip();
    String[] stops = {"", " ", "\\\"", "\\\\", "\u007f", "\u00e9", "\\n", "\\u0001", "\\u003c"};
    int checked = 0;
    for (int space = 0; space <= 9; space++) {
      for (String stop : stops) {
        for (int at = 0; at <= 17; at++) {
          String value = "a".repeat(space) + " " + "b".repeat(at) + stop + "c".repeat(17 - at);
          String line =
              base.replace("\"Action\":\"start\"", "\"Action\":\"" + value + "\"")
                  .replace("\"username\":\"alice\"", "\"username\":\"" + value + "\"");
          assertHumanFromLineIsFromValues(line, value);
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(10 * stops.length * 18);
  }

  /**
   * Raw JSON (Diff, AdditionalFields) is quoted from the line with each quote and backslash
   * escaped, eight bytes a step: at every position, as from the decoded values.
   */
  @Test
  void rawJsonHumanFromTheLineIsHumanFromTheValuesAtEveryPosition() {
    String base = Golden.line("audit_workspace_build_start").json().strip();
    int checked = 0;
    for (String inner : new String[] {"\\\"", "\\\\", "x"}) {
      for (int at = 0; at <= 24; at++) {
        String raw =
            "{\"k\":\"" + "a".repeat(at) + inner + "b".repeat(24 - at) + "\",\"n\":[1,{}]}";
        String line = base.replace("\"Diff\":{}", "\"Diff\":" + raw);
        assertThat(line).isNotEqualTo(base);
        assertHumanFromLineIsFromValues(line, raw);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(3 * 25);
  }

  /**
   * The first plain string holding a line break goes to the multi-line block at the end, wherever
   * it is among the fields; a later one, a trimmed-away line break and a UUID-typed field stay
   * inline, escaped (Action is a named string type, never moved to the block): as from the decoded
   * values.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"Action\":\"start\",\"ResourceTarget\":\"one\\ntwo\"",
        "\"Action\":\"start\",\"ResourceTarget\":\"one\\r\\ntwo\",\"ResourceIcon\":\"three\\nfour\"",
        "\"Action\":\"start\",\"ResourceTarget\":\"only at the end\\n\",\"ResourceIcon\":\"a\\n\\nb\"",
        "\"Action\":\"start\",\"ResourceTarget\":\" \\n \",\"ResourceIcon\":\"x\\ny \\u003c\"",
        "\"Action\":\"a\\nb\",\"ResourceIcon\":\"three\\nfour\"",
      })
  void theMultiLineBlockFromTheLineIsTheOneFromTheValues(String fields) {
    String base = Golden.line("audit_workspace_build_start").json().strip();
    String line =
        base.replaceFirst("\"ResourceTarget\":\"[^\"]*\"", "")
            .replaceFirst("\"ResourceIcon\":\"[^\"]*\"", "")
            .replaceFirst("\"RequestID\":\"[^\"]*\"", "")
            .replace(",,,", ",")
            .replace(",,", ",")
            .replace("\"Action\":\"start\"", fields);
    String human = assertHumanFromLineIsFromValues(line, fields);
    assertThat(human).contains(" ...\n    ");
  }

  /** The human record of {@code line}'s event from the line equals the one from its values. */
  private static String assertHumanFromLineIsFromValues(String line, String what) {
    Event lazy = ((Decoded.Ok) Golden.decodeAll(line + "\n").get(0)).event();
    assertThat(lazy.lazyFields()).as(line).isNotNull();
    Event values = new Event(lazy.kind(), lazy.envelope(), lazy.fields());
    String fromLine = HUMAN.format(((Decoded.Ok) Golden.decodeAll(line + "\n").get(0)).event());
    assertThat(fromLine).as(what).isEqualTo(HUMAN.format(values));
    return fromLine;
  }

  /**
   * A UUID is checked eight bytes a step: any byte of it replaced, at every position, decodes as
   * the text path decodes it (a hex digit of either case kept; anything else, a dash out of place
   * included, rejected with the text path's reason), and an accepted one stays on the byte path.
   */
  @Test
  void aUuidWithAnyByteReplacedDecodesAsTheTextPathDoes() {
    String base = Golden.line("audit_workspace_build_start").json().strip();
    String id = "\"ID\":\"";
    int at = base.indexOf(id) + id.length();
    String uuid = base.substring(at, at + 36);
    assertThat(uuid).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 36; i++) {
      for (String c :
          new String[] {
            "0", "9", "a", "f", "A", "F", "g", "G", "-", "/", ":", "@", "`", " ", "\u00e9"
          }) {
        String line = base.substring(0, at + i) + c + base.substring(at + i + 1);
        Decoded bytes = Golden.decodeAll(line + "\n").get(0);
        // Asked before the comparison below, which decodes the fields.
        boolean lazy = bytes instanceof Decoded.Ok ok && ok.event().lazyFields() != null;
        assertThat(bytes).as("%s at %d", c, i).isEqualTo(Golden.decodeAllText(line + "\n").get(0));
        if (bytes instanceof Decoded.Ok) {
          assertThat(lazy).as("kept lazily: %s at %d", c, i).isTrue();
          accepted++;
        } else {
          rejected++;
        }
      }
    }
    assertThat(accepted).isEqualTo(32 * 6 + 4); // six hex digits at each hex place; '-' at a dash
    assertThat(rejected).isEqualTo(36 * 15 - accepted);
  }

  /**
   * A key spelled with an escape is the same key: whichever of two equal keys comes first is the
   * one a lookup finds, on the line's own path as on the text path.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\\u0041ction\":\"first\",\"Action\":\"start\"",
        "\"Action\":\"start\",\"\\u0041ction\":\"second\"",
        "\"Action\":\"start\",\"Action\":\"second\"",
      })
  void aKeyFoundByLookupIsTheFirstOfItsName(String fields) {
    String line =
        Golden.line("audit_workspace_build_start")
            .json()
            .strip()
            .replace("\"Action\":\"start\"", fields);
    Decoded bytes = Golden.decodeAll(line + "\n").get(0);
    Decoded text = Golden.decodeAllText(line + "\n").get(0);
    assertThat(bytes).isEqualTo(text);
    Event e = ((Decoded.Ok) bytes).event();
    String expected = fields.startsWith("\"\\u0041") ? "first" : "start";
    assertThat(e.string("Action")).isEqualTo(expected);
    ByteBuf out = new ByteBuf(16);
    if (e.appendAscii("Action", out) == LazyFields.WRITTEN) {
      assertThat(out.toString()).isEqualTo(expected);
    } else {
      assertThat(e.lazyFields()).isNull(); // only an eagerly decoded event says "decode it"
    }
    assertThat(e.string("StatusCode")).isNull();
    assertThat(e.get("StatusCode")).isEqualTo(Value.Num.of(200));
  }

  /** Lines that leave the fast path or are not kept as records, and what they decode to. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{ \"ts\":", // white space
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\u0041<\"", // a non-canonical escape
        "\"UserAgent\":\"\"|\"UserAgent\":\"<b>&\"", // HTML characters Go escapes
        // the same far apart in a long string, then non-ASCII after them (eight bytes a step)
        "\"UserAgent\":\"\"|\"UserAgent\":\"Mozilla/5.0 <X11> and more text & then the end of it\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"Mozilla/5.0 <X11> and more text \u00e9t\u00e9 and the end\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"\\u003cb\\u003e \\ud83d\\ude00 \\\"q\\\" \\\\ \\/\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"caf\u00e9 \u2028\"",
        "\"Diff\":{}|\"Diff\":{ \"a\" : [1, 2.5e3, -0, true, null, \"<\"] }",
        "\"StatusCode\":200|\"StatusCode\":2.50E+2",
        "\"StatusCode\":200|\"StatusCode\":0200",
        "\"StatusCode\":200|\"StatusCode\":2.",
        "\"UserAgent\":\"\"|\"UserAgent\":\"\\x\"",
        "\"level\":\"INFO\"|\"level\":\"INFO\",\"extra\":1",
        "\"level\":\"INFO\"|\"level\":\"INFO\",\"level\":\"WARN\"",
        "\"level\":\"INFO\"|\"level\":5",
        "\"actor\":{|\"actor\":{\"x\":1,",
        "\"actor\":{\"id\"|\"actor\":{\"username\":\"u\",\"email\":\"e\",\"id\"",
        "\"Time\":\"2025-07-03T07:12:44.381926Z\"|\"Time\":\"2025-07-03T07:12:44Z\"",
        "\"Time\":\"2025-07-03T07:12:44.381926Z\"|\"Time\":\"yesterday\"",
        "\"ID\":\"b4f043e3-2010-4dd2-a1fe-a7c2c923e236\"|\"ID\":\"nope\"",
        "\"msg\":\"audit_log\"|\"msg\":\"audit\\u005flog\"",
        "\"msg\":\"audit_log\"|\"msg\":\"other\"",
        "}}|}} trailing",
        "}}|}",
        "\"fields\":{|\"fields\":{\"\u001b\":1,",
        "\"fields\":{|\"fields\":{\"a<b\":1,",
        "\"fields\":{|\"fields\":{\"a\\u003cb\":[1,{\"x\":\"\\u003C\"}],",
        "\"fields\":{|\"fields\":{\"k\":\"a\\/b\",\"j\":\"\\u00e9\\ufffd\\u0007\\u0008\",",
        "\"Diff\":{}|\"Diff\":\"a<b \\u0041\"",
        "\"Diff\":{}|\"Diff\":[\"\u2028\",{}]",
        "\"Diff\":{}|\"Diff\":null",
        "\"Diff\":{}|\"Diff\":12.5",
        "\"UserAgent\":\"\"|\"UserAgent\":\"\\u2028 \\u003c \\u0026 \\u001f\"",
        "\"logger_names\":[\"coderd\"]|\"logger_names\":[]",
        "\"logger_names\":[\"coderd\"],|",
        "\"caller\":\"/home/runner/work/coder/coder/enterprise/audit/backends/slog.go:36\",|",
        "\"level\":\"INFO\",|",
        "{\"ts\":\"2025-07-03T07:12:44.390512107Z\",|{\"level\":\"INFO\",\"ts\":\"2025-07-03T07:12:44.390512107Z\",",
        "\"actor\":{\"id\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",|\"actor\":{\"x\":\"y\",\"id\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",",
        "\"ResourceID\":\"ca5647e0-ef50-4202-a246-717e04447380\"|\"ResourceID\":\"CA5647E0-EF50-4202-A246-717E04447380\"",
        "\"ResourceID\":\"ca5647e0-ef50-4202-a246-717e04447380\"|\"ResourceID\":\"\\u0063a5647e0-ef50-4202-a246-717e04447380\"",
        "\"StatusCode\":200|\"StatusCode\":-12345678901",
        "\"StatusCode\":200|\"StatusCode\":null",
        "\"Time\":\"2025-07-03T07:12:44.381926Z\"|\"Time\":\"2025-07-03T07:12:44\\u002e381926Z\"",
        "\"RequestID\":|\"request_id\":\"r\",\"x y\":\"\u00e9\u2028\",\"RequestID\":",
      })
  void linesOffTheFastPathMeanWhatTheTextPathSays(String edit) {
    String[] e = edit.split("\\|", -1);
    String line =
        e.length == 1
            ? LINE.replace("{\"ts\":", e[0])
            : LINE.replaceFirst(Pattern.quote(e[0]), Matcher.quoteReplacement(e[1]));
    assertThat(line).isNotEqualTo(LINE);
    List<Decoded> bytes = Golden.decodeAll(line + "\n");
    assertThat(bytes).isEqualTo(Golden.decodeAllText(line + "\n"));
    if (bytes.get(0) instanceof Decoded.Ok ok) {
      Event ev = ok.event();
      if (ev.jsonLine() != null) {
        assertThat(new String(ev.jsonLine(), StandardCharsets.UTF_8)).isEqualTo(line);
      }
      assertThat(JSON.format(ev)).isEqualTo(rendered(ev));
    }
  }

  @Test
  void invalidUtf8AndItsRenderingMatchTheTextPath() {
    byte[] line =
        LINE.replace("\"UserAgent\":\"\"", "\"UserAgent\":\"a\u00ffb\"")
            .getBytes(StandardCharsets.ISO_8859_1); // 0xFF alone: invalid UTF-8
    String text = Utf8.decode(line, 0, line.length);
    List<Decoded> bytes = Golden.decodeAll(text + "\n");
    assertThat(bytes).isEqualTo(Golden.decodeAllText(text + "\n"));
    Event ev = ((Decoded.Ok) bytes.get(0)).event();
    assertThat(ev.jsonLine()).isNull(); // Go writes \ufffd for it
    assertThat(JSON.format(ev)).contains("\"UserAgent\":\"a\\ufffdb\"");
  }

  /**
   * A kept line promises valid UTF-8 (sinks embed it in JSON as it is). Raw JSON (Diff) with an
   * invalid byte is passed through by Go, so the line is still what slog prints: it decodes the
   * same on both paths and renders to the same bytes, but is not kept.
   */
  @Test
  void invalidUtf8InRawJsonIsRenderedNotKept() {
    byte[] line =
        LINE.replace("\"Diff\":{}", "\"Diff\":{\"a\":\"x\u00ffy\"}")
            .getBytes(StandardCharsets.ISO_8859_1); // 0xFF alone: invalid UTF-8
    assertThat(new String(line, StandardCharsets.ISO_8859_1)).isNotEqualTo(LINE);
    String text = Utf8.decode(line, 0, line.length); // Golden feeds its UTF-8 bytes: 0xFF again
    List<Decoded> d = Golden.decodeAll(text + "\n");
    assertThat(d).isEqualTo(Golden.decodeAllText(text + "\n"));
    Event ev = ((Decoded.Ok) d.get(0)).event();
    assertThat(ev.jsonLine()).isNull();
    ByteBuf b = new ByteBuf(1024);
    JSON.render(ev, b);
    assertThat(b.toByteArray()).isEqualTo(line);
    // The same line with valid UTF-8 there is kept.
    Event ok = Golden.decodeOne(LINE.replace("\"Diff\":{}", "\"Diff\":{\"a\":\"x\u00e9y\"}"));
    assertThat(ok.jsonLine()).isNotNull();
  }

  @Test
  void crlfJsonLinesAreReadWithoutTheCarriageReturn() {
    List<Decoded> d = Golden.decodeAll(LINE + "\r\n" + LINE + "\r\n");
    assertThat(d).hasSize(2).allMatch(x -> x instanceof Decoded.Ok);
    assertThat(JSON.format(((Decoded.Ok) d.get(1)).event())).isEqualTo(LINE);
  }

  /**
   * Issue item 7: slog prints the value {@code a\r\nb} of a multi-line field as {@code a\r}, a line
   * feed and the indented {@code b}; reading the human line back keeps the CR.
   */
  @Test
  void humanMultiLineValueKeepsACarriageReturnBeforeALineBreak() {
    String json =
        "{\"ts\":\"2025-07-10T11:00:00Z\",\"level\":\"INFO\",\"msg\":\"connection_log\",\"caller\":\"c.go:1\","
            + "\"func\":\"f\",\"logger_names\":[\"coderd\"],\"fields\":{"
            + "\"ID\":\"ca5dfc63-dc43-463a-bb3e-38526866fd4b\",\"Type\":\"ssh\",\"Code\":1,"
            + "\"DisconnectReason\":\"line one\\r\\nline two\\r\\n\\r\\nlast\","
            + "\"Time\":\"2025-07-10T11:00:00Z\",\"ConnectionStatus\":\"disconnected\"}}";
    Event e = Golden.decodeOne(json);
    String human = HUMAN.format(e);
    assertThat(human)
        .endsWith(
            " ...\n    DisconnectReason= line one\r\n"
                + "                      line two\r\n"
                + "                      \r\n"
                + "                      last");
    Event back = Golden.decodeOne(human + "\n");
    assertThat(HUMAN.format(back)).isEqualTo(human);
    assertThat(JSON.format(back))
        .contains("\"DisconnectReason\":\"line one\\r\\nline two\\r\\n\\r\\nlast\"");
  }

  private static String rendered(Event e) {
    ByteBuf b = new ByteBuf(1024);
    JSON.render(e, b);
    return b.toString();
  }
}
