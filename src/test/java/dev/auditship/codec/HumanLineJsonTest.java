package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.testutil.Golden;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoText;
import dev.auditship.text.GoTime;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The json format of a held human line ({@link HumanLineFields}) writes strings, raw JSON and
 * actors straight from the line's bytes ({@link HumanLineJson}): byte for byte what decoding the
 * values and writing them gives, and what the text path's event gives, on hard text. Also the
 * line's {@code Time} in microseconds and the ASCII fields copied for syslog structured data.
 */
class HumanLineJsonTest {
  private static final Format JSON = new JsonFormat(EnvelopeDefaults.CODER);
  private static final Format HUMAN = new HumanFormat(false);
  private static final String LINE = Golden.lines().get(0).human().strip();

  /** Text that every escaping rule meets; a surrogate escape (U+DC80..U+DCFF) is a raw byte. */
  private static final List<String> HARD =
      List.of(
          "",
          "plain",
          "a b",
          "<script>&amp;</script>",
          "x<y",
          "\u2028",
          "x\u2029y \u2028",
          "tab\there",
          "a\r\nb",
          "\r\n",
          "cr\r",
          "\nstart",
          "end\n",
          "\u0007bell\u000bvt",
          "\b\f",
          "q\"q",
          "\"",
          "b\\s",
          "\\",
          "it's",
          "caf\u00e9",
          "\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8",
          "\ud83d\ude00 and \ud83c\udf89",
          "\u00a0nbsp",
          "\u0085",
          "\u007f",
          "\u00ad",
          "\ufeff",
          "\ufffd",
          "\u0000",
          "\u001f",
          "\udcff",
          "a\udcc3b",
          "\udced\udca0\udc80",
          "x\udce2\udc80",
          "\udcc3",
          "mixed <\u00e9> \"\\\" \t\udcfe\u2029 & end",
          " Email: Username:",
          "} &{ID:",
          "long " + "x".repeat(5000) + "<" + "\u00e9".repeat(3000) + "\u2028",
          "\\".repeat(2000),
          // A line of 64 KiB or more has an index of its own layout (HumanLineScanner.index()).
          "y".repeat(70_000) + "<\u00e9>\t",
          "ab\"cd\\ef<gh".repeat(300));

  /** slog's spelling, strconv.Quote's always, and hand-made spellings slog would not print. */
  private static List<String> spellings(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder human = new StringBuilder();
    GoText.appendHumanQuoted(human, s);
    out.add(human.toString());
    StringBuilder quoted = new StringBuilder();
    GoText.appendQuoted(quoted, s);
    out.add(quoted.toString());
    // Only the quote and the backslash escaped: raw non-ASCII, invalid bytes and controls.
    out.add('"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
    // Every escape strconv.Unquote reads that the byte scanner accepts, where it can be used.
    out.add(
        '"'
            + s.replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("'", "\\'")
                .replace("\u0007", "\\a")
                .replace("\b", "\\b")
                .replace("\f", "\\f")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
                .replace("\t", "\\t")
                .replace("\u000b", "\\v")
            + '"');
    if (!s.isEmpty() && s.indexOf(' ') < 0 && s.charAt(0) != '"') {
      out.add(s); // bare, with whatever it holds
    }
    // A raw line break would end the line (multiLineValuesWithCarriageReturns has those).
    out.removeIf(v -> v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0);
    return out;
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder();
    GoText.appendJsonString(b, s);
    return b.toString();
  }

  private int held;

  @Test
  void hardStringsRawJsonAndActorsAreWrittenAsTheirDecodedValues() {
    for (String s : HARD) {
      for (String v : spellings(s)) {
        check(LINE.replace("UserAgent=\"\"", "UserAgent=" + v));
        check(LINE.replace("ResourceTarget=\"\"", "ResourceTarget=" + v));
        check(LINE + "  Extra=" + v);
        check(LINE.replace("ID=b4f043e3", "trace=" + v + "  ID=b4f043e3"));
      }
      String[] raws = {
        "{\"k\":" + json(s) + "}",
        "{ \"k\" : " + json(s) + " ,\n\t\"n\" : [ 1 , 2 ]\r\n}",
        "[" + json(s) + ", " + json(s + " \\") + "]",
        // Strings holding < > & U+2028 as they are (Go's json.RawMessage keeps them; the format
        // escapes them inside strings only).
        "{\"k\": \"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\", \"<\" : \"&\u2028\"}",
        s,
      };
      for (String raw : raws) {
        for (String v : spellings(raw)) {
          if (v.startsWith("\"")) {
            check(LINE.replace("Diff=\"{}\"", "Diff=" + v));
            check(
                LINE.replaceFirst("AdditionalFields=\"[^ ]*\"", "AdditionalFields=" + quoteRe(v)));
          }
        }
      }
      String actor = "&{ID:" + s + " Email:" + s + " Username:" + s + "}";
      for (String v : spellings(actor)) {
        check(LINE.replaceFirst("actor=\".*\"$", "actor=" + quoteRe(v)));
      }
    }
    // Most of these lines are held and written from their bytes (the rest go to the text path:
    // control bytes, x/u escapes).
    assertThat(held).isGreaterThan(1500);
  }

  /** Times in every spelling the shape allows, and some it does not (the text path decides). */
  @Test
  void timesAreWrittenAndCountedAsTheirDecodedValues() {
    String time = "Time=\"2025-07-03T07:12:44.381926Z\"";
    assertThat(LINE).contains(time);
    for (String t :
        List.of(
            "\"2025-07-03t07:12:44.381926z\"",
            "\"2025-07-03T07:12:44z\"",
            "\"2025-07-03t07:12:44Z\"",
            "\"2025-07-03T07:12:44.123456789+02:00\"",
            "\"2025-07-03T07:12:44.1-11:30\"",
            "\"2024-02-29T23:59:59Z\"",
            "\"2025-02-29T23:59:59Z\"",
            "\"2025-07-03T07:12:44.Z\"",
            "\"2025-07-03T07:12:44\\x2e1Z\"",
            "\"2025-07-03T07:12:44\\t1Z\"",
            "\"2025-07-03 07:12:44.381926 +0000 UTC\"",
            "2025-07-03T07:12:44Z",
            "\"\"")) {
      check(LINE.replace(time, "Time=" + t));
      check(LINE.replace(time, "Time=" + t + "  " + time));
    }
  }

  private static String quoteRe(String v) {
    return v.replace("\\", "\\\\").replace("$", "\\$");
  }

  @Test
  void exactBytesOfHardValues() {
    assertThat(fields(LINE.replace("UserAgent=\"\"", "UserAgent=\"<a\u2028\\tb> \\a\\v\\'\"")))
        .contains("\"UserAgent\":\"\\u003ca\\u2028\\tb\\u003e \\u0007\\u000b'\"");
    assertThat(fields(LINE.replace("UserAgent=\"\"", "UserAgent=x\udcffy\u2029")))
        .contains("\"UserAgent\":\"x\\ufffdy\\u2029\"");
    assertThat(fields(LINE.replace("Diff=\"{}\"", "Diff=\"{ \\\"a\\\" : \\\"<\\\\\\\" \\\" }\"")))
        .contains("\"Diff\":{\"a\":\"\\u003c\\\" \"}");
    assertThat(
            fields(
                LINE.replaceFirst(
                    "actor=\".*\"$",
                    quoteRe("actor=\"&{ID:a\\\"b Email:<e> Username:caf\u00e9}\""))))
        .endsWith(
            "\"actor\":{\"id\":\"a\\\"b\",\"email\":\"\\u003ce\\u003e\",\"username\":\"caf\u00e9\"}}}");
  }

  /** The fields of the line's json record, checking that it was held and written from its bytes. */
  private String fields(String line) {
    int before = held;
    String json = new String(check(line), StandardCharsets.UTF_8);
    assertThat(held).isEqualTo(before + 1);
    return json.substring(json.indexOf(",\"fields\":"));
  }

  /**
   * A multi-line value (the text path): slog prints {@code a\r\nb} as {@code a\r}, a line break and
   * the indented {@code b}; a held value with the escapes {@code \r\n} on the same event.
   */
  @Test
  void multiLineValuesWithCarriageReturns() {
    String text =
        LINE.replace("UserAgent=\"\"", "Extra=\"<a>\\r\\n\"")
            + " ...\n    UserAgent= a\r\n               b\n";
    List<Decoded> bytes = Golden.decodeAll(text);
    List<Decoded> chars = Golden.decodeAllText(text);
    assertThat(bytes).hasSize(1).allMatch(d -> d instanceof Decoded.Ok, bytes.toString());
    Event e = ((Decoded.Ok) bytes.get(0)).event();
    Event t = ((Decoded.Ok) chars.get(0)).event();
    assertThat(JSON.bytes(e)).isEqualTo(JSON.bytes(t));
    assertThat(JSON.format(e)).contains("\"UserAgent\":\"a\\r\\nb\"");
  }

  /**
   * Decodes the line on the byte path and on the text path: the json records are equal, and for a
   * held line the bytes written from the line equal the ones written from decoded values, the
   * {@code Time} in microseconds is the decoded Time's, and every field {@code appendAscii} copies
   * is the decoded value's text.
   */
  private byte[] check(String line) {
    List<Decoded> bytes = Golden.decodeAll(line + "\n");
    List<Decoded> chars = Golden.decodeAllText(line + "\n");
    assertThat(bytes).hasSameSizeAs(chars);
    byte[] record = null;
    for (int i = 0; i < bytes.size(); i++) {
      if (!(bytes.get(i) instanceof Decoded.Ok ok)) {
        assertThat(bytes.get(i)).isEqualTo(chars.get(i));
        continue;
      }
      Event e = ok.event();
      Event t = ((Decoded.Ok) chars.get(i)).event();
      record = JSON.bytes(e);
      assertThat(new String(record, StandardCharsets.UTF_8))
          .as(line)
          .isEqualTo(new String(JSON.bytes(t), StandardCharsets.UTF_8));
      assertThat(record).isEqualTo(JSON.bytes(t));
      if (e.lazyFields() instanceof HumanLineFields h) {
        held++;
        ByteBuf fromBytes = new ByteBuf(64);
        ByteBuf decoded = new ByteBuf(64);
        h.writeJsonFields(fromBytes);
        h.writeJsonFieldsDecoded(decoded);
        assertThat(fromBytes.toByteArray()).as(line).isEqualTo(decoded.toByteArray());
        assertThat(h.timeMicros()).isEqualTo(GoTime.epochMicrosOf(t.time()));
        for (Field f : t.fields()) {
          appendAsciiReadsAsGet(h, f.key(), e.get(f.key()));
        }
        appendAsciiReadsAsGet(h, "NoSuchKey", null);
      }
      // Last (the human format may decode the fields): a line kept as the human record is exactly
      // what the human format prints.
      assertThat(HUMAN.bytes(e)).isEqualTo(HUMAN.bytes(t));
    }
    return record;
  }

  private static void appendAsciiReadsAsGet(LazyFields h, String key, Value v) {
    ByteBuf out = new ByteBuf(16);
    int r = h.appendAscii(key, out);
    String text = Utf8.decode(out.array(), 0, out.length());
    switch (r) {
      case LazyFields.WRITTEN -> {
        if (v instanceof Value.Num n) {
          assertThat(text).isEqualTo(n.text());
        } else {
          assertThat(v).isInstanceOf(Value.Str.class);
          assertThat(text).isEqualTo(((Value.Str) v).value()).matches("[\\x20-\\x7e]*");
        }
      }
      case LazyFields.ABSENT -> {
        assertThat(out.length()).isZero();
        assertThat(v == null || v == Value.Null.INSTANCE).as(key).isTrue();
      }
      default -> assertThat(out.length()).isZero();
    }
  }
}
