package dev.auditship.sink.syslog;

import dev.auditship.event.Event;
import dev.auditship.event.LazyFields;
import dev.auditship.event.Value;
import dev.auditship.text.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The STRUCTURED-DATA element of an RFC 5424 message (§6.3): a few fields that identify the event,
 * so a receiver can index, route or de-duplicate without parsing MSG. One element under a private
 * SD-ID ({@code coder@32473} by default: 32473 is the example enterprise number of RFC 5612,
 * reserved for documentation, so it never collides with a real organisation's ID; an operator with
 * their own number sets {@code sd_id}).
 *
 * <table>
 *   <caption>Parameters (absent or NULL fields are left out)</caption>
 *   <tr><th>audit_log</th><td>{@code id action resource_type resource_id status_code}</td></tr>
 *   <tr><th>connection_log</th><td>{@code id type status workspace_id workspace_name agent_name code}</td></tr>
 * </table>
 */
final class StructuredData {
  private record Param(String name, String field, byte[] nameBytes) {
    Param(String name, String field) {
      this(name, field, name.getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static final List<Param> AUDIT =
      List.of(
          new Param("id", "ID"),
          new Param("action", "Action"),
          new Param("resource_type", "ResourceType"),
          new Param("resource_id", "ResourceID"),
          new Param("status_code", "StatusCode"));
  private static final List<Param> CONNECTION =
      List.of(
          new Param("id", "ID"),
          new Param("type", "Type"),
          new Param("status", "ConnectionStatus"),
          new Param("workspace_id", "WorkspaceID"),
          new Param("workspace_name", "WorkspaceName"),
          new Param("agent_name", "AgentName"),
          new Param("code", "Code"));

  /** Every event field an element may name (for {@link SyslogSink#eventFields()}). */
  static final Set<String> FIELDS =
      Stream.concat(AUDIT.stream(), CONNECTION.stream())
          .map(Param::field)
          .collect(Collectors.toUnmodifiableSet());

  private StructuredData() {}

  /** Appends {@code [sdId name="value" ...]} for {@code e}. */
  static void append(Event e, String sdId, StringBuilder out) {
    out.append('[').append(sdId);
    for (Param p :
        switch (e.kind()) {
          case AUDIT -> AUDIT;
          case CONNECTION -> CONNECTION;
        }) {
      String v = text(e.get(p.field()));
      if (v != null) {
        out.append(' ').append(p.name()).append("=\"");
        escape(v, out);
        out.append('"');
      }
    }
    out.append(']');
  }

  /** {@link #append(Event, String, StringBuilder)} as UTF-8 bytes; {@code sdId} is ASCII. */
  static void append(Event e, byte[] sdId, ByteBuf out) {
    out.put('[').put(sdId);
    List<Param> params =
        switch (e.kind()) {
          case AUDIT -> AUDIT;
          case CONNECTION -> CONNECTION;
        };
    for (int i = 0, n = params.size(); i < n; i++) {
      Param p = params.get(i);
      int mark = out.length();
      out.put(' ').put(p.nameBytes()).put('=').put('"');
      int start = out.length();
      int r = e.appendAscii(p.field(), out);
      if (r == LazyFields.WRITTEN && !has(out, start, (byte) ']')) {
        // ASCII straight from the line; '"' and '\\' cannot be in it (JSON escapes them).
        out.put('"');
        continue;
      }
      out.truncate(mark);
      if (r == LazyFields.ABSENT) {
        continue;
      }
      String v = text(e.get(p.field()));
      if (v != null) {
        out.put(' ').put(p.nameBytes()).put('=').put('"');
        escape(v, out);
        out.put('"');
      }
    }
    out.put(']');
  }

  private static boolean has(ByteBuf out, int from, byte b) {
    byte[] a = out.array();
    for (int i = from, n = out.length(); i < n; i++) {
      if (a[i] == b) {
        return true;
      }
    }
    return false;
  }

  /** {@link #escape(String, StringBuilder)} written as UTF-8 into {@code out}. */
  static void escape(String v, ByteBuf out) {
    int n = v.length();
    int i = 0;
    while (i < n) {
      char c = v.charAt(i);
      if (c < 0x80) {
        if (c == '"' || c == '\\' || c == ']') {
          out.put('\\');
        }
        out.put(c);
        i++;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(v.charAt(i + 1))) {
        out.utf8(v, i, i + 2);
        i += 2;
      } else if (Character.isSurrogate(c)) {
        out.utf8(REPLACEMENT);
        i++;
      } else {
        out.utf8(v, i, i + 1);
        i++;
      }
    }
  }

  private static final String REPLACEMENT = "\uFFFD";

  private static String text(Value v) {
    if (v instanceof Value.Str s) {
      return s.value();
    }
    if (v instanceof Value.Num n) {
      return n.text();
    }
    if (v instanceof Value.Bool b) {
      return Boolean.toString(b.value());
    }
    if (v instanceof Value.Time t) {
      return t.text();
    }
    return null;
  }

  /**
   * PARAM-VALUE escaping (RFC 5424 §6.3.3): {@code "}, {@code \} and {@code ]} get a backslash. A
   * PARAM-VALUE must be UTF-8, so a lone surrogate (an invalid input byte kept by {@code
   * source.Utf8}) becomes U+FFFD here, unlike in MSG, which passes the bytes on as they came.
   */
  static void escape(String v, StringBuilder out) {
    for (int i = 0, n = v.length(); i < n; i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\' || c == ']') {
        out.append('\\').append(c);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(v.charAt(i + 1))) {
        out.append(c).append(v.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
  }
}
