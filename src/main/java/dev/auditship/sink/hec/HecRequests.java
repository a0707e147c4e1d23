package dev.auditship.sink.hec;

import dev.auditship.text.ByteBuf;
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

  /**
   * Writes the body of one request into {@code out} (reused from request to request): the envelopes
   * of {@code indices}, where envelope {@code i} is {@code arena[starts[i], starts[i+1]-1)} (each
   * one is followed by its {@code \n} in the arena).
   */
  static void body(byte[] arena, int[] starts, List<Integer> indices, ByteBuf out) {
    for (int k = 0; k < indices.size(); k++) {
      if (k > 0) {
        out.put('\n');
      }
      int i = indices.get(k);
      out.put(arena, starts[i], starts[i + 1] - 1 - starts[i]);
    }
  }

  /**
   * True when {@code indices} are consecutive record numbers: their body is then one slice of the
   * arena, sent without a copy.
   */
  static boolean consecutive(List<Integer> indices) {
    int first = indices.get(0);
    return indices.get(indices.size() - 1) - first == indices.size() - 1;
  }

  /** {@code body[0, len)} compressed with gzip into {@code out}, streamed (no copy of the body). */
  static void gzip(byte[] body, int len, ByteBuf out) {
    try (GZIPOutputStream gz = new GZIPOutputStream(out.asOutputStream(), 8192)) {
      gz.write(body, 0, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
  }

  /**
   * {@code body} compressed with gzip ({@code Content-Encoding: gzip}, accepted by HEC,
   * docs/coder-reference.md §10.5).
   */
  static byte[] gzip(byte[] body) {
    ByteBuf out = new ByteBuf(Math.max(64, body.length / 4));
    gzip(body, body.length, out);
    return out.toByteArray();
  }
}
