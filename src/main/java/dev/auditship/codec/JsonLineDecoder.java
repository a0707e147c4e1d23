package dev.auditship.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.auditship.event.Envelope;
import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import dev.auditship.text.GoTime;
import dev.auditship.text.Swar;
import dev.auditship.text.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one slog JSON line (docs/coder-reference.md §4) into an Event. Raw JSON values ({@code
 * Diff}, {@code AdditionalFields}, unknown objects) are kept as the exact text of the line, numbers
 * keep their spelling, and every field keeps its place, so the JSON format writes the line back
 * byte for byte.
 *
 * <p>Thread-safe: the factory is shared, parsers are per call.
 */
final class JsonLineDecoder {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          // One short parser per line: a shared symbol table costs more (child tables, merges) than
          // it saves.
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .build();

  /** Result of decoding: exactly one of event, skip (not an event line) or reject reason is set. */
  record Result(Event event, boolean skip, String reject) {
    static final Result SKIP = new Result(null, true, null);

    static Result reject(String reason) {
      return new Result(null, false, reason);
    }
  }

  private final LazyLineScanner lazyScanner = new LazyLineScanner();
  private final JsonLineScanner scanner = new JsonLineScanner();
  private final JsonFormat canonical = new JsonFormat(EnvelopeDefaults.CODER);
  private final ByteBuf rendered = new ByteBuf(2048);

  /**
   * Decodes the line {@code b[off, off+len)} (UTF-8, no line terminator). The common compact slog
   * line is scanned from its bytes ({@link JsonLineScanner}); anything else takes the general path,
   * {@link #decode(String)}. An event whose line is exactly what slog's JSON sink prints for it
   * keeps the line ({@link Event#jsonLine()}), so the json format copies it instead of rendering.
   *
   * @return the result, or {@code null} when the general path must decide (the caller decodes the
   *     text and calls {@link #decode(String)})
   */
  Result decode(byte[] b, int off, int len) {
    return decode(b, off, len, false);
  }

  /**
   * {@link #decode(byte[], int, int)}; {@code scanned}: {@link #decodeLine} already failed on this
   * very line, its line feed in view, so the lazy scan (which would fail the same way: it reads the
   * same bytes up to the line's end, where both stop) is not run again.
   */
  Result decode(byte[] b, int off, int len, boolean scanned) {
    // The lazy scan first: a line it takes names its message, so mayClaim would be true (an event
    // message is plain ASCII, spelled in the line as it is or with a \\u escape).
    LazyLineScanner.Result lazy = scanned ? null : lazyScanner.scan(b, off, len);
    if (lazy != null) {
      return lazyResult(lazy);
    }
    if (!mayClaim(b, off, len)) {
      return Result.SKIP;
    }
    JsonLineScanner.Parsed p = scanner.scan(b, off, len);
    if (p == null) {
      return null;
    }
    Envelope env = p.envelope();
    if (!GoTime.isRfc3339(env.ts())) {
      return Result.reject("\"ts\" is not an RFC 3339 time: \"" + env.ts() + "\"");
    }
    Event ev = new Event(p.kind(), env, p.fields());
    String bad = EventChecks.check(ev);
    if (bad != null) {
      return Result.reject(bad);
    }
    if (env.caller() != null && env.func() != null) {
      rendered.reset();
      canonical.render(ev, rendered);
      if (rendered.contentEquals(0, b, off, len) && Utf8.isValid(b, off, len)) {
        ev = new Event(ev.kind(), env, ev.fields(), Arrays.copyOfRange(b, off, off + len));
      }
      rendered.trim(64 * 1024);
    }
    return new Result(ev, false, null);
  }

  /**
   * Decodes the line that starts at {@code b[off]} when the lazy scan takes it, finding its line
   * feed before {@code limit} as it goes ({@link LazyLineScanner#scanLine}): the result {@link
   * #decode(byte[], int, int)} gives for that line, and {@link #lineFeed()} says where it ended;
   * {@code null} for any other line (nothing is decided: the caller finds the line's end and calls
   * {@link #decode(byte[], int, int)}).
   */
  Result decodeLine(byte[] b, int off, int limit) {
    LazyLineScanner.Result lazy = lazyScanner.scanLine(b, off, limit);
    return lazy == null ? null : lazyResult(lazy);
  }

  /** Where the line feed after the line {@link #decodeLine} decoded is. */
  int lineFeed() {
    return lazyScanner.lineFeed();
  }

  private static Result lazyResult(LazyLineScanner.Result lazy) {
    Event ev =
        new Event(
            lazy.kind(),
            lazy.envelope(),
            new LineFields(lazy),
            lazy.canonical() ? lazy.line() : null);
    return new Result(ev, false, null);
  }

  /**
   * False only when the line certainly is not an audit or connection event line: it names neither
   * message and has no {@code \\u} escape that could spell one. Such lines (most of a server log)
   * are skipped without parsing, as the general path would skip them.
   */
  static boolean mayClaim(byte[] b, int off, int len) {
    int end = off + len;
    // Both messages have an underscore, which JSON lines have few of: eight bytes a step from one
    // underscore or backslash to the next, and a look around each.
    for (int i = underscoreOrBackslash(b, off, end); i < end; ) {
      if (b[i] == '\\') {
        if (i + 1 < end && b[i + 1] == 'u') {
          return true;
        }
      } else if ((i - off >= 6 && at(b, i - 6, end, AUDIT))
          || (i - off >= 11 && at(b, i - 11, end, CONNECTION))) {
        return true;
      }
      i = underscoreOrBackslash(b, i + 1, end);
    }
    return false;
  }

  /** The index of the first {@code _} or {@code \\} in {@code b[i, end)}, or {@code end}. */
  private static int underscoreOrBackslash(byte[] b, int i, int end) {
    for (; i + 8 <= end; i += 8) {
      long hits = Swar.eitherOf(Swar.word(b, i), '_', '\\');
      if (hits != 0) {
        return i + (Long.numberOfTrailingZeros(hits) >>> 3);
      }
    }
    while (i < end && b[i] != '_' && b[i] != '\\') {
      i++;
    }
    return i;
  }

  private static final byte[] AUDIT = "\"audit_log\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION = "\"connection_log\"".getBytes(StandardCharsets.US_ASCII);

  private static boolean at(byte[] b, int i, int end, byte[] word) {
    if (end - i < word.length) {
      return false;
    }
    for (int k = 0; k < word.length; k++) {
      if (b[i + k] != word[k]) {
        return false;
      }
    }
    return true;
  }

  Result decode(String line) {
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return claims(line)
            ? Result.reject("invalid JSON: the line is not a JSON object")
            : Result.SKIP;
      }
      String ts = null;
      String level = null;
      String msg = null;
      String caller = null;
      String func = null;
      List<String> names = List.of();
      String trace = null;
      String span = null;
      List<Field> fields = null;
      String problem = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken vt = p.nextToken();
        switch (key) {
          case "ts" -> ts = vt == JsonToken.VALUE_STRING ? p.getText() : null;
          case "level" -> level = vt == JsonToken.VALUE_STRING ? p.getText() : null;
          case "msg" -> msg = vt == JsonToken.VALUE_STRING ? p.getText() : null;
          case "caller" -> caller = vt == JsonToken.VALUE_STRING ? p.getText() : null;
          case "func" -> func = vt == JsonToken.VALUE_STRING ? p.getText() : null;
          case "trace" -> trace = vt == JsonToken.VALUE_STRING ? p.getText() : null;
          case "span" -> span = vt == JsonToken.VALUE_STRING ? p.getText() : null;
          case "logger_names" -> {
            if (vt == JsonToken.START_ARRAY) {
              List<String> l = new ArrayList<>(2);
              JsonToken e;
              while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (e == JsonToken.VALUE_STRING) {
                  l.add(p.getText());
                } else {
                  problem = "\"logger_names\" must be an array of strings";
                  p.skipChildren();
                }
              }
              names = l;
            } else {
              p.skipChildren();
              problem = "\"logger_names\" must be an array of strings";
            }
          }
          case "fields" -> {
            if (vt == JsonToken.START_OBJECT) {
              fields = new ArrayList<>(20);
              JsonToken ft;
              while ((ft = p.nextToken()) == JsonToken.FIELD_NAME) {
                String fk = p.currentName();
                p.nextToken();
                fields.add(new Field(fk, value(fk, p, line)));
              }
              if (ft != JsonToken.END_OBJECT) {
                throw new IOException("unexpected token " + ft + " in \"fields\"");
              }
            } else {
              p.skipChildren();
              problem = "\"fields\" must be an object";
            }
          }
          default -> p.skipChildren(); // unknown top-level keys are not part of slog's envelope
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new IOException("unexpected token " + t);
      }
      boolean trailing;
      try {
        trailing = p.nextToken() != null;
      } catch (IOException e) {
        trailing = true;
      }
      if (trailing) {
        throw new IOException("trailing data after the JSON object");
      }
      Kind kind = Kind.ofMessage(msg);
      if (kind == null) {
        return Result.SKIP;
      }
      if (problem != null) {
        return Result.reject(problem);
      }
      if (ts == null) {
        return Result.reject("missing or non-string \"ts\"");
      }
      if (!dev.auditship.text.GoTime.isRfc3339(ts)) {
        return Result.reject("\"ts\" is not an RFC 3339 time: \"" + ts + "\"");
      }
      if (level == null) {
        return Result.reject("missing or non-string \"level\"");
      }
      if (fields == null) {
        return Result.reject("missing \"fields\" object");
      }
      Event ev = new Event(kind, new Envelope(ts, level, caller, func, names, trace, span), fields);
      String bad = EventChecks.check(ev);
      return bad != null ? Result.reject(bad) : new Result(ev, false, null);
    } catch (IOException | IllegalArgumentException e) {
      if (!claims(line)) {
        return Result.SKIP;
      }
      String m = e.getMessage() == null ? e.toString() : e.getMessage();
      int nl = m.indexOf('\n');
      return Result.reject("invalid JSON: " + (nl >= 0 ? m.substring(0, nl) : m));
    }
  }

  /** True when a line that failed to parse still says it is an audit or connection event. */
  static boolean claims(String line) {
    return line.contains("\"audit_log\"") || line.contains("\"connection_log\"");
  }

  private static Value value(String key, JsonParser p, String line) throws IOException {
    JsonToken t = p.currentToken();
    switch (key) {
      case "Time":
        if (t == JsonToken.VALUE_STRING) {
          return new Value.Time(p.getText());
        }
        break;
      case "Diff":
      case "AdditionalFields":
        return t == JsonToken.VALUE_NULL ? Value.Raw.NIL : new Value.Raw(rawText(p, line));
      case "actor":
        if (t == JsonToken.START_OBJECT) {
          int start = (int) p.currentTokenLocation().getCharOffset();
          String id = null;
          String email = null;
          String username = null;
          boolean other = false;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken vt = p.nextToken();
            if (vt != JsonToken.VALUE_STRING) {
              other = true;
              p.skipChildren();
              continue;
            }
            switch (k) {
              case "id" -> id = p.getText();
              case "email" -> email = p.getText();
              case "username" -> username = p.getText();
              default -> other = true;
            }
          }
          if (!other && id != null && email != null && username != null) {
            return new Value.Actor(id, email, username);
          }
          int end = (int) p.currentLocation().getCharOffset();
          return new Value.Raw(line.substring(start, end));
        }
        break;
      default:
        break;
    }
    return switch (t) {
      case VALUE_STRING -> new Value.Str(p.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Value.Num(p.getText());
      case VALUE_TRUE -> new Value.Bool(true);
      case VALUE_FALSE -> new Value.Bool(false);
      case VALUE_NULL -> Value.Null.INSTANCE;
      default -> new Value.Raw(rawText(p, line));
    };
  }

  /** The exact text of the current value in {@code line}. */
  private static String rawText(JsonParser p, String line) throws IOException {
    JsonToken t = p.currentToken();
    int start = (int) p.currentTokenLocation().getCharOffset();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      int end = (int) p.currentLocation().getCharOffset();
      return line.substring(start, end);
    }
    if (t == JsonToken.VALUE_STRING) {
      p.getText(); // completes the token so the location is past the closing quote
      int end = (int) p.currentLocation().getCharOffset();
      return line.substring(start, end);
    }
    return p.getText();
  }
}
