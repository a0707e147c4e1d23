package dev.auditship.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML into {@link Node}s that remember their line and column, and applies {@code ${VAR}} /
 * {@code ${VAR:-default}} interpolation to scalar values ({@code $${} writes a literal {@code ${}).
 * Interpolation happens after parsing, so a value from the environment can never change the structure
 * of the file. Duplicate keys are problems, as are unset variables without a default.
 */
public final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private final Function<String, String> env;
  private final Problems problems;

  public YamlTree(Function<String, String> env, Problems problems) {
    this.env = env;
    this.problems = problems;
  }

  /**
   * Parses {@code text}; returns {@code null} (with a problem recorded) when it is not valid YAML.
   */
  public Node parse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Node.MapNode(new LinkedHashMap<>(), new HashMap<>(), new Node.Loc(1, 1));
      }
      return read(p, "");
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      Node.Loc where = l == null ? null : new Node.Loc(l.getLineNr(), l.getColumnNr());
      String msg = e.getOriginalMessage();
      int nl = msg.indexOf('\n');
      String what = nl >= 0 ? msg.substring(0, nl) : msg;
      // SnakeYAML knows what is wrong and where ("found character '\t(TAB)' that cannot start any
      // token", at the tab); the parser's own location is where the construct began, often a line
      // earlier, and its first message line only says what was being read.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof MarkedYAMLException m && m.getProblem() != null) {
          what =
              (m.getContext() == null ? "" : m.getContext() + ": ")
                  + m.getProblem().replace("\t", "\\t");
          if (m.getProblemMark() != null) {
            where =
                new Node.Loc(m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1);
          }
          break;
        }
      }
      problems.add(
          where,
          "",
          "not valid YAML: " + what,
          "correct the YAML syntax (indent with spaces, \"key: value\")");
      return null;
    } catch (IOException e) {
      problems.add(null, "", "cannot read the config: " + e.getMessage(), null);
      return null;
    }
  }

  private Node read(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    Node.Loc loc = loc(p);
    switch (t) {
      case START_OBJECT -> {
        LinkedHashMap<String, Node> entries = new LinkedHashMap<>();
        Map<String, Node.Loc> keyLocs = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Node.Loc kl = loc(p);
          p.nextToken();
          String child = path.isEmpty() ? key : path + "." + key;
          Node value = read(p, child);
          if (entries.containsKey(key)) {
            problems.add(
                kl,
                child,
                "duplicate key \"" + key + "\" (first at line " + keyLocs.get(key).line() + ")",
                "keep one of them");
            continue;
          }
          entries.put(key, value);
          keyLocs.put(key, kl);
        }
        return new Node.MapNode(entries, keyLocs, loc);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p, path + "[" + i++ + "]"));
        }
        return new Node.ListNode(items, loc);
      }
      case VALUE_NULL -> {
        return new Node.Scalar("", true, false, loc);
      }
      default -> {
        int before = problems.all().size();
        String text = interpolate(p.getText(), loc, path);
        return new Node.Scalar(text, false, problems.all().size() > before, loc);
      }
    }
  }

  private static Node.Loc loc(JsonParser p) {
    JsonLocation l = p.currentTokenLocation();
    return new Node.Loc(l.getLineNr(), l.getColumnNr());
  }

  /** Applies {@code ${VAR}} and {@code ${VAR:-default}}; {@code $${} is a literal {@code ${}. */
  String interpolate(String s, Node.Loc loc, String path) {
    if (s.indexOf('$') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '$' && s.startsWith("$${", i)) {
        out.append("${");
        i += 3;
        continue;
      }
      if (c == '$' && s.startsWith("${", i)) {
        int end = s.indexOf('}', i + 2);
        if (end < 0) {
          problems.add(
              loc,
              path,
              "unterminated \"${\" in value",
              "close it with \"}\" or write \"$${\" for a literal");
          return s;
        }
        String expr = s.substring(i + 2, end);
        int dflt = expr.indexOf(":-");
        String name = dflt >= 0 ? expr.substring(0, dflt) : expr;
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          problems.add(
              loc,
              path,
              "\"${" + expr + "}\" is not a valid variable reference",
              "use ${NAME} or ${NAME:-default} with letters, digits and _");
          return s;
        }
        String v = env.apply(name);
        if (v == null || (v.isEmpty() && dflt >= 0)) {
          if (dflt >= 0) {
            v = expr.substring(dflt + 2);
          } else {
            problems.add(
                loc,
                path,
                "environment variable " + name + " is not set",
                "set " + name + " or give a default: ${" + name + ":-value}");
            v = "";
          }
        }
        out.append(v);
        i = end + 1;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }
}
