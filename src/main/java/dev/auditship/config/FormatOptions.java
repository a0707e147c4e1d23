package dev.auditship.config;

/**
 * The options of one sink's format, from {@code format: {name: cef, ...}} (a plain {@code format:
 * json} has none). Each format with options has a record implementing this, parsed by the parser
 * registered with the format; formats without options use {@link #NONE}.
 */
public interface FormatOptions {

  /** The options of a format that has none. */
  None NONE = new None();

  /** Parser for formats without options: any key in the block is reported as unknown. */
  static None none(Section s) {
    return NONE;
  }

  /** No options. */
  record None() implements FormatOptions {}
}
