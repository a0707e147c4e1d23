/**
 * The {@code file} sink: a small rolling writer ({@link dev.auditship.sink.file.FileSink}) that
 * appends one record per line, rotates by rename (size and UTC-aligned time), gzips rotated files
 * synchronously and applies retention by count and age ({@link dev.auditship.sink.file.Archive}).
 * Everything happens inside {@code send}, on the caller's thread; nothing runs in the background.
 * See docs/file-sink.md.
 */
package dev.auditship.sink.file;
