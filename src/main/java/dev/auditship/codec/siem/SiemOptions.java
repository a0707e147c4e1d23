package dev.auditship.codec.siem;

import dev.auditship.config.FormatOptions;
import dev.auditship.config.Section;
import java.util.Objects;

/**
 * The options of the four SIEM formats (docs/formats.md, "Options"), each with its defaults and a
 * parser that reports every bad value as a config problem.
 */
public final class SiemOptions {
  private SiemOptions() {}

  /** The ECS version the mapping follows, and the one the test suite checks against. */
  public static final String ECS_VERSION = "9.4.0";

  /** The OCSF version the mapping follows. */
  public static final String OCSF_VERSION = "1.2.0";

  /** {@code format: {name: ecs, ecs_version: 9.4.0}}. */
  public record Ecs(String ecsVersion) implements FormatOptions {
    public static final Ecs DEFAULT = new Ecs(ECS_VERSION);

    public static Ecs parse(Section s) {
      return new Ecs(version(s, "ecs_version", ECS_VERSION));
    }
  }

  /** {@code format: {name: ocsf, ocsf_version: 1.2.0, product: Coder, vendor: Coder}}. */
  public record Ocsf(String ocsfVersion, String product, String vendor) implements FormatOptions {
    public static final Ocsf DEFAULT = new Ocsf(OCSF_VERSION, "Coder", "Coder");

    public static Ocsf parse(Section s) {
      return new Ocsf(
          version(s, "ocsf_version", OCSF_VERSION),
          header(s, "product", DEFAULT.product),
          header(s, "vendor", DEFAULT.vendor));
    }
  }

  /**
   * {@code format: {name: cef, vendor, product, version, severity: {success, failure, unknown}}}.
   */
  public record Cef(String vendor, String product, String version, Severities severity)
      implements FormatOptions {
    public static final Cef DEFAULT = new Cef("Coder", "coderd", "2", new Severities(3, 7, 5));

    public Cef {
      Objects.requireNonNull(severity, "severity");
    }

    public static Cef parse(Section s) {
      return new Cef(
          header(s, "vendor", DEFAULT.vendor),
          header(s, "product", DEFAULT.product),
          header(s, "version", DEFAULT.version),
          severities(s, DEFAULT.severity, 0, 10));
    }
  }

  /**
   * {@code format: {name: leef, vendor, product, version, delimiter, severity: {success, failure,
   * unknown}}}.
   */
  public record Leef(
      String vendor, String product, String version, char delimiter, Severities severity)
      implements FormatOptions {
    public static final Leef DEFAULT =
        new Leef("Coder", "coderd", "2", '\t', new Severities(3, 7, 5));

    public static Leef parse(Section s) {
      return new Leef(
          header(s, "vendor", DEFAULT.vendor),
          header(s, "product", DEFAULT.product),
          header(s, "version", DEFAULT.version),
          parseDelimiter(s),
          severities(s, DEFAULT.severity, 1, 10));
    }
  }

  private static String version(Section s, String key, String def) {
    String v = s.string(key, def);
    if (v == null || !v.matches("[0-9]+\\.[0-9]+\\.[0-9]+")) {
      s.problem(
          key,
          "expected a version such as " + def + ", got \"" + v + "\"",
          "write " + key + ": " + def);
      return def;
    }
    return v;
  }

  /** A header field: any text without control characters (a syslog record is one line). */
  private static String header(Section s, String key, String def) {
    String v = s.string(key, def);
    if (v == null || v.isEmpty()) {
      s.problem(key, "is empty", "write " + key + ": " + def + ", or remove it for the default");
      return def;
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        s.problem(key, "contains a control character", "use printable text");
        return def;
      }
    }
    return v;
  }

  private static Severities severities(Section s, Severities def, int min, int max) {
    Section sev = s.section("severity");
    if (sev == null) {
      return def;
    }
    Severities r =
        new Severities(
            (int) sev.integer("success", def.success(), min, max),
            (int) sev.integer("failure", def.failure(), min, max),
            (int) sev.integer("unknown", def.unknown(), min, max));
    sev.finish();
    return r;
  }

  /** The characters of devTime ({@code 2025-07-03T06:55:02.117+0000}) and its format pattern. */
  private static final String IN_TIMES = "-:.+'";

  /**
   * The LEEF 2.0 attribute delimiter: {@code tab} (the default), one printable character, or its
   * code as {@code 0xNN} / {@code xNN} as LEEF writes it. Not a letter, digit, space, {@code =} or
   * {@code \}: they would make the attributes ambiguous; not a character of devTime or its format
   * ({@code - : . + '}), which are written as they are.
   */
  private static char parseDelimiter(Section s) {
    String v = s.string("delimiter", "tab");
    if (v == null) {
      return '\t';
    }
    String fix = "write delimiter: tab, or one character such as ^ or |";
    char c;
    if (v.equals("tab") || v.equals("\t")) {
      return '\t';
    } else if (v.length() == 1) {
      c = v.charAt(0);
    } else if (v.matches("(0x|x)[0-9a-fA-F]{2}")) {
      c = (char) Integer.parseInt(v.substring(v.length() - 2), 16);
    } else {
      s.problem("delimiter", "expected one character, got \"" + v + "\"", fix);
      return '\t';
    }
    if (c == '\t') {
      return c;
    }
    if (c <= ' ' || c >= 0x7f || Character.isLetterOrDigit(c) || c == '=' || c == '\\') {
      s.problem("delimiter", "cannot be \"" + v + "\" (ambiguous in LEEF attributes)", fix);
      return '\t';
    }
    if (IN_TIMES.indexOf(c) >= 0) {
      // devTime and devTimeFormat are written as they are (QRadar parses devTime with the
      // pattern): a delimiter inside them would split them.
      s.problem(
          "delimiter",
          "cannot be \"" + v + "\" (it occurs in devTime and devTimeFormat, written as they are)",
          fix);
      return '\t';
    }
    return c;
  }
}
