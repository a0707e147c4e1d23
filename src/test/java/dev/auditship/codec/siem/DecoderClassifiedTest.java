package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.Format;
import dev.auditship.codec.JsonFormat;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.Envelope;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoTime;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the JSON decoder tells the formats about the strings it saw whole (the actor's strings as
 * classified {@link Value.Str}s, the envelope's {@code ts} as {@link Envelope#tsMicros()}, raw JSON
 * that is compact with nothing to escape, {@link Value.Raw#compactPlain()}) against the general
 * path the formats take for the same event built from plain values, byte for byte, in every format,
 * over hostile text: escapes, non-ASCII, U+2028, invalid UTF-8, {@code < > &}, {@code = |}, LEEF
 * delimiters that occur in times, spaces in raw JSON. Each claim is also checked against the text.
 */
class DecoderClassifiedTest {
  private static final String LINE =
      "{\"ts\":TS,\"level\":\"INFO\",\"msg\":\"audit_log\",\"caller\":\"/home/runner/work/coder/coder/"
          + "enterprise/audit/backends/slog.go:36\",\"func\":\"github.com/coder/coder/v2/enterprise/"
          + "audit/backends.(*SlogExporter).ExportStruct\",\"logger_names\":[\"coderd\"],\"fields\":{"
          + "\"ID\":\"b4f043e3-2010-4dd2-a1fe-a7c2c923e236\",\"Time\":\"2025-07-03T07:12:44.381926Z\","
          + "\"UserID\":\"6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa\",\"OrganizationID\":"
          + "\"0665a54f-0b77-4a58-94aa-59646fa38a74\",\"Ip\":\"203.0.113.45\",\"UserAgent\":UA,"
          + "\"ResourceType\":\"workspace_build\",\"ResourceID\":\"ca5647e0-ef50-4202-a246-717e04447380\","
          + "\"ResourceTarget\":\"\",\"Action\":\"start\",\"Diff\":DIFF,\"StatusCode\":200,"
          + "\"AdditionalFields\":MORE,\"RequestID\":\"bb791ac3-f6ee-4da8-8ec2-f54e87013e93\","
          + "\"ResourceIcon\":\"\",\"actor\":ACTOR}}";

  /** Tokens of the line as JSON text (escapes as written); {@code \u0080} stands for byte 0x80. */
  private static final String[] TS = {
    "\"2025-07-03T07:12:44.390512107Z\"",
    "\"2025-07-03t07:12:44.39z\"",
    "\"2025-07-03T09:12:44+02:00\"",
    "\"2025-07-03T05:12:44.5-01:30\"",
    "\"2025-07-03T07:12:44Z\"",
    "\"1969-12-31T23:59:59.999999999Z\"",
    "\"\\u0032025-07-03T07:12:44Z\""
  };

  private static final String[] STRINGS = {
    "alice",
    "",
    "alice@example.com",
    "6dea5f8c-ecec-4cf0-a5bd-bc2c63af2efa",
    "a b",
    "a\\\"b",
    "a\\\\b",
    "a\\nb",
    "a\\tb",
    "\\u003cscript\\u003e\\u0026",
    "<b>&</b>",
    "a<b",
    "a>b",
    "a&b",
    "x=y|z",
    "2025-07-03T07:12:44:-.+^",
    "é ü",
    "日本",
    "\u2028",
    "\\u2028",
    "\u0080",
    "\u007f",
    "\\ud83d\\ude00",
    "\\u003cnil\\u003e",
    "\\u003cnil\\u003e\\\"",
    "\\u003c\\u0000\\u003e",
    "\\/ \\u007e"
  };

  private static final String[] RAW = {
    "{}",
    "[]",
    "{\"a\":1}",
    "{\"display_name\":{\"Old\":\"Docker\",\"New\":\"Docker Containers\",\"Secret\":false}}",
    "[1,-2.5e3,0,true,false,null,\"\",\" \",{}]",
    "\"x y\"",
    "\"a=b\"",
    "{\"k\":\"v=w\"}",
    "{\"k\":\"a^b:c-d.e+f|g\"}",
    "{\"k\":\"a\\\"b\"}",
    "{\"k\":\"a\\\\ b\"}",
    "{\"k\":\"\\u003cb\\u003e\"}",
    "{\"k\":\"<b>&amp;</b>\"}",
    "{\"k\":\"a<b\"}",
    "[\">\"]",
    "\"&\"",
    "{\"k\":\"tab\\there\"}",
    "{\"k\":\"é ü\"}",
    "{\"k\":\"\u2028\"}",
    "{\"k\":\"\u0080\"}",
    "{\"k\":\"\u007f\"}",
    "{\"a\": 1}",
    "{ \"a\":\"b c\" }"
  };

  /** json and every SIEM format, LEEF with delimiters a time, an e-mail or raw JSON may hold. */
  private static final Map<String, Format> FORMATS = formats();

  private static Map<String, Format> formats() {
    Map<String, Format> m = new LinkedHashMap<>();
    m.put("json", new JsonFormat(EnvelopeDefaults.CODER));
    for (String name : SiemFormats.NAMES) {
      m.put(name, SiemFormats.withDefaults(name));
    }
    SiemOptions.Leef d = SiemOptions.Leef.DEFAULT;
    for (char c : new char[] {'^', '|', ':', '-', '.', '+', ',', '@', '"', '<'}) {
      m.put(
          "leef" + c,
          SiemFormats.leef(
              new SiemOptions.Leef(d.vendor(), d.product(), d.version(), c, d.severity())));
    }
    return m;
  }

  @Test
  void theDecodersClaimsAreTrueAndEveryFormatWritesWhatTheGeneralPathWrites() {
    int lines = 0;
    int tsKnown = 0;
    int actorsClassified = 0;
    int actorsJsonSafe = 0;
    int rawPlain = 0;
    int strs = 0;
    int strsJsonSafe = 0;
    int rawPlainNoEquals = 0;
    List<String[]> cases = new ArrayList<>();
    for (String ts : TS) {
      cases.add(new String[] {ts, "{}", "{\"a\":1}", actor("\"alice\"", "\"a@b.c\"", "\"alice\"")});
    }
    for (String s : STRINGS) {
      String q = "\"" + s + "\"";
      cases.add(new String[] {TS[0], "{}", "{}", actor(q, q, q)});
      cases.add(new String[] {TS[0], "{}", "{}", actor("\"id\"", q, "\"bob\""), q});
    }
    // Keys out of order (not the canonical line) and escaped (the eager path decodes it).
    cases.add(
        new String[] {TS[0], "{}", "{}", "{\"username\":\"u\",\"email\":\"e\",\"id\":\"i\"}"});
    cases.add(
        new String[] {
          TS[0], "{}", "{}", "{\"\\u0069d\":\"i\",\"email\":\"e\",\"username\":\"u\"}"
        });
    for (String raw : RAW) {
      cases.add(new String[] {TS[0], raw, raw, actor("\"i\"", "\"e\"", "\"u\"")});
    }
    for (String[] c : cases) {
      String text =
          LINE.replace("TS", c[0])
              .replace("DIFF", c[1])
              .replace("MORE", c[2])
              .replace("ACTOR", c[3])
              .replace("UA", c.length > 4 ? c[4] : "\"curl\"");
      Event decoded = decode(text);
      lines++;
      Envelope env = decoded.envelope();
      if (env.tsKnown()) {
        tsKnown++;
        assertThat(env.tsMicros()).as(text).isEqualTo(GoTime.epochMicrosOf(env.ts()));
        assertThat(Math.floorDiv(env.tsMicros(), 1000L)).isEqualTo(Coder.epochMillis(env.ts()));
      }
      List<Field> general = new ArrayList<>();
      for (Field f : decoded.fields()) {
        Value v = f.value();
        if (v instanceof Value.Actor a) {
          if (a.idStr() != null) {
            actorsClassified++;
            for (Value.Str s : List.of(a.idStr(), a.emailStr(), a.usernameStr())) {
              actorsJsonSafe += s.jsonSafe() ? 1 : 0;
              assertClaimsHold(s, text);
            }
          }
          v = new Value.Actor(a.id(), a.email(), a.username());
        } else if (v instanceof Value.Str s) {
          strs++;
          strsJsonSafe += s.jsonSafe() ? 1 : 0;
          assertClaimsHold(s, text);
          // The general way: no claim a writer could take a shortcut on.
          v = Value.Str.classified(s.value(), false, false, s.value().contains("\n"), false);
        } else if (v instanceof Value.Raw r) {
          if (r.compactPlain()) {
            rawPlain++;
            assertCompactPlain(r.json(), text);
          }
          if (r.compactPlainNoEquals()) {
            rawPlainNoEquals++;
            assertThat(r.json()).as(text).doesNotContain("=");
          }
          v = new Value.Raw(r.json());
        }
        general.add(new Field(f.key(), v));
      }
      Envelope plainEnv =
          new Envelope(
              env.ts(),
              env.level(),
              env.caller(),
              env.func(),
              env.loggerNames(),
              env.trace(),
              env.span());
      Event fast = new Event(decoded.kind(), env, decoded.fields());
      Event slow = new Event(decoded.kind(), plainEnv, general);
      for (Map.Entry<String, Format> f : FORMATS.entrySet()) {
        assertThat(render(f.getValue(), fast))
            .as("%s: %s", f.getKey(), text)
            .isEqualTo(render(f.getValue(), slow));
      }
    }
    // Every fast path was taken, and the general one too.
    assertThat(lines).isEqualTo(cases.size());
    assertThat(tsKnown).isBetween(1, lines - 1);
    assertThat(actorsClassified).isBetween(1, lines);
    assertThat(actorsJsonSafe).isBetween(1, 3 * actorsClassified - 1);
    assertThat(rawPlain).isBetween(1, 2 * lines - 1);
    assertThat(strsJsonSafe).isBetween(1, strs - 1);
    assertThat(rawPlainNoEquals).isBetween(1, rawPlain - 1);
  }

  private static String actor(String id, String email, String username) {
    return "{\"id\":" + id + ",\"email\":" + email + ",\"username\":" + username + "}";
  }

  /** The flags of a decoder's string, against what the text holds. */
  private static void assertClaimsHold(Value.Str s, String line) {
    String t = s.value();
    Value.Str looked = new Value.Str(t);
    if (s.jsonSafe()) {
      assertThat(looked.jsonSafe()).as("json-safe %s in %s", t, line).isTrue();
    }
    if (s.ascii()) {
      assertThat(looked.ascii()).as("ascii %s in %s", t, line).isTrue();
    }
    if (s.humanBare()) {
      assertThat(looked.humanBare()).as("bare %s in %s", t, line).isTrue();
    }
    if (s.noEqualsOrBar()) {
      assertThat(t).as(line).doesNotContain("=").doesNotContain("|");
    }
  }

  /** Printable ASCII without {@code \ < > &}, and every space inside a string. */
  private static void assertCompactPlain(String json, String line) {
    boolean in = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      assertThat(c >= 0x20 && c < 0x7f && "\\<>&".indexOf(c) < 0)
          .as("%s in %s", json, line)
          .isTrue();
      if (c == '"') {
        in = !in;
      }
      assertThat(c != ' ' || in).as("space outside a string: %s", json).isTrue();
    }
  }

  /**
   * The one event of {@code text} through the decoder a source uses ({@code \u0080}: that byte).
   */
  private static Event decode(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] == (byte) 0xC2 && utf8[i + 1] == (byte) 0x80) {
        i++; // U+0080's UTF-8: the lone byte 0x80 (invalid UTF-8) instead
      }
      bytes.write(utf8[i]);
    }
    byte[] b = bytes.toByteArray();
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    d.line(1, b, 0, b.length);
    d.finish();
    assertThat(out).as(text).hasSize(1);
    assertThat(out.get(0)).as(text).isInstanceOf(Decoded.Ok.class);
    return ((Decoded.Ok) out.get(0)).event();
  }

  private static String render(Format f, Event e) {
    ByteBuf b = new ByteBuf(16);
    f.write(e, b);
    return new String(b.toByteArray(), StandardCharsets.ISO_8859_1);
  }
}
