package dev.auditship.codec;

import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.text.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the lines of a Coder server log, JSON or human (auto-detected per line), into {@link
 * Decoded} records, in input order. Every line ends up in exactly one record: an event, a skip or a
 * reject.
 *
 * <p>Stateful, one per input stream, not thread-safe: a human entry with a multi-line field spans
 * several lines, so the entry is held until a line that does not continue it arrives, or {@link
 * #finish()}. {@link #pendingSince()} tells a source which line a held entry started at, so it
 * never commits a position past it.
 */
public final class LogDecoder {
  private final JsonLineDecoder json = new JsonLineDecoder();
  private final HumanLineDecoder human = new HumanLineDecoder();
  private final HumanLineScanner humanScanner = new HumanLineScanner();
  private final Consumer<Decoded> out;

  // A human entry whose multi-line block is being read.
  private HumanLineDecoder.Partial pending;
  private long pendingLine = -1;
  private final StringBuilder pendingText = new StringBuilder();
  private String blockKey;
  private int blockIndent;
  private final StringBuilder blockValue = new StringBuilder();
  private int heldEmptyLines;
  private long heldEmptyFrom;

  public LogDecoder(Consumer<Decoded> out) {
    this.out = out;
  }

  /**
   * Decodes one slog JSON line (its UTF-8 bytes) on its own, without the multi-line state of a
   * stream and without feeding this decoder's consumer: for stores that keep an event as its JSON
   * line (the spool) and rebuild it later. The JSON format writes the result back byte for byte.
   * The returned record has line number 0.
   */
  public Decoded decodeJsonLine(byte[] line) {
    JsonLineDecoder.Result r = json.decode(line, 0, line.length);
    if (r == null) {
      return decodeJsonLine(Utf8.decode(line, 0, line.length));
    }
    if (r.event() != null) {
      return new Decoded.Ok(r.event(), 0);
    }
    return r.skip()
        ? new Decoded.Skipped(0)
        : new Decoded.Rejected(0, r.reject(), Utf8.decode(line, 0, line.length));
  }

  /** Decodes one slog JSON line on its own, as {@link #decodeJsonLine(byte[])}. */
  public static Decoded decodeJsonLine(String line) {
    JsonLineDecoder.Result r = new JsonLineDecoder().decode(line);
    if (r.event() != null) {
      return new Decoded.Ok(r.event(), 0);
    }
    return r.skip() ? new Decoded.Skipped(0) : new Decoded.Rejected(0, r.reject(), line);
  }

  /**
   * Feeds line {@code lineNo} (1-based): the bytes {@code b[off, off+len)} without the line feed; a
   * carriage return before it is still there. Outside a multi-line block it is dropped (CRLF
   * input); inside one it is kept, because slog prints the value {@code a\r\nb} as {@code a\r}, a
   * line feed and the indented {@code b}, and the value must read back whole. The bytes are not
   * kept (an event keeps its own copy).
   */
  public void line(long lineNo, byte[] b, int off, int len) {
    if (orphanOf >= 0 && pending == null && orphan(lineNo, b, off, len)) {
      return;
    }
    if (pending != null) {
      // A line holding only a CR is an empty line of CRLF input (slog indents non-empty ones).
      String line = len == 1 && b[off] == '\r' ? "" : Utf8.decode(b, off, len);
      if (continueBlock(lineNo, line)) {
        return;
      }
      line(lineNo, b, off, len); // the block is closed: a line of its own
      return;
    }
    int end = off + len; // where the line feed is, if any
    if (len > 0 && b[off + len - 1] == '\r') {
      len--;
    }
    if (len > 0 && b[off] == '{') {
      boolean scanned =
          lineNo == scannedLine && b == scannedArray && off == scannedOff && end < scannedLimit;
      scannedArray = null;
      JsonLineDecoder.Result r = json.decode(b, off, len, scanned);
      if (r != null) {
        if (r.event() != null) {
          out.accept(new Decoded.Ok(r.event(), lineNo));
        } else if (r.skip()) {
          out.accept(new Decoded.Skipped(lineNo));
        } else {
          out.accept(new Decoded.Rejected(lineNo, r.reject(), Utf8.decode(b, off, len)));
        }
        return;
      }
    } else {
      // The first line of a multi-line entry (it ends with " ...") needs its fields built at once:
      // read it fully, not checked first and then read again.
      boolean block =
          len >= 4
              && b[off + len - 1] == '.'
              && b[off + len - 2] == '.'
              && b[off + len - 3] == '.'
              && b[off + len - 4] == ' ';
      HumanLineDecoder.Partial p =
          block ? humanScanner.scan(b, off, len) : humanScanner.check(b, off, len);
      if (p == HumanLineScanner.SKIP) {
        out.accept(new Decoded.Skipped(lineNo));
        return;
      }
      if (!block && p != null && p.checked() && !p.continues()) {
        heldHuman(lineNo, p, b, off, len);
        return;
      }
      if (p != null) {
        // The fields are needed now (a multi-line block follows, or a check refused the line and
        // the whole event is checked for the reason).
        humanEntry(lineNo, block ? p : humanScanner.scan(b, off, len), b, off, len);
        return;
      }
    }
    decodeLine(lineNo, Utf8.decode(b, off, len));
  }

  /**
   * Feeds line {@code lineNo} from the bytes that start at {@code b[off]}, finding where it ends
   * while it is decoded: a compact slog JSON event line (nearly every line of an event log) is
   * scanned once, not searched for its line feed and then scanned. Returns the index of the line
   * feed that ends the line, before {@code limit}, when the line was fed exactly as {@link
   * #line(long, byte[], int, int)} would feed it; -1 when nothing was fed (any other line, or one
   * that does not end before {@code limit}): the caller finds the line's end and calls {@link
   * #line(long, byte[], int, int)}.
   */
  public int lineAt(long lineNo, byte[] b, int off, int limit) {
    orphanOf = -1; // a line of its own: the watch for a late block line ends (see finish())
    if (pending != null || off >= limit) {
      return -1;
    }
    if (b[off] != '{') {
      return b[off] >= '0' && b[off] <= '9' ? humanLineAt(lineNo, b, off, limit) : -1;
    }
    JsonLineDecoder.Result r = json.decodeLine(b, off, limit);
    if (r == null) {
      scannedLine = lineNo;
      scannedArray = b;
      scannedOff = off;
      scannedLimit = limit;
      return -1;
    }
    out.accept(new Decoded.Ok(r.event(), lineNo));
    return json.lineFeed();
  }

  /**
   * {@link #lineAt} for a line that may be a slog human line: one {@link HumanLineScanner#check}
   * answers checked and whole is fed as {@link #line(long, byte[], int, int)} feeds it, found and
   * read in one scan ({@link HumanLineScanner#checkLine}); the first line of a multi-line entry,
   * whose end that scan saw, is fed through {@link #line(long, byte[], int, int)}; any other is
   * left to the caller.
   */
  private int humanLineAt(long lineNo, byte[] b, int off, int limit) {
    HumanLineDecoder.Partial p = humanScanner.checkLine(b, off, limit);
    int end = humanScanner.lineEnd();
    if (end < 0) {
      return -1;
    }
    int lf = b[end] == '\r' ? end + 1 : end;
    if (p == null) {
      line(lineNo, b, off, lf - off);
      return lf;
    }
    heldHuman(lineNo, p, b, off, end - off);
    return lf;
  }

  /**
   * A human line {@link HumanLineScanner#check} answered checked and whole, {@code b[off, off+len)}
   * without its line terminator: the event holds the line and reads its values from it when asked
   * (HumanLineFields); the Time is decoded already, for the sinks.
   */
  private void heldHuman(long lineNo, HumanLineDecoder.Partial p, byte[] b, int off, int len) {
    byte[] line = p.humanLine() != null ? p.humanLine() : Arrays.copyOfRange(b, off, off + len);
    out.accept(
        new Decoded.Ok(
            new Event(
                p.kind(),
                p.envelope(),
                new HumanLineFields(
                    line,
                    p.kind(),
                    humanScanner.index(),
                    humanScanner.time(),
                    humanScanner.timeMicros()),
                null,
                p.humanLine()),
            lineNo));
  }

  /**
   * The line {@link #lineAt} scanned in vain (-1: none), and where: when {@link #line(long, byte[],
   * int, int)} is then called for the same bytes and its line feed lay before that limit, the scan
   * saw the whole line and would fail again on it (JsonLineDecoder#decode's {@code scanned}).
   */
  private long scannedLine = -1;

  private byte[] scannedArray;
  private int scannedOff;
  private int scannedLimit;

  /** The first line of a human entry read by {@link HumanLineScanner}; as {@link #decodeLine}. */
  private void humanEntry(long lineNo, HumanLineDecoder.Partial p, byte[] b, int off, int len) {
    if (p.continues()) {
      pending = p;
      pendingLine = lineNo;
      pendingText.setLength(0);
      pendingText.append(Utf8.decode(b, off, len));
      blockKey = null;
      return;
    }
    Event ev = new Event(p.kind(), p.envelope(), p.fields(), null, p.humanLine());
    // The scanner checked the fields as EventChecks does; one it refused is checked whole for the
    // reason the text path gives.
    String bad = p.checked() ? null : EventChecks.check(ev);
    out.accept(
        bad == null
            ? new Decoded.Ok(ev, lineNo)
            : new Decoded.Rejected(lineNo, bad, Utf8.decode(b, off, len)));
  }

  /** Feeds line {@code lineNo} (1-based, without its line terminator). */
  public void line(long lineNo, String line) {
    if (orphanOf >= 0 && pending == null) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      if (orphan(lineNo, b, 0, b.length)) {
        return;
      }
    }
    if (pending != null && continueBlock(lineNo, line)) {
      return;
    }
    decodeLine(lineNo, line);
  }

  private void decodeLine(long lineNo, String line) {
    if (line.indexOf('\u001b') >= 0) {
      line = stripAnsi(line);
    }
    if (!line.isEmpty() && line.charAt(0) == '{') {
      JsonLineDecoder.Result r = json.decode(line);
      if (r.event() != null) {
        out.accept(new Decoded.Ok(r.event(), lineNo));
      } else if (r.skip()) {
        out.accept(new Decoded.Skipped(lineNo));
      } else {
        out.accept(new Decoded.Rejected(lineNo, r.reject(), line));
      }
      return;
    }
    if (HumanLineDecoder.looksHuman(line) && HumanLineDecoder.claimedKind(line) != null) {
      HumanLineDecoder.Partial p;
      try {
        p = human.parse(line);
      } catch (HumanLineDecoder.BadLine e) {
        out.accept(new Decoded.Rejected(lineNo, e.getMessage(), line));
        return;
      }
      if (p.continues()) {
        pending = p;
        pendingLine = lineNo;
        pendingText.setLength(0);
        pendingText.append(line);
        blockKey = null;
        return;
      }
      emit(lineNo, p, null, null, line);
      return;
    }
    out.accept(new Decoded.Skipped(lineNo));
  }

  /** Ends the input: a held multi-line entry is emitted (or rejected when its block never came). */
  public void finish() {
    if (pending != null) {
      // A follower ends a held entry when the file stops growing for a moment (slog writes an
      // entry in one write); a line of its block that still comes later is not read as a line of
      // the server's own (skipped), but quarantined with its reason.
      orphanOf = pendingLine;
      orphanKey = blockKey;
      orphanIndent = blockKey == null ? 4 : blockIndent;
      closeBlock();
    }
  }

  /** The first line of the multi-line entry {@link #finish()} ended, or -1. */
  private long orphanOf = -1;

  /**
   * That entry's block field ({@code null} when its block had not begun), and the block's indent.
   */
  private String orphanKey;

  private int orphanIndent;

  /**
   * Whether line {@code lineNo} is a late line of the block of the entry {@link #finish()} ended
   * (indented as its block): then it is rejected with the reason. Any other line ends the watch.
   */
  private boolean orphan(long lineNo, byte[] b, int off, int len) {
    int n = len > 0 && b[off + len - 1] == '\r' ? len - 1 : len;
    boolean indented = n > orphanIndent;
    for (int i = 0; indented && i < orphanIndent; i++) {
      indented = b[off + i] == ' ';
    }
    if (!indented) {
      orphanOf = -1;
      return false;
    }
    out.accept(
        new Decoded.Rejected(
            lineNo,
            "a late line of the multi-line "
                + (orphanKey == null ? "entry" : "field " + orphanKey + " of the entry")
                + " at line "
                + orphanOf
                + ", which was shipped without it (the file did not grow for a moment after that"
                + " entry's first lines)",
            Utf8.decode(b, off, n)));
    return true;
  }

  /** Line number where a held (incomplete) entry starts, or -1 when nothing is held. */
  public long pendingSince() {
    return pending == null ? -1 : pendingLine;
  }

  private boolean continueBlock(long lineNo, String line) {
    if (blockKey == null) {
      // The first block line is "    Key= value".
      int eq = line.indexOf("= ");
      if (line.startsWith("    ") && eq > 4 && line.indexOf(' ', 4) > eq) {
        blockKey = line.substring(4, eq);
        blockIndent = 4 + blockKey.length() + 2;
        blockValue.setLength(0);
        blockValue.append(line, eq + 2, line.length());
        heldEmptyLines = 0;
        pendingText.append('\n').append(line);
        return true;
      }
      Decoded.Rejected r =
          new Decoded.Rejected(
              pendingLine,
              "entry ends with \" ...\" but no multi-line field block follows",
              pendingText.toString());
      pending = null;
      out.accept(r);
      return false;
    }
    if (line.isEmpty()) {
      if (heldEmptyLines == 0) {
        heldEmptyFrom = lineNo;
      }
      heldEmptyLines++;
      return true;
    }
    if (line.length() > blockIndent && spaces(line, blockIndent)) {
      for (int i = 0; i <= heldEmptyLines; i++) {
        blockValue.append('\n');
        pendingText.append('\n');
      }
      heldEmptyLines = 0;
      blockValue.append(line, blockIndent, line.length());
      pendingText.append(line);
      return true;
    }
    closeBlock();
    return false;
  }

  /** Whether {@code line} starts with {@code n} spaces (a block line's indent). */
  private static boolean spaces(String line, int n) {
    for (int i = 0; i < n; i++) {
      if (line.charAt(i) != ' ') {
        return false;
      }
    }
    return true;
  }

  private void closeBlock() {
    HumanLineDecoder.Partial p = pending;
    long first = pendingLine;
    int empties = heldEmptyLines;
    long emptyFrom = heldEmptyFrom;
    pending = null;
    heldEmptyLines = 0;
    if (blockKey == null) {
      out.accept(
          new Decoded.Rejected(
              first,
              "entry ends with \" ...\" but no multi-line field block follows",
              pendingText.toString()));
      return;
    }
    int vlen = blockValue.length();
    if (vlen > 0 && blockValue.charAt(vlen - 1) == '\r') {
      // slog trims a multi-line value, so a CR at its very end is a CRLF line ending, not data.
      blockValue.setLength(vlen - 1);
    }
    emit(first, p, blockKey, blockValue.toString(), pendingText.toString());
    for (int i = 0; i < empties; i++) {
      out.accept(new Decoded.Skipped(emptyFrom + i));
    }
  }

  private void emit(
      long lineNo, HumanLineDecoder.Partial p, String key, String value, String original) {
    List<Field> fields = p.fields();
    Field block = null;
    if (key != null) {
      fields = new ArrayList<>(fields);
      try {
        block = new Field(key, HumanLineDecoder.typed(p.kind(), key, value, true));
        insertCanonical(p.kind(), fields, block);
      } catch (HumanLineDecoder.BadLine e) {
        out.accept(new Decoded.Rejected(lineNo, e.getMessage(), original));
        return;
      }
    }
    Event ev = new Event(p.kind(), p.envelope(), fields);
    // The byte scanner checked the first line's fields (p.checked()): only the block's field is
    // left,
    // unless it is an ID or a Time (check() reads the first field of those names, which may now be
    // the block's).
    String bad =
        p.checked() && block != null && !key.equals("ID") && !key.equals("Time")
            ? EventChecks.checkField(p.kind() == Kind.AUDIT, key, block.value())
            : EventChecks.check(ev);
    out.accept(
        bad == null ? new Decoded.Ok(ev, lineNo) : new Decoded.Rejected(lineNo, bad, original));
  }

  /**
   * slog moved the multi-line field out of its place; put it back after the last field that comes
   * before it in Coder's struct order (context fields count as before everything). Unknown keys go
   * last.
   */
  static void insertCanonical(Kind kind, List<Field> fields, Field f) {
    int rank = kind.fields().indexOf(f.key());
    if (rank < 0) {
      fields.add(f);
      return;
    }
    int at = 0;
    for (int i = 0; i < fields.size(); i++) {
      int r = kind.fields().indexOf(fields.get(i).key());
      if (r < rank) {
        at = i + 1;
      }
    }
    fields.add(at, f);
  }

  /** Removes ANSI CSI sequences (slog colours output when FORCE_COLOR is set). */
  static String stripAnsi(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\u001b' && i + 1 < s.length() && s.charAt(i + 1) == '[') {
        int j = i + 2;
        while (j < s.length() && !(s.charAt(j) >= 0x40 && s.charAt(j) <= 0x7E)) {
          j++;
        }
        i = j;
        continue;
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
