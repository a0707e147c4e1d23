package dev.auditship.config;

/** The {@code source:} section: its type and type-specific settings. */
public record SourceConfig(String type, SourceSettings settings) {}
