package dev.auditship.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed, validating access to one YAML mapping. Every accessor records a {@link Problem} (with
 * file, line, key path and a fix) instead of throwing, and returns a usable fallback so parsing
 * goes on and all problems are reported together. {@link #finish()} reports keys that no accessor
 * read: unknown keys are errors (docs/design.md §5).
 */
public final class Section {
  private final Node.MapNode node;
  private final String path;
  private final Problems problems;

  /**
   * The directory relative paths in the config resolve against; {@code null}: left relative (to the
   * working directory).
   */
  private final Path base;

  private final Set<String> read = new HashSet<>();

  public Section(Node.MapNode node, String path, Problems problems) {
    this(node, path, problems, null);
  }

  /** A section whose relative paths resolve against {@code base} (null: the working directory). */
  public Section(Node.MapNode node, String path, Problems problems, Path base) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.base = base;
  }

  /**
   * {@code p} resolved against the config's base directory (the installation directory when the
   * launcher started the process; docs/operations.md), or unchanged when it is absolute or there is
   * no base.
   */
  public Path resolve(Path p) {
    return base == null || p == null ? p : base.resolve(p);
  }

  /** An empty section (for an absent optional mapping). */
  public static Section empty(String path, Problems problems, Node.Loc loc) {
    return new Section(new Node.MapNode(new LinkedHashMap<>(), Map.of(), loc), path, problems);
  }

  public String path() {
    return path;
  }

  public Problems problems() {
    return problems;
  }

  public Node.Loc loc() {
    return node.loc();
  }

  public String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public boolean has(String key) {
    Node n = node.entries().get(key);
    return n != null && !(n instanceof Node.Scalar s && s.isNull());
  }

  /** Records a problem about {@code key} (or the section itself when {@code key} is null). */
  public void problem(String key, String what, String fix) {
    Node n = key == null ? null : node.entries().get(key);
    Node.Loc loc = n != null ? n.loc() : node.loc();
    problems.add(loc, key == null ? path : childPath(key), what, fix);
  }

  private Node.Scalar scalar(String key) {
    read.add(key);
    Node n = node.entries().get(key);
    if (n == null || (n instanceof Node.Scalar s && s.isNull())) {
      return null;
    }
    if (n instanceof Node.Scalar s) {
      return s.broken() ? null : s;
    }
    problems.add(
        n.loc(),
        childPath(key),
        "expected a single value, got " + Node.describe(n),
        "write " + key + ": <value>");
    return null;
  }

  public String string(String key, String def) {
    Node.Scalar s = scalar(key);
    return s == null ? def : s.text();
  }

  public String requiredString(String key, String fix) {
    Node.Scalar s = scalar(key);
    if (s == null && node.entries().get(key) instanceof Node.Scalar b && b.broken()) {
      return null; // its interpolation problem is already reported
    }
    if (s == null || s.text().isEmpty()) {
      if (!node.entries().containsKey(key)
          || s != null
          || node.entries().get(key) instanceof Node.Scalar) {
        problems.add(node.loc(), childPath(key), "is required", fix);
      }
      return null;
    }
    return s.text();
  }

  public boolean bool(String key, boolean def) {
    Node.Scalar s = scalar(key);
    if (s == null) {
      return def;
    }
    return switch (s.text().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> {
        problems.add(
            s.loc(),
            childPath(key),
            "expected true or false, got \"" + s.text() + "\"",
            "write " + key + ": true or " + key + ": false");
        yield def;
      }
    };
  }

  public long integer(String key, long def, long min, long max) {
    Node.Scalar s = scalar(key);
    if (s == null) {
      return def;
    }
    try {
      long v = Long.parseLong(s.text().replace("_", ""));
      if (v < min || v > max) {
        problems.add(
            s.loc(),
            childPath(key),
            v + " is out of range",
            "use a whole number from " + min + " to " + max);
        return def;
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add(
          s.loc(),
          childPath(key),
          "expected a whole number, got \"" + s.text() + "\"",
          "use a whole number from " + min + " to " + max);
      return def;
    }
  }

  /** A byte size: a number with an optional unit (B, KB, KiB, MB, MiB, GB, GiB). */
  public long bytes(String key, long def, long min, long max) {
    Node.Scalar s = scalar(key);
    if (s == null) {
      return def;
    }
    Long v = Units.parseBytes(s.text());
    if (v == null || v < min || v > max) {
      problems.add(
          s.loc(),
          childPath(key),
          v == null
              ? "expected a byte size, got \"" + s.text() + "\""
              : "\"" + s.text() + "\" is out of range",
          "use a size from "
              + Units.formatBytes(min)
              + " to "
              + Units.formatBytes(max)
              + sizeExamples(min, max));
      return def;
    }
    return v;
  }

  /** ", for example ..." with those of a few sizes in {@code [min, max]}, or nothing. */
  private static String sizeExamples(long min, long max) {
    List<String> in = new ArrayList<>();
    String[] words = {"1000000", "64KiB", "100MiB"};
    long[] values = {1_000_000L, 64L * 1024, 100L * 1024 * 1024};
    for (int i = 0; i < words.length; i++) {
      if (values[i] >= min && values[i] <= max) {
        in.add(words[i]);
      }
    }
    if (in.isEmpty()) {
      return "";
    }
    String last = in.remove(in.size() - 1);
    return ", for example " + (in.isEmpty() ? last : String.join(", ", in) + " or " + last);
  }

  /**
   * A duration written as Coder writes retention ({@code 90d}, {@code 2w}, {@code 12h}, {@code
   * 30s}, {@code 500ms}, {@code 0} to disable), or a plain number of the unit in {@code key}'s name
   * ({@code _secs}, {@code _ms}).
   */
  public Duration duration(String key, Duration def, Duration min, Duration max) {
    Node.Scalar s = scalar(key);
    if (s == null) {
      return def;
    }
    Duration d =
        Units.parseDuration(
            s.text(), key.endsWith("_ms") ? "ms" : key.endsWith("_secs") ? "s" : null);
    if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problems.add(
          s.loc(),
          childPath(key),
          d == null
              ? "expected a duration, got \"" + s.text() + "\""
              : "\"" + s.text() + "\" is out of range",
          "use a duration from "
              + Units.formatDuration(min)
              + " to "
              + Units.formatDuration(max)
              + ", for example 30s, 5m, 12h, 7d or 2w");
      return def;
    }
    return d;
  }

  /** One of the allowed words (case-sensitive, as written in docs). */
  public String oneOf(String key, String def, List<String> allowed) {
    Node.Scalar s = scalar(key);
    if (s == null) {
      return def;
    }
    if (!allowed.contains(s.text())) {
      problems.add(
          s.loc(),
          childPath(key),
          "\"" + s.text() + "\" is not one of " + String.join(", ", allowed),
          "use one of: " + String.join(", ", allowed) + Units.suggest(s.text(), allowed));
      return def;
    }
    return s.text();
  }

  public Path pathValue(String key, Path def) {
    String s = string(key, null);
    if (s == null) {
      return def;
    }
    if (s.isEmpty()) {
      problem(key, "must not be empty", "give a file or directory path");
      return def;
    }
    try {
      return resolve(Path.of(s));
    } catch (RuntimeException e) {
      problem(key, "is not a valid path: " + e.getMessage(), "give a valid file or directory path");
      return def;
    }
  }

  /**
   * {@link #pathValue} for a file the exporter writes (a checkpoint): a directory there is a
   * problem now rather than a failure at the first write.
   */
  public Path filePathValue(String key, Path def) {
    Path p = pathValue(key, def);
    if (p != null && p != def && Files.isDirectory(p)) {
      problem(
          key, "is a directory (" + p + ")", "give the path of a file; it is created when needed");
    }
    return p;
  }

  public List<String> stringList(String key, List<String> def) {
    read.add(key);
    Node n = node.entries().get(key);
    if (n == null || (n instanceof Node.Scalar s && s.isNull())) {
      return def;
    }
    if (n instanceof Node.Scalar s) {
      return List.of(s.text());
    }
    if (n instanceof Node.ListNode l) {
      List<String> out = new ArrayList<>();
      for (Node item : l.items()) {
        if (item instanceof Node.Scalar s && !s.isNull()) {
          out.add(s.text());
        } else {
          problems.add(
              item.loc(),
              childPath(key),
              "expected a list of values, got " + Node.describe(item),
              "write each item as \"- value\"");
        }
      }
      return out;
    }
    problems.add(
        n.loc(),
        childPath(key),
        "expected a list, got a mapping",
        "write each item as \"- value\"");
    return def;
  }

  /** A flat map of string values (for example HEC indexed {@code fields}). */
  public Map<String, String> stringMap(String key) {
    Section s = section(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (s == null) {
      return out;
    }
    for (Map.Entry<String, Node> e : s.node.entries().entrySet()) {
      s.read.add(e.getKey());
      if (e.getValue() instanceof Node.Scalar sc && !sc.isNull()) {
        out.put(e.getKey(), sc.text());
      } else {
        problems.add(
            e.getValue().loc(),
            s.childPath(e.getKey()),
            "expected a single value, got " + Node.describe(e.getValue()),
            "indexed fields must be flat strings");
      }
    }
    return out;
  }

  /** A nested mapping, or {@code null} when absent. */
  public Section section(String key) {
    read.add(key);
    Node n = node.entries().get(key);
    if (n == null || (n instanceof Node.Scalar s && s.isNull())) {
      return null;
    }
    if (n instanceof Node.MapNode m) {
      return new Section(m, childPath(key), problems, base);
    }
    problems.add(
        n.loc(),
        childPath(key),
        "expected a mapping, got " + Node.describe(n),
        "write the options indented under " + key + ":");
    return null;
  }

  /** The raw node of {@code key} (marks it read), or {@code null}. */
  public Node raw(String key) {
    read.add(key);
    return node.entries().get(key);
  }

  /** The keys of this mapping, in file order. */
  public List<String> keys() {
    return new ArrayList<>(node.entries().keySet());
  }

  /**
   * A secret given as {@code <key>} (inline, usually {@code ${ENV}}) or {@code <key>_file}. Exactly
   * one may be set. The value is never put in a problem message.
   */
  public Secret secret(String key, boolean required) {
    if (node.entries().get(key) instanceof Node.Scalar b && b.broken()
        || node.entries().get(key + "_file") instanceof Node.Scalar bf && bf.broken()) {
      read.add(key);
      read.add(key + "_file");
      return null; // its interpolation problem is already reported
    }
    String inline = string(key, null);
    Path file = pathValue(key + "_file", null);
    if (inline != null && file != null) {
      problem(key, "both " + key + " and " + key + "_file are set", "keep only one of them");
      return null;
    }
    if (inline != null) {
      if (inline.isEmpty()) {
        problem(
            key, "is empty", "set it, e.g. " + key + ": ${TOKEN_ENV_VAR}, or use " + key + "_file");
        return null;
      }
      return Secret.of(inline);
    }
    if (file != null) {
      return Secret.fromFile(file);
    }
    if (required && absentOrNull(key) && absentOrNull(key + "_file")) {
      // A key that is there but not a single value (a list, a mapping) is already reported as such.
      problems.add(
          node.loc(),
          childPath(key),
          "is required",
          "set " + key + ": ${ENV_VAR} or " + key + "_file: /path/to/token");
    }
    return null;
  }

  private boolean absentOrNull(String key) {
    Node n = node.entries().get(key);
    return n == null || n instanceof Node.Scalar sc && sc.isNull();
  }

  /**
   * Reports every key that was not read by an accessor as unknown. Call once all keys were read.
   */
  public void finish() {
    List<String> known = new ArrayList<>(read);
    known.sort(null);
    for (Map.Entry<String, Node.Loc> e : node.keyLocs().entrySet()) {
      if (!read.contains(e.getKey())) {
        problems.add(
            e.getValue(),
            childPath(e.getKey()),
            "unknown key \"" + e.getKey() + "\"",
            known.isEmpty()
                ? "remove it"
                : "remove it, or use one of: "
                    + String.join(", ", known)
                    + Units.suggest(e.getKey(), known));
      }
    }
  }
}
