package dev.auditship.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.auditship.text.GoText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON tree for Coder API responses that keeps what Jackson's tree model loses and the slog
 * output needs: object keys in the order Coder sent them and numbers with their original spelling
 * ({@code 28800000000000}, not {@code 2.88E13}). {@link #write} prints a value the way Go's {@code
 * encoding/json} does (compact, HTML-escaped strings), which is also how Coder printed it.
 */
final class ApiJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private ApiJson() {}

  /** A JSON value. */
  sealed interface J {}

  /** An object; keys in document order. */
  record Obj(Map<String, J> fields) implements J {
    J get(String key) {
      return fields.get(key);
    }
  }

  record Arr(List<J> items) implements J {}

  record Str(String value) implements J {}

  /** A number, as spelled in the document. */
  record Num(String text) implements J {}

  record Bool(boolean value) implements J {}

  record Null() implements J {
    static final Null INSTANCE = new Null();
  }

  /** Parses one JSON document; throws on malformed JSON or trailing content. */
  static J parse(String text) throws IOException {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IOException("empty document");
      }
      J v = read(p, t);
      if (p.nextToken() != null) {
        throw new IOException("trailing content after the JSON value");
      }
      return v;
    }
  }

  private static J read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        Map<String, J> m = new LinkedHashMap<>();
        JsonToken k;
        while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          m.put(name, read(p, p.nextToken()));
        }
        if (k != JsonToken.END_OBJECT) {
          throw new IOException("unexpected " + k + " in an object");
        }
        return new Obj(m);
      }
      case START_ARRAY -> {
        List<J> l = new ArrayList<>();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          if (n == null) {
            throw new IOException("unterminated array");
          }
          l.add(read(p, n));
        }
        return new Arr(l);
      }
      case VALUE_STRING -> {
        return new Str(p.getText());
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new Num(p.getText());
      }
      case VALUE_TRUE -> {
        return new Bool(true);
      }
      case VALUE_FALSE -> {
        return new Bool(false);
      }
      case VALUE_NULL -> {
        return Null.INSTANCE;
      }
      default -> throw new IOException("unexpected " + t);
    }
  }

  /** Appends {@code v} as Go's {@code json.Marshal} would print it: compact, HTML-escaped. */
  static void write(J v, StringBuilder out) {
    if (v instanceof Obj o) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, J> e : o.fields().entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        GoText.appendJsonString(out, e.getKey());
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (v instanceof Arr a) {
      out.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(a.items().get(i), out);
      }
      out.append(']');
    } else if (v instanceof Str s) {
      GoText.appendJsonString(out, s.value());
    } else if (v instanceof Num n) {
      out.append(n.text());
    } else if (v instanceof Bool b) {
      out.append(b.value());
    } else {
      out.append("null");
    }
  }

  static String write(J v) {
    StringBuilder sb = new StringBuilder(256);
    write(v, sb);
    return sb.toString();
  }

  /** A short description of a value's JSON type, for error messages. */
  static String typeOf(J v) {
    if (v instanceof Obj) {
      return "an object";
    }
    if (v instanceof Arr) {
      return "an array";
    }
    if (v instanceof Str) {
      return "a string";
    }
    if (v instanceof Num) {
      return "a number";
    }
    if (v instanceof Bool) {
      return "a boolean";
    }
    return "null";
  }
}
