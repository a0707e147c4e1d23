package dev.auditship.sink.hec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Envelopes to request bodies (docs/coder-reference.md §10.4): envelopes concatenated with one
 * {@code \n} between two (no array, no commas; Splunk allows white space between objects, and one
 * object per line keeps a captured body readable). A body holds at most {@code maxEvents} envelopes
 * and at most {@code maxBytes} bytes <em>before</em> compression: the limit that matters is
 * Splunk's {@code max_content_length} on the decoded body, and a compressed count would let
 * oversize requests through (signalfx/splunk-otel-collector-chart#696). Pure functions.
 */
final class HecRequests {
  private HecRequests() {}

  /**
   * Splits {@code indices} (in order) into requests. Every envelope must fit {@code maxBytes} on
   * its own (oversize ones are rejected before planning).
   *
   * @param sizes the envelope size of every record, by record index
   * @param indices the records to send, in order
   */
  static List<List<Integer>> plan(
      int[] sizes, List<Integer> indices, int maxEvents, long maxBytes) {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> cur = new ArrayList<>();
    long bytes = 0;
    for (int i : indices) {
      long add = sizes[i] + (cur.isEmpty() ? 0 : 1);
      if (!cur.isEmpty() && (cur.size() >= maxEvents || bytes + add > maxBytes)) {
        out.add(cur);
        cur = new ArrayList<>();
        bytes = 0;
        add = sizes[i];
      }
      cur.add(i);
      bytes += add;
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  /** The body of one request: the envelopes of {@code indices} with {@code \n} between them. */
  static byte[] body(byte[][] envelopes, List<Integer> indices) {
    int len = Math.max(0, indices.size() - 1);
    for (int i : indices) {
      len += envelopes[i].length;
    }
    byte[] out = new byte[len];
    int pos = 0;
    for (int k = 0; k < indices.size(); k++) {
      if (k > 0) {
        out[pos++] = '\n';
      }
      byte[] e = envelopes[indices.get(k)];
      System.arraycopy(e, 0, out, pos, e.length);
      pos += e.length;
    }
    return out;
  }

  /**
   * {@code body} compressed with gzip ({@code Content-Encoding: gzip}, accepted by HEC,
   * docs/coder-reference.md §10.5).
   */
  static byte[] gzip(byte[] body) {
    ByteArrayOutputStream bo = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(bo, 8192)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
    return bo.toByteArray();
  }
}
