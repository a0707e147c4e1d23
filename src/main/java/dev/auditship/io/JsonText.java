package dev.auditship.io;

import dev.auditship.text.GoText;
import dev.auditship.text.Utf8;
import java.util.Base64;

/**
 * A small builder for one-line JSON objects of the exporter's own files (rejects, dead letters).
 */
public final class JsonText {
  private final StringBuilder sb = new StringBuilder(256).append('{');
  private boolean first = true;

  private void key(String k) {
    if (!first) {
      sb.append(',');
    }
    first = false;
    GoText.appendJsonString(sb, k);
    sb.append(':');
  }

  public JsonText str(String k, String v) {
    key(k);
    if (v == null) {
      sb.append("null");
    } else {
      GoText.appendJsonString(sb, v);
    }
    return this;
  }

  public JsonText num(String k, long v) {
    key(k);
    sb.append(v);
    return this;
  }

  /** Adds an already-serialised JSON value. */
  public JsonText raw(String k, String json) {
    key(k);
    sb.append(json);
    return this;
  }

  /**
   * Adds {@code k} as a string and, when it holds bytes that are not valid UTF-8 (which JSON cannot
   * carry), also {@code k + "_base64"} with the exact original bytes.
   */
  public JsonText original(String k, String v) {
    str(k, v);
    for (int i = 0; i < v.length(); i++) {
      if (GoText.isEscapedByte(v.charAt(i))) {
        str(k + "_base64", Base64.getEncoder().encodeToString(Utf8.encode(v)));
        break;
      }
    }
    return this;
  }

  @Override
  public String toString() {
    return sb.toString() + "}";
  }
}
