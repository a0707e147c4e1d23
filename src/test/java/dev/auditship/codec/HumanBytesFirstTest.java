package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Human lines read from their bytes ({@link HumanLineScanner}) mean exactly what the text path
 * ({@link HumanLineDecoder}) says, and a line kept as the event's human record ({@link
 * Event#humanLine()}) is exactly what the human format renders from the values.
 */
class HumanBytesFirstTest {
  private static final Format HUMAN = new HumanFormat(false);
  private static final Format HUMAN_V3 = new HumanFormat(true);
  private static final Format JSON = new JsonFormat(EnvelopeDefaults.CODER);

  static List<Golden.Line> golden() {
    return Golden.lines();
  }

  /** Compares the byte path with the text path and checks every kept line against a render. */
  private static List<Decoded> same(String text) {
    for (String line : text.split("\n", -1)) {
      checkAgreesWithScan(line);
    }
    List<Decoded> chars = Golden.decodeAllText(text);
    lazyReadsAsDecoded(Golden.decodeAll(text), chars);
    List<Decoded> bytes = Golden.decodeAll(text);
    assertThat(bytes).isEqualTo(chars);
    return consistent(bytes);
  }

  /**
   * Events as the decoder hands them over, before anything decoded their fields (an equality check
   * does, and the event then keeps them): the formats and {@link Event#get} read a held line's
   * index ({@link HumanLineFields}) and give what the text path's event gives.
   */
  private static void lazyReadsAsDecoded(List<Decoded> fresh, List<Decoded> chars) {
    assertThat(fresh).hasSameSizeAs(chars);
    for (int i = 0; i < fresh.size(); i++) {
      if (fresh.get(i) instanceof Decoded.Ok ok && chars.get(i) instanceof Decoded.Ok t) {
        Event e = ok.event();
        Event text = t.event();
        assertThat(JSON.format(e)).isEqualTo(JSON.format(text));
        for (Field f : text.fields()) {
          assertThat(e.get(f.key())).isEqualTo(first(text.fields(), f.key()));
        }
        assertThat(e.get("NoSuchKey")).isNull();
        assertThat(HUMAN.format(e)).isEqualTo(HUMAN.format(text));
      }
    }
  }

  /**
   * {@link HumanLineScanner#check} (no fields built) decides as a full {@link
   * HumanLineScanner#scan} does, and its ID and Time are the line's first.
   */
  private static void checkAgreesWithScan(String line) {
    byte[] b = Utf8.encode(line);
    int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
    HumanLineScanner checker = new HumanLineScanner();
    HumanLineDecoder.Partial c = checker.check(b, 0, len);
    HumanLineDecoder.Partial s = new HumanLineScanner().scan(b, 0, len);
    if (s == null || s == HumanLineScanner.SKIP) {
      assertThat(c).isSameAs(s);
      return;
    }
    assertThat(c).isNotNull();
    assertThat(c.fields()).isEmpty();
    assertThat(c.kind()).isEqualTo(s.kind());
    assertThat(c.envelope()).isEqualTo(s.envelope());
    assertThat(c.continues()).isEqualTo(s.continues());
    assertThat(c.checked()).isEqualTo(s.checked());
    assertThat(c.humanLine()).isEqualTo(s.humanLine());
    if (s.checked()) {
      assertThat(checker.id()).isEqualTo(first(s.fields(), "ID"));
      assertThat(checker.time()).isEqualTo(first(s.fields(), "Time"));
    }
  }

  private static Value first(List<Field> fields, String key) {
    return fields.stream().filter(f -> f.key().equals(key)).findFirst().orElseThrow().value();
  }

  /** Every kept human line is what the human format renders from the event's values. */
  private static List<Decoded> consistent(List<Decoded> bytes) {
    for (Decoded d : bytes) {
      if (d instanceof Decoded.Ok ok) {
        Event e = ok.event();
        String fromValues = fromValues(e);
        assertThat(JSON.format(e)).isEqualTo(JSON.format(rebuilt(e)));
        assertThat(HUMAN.format(e)).isEqualTo(fromValues);
        assertThat(HUMAN_V3.format(e)).isEqualTo(fromValuesV3(e));
        if (e.humanLine() != null) {
          assertThat(new String(e.humanLine(), StandardCharsets.UTF_8)).isEqualTo(fromValues);
        }
      }
    }
    return bytes;
  }

  /**
   * The event rebuilt from its values, strings classified again from their text (a decoder may have
   * classified them while scanning).
   */
  private static Event rebuilt(Event e) {
    List<Field> fields = new ArrayList<>();
    for (Field f : e.fields()) {
      fields.add(
          f.value() instanceof Value.Str s ? new Field(f.key(), new Value.Str(s.value())) : f);
    }
    return new Event(e.kind(), e.envelope(), fields);
  }

  private static String fromValues(Event e) {
    ByteBuf b = new ByteBuf(1024);
    HUMAN.write(rebuilt(e), b);
    return Utf8.decode(b.array(), 0, b.length());
  }

  private static String fromValuesV3(Event e) {
    ByteBuf b = new ByteBuf(1024);
    HUMAN_V3.write(rebuilt(e), b);
    return Utf8.decode(b.array(), 0, b.length());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void everyGoldenHumanLineReadsAsTheTextPathSays(Golden.Line g) {
    List<Decoded> d = same(g.human());
    Event e = ((Decoded.Ok) d.get(0)).event();
    String first = g.human().lines().findFirst().orElseThrow();
    boolean ascii = first.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    if (!g.human().strip().contains("\n") && ascii && g.note() == null) {
      // Plain one-line entries are read by the byte scanner and kept as their own record.
      byte[] line = first.getBytes(StandardCharsets.UTF_8);
      assertThat(new HumanLineScanner().scan(line, 0, line.length)).isNotNull();
      assertThat(e.humanLine()).isEqualTo(line);
    }
    assertThat(HUMAN.format(e)).isEqualTo(g.human().strip());
  }

  @Test
  void theByteScannerReadsMostGoldenLines() {
    int read = 0;
    int kept = 0;
    for (Golden.Line g : Golden.lines()) {
      byte[] line = g.human().lines().findFirst().orElseThrow().getBytes(StandardCharsets.UTF_8);
      HumanLineDecoder.Partial p = new HumanLineScanner().scan(line, 0, line.length);
      if (p != null) {
        read++;
        if (p.humanLine() != null) {
          kept++;
        }
      }
    }
    assertThat(read).isGreaterThanOrEqualTo(Golden.lines().size() - 2);
    assertThat(kept).isGreaterThanOrEqualTo(Golden.lines().size() / 2);
  }

  private static final String LINE = Golden.lines().get(0).human().strip();

  /** Edits of a golden line: each must mean on the byte path what it means on the text path. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "UserAgent=\"\"|UserAgent=\"abc\"", // quoted although bare would do: not kept
        "UserAgent=\"\"|UserAgent=abc",
        "UserAgent=\"\"|UserAgent=\"a b\"",
        "UserAgent=\"\"|UserAgent=\"a\\x41b\"",
        "UserAgent=\"\"|UserAgent=\"a\\xffb\"",
        "UserAgent=\"\"|UserAgent=\"a\\u00e9b\"",
        "UserAgent=\"\"|UserAgent=\"a\\U0001F600b\"",
        "UserAgent=\"\"|UserAgent=\"a\\101b\"",
        "UserAgent=\"\"|UserAgent=\"a\\'b\"",
        "UserAgent=\"\"|UserAgent=\"a\\qb\"",
        "UserAgent=\"\"|UserAgent=\"a\\nb\"",
        "UserAgent=\"\"|UserAgent=\"a\\r\\nb\"",
        "UserAgent=\"\"|UserAgent=\"a\\tb\\a\\b\\f\\v\\\\\\\"\"",
        "UserAgent=\"\"|UserAgent=\"a\tb\"",
        "UserAgent=\"\"|UserAgent=a\tb",
        "UserAgent=\"\"|UserAgent=\"a\u007fb\"",
        "UserAgent=\"\"|UserAgent=a\u007fb",
        "UserAgent=\"\"|UserAgent=\"caf\u00e9 \u2028 \u00a0\"",
        "UserAgent=\"\"|UserAgent=\"caf\u00e9\"",
        "UserAgent=\"\"|UserAgent=caf\u00e9",
        "UserAgent=\"\"|UserAgent=\u00a0",
        "UserAgent=\"\"|UserAgent=a\"b",
        "UserAgent=\"\"|UserAgent=a\\b",
        "UserAgent=\"\"|UserAgent=\"\\ud83d\\ude00\"",
        "UserAgent=\"\"|UserAgent=\"\ud83d\ude00\"",
        "UserAgent=\"\"|UserAgent=\"a\udcffb\"", // a byte of invalid UTF-8
        "UserAgent=\"\"|UserAgent=a\udcffb",
        "UserAgent=\"\"|UserAgent=\"unterminated",
        "UserAgent=\"\"|UserAgent=\"\u001b[31mred\u001b[0m\"",
        "UserAgent=\"\"|UserAgent=<nil>",
        "UserAgent=\"\"|UserAgent=\"<nil>\"",
        "UserAgent=\"\"|Extra=<nil>",
        "UserAgent=\"\"|Extra=\"<nil>\"",
        "UserAgent=\"\"|x\"y=1",
        "UserAgent=\"\"|x.y-z=1",
        "UserAgent=\"\"|caf\u00e9=1",
        "UserAgent=\"\"|=1",
        "UserAgent=\"\"|UserAgent",
        "UserAgent=\"\"|User Agent=1",
        "UserAgent=\"\"|trace=abc",
        "  UserAgent=\"\"|   UserAgent=\"\"",
        "  UserAgent=\"\"| UserAgent=\"\"",
        "StatusCode=200|StatusCode=\"200\"",
        "StatusCode=200|StatusCode=-12",
        "StatusCode=200|StatusCode=12345678901",
        "StatusCode=200|StatusCode=2.5",
        "StatusCode=200|StatusCode=-",
        "StatusCode=200|StatusCode=<nil>",
        "StatusCode=200|StatusCode=",
        "Diff=\"{}\"|Diff=\"\"",
        "Diff=\"{}\"|Diff=\"{ }\"",
        "Diff=\"{}\"|Diff=\"[1,2]\"",
        "Diff=\"{}\"|Diff=\"null\"",
        "Diff=\"{}\"|Diff=\"{<>}\"",
        "UserAgent=\"\"|UserAgent=\"a<b\"",
        "UserAgent=\"\"|Extra=\"a b\"  More=x<y  N=<nil>  Q=\"\\\"\"  R=caf\u00e9",
        "StatusCode=200|StatusCode=007",
        "Diff=\"{}\"|Diff={}",
        "Diff=\"{}\"|Diff=\"{\\\"a\\\": \\\"<b>&\\\"}\"",
        "Diff=\"{}\"|Diff=\"{\\\"a\\\":\\\"caf\u00e9\\\"}\"",
        "Time=\"2025-07-03T07:12:44.381926Z\"|Time=\"2025-07-03 07:12:44.381926 +0000 UTC\"",
        "Time=\"2025-07-03T07:12:44.381926Z\"|Time=\"2025-07-03T09:12:44.381926+02:00\"",
        "Time=\"2025-07-03T07:12:44.381926Z\"|Time=2025-07-03T07:12:44.381926Z",
        "Time=\"2025-07-03T07:12:44.381926Z\"|Time=\"yesterday\"",
        "Time=\"2025-07-03T07:12:44.381926Z\"|Time=\"2025-07-03T07:12:44.381926\\x5a\"",
        "Time=\"2025-07-03T07:12:44.381926Z\"  |",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=nope",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=B4F043E3-2010-4DD2-A1FE-A7C2C923E236",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=b4f043e32-010-4dd2-a1fe-a7c2c923e236",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e23g",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e2\u00e9",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e23",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e2366",
        "UserID=6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa|UserID=<nil>",
        "UserAgent=\"\"|UserAgent=a<b>&c",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236|ID=\"b4f043e3-2010-4dd2-a1fe-a7c2c923e236\"",
        "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236  |",
        "actor=\"&{ID:|actor=\"&{Id:",
        "actor=\"&{ID:|actor=&{ID:",
        "Email:alice@example.com|Email:al\\\"ice@ex ample.com",
        "Username:alice|Username:al\u00e9",
        "[info]|[warn]",
        "[info]|[INFO]",
        "[info]|[xyzw]",
        "[info]|[\u00e9\u00e9]",
        "coderd: |",
        "coderd: |coderd.sub: ",
        "coderd: |other: ",
        "coderd: |a b: ",
        "audit_log|audit_logx",
        "audit_log|connection_log",
        ".390 |.000 ",
        ".390 |.3x0 ",
        "2025-07-03|2025-07-0\u00e9",
        "Username:alice}\"|Username:alice}\" ...",
        "Username:alice}\"|Username:alice}\"  ",
        "Username:alice}\"|Username:alice}\" x",
      })
  void editedLinesMeanWhatTheTextPathSays(String edit) {
    String[] e = edit.split("\\|", -1);
    String line = LINE.replaceFirst(Pattern.quote(e[0]), Matcher.quoteReplacement(e[1]));
    assertThat(line).isNotEqualTo(LINE);
    List<Decoded> lf = same(line + "\n" + line + "\n");
    // CRLF input: the byte path drops the CR before the line feed (the text API is given lines
    // without it).
    assertThat(consistent(Golden.decodeAll(line + "\r\n" + line + "\r\n"))).isEqualTo(lf);
  }

  @Test
  void tracedLinesInEveryOrder() {
    String traced = Golden.line("conn_workspace_app_traced").human().strip();
    String t = "trace=4bf92f3577b34da6a3ce929d0e0e4736";
    String s = "span=00f067aa0ba902b7";
    for (String v :
        List.of(
            traced,
            traced.replace(t + "  " + s, s + "  " + t),
            traced.replace(t + "  ", ""),
            traced.replace("  " + s, ""),
            traced.replace(t, t + "  " + t),
            traced.replace(t, "trace=\"q\""),
            traced.replace(t, "trace=caf\u00e9"))) {
      same(v + "\n");
    }
  }

  @Test
  void multiLineEntriesAndCarriageReturnsMeanWhatTheTextPathSays() {
    for (Golden.Line g : Golden.lines()) {
      if (g.human().strip().contains("\n")) {
        same(g.human());
        consistent(Golden.decodeAll(g.human().replace("\n", "\r\n")));
        same(g.human().strip() + "\n" + LINE + "\n");
      }
    }
    same(LINE + " ...\n" + LINE + "\n");
    same(LINE + " ...\n");
    // The block's field is checked on its own when the first line passed the scanner's checks:
    // a bad value there, an ID or a Time in the block, a first line that fails a check.
    String id = "ID=b4f043e3-2010-4dd2-a1fe-a7c2c923e236  ";
    String[] blocks = {
      "    ResourceID= not\n                a uuid\n",
      "    UserAgent= a\n               b\n",
      "    ID= a\n        b\n",
      "    Time= a\n          b\n",
      "    StatusCode= 1\n                2\n",
      "    Extra= a\n           b\n",
    };
    for (String block : blocks) {
      same(LINE + " ...\n" + block);
      same(LINE.replace(id, "") + " ...\n" + block);
      same(LINE.replace("UserID=6dea5f8c", "UserID=xdea5f8c") + " ...\n" + block);
    }
  }

  @Test
  void randomEditsOfEveryGoldenLineMeanWhatTheTextPathSays() {
    Random r = new Random(14);
    String[] inserts = {
      " ",
      "  ",
      "\"",
      "\\",
      "=",
      "\t",
      "\u00e9",
      "\udcff",
      "\u2028",
      "\\x41",
      "\\n",
      "<nil>",
      ".",
      "\u007f",
      "\u001b[1m",
      "x",
      "0",
      "\\\"",
      " ...",
      "{"
    };
    List<String> lines = new ArrayList<>();
    for (Golden.Line g : Golden.lines()) {
      lines.add(g.human().lines().findFirst().orElseThrow());
    }
    for (int i = 0; i < 3000; i++) {
      String base = lines.get(r.nextInt(lines.size()));
      StringBuilder sb = new StringBuilder(base);
      int edits = 1 + r.nextInt(3);
      for (int k = 0; k < edits; k++) {
        int at = 24 + r.nextInt(sb.length() - 24);
        if (r.nextBoolean()) {
          sb.insert(at, inserts[r.nextInt(inserts.length)]);
        } else {
          sb.deleteCharAt(at);
        }
      }
      same(sb + "\n");
    }
  }

  /** Every ASCII character, a Latin-1 letter and U+2028: what the word-at-a-time scans see. */
  private static final String PROBES;

  static {
    StringBuilder p = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      if (c != '\n' && c != '\r') {
        p.append(c);
      }
    }
    PROBES = p.append('\u00e9').append('\u2028').toString();
  }

  /**
   * The prefix ({@code 2025-07-03 07:12:44.390 [info] }) is checked eight bytes at a time: any
   * character at any of its places means what the text path says.
   */
  @Test
  void everyCharacterAtEveryPlaceOfThePrefixMeansWhatTheTextPathSays() {
    for (int at = 0; at < HumanLineDecoder.PREFIX + 2; at++) {
      for (int k = 0; k < PROBES.length(); k++) {
        same(LINE.substring(0, at) + PROBES.charAt(k) + LINE.substring(at + 1) + "\n");
      }
    }
  }

  /**
   * Bare and quoted values, and UUIDs, are scanned eight bytes at a time: any character at any
   * place of a word (and of a UUID) means what the text path says, and a kept line is exactly what
   * the human format prints.
   */
  @Test
  void everyCharacterAtEveryPlaceOfAValueMeansWhatTheTextPathSays() {
    String word = "abcdefghijklmnopqrstuvw";
    for (int at = 0; at < word.length(); at++) {
      for (int k = 0; k < PROBES.length(); k++) {
        String v = word.substring(0, at) + PROBES.charAt(k) + word.substring(at + 1);
        same(LINE.replace("ResourceTarget=\"\"", "ResourceTarget=" + v) + "\n");
        same(LINE.replace("UserAgent=\"\"", "UserAgent=\"" + v + "\"") + "\n");
        same(LINE.replace("UserAgent=\"\"", "UserAgent=\"a b" + v + "\"") + "\n");
      }
    }
    String id = "b4f043e3-2010-4dd2-a1fe-a7c2c923e236";
    assertThat(LINE).contains("ID=" + id);
    for (int at = 0; at < id.length(); at++) {
      for (char c : "0aAfFgG-x z/:@`{\u00e9".toCharArray()) {
        String v = id.substring(0, at) + c + id.substring(at + 1);
        same(LINE.replace("ID=" + id, "ID=" + v) + "\n");
        same(LINE.replace("ID=" + id, "ID=" + v.toUpperCase(Locale.ROOT)) + "\n");
      }
    }
  }

  /**
   * A checked human line is held as its bytes (HumanLineFields): every field reads back as the text
   * path decodes it, by key too, and ID and Time come without decoding the rest.
   */
  @Test
  void checkedHumanLinesKeepTheirBytesAndReadBackEveryField() {
    int lazy = 0;
    for (Golden.Line g : Golden.lines()) {
      String line = g.human().lines().findFirst().orElseThrow();
      List<Decoded> d = Golden.decodeAll(line + "\n");
      if (d.size() != 1 || !(d.get(0) instanceof Decoded.Ok ok)) {
        continue;
      }
      Event e = ok.event();
      if (!(e.lazyFields() instanceof HumanLineFields)) {
        continue;
      }
      lazy++;
      Event text = ((Decoded.Ok) Golden.decodeAllText(line + "\n").get(0)).event();
      for (Field f : text.fields()) {
        assertThat(e.get(f.key())).isEqualTo(first(text.fields(), f.key()));
      }
      assertThat(e.get("NoSuchKey")).isNull();
      assertThat(e.id()).isEqualTo(text.id());
      assertThat(e.time()).isEqualTo(text.time());
      assertThat(JSON.format(e)).isEqualTo(JSON.format(text));
      assertThat(HUMAN.format(e)).isEqualTo(HUMAN.format(text));
      assertThat(e.fields()).isEqualTo(text.fields());
    }
    assertThat(lazy).isGreaterThanOrEqualTo(10);
  }

  /**
   * Lines read from the middle of a buffer (as a source hands them over): the held line and its
   * index start at the line, not at the buffer.
   */
  @Test
  void heldLinesFromTheMiddleOfABufferReadBackEveryField() {
    StringBuilder text = new StringBuilder("not an event\n");
    for (Golden.Line g : Golden.lines()) {
      text.append(g.human().lines().findFirst().orElseThrow().replace("Extra=", "x\"y="))
          .append('\n');
      text.append(LINE.replace("UserAgent=\"\"", "Extra=\"a b\"  More=x<y  N=<nil>")).append('\n');
    }
    List<Decoded> bytes = Golden.decodeAll(text.toString());
    List<Decoded> chars = Golden.decodeAllText(text.toString());
    assertThat(
            bytes.stream()
                .filter(d -> d instanceof Decoded.Ok ok && ok.event().lazyFields() != null))
        .hasSizeGreaterThan(20);
    lazyReadsAsDecoded(bytes, chars);
    assertThat(bytes).isEqualTo(chars);
  }

  @Test
  void hostileLinesMeanWhatTheTextPathSays() {
    String backslashes = "\\\\".repeat(512 * 1024);
    same(LINE.replace("UserAgent=\"\"", "UserAgent=\"" + backslashes + "\"") + "\n");
    same(LINE.replace("UserAgent=\"\"", "UserAgent=\"" + backslashes) + "\n");
    same(LINE.replace("UserAgent=\"\"", "UserAgent=" + "a".repeat(1 << 20)) + "\n");
    same(LINE.substring(0, 60) + " ".repeat(1 << 20) + "\n");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      many.append(LINE, 0, LINE.length() - 20 - (i % 50)).append('\n');
    }
    List<Decoded> d = same(many.toString());
    assertThat(d).hasSize(1000).allMatch(x -> x instanceof Decoded.Rejected);
  }

  @Test
  void humanInputToJsonKeepsTheValues() {
    for (Golden.Line g : Golden.lines()) {
      Event e = ((Decoded.Ok) Golden.decodeAll(g.human()).get(0)).event();
      Event t = ((Decoded.Ok) Golden.decodeAllText(g.human()).get(0)).event();
      assertThat(JSON.format(e)).isEqualTo(JSON.format(t));
    }
  }

  private static final String JSON_LINE = Golden.lines().get(0).json().strip();

  /** The human record of a lazily read JSON line equals the render from its decoded values. */
  private static void humanFromJsonLine(String line) {
    for (Decoded d : Golden.decodeAll(line + "\n")) {
      if (d instanceof Decoded.Ok ok) {
        Event e = ok.event();
        assertThat(HUMAN.format(e)).isEqualTo(fromValues(e));
        assertThat(HUMAN_V3.format(e)).isEqualTo(fromValuesV3(e));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void humanFromEveryGoldenJsonLineEqualsTheRenderFromValues(Golden.Line g) {
    Event e = Golden.decodeOne(g.json());
    assertThat(e.lazyFields()).isNotNull();
    humanFromJsonLine(g.json().strip());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"UserAgent\":\"\"|\"UserAgent\":\"a b\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"ab\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\u003cb\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"caf\u00e9\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\nb\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\\\nb\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\u000ab\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\u000Ab\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"\\u000a a \\u000a\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\u0009b\\u00e9\"",
        "\"ResourceType\":\"workspace_build\"|\"ResourceType\":\"a\\nb\"",
        "\"Ip\":\"203.0.113.45\"|\"Ip\":\"\\u003cnil\\u003e\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"x\\\"y\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"\\u003cnil\\u003e\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\tb\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"abc\\n\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"\\n abc \\n\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\u000ab\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\\\nb\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\\nb\",\"Extra\":\"c\\nd\"",
        "\"Diff\":{}|\"Diff\":{\"a\":\"x\\ny\"}",
        "\"Diff\":{}|\"Diff\":\"x\\ny\"",
        "\"UserAgent\":\"\"|\"UserAgent\":\"a\u007fb\"",
        "\"Diff\":{}|\"Diff\":null",
        "\"Diff\":{}|\"Diff\":[1,2]",
        "\"Diff\":{}|\"Diff\":{\"a\":\"b c\",\"q\":\"\\\"\"}",
        "\"Diff\":{}|\"Diff\":{\"a\":\"\\u003c\"}",
        "\"Diff\":{}|\"Diff\":{\"a\":\"caf\u00e9\"}",
        "\"Diff\":{}|\"Diff\":\"str\"",
        "\"Diff\":{}|\"Diff\":12",
        "\"Diff\":{}|\"Diff\":{\"a\":{\"b\":[{},[]]},\"c\":\"}]\"}",
        "\"Diff\":{}|\"Diff\":{\"a\":\"x\\\\y\",\"b\":\"\\\\\\\"\",\"c\":\"\\u0041\\/\"}",
        "\"AdditionalFields\":{|\"AdditionalFields\":{\"p\":\"C:\\\\dir\\\\\",\"q\":[\"\\\"{\"],",
        "\"StatusCode\":200|\"StatusCode\":-1",
        "\"StatusCode\":200|\"StatusCode\":2.5",
        "\"actor\":{\"id\"|\"actor\":{\"x\":\"y\",\"id\"",
        "\"Username\"|\"Username\"",
        "\"username\":\"alice\"|\"username\":\"al ice\"",
        "\"username\":\"alice\"|\"username\":\"al\\\"ice\"",
        "\"username\":\"alice\"|\"username\":\"al\u00e9\"",
        "\"RequestID\":|\"Extra\":true,\"Other\":false,\"N\":null,\"O\":{\"a\":1},\"A\":[],\"F\":1.5,\"S\":\"x y\",\"k y\":1,\"RequestID\":",
        "\"Time\":\"2025-07-03T07:12:44.381926Z\"|\"Time\":\"2025-07-03T09:12:44.381926+02:00\"",
        "\"Time\":\"2025-07-03T07:12:44.381926Z\"|\"Time\":\"2025-07-03T07:12:44.381926\\u005a\"",
      })
  void humanFromEditedJsonLinesEqualsTheRenderFromValues(String edit) {
    String[] e = edit.split("\\|", -1);
    humanFromJsonLine(JSON_LINE.replaceFirst(Pattern.quote(e[0]), Matcher.quoteReplacement(e[1])));
  }
}
