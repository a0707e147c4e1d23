package dev.auditship.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value with the place it was written, so every problem can name file, line and
 * column.
 */
public sealed interface Node {

  Loc loc();

  /** 1-based line and column. */
  record Loc(int line, int column) {}

  /**
   * A scalar. {@code text} is after {@code ${VAR}} interpolation; {@code isNull} for YAML null /
   * {@code ~}; {@code broken} when interpolation failed (that problem is already reported, so
   * accessors report nothing more about the value).
   */
  record Scalar(String text, boolean isNull, boolean broken, Loc loc) implements Node {}

  /** A mapping, keys in file order; {@code keyLocs} holds where each key was written. */
  record MapNode(LinkedHashMap<String, Node> entries, Map<String, Loc> keyLocs, Loc loc)
      implements Node {}

  /** A sequence. */
  record ListNode(List<Node> items, Loc loc) implements Node {}

  static String describe(Node n) {
    if (n instanceof Scalar s) {
      return s.isNull() ? "null" : "\"" + s.text() + "\"";
    }
    return n instanceof MapNode ? "a mapping" : "a list";
  }
}
