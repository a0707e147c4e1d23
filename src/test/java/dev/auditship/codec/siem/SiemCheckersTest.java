package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.codec.Format;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Value;
import dev.auditship.testutil.Cli;
import dev.auditship.testutil.Golden;
import dev.auditship.testutil.LineVariants;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIEM formats checked by implementations of their standards that nobody here wrote
 * (docs/formats.md, "How the formats are checked"): Elastic's ECS field definitions (npm
 * {@code @elastic/ecs}) and nsyslog-parser's CEF and LEEF parsers, installed under
 * src/test/checkers by .ci/install-checkers.sh. Run on every golden event, on hostile text, and on
 * the golden lines without fields Coder always prints. Without node or the packages the test is
 * skipped, except under CI=true, where it fails.
 */
class SiemCheckersTest {
  static final Path CHECKERS = Path.of("src/test/checkers");
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void checkersInstalled() {
    boolean present =
        Files.isDirectory(CHECKERS.resolve("node_modules/@elastic/ecs"))
            && Files.isDirectory(CHECKERS.resolve("node_modules/nsyslog-parser"))
            && nodeRuns();
    if (!present) {
      String why =
          "the SIEM checkers are not installed: run bash .ci/install-checkers.sh (needs node and"
              + " npm)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
  }

  private static boolean nodeRuns() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs the checker on the records (one per line) and returns its verdict per record. */
  static List<JsonNode> check(String mode, List<String> records) throws Exception {
    Process p =
        new ProcessBuilder("node", "check.js", mode)
            .directory(CHECKERS.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream in = p.getOutputStream()) {
                for (String r : records) {
                  in.write(r.getBytes(StandardCharsets.UTF_8));
                  in.write('\n');
                }
              } catch (IOException ignored) {
                // the checker died; its exit code tells
              }
            });
    writer.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream o = p.getInputStream()) {
      o.transferTo(out);
    }
    writer.join();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("checker exit code").isZero();
    List<JsonNode> verdicts = new ArrayList<>();
    for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!l.isEmpty()) {
        verdicts.add(JSON.readTree(l));
      }
    }
    assertThat(verdicts).hasSameSizeAs(records);
    return verdicts;
  }

  static List<Event> golden() {
    List<Event> all = new ArrayList<>();
    for (Golden.Line l : Golden.lines()) {
      all.add(Golden.decodeOne(l.json()));
    }
    return all;
  }

  /**
   * The golden lines without fields Coder always prints, as the decoder reads them ({@link
   * LineVariants#missingFields()}).
   */
  static List<Event> missingFields() {
    List<Event> all = new ArrayList<>();
    for (LineVariants.Named m : LineVariants.missingFields()) {
      all.add(Golden.decodeOne(m.json()));
    }
    return all;
  }

  static List<Event> everything() {
    List<Event> all = new ArrayList<>(golden());
    all.addAll(HostileEvents.all());
    all.addAll(missingFields());
    return all;
  }

  static List<String> render(Format f, List<Event> events) {
    return events.stream().map(f::format).toList();
  }

  @Test
  void everyEcsDocumentUsesOnlyEcsFieldsWithTheirTypesOrCoderFields() throws Exception {
    List<Event> events = everything();
    List<String> docs = render(SiemFormats.withDefaults("ecs"), events);
    List<JsonNode> verdicts = check("ecs", docs);
    for (int i = 0; i < docs.size(); i++) {
      assertThat(verdicts.get(i).get("ok").asBoolean())
          .as("%s: %s", events.get(i), verdicts.get(i))
          .isTrue();
    }
  }

  @Test
  void theEcsSampleRunsAndWritesDocumentsTheEcsCheckerAccepts(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("samples"));
    for (String f : List.of("file-ecs.yaml", "coder-server.log")) {
      Files.copy(Path.of("samples", f), dir.resolve("samples").resolve(f));
    }
    Cli.Result r = Cli.run(dir, null, "run", "--config", "samples/file-ecs.yaml");
    assertThat(r.exit()).as(r.stderr()).isZero();
    List<String> docs = Files.readAllLines(dir.resolve("out/coder-ecs.ndjson"));
    assertThat(docs).hasSize(11);
    for (JsonNode v : check("ecs", docs)) {
      assertThat(v.get("ok").asBoolean()).as(v.toString()).isTrue();
    }
  }

  @Test
  void hostileTextRoundTripsThroughEcs() throws Exception {
    for (HostileEvents.Case c : HostileEvents.cases()) {
      JsonNode audit = JSON.readTree(SiemFormats.withDefaults("ecs").format(c.audit()));
      assertThat(audit.at("/coder/resource/target").asText()).isEqualTo(c.expected());
      assertThat(audit.at("/user_agent/original").asText()).isEqualTo(c.expected());
      assertThat(audit.at("/user/name").asText()).isEqualTo(c.expected());
      JsonNode conn = JSON.readTree(SiemFormats.withDefaults("ecs").format(c.connection()));
      assertThat(conn.at("/event/reason").asText()).isEqualTo(c.expected());
      assertThat(conn.at("/coder/workspace/name").asText()).isEqualTo(c.expected());
    }
  }

  @Test
  void cefParsesBackWithEveryFieldOnGoldenAndHostileEvents() throws Exception {
    kv("cef", SiemFormats.withDefaults("cef"));
  }

  @Test
  void leefParsesBackWithEveryFieldOnGoldenAndHostileEvents() throws Exception {
    kv("leef", SiemFormats.withDefaults("leef"));
  }

  @Test
  void leefWithACaretDelimiterParsesBack() throws Exception {
    kv(
        "leef",
        SiemFormats.leef(
            new SiemOptions.Leef("Co|der", "core\\d", "2.3", '^', new Severities(1, 9, 5))));
  }

  @Test
  void cefHeaderOptionsWithPipesAndBackslashesParseBack() throws Exception {
    Format f =
        SiemFormats.cef(new SiemOptions.Cef("Co|der", "core\\d", "2|3", new Severities(0, 10, 5)));
    JsonNode v = check("cef", render(f, golden())).get(0);
    assertThat(unescapeHeader(v.at("/header/deviceVendor").asText())).isEqualTo("Co|der");
    assertThat(unescapeHeader(v.at("/header/deviceProduct").asText())).isEqualTo("core\\d");
    assertThat(unescapeHeader(v.at("/header/deviceVersion").asText())).isEqualTo("2|3");
  }

  /**
   * Every Coder field value of every event is found, unescaped, among the parsed values: nothing
   * lost or mangled on the way. One gap: nsyslog-parser 0.10.1 splits an extension value at any
   * {@code =} (it does not know CEF's {@code \=} escape, and takes only the text up to a second
   * {@code =} in LEEF), so a value holding {@code =} is checked against the record's text instead
   * (docs/formats.md, "How the formats are checked").
   */
  private static void kv(String mode, Format f) throws Exception {
    List<Event> events = everything();
    List<String> records = render(f, events);
    List<JsonNode> verdicts = check(mode, records);
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      JsonNode v = verdicts.get(i);
      assertThat(v.get("ok").asBoolean()).as("%s: %s", e, v).isTrue();
      List<String> parsed = new ArrayList<>();
      for (JsonNode value : v.get("fields")) {
        parsed.add(
            mode.equals("cef") ? unescapeCef(value.asText()) : unescapeLeef(value.asText(), f));
      }
      // nsyslog-parser 0.10.1 ends a LEEF 2.0 header at the seventh |, as for CEF, so a | in a
      // LEEF attribute value cuts the parse short there: such a record is checked as text.
      String record = records.get(i);
      boolean parserGap = mode.equals("leef") && record.indexOf('|', headerEnd(record)) >= 0;
      for (String expected : coderValues(e)) {
        if (parserGap || expected.indexOf('=') >= 0) {
          assertThat(record)
              .as("%s keeps %s", e, abbreviate(expected))
              .contains(mode.equals("cef") ? escapeCef(expected) : escapeLeef(expected, f));
          continue;
        }
        assertThat(parsed)
            .as(
                "%s (record %d): value %s in %s",
                e, i, abbreviate(expected), abbreviate(v.toString()))
            .contains(expected);
      }
    }
  }

  /** Where a LEEF 2.0 record's attributes start: after the sixth unescaped |. */
  private static int headerEnd(String record) {
    int bars = 0;
    for (int i = 0; i < record.length(); i++) {
      char c = record.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '|' && ++bars == 6) {
        return i + 1;
      }
    }
    return record.length();
  }

  static String escapeCef(String s) {
    return s.replace("\\", "\\\\").replace("=", "\\=").replace("\n", "\\n").replace("\r", "\\r");
  }

  static String escapeLeef(String s, Format f) {
    String r =
        s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    return f.format(Golden.decodeOne(Golden.line("audit_user_login").json())).contains("|^|")
        ? r.replace("^", "\\x5e")
        : r;
  }

  private static String abbreviate(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }

  /** The text of every Coder field (and actor part) an event carries, as a SIEM should show it. */
  static List<String> coderValues(Event e) {
    List<String> out = new ArrayList<>();
    for (Field fl : e.fields()) {
      Value v = fl.value();
      if (v instanceof Value.Actor a) {
        // An empty string is Coder's NULL: no format writes it, for the actor as for any field.
        add(out, a.id());
        add(out, a.email());
        add(out, a.username());
      } else if (v instanceof Value.Str s) {
        if (!"<nil>".equals(s.value())) {
          add(out, s.value());
        }
      } else if (v instanceof Value.Time t) {
        out.add(t.text());
      } else if (v instanceof Value.Num n) {
        out.add(n.text());
      } else if (v instanceof Value.Raw r) {
        out.add(CefMapping.jsonText(r));
      }
    }
    out.add(e.envelope().ts());
    return out;
  }

  private static void add(List<String> out, String s) {
    if (!s.isEmpty()) {
      out.add(HostileEvents.utf8(s));
    }
  }

  /** CEF extension unescaping, as the CEF standard defines it. */
  static String unescapeCef(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String unescapeHeader(String s) {
    return s.replace("\\|", "|").replace("\\\\", "\\");
  }

  /** The LEEF value escapes docs/formats.md defines (LEEF itself defines none). */
  static String unescapeLeef(String s, Format f) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'x' -> {
            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
            i += 2;
          }
          default -> sb.append(n);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
