package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.testutil.Golden;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which lines become events, which are skipped and which are quarantined, with what reason. */
class LogDecoderTest {
  private static final String LOGIN = Golden.line("audit_user_login").json().strip();

  @Test
  void otherLinesOfACoderServerLogAreSkippedNotErrors() {
    List<Decoded> d =
        Golden.decodeAll(
            String.join(
                    "\n",
                    "Started HTTP listener at http://0.0.0.0:3000",
                    "",
                    "{\"ts\":\"2025-07-03T06:50:01.004Z\",\"level\":\"INFO\",\"msg\":\"started HTTP listener\",\"fields\":{}}",
                    "2025-07-03 06:50:01.004 [info]  coderd: started HTTP listener  address=0.0.0.0:3000",
                    "{not json at all",
                    "[1,2,3]",
                    LOGIN)
                + "\n");
    assertThat(d).hasSize(7);
    assertThat(d.subList(0, 6)).allSatisfy(x -> assertThat(x).isInstanceOf(Decoded.Skipped.class));
    assertThat(d.get(6)).isInstanceOf(Decoded.Ok.class);
    assertThat(d.get(6).line()).isEqualTo(7);
  }

  /**
   * A follower ends a held multi-line entry when its file stops growing; a block line that still
   * comes later is quarantined with its reason, not skipped as a server line. The next entry reads
   * as usual.
   */
  @Test
  void aLateLineOfAMultiLineEntryEndedByFinishIsRejectedNotSkipped() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("samples/coder-server-human.log"));
    List<Decoded> d = new ArrayList<>();
    LogDecoder dec = new LogDecoder(d::add);
    byte[] first = (lines.get(14) + "\n" + lines.get(15)).getBytes(StandardCharsets.UTF_8);
    int lf = new String(first, StandardCharsets.UTF_8).indexOf('\n');
    dec.line(15, first, 0, lf);
    dec.line(16, first, lf + 1, first.length - lf - 1);
    dec.finish(); // the file did not grow for a moment
    byte[] late = lines.get(16).getBytes(StandardCharsets.UTF_8);
    dec.line(17, late, 0, late.length);
    byte[] next = lines.get(17).getBytes(StandardCharsets.UTF_8);
    dec.line(18, next, 0, next.length);
    dec.finish();
    assertThat(d).hasSize(3);
    assertThat(d.get(0)).isInstanceOf(Decoded.Ok.class);
    assertThat(d.get(1))
        .isEqualTo(
            new Decoded.Rejected(
                17,
                "a late line of the multi-line field DisconnectReason of the entry at line 15,"
                    + " which was shipped without it (the file did not grow for a moment after that"
                    + " entry's first lines)",
                lines.get(16)));
    assertThat(d.get(2)).isInstanceOf(Decoded.Ok.class);
    assertThat(d.get(2).line()).isEqualTo(18);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "truncated JSON        | {\"ts\":\"2025-07-03T06:55:02Z\",\"msg\":\"audit_log\",\"fields\":{ | invalid JSON: Unexpected end-of-input",
        "missing ID            | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"Time\":\"2025-07-03T06:55:02Z\"}} | missing \"ID\"",
        "ID not a UUID         | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"ID\":\"x\",\"Time\":\"2025-07-03T06:55:02Z\"}} | \"ID\" is not a UUID string",
        "ID a number           | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"ID\":7,\"Time\":\"2025-07-03T06:55:02Z\"}} | \"ID\" is not a UUID string",
        "missing Time          | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"ID\":\"95f7c392-da3e-480c-a579-8909f145fbe2\"}} | missing \"Time\"",
        "Time not a time       | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"ID\":\"95f7c392-da3e-480c-a579-8909f145fbe2\",\"Time\":\"yesterday\"}} | \"Time\" is not an RFC 3339 time string",
        "StatusCode a string   | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"ID\":\"95f7c392-da3e-480c-a579-8909f145fbe2\",\"Time\":\"2025-07-03T06:55:02Z\",\"StatusCode\":\"200\"}} | \"StatusCode\" must be an integer",
        "Code a float          | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"connection_log\",\"fields\":{\"ID\":\"95f7c392-da3e-480c-a579-8909f145fbe2\",\"Time\":\"2025-07-03T06:55:02Z\",\"Code\":1.5}} | \"Code\" must be an integer or null",
        "ConnectionID a number | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"connection_log\",\"fields\":{\"ID\":\"95f7c392-da3e-480c-a579-8909f145fbe2\",\"Time\":\"2025-07-03T06:55:02Z\",\"ConnectionID\":5}} | \"ConnectionID\" must be a UUID string or null",
        "actor a string        | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{\"ID\":\"95f7c392-da3e-480c-a579-8909f145fbe2\",\"Time\":\"2025-07-03T06:55:02Z\",\"actor\":\"alice\"}} | \"actor\" must be an object with string \"id\", \"email\" and \"username\"",
        "fields not an object  | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":[]} | \"fields\" must be an object",
        "no fields             | {\"ts\":\"2025-07-03T06:55:02Z\",\"level\":\"INFO\",\"msg\":\"audit_log\"} | missing \"fields\" object",
        "bad ts                | {\"ts\":\"noon\",\"level\":\"INFO\",\"msg\":\"audit_log\",\"fields\":{}} | \"ts\" is not an RFC 3339 time: \"noon\"",
        "trailing garbage      | {\"ts\":\"2025-07-03T06:55:02Z\",\"msg\":\"audit_log\",\"fields\":{}} x | invalid JSON: trailing data after the JSON object",
        "human bad quote       | 2025-07-03 06:55:02.118 [info]  coderd: audit_log  ID=\"unterminated | unterminated or invalid quoted value for ID",
        "human bad Code        | 2025-07-10 10:14:38.951 [info]  coderd: connection_log  ID=ca5dfc63-dc43-463a-bb3e-38526866fd4b  Code=abc | \"Code\" must be an integer or <nil>",
        "human no ID           | 2025-07-10 10:14:38.951 [info]  coderd: connection_log  Time=\"2025-07-10T10:14:38Z\" | missing \"ID\"",
        "human one space       | 2025-07-10 10:14:38.951 [info]  coderd: connection_log ID=x | expected two spaces before a field at column 55",
      })
  void brokenEventLinesAreRejectedWithTheReason(String what, String line, String reason) {
    List<Decoded> d = Golden.decodeAll(line.strip() + "\n" + LOGIN + "\n");
    assertThat(d).hasSize(2);
    assertThat(d.get(0)).isInstanceOf(Decoded.Rejected.class);
    Decoded.Rejected r = (Decoded.Rejected) d.get(0);
    assertThat(r.reason()).startsWith(reason.strip());
    assertThat(r.original()).isEqualTo(line.strip());
    assertThat(r.line()).isEqualTo(1);
    assertThat(d.get(1)).isInstanceOf(Decoded.Ok.class); // the run goes on
  }

  @Test
  void aHumanEntryEndingInEllipsisWithoutItsBlockIsRejected() {
    String head = Golden.line("edge_multiline_reason").human().lines().findFirst().orElseThrow();
    List<Decoded> d = Golden.decodeAll(head + "\n" + LOGIN + "\n");
    assertThat(d.get(0)).isInstanceOf(Decoded.Rejected.class);
    assertThat(((Decoded.Rejected) d.get(0)).reason())
        .isEqualTo("entry ends with \" ...\" but no multi-line field block follows");
    assertThat(d.get(1)).isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void aHumanMultiLineEntryAtTheEndOfInputIsEmittedOnFinish() {
    List<Decoded> d = Golden.decodeAll(Golden.line("edge_multiline_reason").human());
    assertThat(d).hasSize(1).first().isInstanceOf(Decoded.Ok.class);
  }

  @Test
  void pendingSinceTellsWhereAHeldEntryStarts() {
    List<Decoded> out = new ArrayList<>();
    LogDecoder dec = new LogDecoder(out::add);
    String[] lines = Golden.line("edge_multiline_reason").human().split("\n");
    dec.line(1, LOGIN);
    assertThat(dec.pendingSince()).isEqualTo(-1);
    dec.line(2, lines[0]);
    dec.line(3, lines[1]);
    assertThat(dec.pendingSince()).isEqualTo(2);
    dec.line(4, lines[2]);
    assertThat(out).hasSize(1);
    dec.line(5, LOGIN);
    assertThat(dec.pendingSince()).isEqualTo(-1);
    assertThat(out).hasSize(3);
    assertThat(out.get(1)).isInstanceOf(Decoded.Ok.class);
    assertThat(out.get(1).line()).isEqualTo(2);
  }

  @Test
  void ansiColouredHumanLinesAreRead() {
    String human = Golden.line("audit_user_login").human().strip();
    String coloured =
        "\u001b[0m\u001b[38;2;96;99;102m"
            + human.substring(0, 24)
            + "\u001b[0m"
            + human.substring(24, 30)
            + "\u001b[0m"
            + human.substring(30);
    List<Decoded> d = Golden.decodeAll(coloured + "\n");
    assertThat(d).hasSize(1).first().isInstanceOf(Decoded.Ok.class);
  }
}
