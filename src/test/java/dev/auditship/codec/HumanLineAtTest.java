package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.testutil.Golden;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LogDecoder#lineAt} on a slog human line, which finds the line's end while it reads it
 * ({@link HumanLineScanner#checkLine}), against the plain way it replaces (the line split at its
 * line feed, then {@link LogDecoder#line(long, byte[], int, int)}): for every kind of human line,
 * the read buffer ending at every byte, the same records (events, kept lines, json and human
 * records), and a line taken only when its line feed was before the buffer's end.
 */
class HumanLineAtTest {
  private static final Format JSON = new JsonFormat(EnvelopeDefaults.CODER);
  private static final Format HUMAN = new HumanFormat(false);
  private static final String LINE = firstLine(Golden.lines().get(0).human());

  private static String firstLine(String text) {
    int lf = text.indexOf('\n');
    return lf < 0 ? text : text.substring(0, lf);
  }

  private static String withoutLastLineFeed(String text) {
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  /** Texts that start with a line that is, or may look like, a slog human line. */
  private static List<String> texts() {
    List<String> out = new ArrayList<>();
    for (Golden.Line g : Golden.lines()) {
      String t = withoutLastLineFeed(g.human());
      out.add(t); // multi-line entries among them
      out.add(t.replace("\n", "\r\n")); // CRLF input
      String first = firstLine(t);
      out.add(first + "\r\r"); // two CRs: not slog's line end
      out.add(first + "\r"); // a CR at the very end of the input
      out.add(first + "  "); // two spaces and no key
      out.add(first + " ..."); // a multi-line start without its block
      out.add(first + " ...\r"); // the same, CRLF
      out.add(first.substring(0, first.length() / 2)); // cut in the middle
      out.add(first + "  Extra=\"a\\nb\\r\"  K=v"); // escapes, a key no kind has
    }
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=\"<b>\u00e9\\t \u2028\""));
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=\u00e9t\u00e9"));
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=\"a\tb\"")); // a control byte
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=\"\\x41\"")); // the text path's escape
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=a\rb")); // a CR inside a bare value
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=a\tb")); // a tab inside a bare value
    out.add(LINE + "\t"); // a control byte where the line might end
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=\"a\rb\"")); // inside a quoted one
    out.add(LINE.replace("ID=b4f043e3", "ID=xb4f043e3")); // rejected
    out.add(LINE.replaceFirst("  Time=\"[^\"]*\"", "")); // no Time: checked whole
    out.add(LINE.replace("[info]", "[WARN]"));
    out.add(LINE.replace("[info]", "[\u00e9nfo]"));
    out.add(LINE.replace("coderd: ", "coderd.sub: "));
    out.add(LINE.replace("coderd: ", ""));
    out.add(LINE.replace("coderd: ", "a: b: "));
    out.add(LINE.replace("coderd: ", ": "));
    out.add(LINE.replace("coderd: ", "coderd:"));
    out.add(LINE.replace("coderd: ", "\u001b[1mcoderd\u001b[0m: "));
    out.add(LINE.substring(0, LINE.indexOf("audit_log") + "audit_log".length()));
    out.add(LINE.substring(0, LINE.indexOf("audit_log")) + "started  address=0.0.0.0:3000");
    out.add(LINE.replace("UserAgent=\"\"", "UserAgent=").replace("  ID=", "  ID= ID="));
    out.add(LINE + "  ");
    out.add("2025-07-03 07:12:44.390 [info]  coderd: audit_log");
    out.add("2025-07-03 07:12");
    out.add("2");
    out.add("");
    return out;
  }

  /**
   * The lines of {@code b} from {@code start} fed plainly into {@code d}, numbered from {@code n}.
   */
  private static void feed(LogDecoder d, byte[] b, int start, long n) {
    int s = start;
    for (int i = start; i < b.length; i++) {
      if (b[i] == '\n') {
        d.line(n++, b, s, i - s);
        s = i + 1;
      }
    }
    d.finish();
  }

  private int taken;

  @Test
  void everyHumanLineWithTheBufferEndingAtEveryByteReadsAsSplitLines() {
    for (String t : texts()) {
      // Something before the line in the array, and an event line after it.
      byte[] b = ("x\n" + t + "\n" + LINE + "\n").getBytes(StandardCharsets.UTF_8);
      int off = 2;
      int lf = off;
      while (b[lf] != '\n') {
        lf++;
      }
      // Every end up to just past the line's line feed; past it, the next line's bytes change
      // nothing but are read once whole.
      for (int limit = off; limit <= b.length; limit = limit == lf + 2 ? b.length : limit + 1) {
        // Afresh each time: the comparison reads the events' fields.
        List<Decoded> expected = new ArrayList<>();
        feed(new LogDecoder(expected::add), b, off, 1);
        List<Decoded> actual = new ArrayList<>();
        LogDecoder d = new LogDecoder(actual::add);
        int r = d.lineAt(1, b, off, limit);
        String what = "limit " + limit + " of " + t;
        if (r < 0) {
          // Nothing fed: the caller splits the line the plain way.
          assertThat(actual).as(what).isEmpty();
          assertThat(d.pendingSince()).as(what).isEqualTo(-1);
          feed(d, b, off, 1);
        } else {
          assertThat(r).as(what).isEqualTo(lf).isLessThan(limit);
          if (limit == b.length) {
            taken++;
          }
          feed(d, b, lf + 1, 2);
        }
        Golden.assertSameRecords(expected, actual, what);
        for (int i = 0; i < expected.size(); i++) {
          if (expected.get(i) instanceof Decoded.Ok x) {
            Decoded.Ok y = (Decoded.Ok) actual.get(i);
            assertThat(HUMAN.bytes(y.event())).as(what).isEqualTo(HUMAN.bytes(x.event()));
            assertThat(JSON.bytes(y.event())).as(what).isEqualTo(JSON.bytes(x.event()));
          }
        }
      }
    }
    // The fast path took the lines it is for (most golden entries are single-line events).
    assertThat(taken).isGreaterThan(Golden.lines().size());
  }
}
