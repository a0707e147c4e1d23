package dev.auditship.config;

/**
 * The type-specific options of the source ({@code type: stdin}, {@code file}, {@code coder_api}).
 * Each implementation is a record with a static {@code parse(Section)} listed in {@link
 * ConfigLoader#SOURCE_TYPES}.
 */
public interface SourceSettings {}
