package dev.auditship.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.auditship.event.Kind;
import dev.auditship.io.AtomicFiles;
import dev.auditship.text.GoTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the Coder API source has exported, per kind of event, as committed after every sink accepted
 * it:
 *
 * <ul>
 *   <li>{@code floor}: {@code start_at} (absent for {@code beginning});
 *   <li>{@code read_from}: rows older than this are never exported: {@code floor - overlap}, so
 *       that a row Coder lists after the first start with a time a little before it (committed
 *       late, or stamped by a clock behind this host's) is still exported; a checkpoint written
 *       before this field existed reads from {@code floor};
 *   <li>{@code history_pending}: set until the first poll listed the rows between {@code read_from}
 *       and {@code floor} that Coder already held at the start; they are history, not exported, and
 *       their IDs go into {@code seen} (docs/coder-api-source.md, "Clocks");
 *   <li>{@code newest}: the newest row time exported ({@code time} for audit, {@code connect_time}
 *       for connections, the order the API lists rows in), but never later than this host's clock
 *       when the poll that read the row started: an SSH-like row carries the agent's own clock
 *       (docs/coder-api-source.md, "Clocks"), and one dated in the future must not lift the cutoff
 *       over rows Coder writes later with a correct time;
 *   <li>{@code seen}: the IDs of the rows exported with a time from {@code newest - overlap} on (at
 *       least the IDs at {@code newest}, and those dated after it), so a poll can re-read that
 *       window for rows Coder committed late and still export each row once;
 *   <li>{@code scanned}: during a backfill, the end of the last time window whose rows were all
 *       committed;
 *   <li>{@code open} (connections): SSH-like connections whose connect line was exported and whose
 *       disconnect line was not yet, bounded by {@code max_open_connections}.
 * </ul>
 *
 * Saved atomically ({@link AtomicFiles}). Mutable; used from the pipeline thread only.
 */
final class ApiCheckpoint {
  static final int VERSION = 1;

  /** Most row IDs remembered per kind; beyond that the oldest are forgotten (logged once). */
  static final int MAX_SEEN = 200_000;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ApiCheckpoint.class);

  /** A change the commit of one event makes. */
  sealed interface Delta {}

  /**
   * A row was exported.
   *
   * @param time the row's time (kept in {@code seen})
   * @param notAfter this host's clock when the poll that read the row started: {@code newest} moves
   *     to {@code time} but not past this
   */
  record Seen(Kind kind, String id, Instant time, Instant notAfter) implements Delta {}

  /** The connect line of an SSH-like row was exported: wait for its disconnect. */
  record Track(String id, String connectionId, Instant connectTime) implements Delta {}

  /** The disconnect line was exported, or the row is gone from Coder. */
  record Untrack(String id) implements Delta {}

  /**
   * Every row up to {@code upTo} (inclusive) was listed and its events committed: the backfill goes
   * on from there (docs/coder-api-source.md, "Backfill").
   */
  record Scanned(Kind kind, Instant upTo) implements Delta {}

  /**
   * The connections open at the start point are tracked (first start from {@code now} or a time).
   */
  record BaselineDone() implements Delta {}

  /**
   * A row from before {@code start_at} that Coder already listed at the first poll: history, not
   * exported; its ID is kept in {@code seen} so it is not exported later either. {@code newest}
   * does not move.
   */
  record Known(Kind kind, String id, Instant time) implements Delta {}

  /** The rows Coder held before {@code start_at} at the first poll are all {@link Known}. */
  record HistoryListed(Kind kind) implements Delta {}

  record Open(String connectionId, Instant connectTime) {}

  static final class PerKind {
    Instant floor;

    /** Rows older than this are not exported: {@code floor - overlap} (null: the beginning). */
    Instant readFrom;

    /**
     * True until the rows between {@code readFrom} and {@code floor} that Coder held at the first
     * poll were recorded as {@link Known} (saved as {@code history_pending}).
     */
    boolean historyPending;

    Instant newest;

    /** Rows up to here were all listed in backfill windows and committed; null before any. */
    Instant scanned;

    final Map<String, Instant> seen = new HashMap<>();
    final Map<String, Open> open = new HashMap<>();

    /**
     * True until the connections already open at {@code floor} were listed and their tracking
     * committed (saved as {@code baseline_pending}), so that their disconnect lines are exported
     * too.
     */
    boolean fresh;
  }

  private final Path file;
  private final Duration overlap;
  private final int maxOpen;
  private final Map<Kind, PerKind> kinds = new EnumMap<>(Kind.class);
  private String endpoint;
  private boolean dirty;
  private boolean seenCapLogged;

  private ApiCheckpoint(Path file, Duration overlap, int maxOpen) {
    this.file = file;
    this.overlap = overlap;
    this.maxOpen = maxOpen;
  }

  /**
   * Loads the checkpoint, or starts one for the kinds it lacks at {@code floor} ({@code null} =
   * beginning). A file that exists but cannot be read is an error: starting over could skip or
   * repeat events. A {@code newest} later than {@code now} (written before it was bounded by the
   * clock) is brought back to {@code now}, so rows hidden behind it are read again.
   */
  static ApiCheckpoint load(
      Path file,
      String endpoint,
      List<Kind> polled,
      Instant floor,
      Duration overlap,
      int maxOpen,
      Instant now)
      throws IOException {
    ApiCheckpoint cp = new ApiCheckpoint(file, overlap, maxOpen);
    cp.endpoint = endpoint;
    String text = null;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      // first start
    }
    if (text != null) {
      try {
        cp.read(JSON.readTree(text));
      } catch (IOException | RuntimeException e) {
        throw new IOException(
            "cannot read the checkpoint "
                + file
                + ": "
                + e.getMessage()
                + " (fix it, or "
                + "delete it to start again from start_at)",
            e);
      }
    }
    for (Map.Entry<Kind, PerKind> e : cp.kinds.entrySet()) {
      PerKind p = e.getValue();
      if (p.newest != null && p.newest.isAfter(now)) {
        LOG.warn(
            "The checkpoint's newest row time is ahead of this host's clock (a row dated in the "
                + "future); it is brought back to now, so rows written since are read again and any "
                + "already exported outside the overlap may be delivered twice. kind={} newest={} now={}",
            e.getKey().label(),
            GoTime.rfc3339Nano(p.newest),
            GoTime.rfc3339Nano(now));
        p.newest = now;
        cp.dirty = true;
      }
    }
    for (Kind k : polled) {
      if (!cp.kinds.containsKey(k)) {
        PerKind p = new PerKind();
        p.floor = floor;
        p.readFrom = floor == null ? null : floor.minus(overlap);
        p.historyPending = floor != null && !overlap.isZero() && !overlap.isNegative();
        p.fresh = true;
        cp.kinds.put(k, p);
        cp.dirty = true;
      }
    }
    return cp;
  }

  /** The endpoint recorded in the file (the configured one on a first start). */
  String endpoint() {
    return endpoint;
  }

  PerKind kind(Kind k) {
    return kinds.get(k);
  }

  /** Rows older than this are not read by a poll (null: read to the end of the listing). */
  Instant cutoff(Kind k) {
    PerKind p = kinds.get(k);
    if (p.newest == null) {
      return p.readFrom;
    }
    Instant c = p.newest.minus(overlap);
    return p.readFrom != null && p.readFrom.isAfter(c) ? p.readFrom : c;
  }

  boolean seen(Kind k, String id) {
    return kinds.get(k).seen.containsKey(id);
  }

  boolean isOpen(String id) {
    PerKind p = kinds.get(Kind.CONNECTION);
    return p != null && p.open.containsKey(id);
  }

  /** Open connections, oldest first. */
  List<Map.Entry<String, Open>> openConnections() {
    PerKind p = kinds.get(Kind.CONNECTION);
    if (p == null) {
      return List.of();
    }
    List<Map.Entry<String, Open>> l = new ArrayList<>(p.open.entrySet());
    l.sort(
        Comparator.comparing((Map.Entry<String, Open> e) -> e.getValue().connectTime())
            .thenComparing(Map.Entry::getKey));
    return l;
  }

  /**
   * Applies committed changes. Returns the IDs of open connections forgotten because more than
   * {@code max_open_connections} are open (their disconnect line will not be exported).
   */
  List<String> apply(List<Delta> deltas) {
    List<String> evicted = new ArrayList<>();
    for (Delta d : deltas) {
      dirty = true;
      if (d instanceof Seen s) {
        PerKind p = kinds.get(s.kind());
        p.seen.put(s.id(), s.time());
        Instant t = s.time().isAfter(s.notAfter()) ? s.notAfter() : s.time();
        if (p.newest == null || t.isAfter(p.newest)) {
          p.newest = t;
        }
      } else if (d instanceof Track t) {
        PerKind p = kinds.get(Kind.CONNECTION);
        p.open.put(t.id(), new Open(t.connectionId(), t.connectTime()));
        if (p.open.size() > maxOpen) {
          String oldest = openConnections().get(0).getKey();
          p.open.remove(oldest);
          evicted.add(oldest);
        }
      } else if (d instanceof Untrack u) {
        PerKind p = kinds.get(Kind.CONNECTION);
        if (p != null) {
          p.open.remove(u.id());
        }
      } else if (d instanceof Scanned sc) {
        PerKind p = kinds.get(sc.kind());
        if (p.scanned == null || sc.upTo().isAfter(p.scanned)) {
          p.scanned = sc.upTo();
        }
      } else if (d instanceof Known kn) {
        kinds.get(kn.kind()).seen.put(kn.id(), kn.time());
      } else if (d instanceof HistoryListed h) {
        kinds.get(h.kind()).historyPending = false;
      } else if (d instanceof BaselineDone) {
        PerKind p = kinds.get(Kind.CONNECTION);
        if (p != null) {
          p.fresh = false;
        }
      }
    }
    prune();
    return evicted;
  }

  /**
   * Forgets row IDs that fell out of the overlap window (and the oldest beyond {@link #MAX_SEEN}).
   */
  private void prune() {
    for (PerKind p : kinds.values()) {
      if (p.newest == null) {
        continue;
      }
      Instant keepFrom = p.newest.minus(overlap);
      p.seen.values().removeIf(t -> t.isBefore(keepFrom));
      if (p.seen.size() > MAX_SEEN) {
        if (!seenCapLogged) {
          seenCapLogged = true;
          LOG.warn(
              "More rows within overlap_secs than "
                  + "the checkpoint keeps; the oldest are forgotten, so a row Coder commits that late could "
                  + "be missed. Lower overlap_secs. limit={}",
              MAX_SEEN);
        }
        List<Map.Entry<String, Instant>> l = new ArrayList<>(p.seen.entrySet());
        l.sort(Map.Entry.comparingByValue());
        Iterator<Map.Entry<String, Instant>> it = l.iterator();
        for (int n = p.seen.size() - MAX_SEEN; n > 0 && it.hasNext(); n--) {
          p.seen.remove(it.next().getKey());
        }
      }
    }
  }

  /** Writes the checkpoint when something changed since the last save. */
  void saveIfChanged() throws IOException {
    if (!dirty) {
      return;
    }
    AtomicFiles.replace(file, JSON.writeValueAsBytes(toJson()));
    dirty = false;
  }

  private ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    root.put("endpoint", endpoint);
    for (Map.Entry<Kind, PerKind> e : kinds.entrySet()) {
      PerKind p = e.getValue();
      ObjectNode k = root.putObject(e.getKey().label());
      k.put("floor", p.floor == null ? null : GoTime.rfc3339Nano(p.floor));
      if (p.readFrom != null) {
        k.put("read_from", GoTime.rfc3339Nano(p.readFrom));
      }
      if (p.historyPending) {
        k.put("history_pending", true);
      }
      k.put("newest", p.newest == null ? null : GoTime.rfc3339Nano(p.newest));
      if (p.scanned != null) {
        k.put("scanned", GoTime.rfc3339Nano(p.scanned));
      }
      ObjectNode seen = k.putObject("seen");
      p.seen.entrySet().stream()
          .sorted(
              Map.Entry.<String, Instant>comparingByValue()
                  .thenComparing(Map.Entry.comparingByKey()))
          .forEach(s -> seen.put(s.getKey(), GoTime.rfc3339Nano(s.getValue())));
      if (e.getKey() == Kind.CONNECTION) {
        if (p.fresh && p.floor != null) {
          k.put("baseline_pending", true);
        }
        ObjectNode open = k.putObject("open");
        for (Map.Entry<String, Open> o : openConnections()) {
          ObjectNode c = open.putObject(o.getKey());
          c.put("connection_id", o.getValue().connectionId());
          c.put("connect_time", GoTime.rfc3339Nano(o.getValue().connectTime()));
        }
      }
    }
    return root;
  }

  private void read(JsonNode root) throws IOException {
    if (!root.isObject() || root.path("version").asInt() != VERSION) {
      throw new IOException("not a version " + VERSION + " Coder API checkpoint");
    }
    if (root.hasNonNull("endpoint")) {
      endpoint = root.get("endpoint").asText();
    }
    for (Kind kind : Kind.values()) {
      JsonNode k = root.get(kind.label());
      if (k == null || !k.isObject()) {
        continue;
      }
      PerKind p = new PerKind();
      p.floor = time(k.get("floor"));
      // Written before read_from existed: from the floor, as that release did.
      p.readFrom = k.has("read_from") ? time(k.get("read_from")) : p.floor;
      p.historyPending = k.path("history_pending").asBoolean(false);
      p.newest = time(k.get("newest"));
      p.scanned = time(k.get("scanned"));
      p.fresh = k.path("baseline_pending").asBoolean(false);
      for (Map.Entry<String, JsonNode> s : k.path("seen").properties()) {
        p.seen.put(s.getKey(), time(s.getValue()));
      }
      for (Map.Entry<String, JsonNode> o : k.path("open").properties()) {
        p.open.put(
            o.getKey(),
            new Open(
                o.getValue().path("connection_id").asText(),
                time(o.getValue().get("connect_time"))));
      }
      kinds.put(kind, p);
    }
  }

  private static Instant time(JsonNode n) throws IOException {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || !GoTime.isRfc3339(n.asText())) {
      throw new IOException("\"" + n + "\" is not an RFC 3339 time");
    }
    return GoTime.parse(n.asText()).toInstant();
  }
}
