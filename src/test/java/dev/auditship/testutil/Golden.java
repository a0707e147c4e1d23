package dev.auditship.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.auditship.codec.Decoded;
import dev.auditship.codec.JsonFormat;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.source.LineReader;
import dev.auditship.source.StreamSource;
import dev.auditship.text.Utf8;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The lines printed by the real slog sinks (copied from the shared reference). */
public final class Golden {
  public record Line(String name, String json, String human, String note) {
    @Override
    public String toString() {
      return name;
    }
  }

  private Golden() {}

  private static final JsonFormat JSON = new JsonFormat(EnvelopeDefaults.CODER);

  public static List<Line> lines() {
    ObjectMapper om = new ObjectMapper();
    List<Line> out = new ArrayList<>();
    try (InputStream in = Golden.class.getResourceAsStream("/golden/slog-golden.ndjson");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        JsonNode n = om.readTree(l);
        out.add(
            new Line(
                n.get("name").asText(),
                n.get("json").asText(),
                n.get("human").asText(),
                n.has("note") ? n.get("note").asText() : null));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  public static Line line(String name) {
    return lines().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * Decodes {@code text} as a source does: as UTF-8 bytes, line by line ({@link
   * LogDecoder#line(long, byte[], int, int)}). Every call also checks that the reader thread's loop
   * ({@link StreamSource#readLines}, which lets the decoder find the end of a JSON event line
   * itself) decodes the text to the very same records ({@link #assertSameRecords}).
   */
  public static List<Decoded> decodeAll(String text) {
    List<Decoded> out = decodeSplit(text);
    assertSameRecords(decodeSplit(text), decodeByReader(text), text);
    return out;
  }

  /** The records of {@code text}, split at each line feed before it is decoded. */
  private static List<Decoded> decodeSplit(String text) {
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    byte[] b = Utf8.encode(text);
    int start = 0;
    long n = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        d.line(++n, b, start, i - start);
        start = i + 1;
      }
    }
    if (start < b.length) {
      d.line(++n, b, start, b.length - start);
    }
    d.finish();
    return out;
  }

  /** The records of {@code text} as the reader thread's loop decodes them. */
  public static List<Decoded> decodeByReader(String text) {
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    try {
      StreamSource.readLines(
          // No length limit: the split lines have none either.
          new LineReader(new ByteArrayInputStream(Utf8.encode(text)), Integer.MAX_VALUE - 8),
          d,
          out::add,
          () -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * {@code actual} holds the same records as {@code expected}: equal, and each event also keeps the
   * same lines, time and lazily decoded fields (what {@link Event#equals} does not compare). Reads
   * the events' fields: give it records no test looks at afterwards.
   */
  public static void assertSameRecords(List<Decoded> expected, List<Decoded> actual, Object what) {
    boolean same = expected.size() == actual.size();
    for (int i = 0; same && i < expected.size(); i++) {
      Decoded a = expected.get(i);
      Decoded b = actual.get(i);
      if (a instanceof Decoded.Ok x && b instanceof Decoded.Ok y) {
        Event e = x.event();
        Event f = y.event();
        same =
            x.line() == y.line()
                && (e.lazyFields() == null) == (f.lazyFields() == null)
                && Arrays.equals(e.jsonLine(), f.jsonLine())
                && Arrays.equals(e.humanLine(), f.humanLine())
                && e.timeMicros() == f.timeMicros()
                // The json record: for a held human line, written from its index of the fields.
                && Arrays.equals(JSON.bytes(e), JSON.bytes(f))
                && e.equals(f);
      } else {
        same = a.equals(b);
      }
    }
    if (!same) {
      String m =
          "the reader's loop decodes " + what + " to " + actual + ", split lines to " + expected;
      throw new AssertionError(m.length() > 4000 ? m.substring(0, 4000) + "..." : m);
    }
  }

  /** Decodes {@code text} through the text API ({@link LogDecoder#line(long, String)}). */
  public static List<Decoded> decodeAllText(String text) {
    List<Decoded> out = new ArrayList<>();
    LogDecoder d = new LogDecoder(out::add);
    String[] lines = text.split("\n", -1);
    int n = lines.length;
    if (text.endsWith("\n")) {
      n--;
    }
    for (int i = 0; i < n; i++) {
      d.line(i + 1, lines[i]);
    }
    d.finish();
    return out;
  }

  public static Event decodeOne(String text) {
    List<Decoded> all = decodeAll(text);
    if (all.size() != 1 || !(all.get(0) instanceof Decoded.Ok ok)) {
      throw new AssertionError("expected one event from " + text + " but got " + all);
    }
    return ok.event();
  }
}
