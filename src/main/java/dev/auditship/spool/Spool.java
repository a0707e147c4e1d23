package dev.auditship.spool;

import dev.auditship.io.JsonText;
import dev.auditship.io.Logfmt;
import dev.auditship.io.OwnerLock;
import dev.auditship.text.GoTime;
import dev.auditship.text.Utf8;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue of one sink: segment files of framed records, a durable read pointer, recovery
 * after a crash. The format and its invariants are in {@code package-info}. This class knows bytes
 * and sequence numbers; {@link SpoolTarget} turns them into sink records and owns the policies
 * (full, age, drain).
 *
 * <p>Threads: one writer ({@link #append}, the pipeline's thread for this sink), one reader ({@link
 * #read}, {@link #ack}, {@link #rewind}: the drainer), the saver of the read pointer (its own
 * thread, see {@link #ack}), and any thread for the gauges, {@link #awaitChange} and {@link
 * #close}. Shared state is guarded by {@code mu}; file bytes are read only below a segment's
 * published end, which the writer moves forward only after the bytes are synced.
 */
final class Spool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  static final String LOCK_FILE = "LOCK";
  static final String QUARANTINE_DIR = "quarantine";
  static final String QUARANTINE_LOG = "quarantined.ndjson";

  /** Records are encoded into buffers of this size before they are written. */
  private static final int WRITE_CHUNK = 1024 * 1024;

  /**
   * @param name the sink's name (for logs and the quarantine file)
   * @param dir the spool directory
   * @param segmentBytes a segment is closed and a new one started when a batch would make it larger
   */
  record Options(String name, Path dir, long segmentBytes) {}

  /**
   * A record to append: its text and its event's JSON line, as UTF-8 bytes; or, with {@code
   * summary}, its text and its event's {@link EventSummary}.
   */
  record Pending(byte[] text, byte[] json, boolean summary) {
    Pending(byte[] text, byte[] json) {
      this(text, json, false);
    }

    /** A record that is its event's slog JSON line: stored once ({@link Frame#SHARED}). */
    static Pending shared(byte[] line) {
      return new Pending(line, null);
    }

    /** A record stored with its event's summary ({@link Frame#SUMMARY_BASE}). */
    static Pending summarized(byte[] text, byte[] summary) {
      return new Pending(text, summary, true);
    }

    long size() {
      return Frame.size(text.length, json == null ? 0 : json.length);
    }
  }

  /**
   * A record read back, with its event's JSON line, or (null {@code eventJson}) its event's {@link
   * EventSummary}.
   */
  record Entry(
      long seq, long appendedAt, long size, byte[] record, byte[] eventJson, byte[] summary) {
    Entry(long seq, long appendedAt, long size, byte[] record, byte[] eventJson) {
      this(seq, appendedAt, size, record, eventJson, null);
    }

    /** The record as text. */
    String text() {
      return Utf8.decode(record, 0, record.length);
    }

    /** The event's slog JSON line as text ({@code null} when the entry keeps a summary). */
    String json() {
      return eventJson == null ? null : Utf8.decode(eventJson, 0, eventJson.length);
    }
  }

  /**
   * Records read in one go from one segment, and where they end (for {@link #ack}).
   *
   * @param entries the whole records, in order
   * @param bytes bytes from the read position to {@code end}, damaged ones included
   * @param records records the batch stands for in the gauges (entries plus any lost to damage)
   */
  record Batch(
      List<Entry> entries, Segment segment, long end, long lastSeq, long bytes, long records) {}

  /** One segment file; {@code end} is guarded by {@code mu}. */
  static final class Segment {
    final long firstSeq;
    final Path path;
    final Storage.Handle handle;
    long end;
    boolean broken;

    Segment(long firstSeq, Path path, Storage.Handle handle, long end) {
      this.firstSeq = firstSeq;
      this.path = path;
      this.handle = handle;
      this.end = end;
    }

    @Override
    public String toString() {
      return path.getFileName().toString();
    }
  }

  private final Options options;
  private final Storage storage;
  private final Clock clock;
  private final OwnerLock ownerLock;
  private final ReentrantLock mu = new ReentrantLock();

  /** Signalled on every append, ack and close. */
  private final Condition changed = mu.newCondition();

  /** Signalled when there is a read pointer to save, and on close. */
  private final Condition ackDue = mu.newCondition();

  /** How long {@link #close} waits for the last save of the read pointer. */
  static final long CLOSE_SAVE_WAIT_MILLIS = 10_000;

  private final long closeSaveWaitMillis;

  private final AtomicLong quarantinedBytes = new AtomicLong();
  private final AtomicLong quarantinedRanges = new AtomicLong();

  // Guarded by mu.
  private final List<Segment> segments = new ArrayList<>();
  private Segment ackSeg;
  private long ackOff;
  private long lastAckedSeq;
  private long liveRecords;
  private long liveBytes;
  private boolean closed;

  /** The read pointer acknowledged and not yet handed to the saver, or null. */
  private AckFile.State unsaved;

  /** Whether the saver thread has ended. */
  private boolean saverEnded;

  /**
   * The segments a {@link #close} that gave up waiting for the saver left open, with the lock: the
   * saver closes them and releases the lock when it ends, so that no spool opened again on the same
   * directory can have its ack file overwritten by a save that was stuck.
   */
  private List<Segment> releaseWhenSaverEnds;

  /** Counted down when the first {@link #close} is done; a concurrent one waits for it. */
  private final CountDownLatch closeDone = new CountDownLatch(1);

  // Saver thread only.
  private boolean ackFailing;
  private volatile Thread saver;

  // Writer thread only.
  private Segment active;
  private long nextSeq;

  // Reader thread only (and rewind/ack, which the reader calls).
  /**
   * The reader's window on a segment ({@link #read}), also the recovery scan's; its buffer is made
   * at the first use.
   */
  private final FrameWindow readWindow = new FrameWindow();

  private Segment readSeg;
  private long readOff;
  private long lastReadSeq;

  private Spool(
      Options options,
      Storage storage,
      Clock clock,
      OwnerLock ownerLock,
      long closeSaveWaitMillis) {
    this.options = options;
    this.storage = storage;
    this.clock = clock;
    this.ownerLock = ownerLock;
    this.closeSaveWaitMillis = closeSaveWaitMillis;
  }

  /** Opens (creating) the spool in {@code options.dir()}, takes its lock and recovers it. */
  static Spool open(Options options, Storage storage, Clock clock) throws IOException {
    return open(options, storage, clock, CLOSE_SAVE_WAIT_MILLIS);
  }

  /** With another wait for the last save at close (tests). */
  static Spool open(Options options, Storage storage, Clock clock, long closeSaveWaitMillis)
      throws IOException {
    Path dir = options.dir();
    Files.createDirectories(dir);
    OwnerLock lock =
        OwnerLock.acquire(
            dir.resolve(LOCK_FILE),
            "the spool directory " + dir,
            "give each sink its own spool directory");
    Spool s = new Spool(options, storage, clock, lock, closeSaveWaitMillis);
    try {
      s.recover();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    s.saver = new Thread(s::saveAcks, "auditship-spool-ack-" + options.name());
    s.saver.setDaemon(true);
    s.saver.start();
    return s;
  }

  // ---------------------------------------------------------------- recovery

  /** A run of bytes that is not a whole record. */
  private record Damage(long from, long to, String reason, long afterSeq, long beforeSeq) {}

  private void recover() throws IOException {
    Path dir = options.dir();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().endsWith(".tmp")) {
          Files.deleteIfExists(
              p); // an atomic replace that a crash interrupted: the old file is intact
        }
      }
    }
    AckFile.State ack = AckFile.read(dir);
    if (ack == null) {
      LOG.warn(
          "The spool's ack file is damaged; every record still in the spool will be delivered again "
              + "(duplicates are possible, nothing is lost). sink={} file={}",
          options.name(),
          dir.resolve(AckFile.NAME));
      ack = AckFile.State.EMPTY;
    }
    long n = ack.nextSeq();
    List<Path> files = Segments.list(dir);
    long prevSeq = -1;
    int removed = 0;
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      long first = Segments.firstSeq(f);
      long limit = i + 1 < files.size() ? Segments.firstSeq(files.get(i + 1)) : Long.MAX_VALUE;
      if (limit <= n) {
        Files.delete(f); // every record in it is below next_seq: delivered
        removed++;
        continue;
      }
      Segment seg = recoverSegment(f, first, limit, n, ack, prevSeq);
      prevSeq = Math.max(prevSeq, lastSeqSeen);
      if (seg == null) {
        removed++;
        continue;
      }
      segments.add(seg);
    }
    readWindow.reset(); // it may hold bytes of a segment recovery cut short or rewrote
    nextSeq = Math.max(n, prevSeq + 1);
    lastAckedSeq = n - 1;
    lastReadSeq = n - 1;
    if (!segments.isEmpty()) {
      ackSeg = segments.get(0);
      ackOff = firstLiveOffset;
    }
    readSeg = ackSeg;
    readOff = ackOff;
    if (liveRecords > 0) {
      LOG.info(
          "Spool opened; records from an earlier run are delivered first. sink={} dir={} records={} bytes={} "
              + "segments={}",
          options.name(),
          dir,
          liveRecords,
          liveBytes,
          segments.size());
    } else {
      LOG.debug(
          "Spool opened; nothing left from an earlier run. sink={} dir={} delivered_segments_removed={}",
          options.name(),
          dir,
          removed);
    }
  }

  // Results of recoverSegment for the caller (recovery runs on one thread, before the spool is
  // shared).
  private long lastSeqSeen;
  private long firstLiveOffset = -1;

  /**
   * Scans one segment; quarantines and repairs damage; null when it holds nothing to deliver
   * (deleted).
   */
  private Segment recoverSegment(
      Path f, long first, long limit, long n, AckFile.State ack, long prevSeq) throws IOException {
    Storage.Handle h = storage.open(f, false);
    boolean keep = false;
    try {
      long end = h.size();
      long start = 0;
      if (ack.hintSegment() == first && ack.hintOffset() > 0 && ack.hintOffset() <= end) {
        // The hint is used only when it is the end of the data or a whole record with exactly
        // next_seq.
        if (ack.hintOffset() == end) {
          start = end;
        } else if (Frame.check(h, ack.hintOffset(), end) instanceof Frame.Valid v && v.seq() == n) {
          start = ack.hintOffset();
        }
      }
      List<Frame.Valid> live = new ArrayList<>();
      List<Damage> damages = new ArrayList<>();
      long last = Math.max(prevSeq, first - 1);
      long pos = start;
      FrameWindow win = readWindow; // the reader's, before the reader starts
      win.reset();
      while (pos < end) {
        Frame.Valid w = win.at(h, pos, end);
        Frame.Check c = w != null ? w : Frame.check(h, pos, end);
        if (c instanceof Frame.Valid v && v.seq() > last && v.seq() < limit) {
          if (v.seq() >= n) {
            live.add(v);
          }
          last = v.seq();
          pos = v.end();
          continue;
        }
        String reason =
            c instanceof Frame.Invalid inv
                ? inv.reason()
                : "sequence number "
                    + ((Frame.Valid) c).seq()
                    + " is out of order (expected above "
                    + last
                    + (limit == Long.MAX_VALUE ? "" : " and below " + limit)
                    + ")";
        Frame.Valid next = Frame.resync(h, pos + 1, end, last, limit);
        long to = next == null ? end : next.pos();
        damages.add(new Damage(pos, to, reason, last, next == null ? -1 : next.seq()));
        pos = to;
      }
      lastSeqSeen = last;
      // Damage followed by a record below next_seq held only delivered records: nothing to keep.
      List<Damage> bad =
          damages.stream().filter(d -> d.beforeSeq() < 0 || d.beforeSeq() > n).toList();
      for (Damage d : bad) {
        quarantine(f, h, d, "at start-up");
      }
      if (live.isEmpty()) {
        h.close();
        Files.delete(f);
        return null;
      }
      long liveStart = live.get(0).pos();
      if (!bad.isEmpty()) {
        if (damages.size() == 1 && damages.get(0).to() == end) {
          // Only a torn or foreign tail: cut it off; every position before it stays valid.
          h.truncate(damages.get(0).from());
          h.sync();
          end = damages.get(0).from();
        } else {
          h.close();
          Storage.Handle r = rewrite(f, first, live, n);
          h = r;
          end = h.size();
          liveStart = 0;
        }
      }
      for (Frame.Valid v : live) {
        liveRecords++;
        liveBytes += v.size();
      }
      if (firstLiveOffset < 0) {
        firstLiveOffset = liveStart;
      }
      keep = true;
      return new Segment(first, f, h, end);
    } finally {
      if (!keep) {
        try {
          h.close();
        } catch (IOException ignored) {
          // already closed or gone
        }
      }
    }
  }

  /**
   * Rewrites segment {@code f} with only its live records (damage in the middle cannot be cut off).
   */
  private Storage.Handle rewrite(Path f, long first, List<Frame.Valid> live, long n)
      throws IOException {
    // Drop the ack hint first: offsets in the rewritten file differ, and a stale hint must never
    // skip records.
    storage.replaceAtomically(
        options.dir().resolve(AckFile.NAME), AckFile.encode(new AckFile.State(n, -1, 0)));
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try (Storage.Handle src = storage.open(f, false);
        Storage.Handle dst = storage.open(tmp, true)) {
      long out = 0;
      for (Frame.Valid v : live) {
        byte[] b = new byte[(int) v.size()];
        src.readFully(v.pos(), b, 0, b.length);
        dst.write(out, b, 0, b.length);
        out += b.length;
      }
      dst.sync();
    }
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    storage.syncDirectory(options.dir());
    return storage.open(f, false);
  }

  /**
   * Copies damaged bytes to {@code quarantine/} (a {@code .bytes} file with the bytes as found, and
   * one line with the reason in {@code quarantined.ndjson}), synced before the segment is repaired.
   */
  private void quarantine(Path f, Storage.Handle h, Damage d, String when) throws IOException {
    Path qdir = options.dir().resolve(QUARANTINE_DIR);
    Files.createDirectories(qdir);
    String seg = f.getFileName().toString();
    String bytesName = seg + "@" + d.from() + "." + clock.millis() + ".bytes";
    long len = d.to() - d.from();
    try (Storage.Handle out = storage.open(qdir.resolve(bytesName), true)) {
      out.truncate(0);
      byte[] buf = new byte[(int) Math.min(len, 64 * 1024)];
      long done = 0;
      while (done < len) {
        int k = (int) Math.min(buf.length, len - done);
        h.readFully(d.from() + done, buf, 0, k);
        out.write(done, buf, 0, k);
        done += k;
      }
      out.sync();
    }
    JsonText line =
        new JsonText()
            .str("time", GoTime.rfc3339Nano(clock.instant()))
            .str("sink", options.name())
            .str("segment", seg)
            .num("offset", d.from())
            .num("length", len)
            .str("reason", d.reason())
            .num("after_seq", d.afterSeq());
    if (d.beforeSeq() >= 0) {
      line.num("before_seq", d.beforeSeq());
    }
    line.str("bytes_file", bytesName);
    storage.appendSynced(qdir.resolve(QUARANTINE_LOG), Utf8.encode(line + "\n"));
    quarantinedBytes.addAndGet(len);
    quarantinedRanges.incrementAndGet();
    String lost =
        d.beforeSeq() >= 0
            ? Long.toString(Math.max(0, d.beforeSeq() - d.afterSeq() - 1))
            : "unknown";
    LOG.warn(
        "Damaged spool bytes quarantined {}; the records around them are kept. sink={} segment={} offset={} "
            + "length={} records_lost={} reason=\"{}\" quarantine={}",
        when,
        options.name(),
        seg,
        d.from(),
        len,
        lost,
        Logfmt.q(d.reason()),
        qdir.resolve(bytesName));
  }

  /**
   * Quarantines a whole record whose content cannot be used (its event does not decode): one line
   * with the record's text and event JSON and the reason. It is then acknowledged with its batch.
   */
  void quarantineRecord(Entry e, String reason) throws IOException {
    Path qdir = options.dir().resolve(QUARANTINE_DIR);
    JsonText t =
        new JsonText()
            .str("time", GoTime.rfc3339Nano(clock.instant()))
            .str("sink", options.name())
            .num("seq", e.seq())
            .str("reason", reason)
            .original("record", e.text());
    String line =
        (e.eventJson() != null
                ? t.original("event_json", e.json())
                : t.str("event_summary_base64", Base64.getEncoder().encodeToString(e.summary())))
            .toString();
    storage.appendSynced(qdir.resolve(QUARANTINE_LOG), Utf8.encode(line + "\n"));
    quarantinedBytes.addAndGet(e.size());
    quarantinedRanges.incrementAndGet();
    LOG.error(
        "A spooled record cannot be delivered and was quarantined. sink={} seq={} reason=\"{}\" quarantine={}",
        options.name(),
        e.seq(),
        Logfmt.q(reason),
        qdir.resolve(QUARANTINE_LOG));
  }

  // ---------------------------------------------------------------- writer

  /**
   * Appends {@code records} and syncs them: when this returns they survive a crash. Writer thread
   * only.
   */
  void append(List<Pending> records) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    long total = 0;
    for (Pending p : records) {
      total += p.size();
    }
    Segment seg = active;
    long start;
    mu.lock();
    try {
      if (closed) {
        throw new IOException("the spool of sink " + options.name() + " is closed");
      }
      start = seg == null ? 0 : seg.end;
    } finally {
      mu.unlock();
    }
    if (seg == null || seg.broken || (start > 0 && start + total > options.segmentBytes())) {
      seg = roll();
      start = 0;
    }
    long pos = start;
    long seq = nextSeq;
    long now = clock.millis();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(total, WRITE_CHUNK));
    try {
      for (Pending p : records) {
        long size = p.size();
        if (buf.remaining() < size) {
          pos = flush(seg, buf, pos);
          if (buf.capacity() < size) {
            buf = ByteBuffer.allocate((int) size);
          }
        }
        Frame.encode(buf, seq++, now, p.text(), p.json(), p.summary());
      }
      pos = flush(seg, buf, pos);
      seg.handle.sync();
    } catch (IOException | RuntimeException e) {
      // Take back what was written of this batch, so that the next append continues right after the
      // last
      // synced record. If even that fails, later appends go to a new segment and recovery
      // quarantines the
      // stray bytes at the next start.
      try {
        seg.handle.truncate(start);
      } catch (IOException | RuntimeException t) {
        seg.broken = true;
      }
      throw e;
    }
    mu.lock();
    try {
      seg.end = pos;
      nextSeq = seq;
      liveRecords += records.size();
      liveBytes += total;
      changed.signalAll();
    } finally {
      mu.unlock();
    }
  }

  private static long flush(Segment seg, ByteBuffer buf, long pos) throws IOException {
    if (buf.position() > 0) {
      seg.handle.write(pos, buf.array(), 0, buf.position());
      pos += buf.position();
      buf.clear();
    }
    return pos;
  }

  /** Starts a new segment named after the next sequence number. */
  private Segment roll() throws IOException {
    if (active != null && active.firstSeq == nextSeq) {
      // A segment started for an append that failed before any record was synced: reuse it.
      active.handle.truncate(0);
      active.broken = false;
      return active;
    }
    Path p = Segments.path(options.dir(), nextSeq);
    Storage.Handle h = storage.open(p, true);
    try {
      h.truncate(0);
      storage.syncDirectory(options.dir());
    } catch (IOException | RuntimeException e) {
      h.close();
      Files.deleteIfExists(p);
      throw e;
    }
    Segment s = new Segment(nextSeq, p, h, 0);
    mu.lock();
    try {
      segments.add(s);
      if (ackSeg == null) {
        ackSeg = s;
        ackOff = 0;
      }
    } finally {
      mu.unlock();
    }
    active = s;
    return s;
  }

  // ---------------------------------------------------------------- reader

  /**
   * Most bytes of records one {@link #read} returns, whatever {@code max} says: what the drainer
   * holds in memory (docs/operations.md, "Sizing"). A larger single record is still read alone.
   */
  static final long READ_BYTES = 4L * 1024 * 1024;

  /**
   * Reads up to {@code max} records from the read position (within one segment), waiting up to
   * {@code waitNanos} for some; {@code null} when none came or the spool closed. Reader thread
   * only.
   */
  Batch read(int max, long waitNanos) throws IOException, InterruptedException {
    Segment seg;
    long start;
    long end;
    mu.lockInterruptibly();
    try {
      long deadline = System.nanoTime() + waitNanos;
      while (true) {
        if (closed) {
          return null;
        }
        if (readSeg == null && !segments.isEmpty()) {
          readSeg = segments.get(0);
          readOff = 0;
        }
        while (readSeg != null && readOff >= readSeg.end) {
          Segment next = after(readSeg);
          if (next == null) {
            break;
          }
          readSeg = next;
          readOff = 0;
        }
        if (readSeg != null && readOff < readSeg.end) {
          break;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        changed.awaitNanos(left);
      }
      seg = readSeg;
      start = readOff;
      end = seg.end;
    } finally {
      mu.unlock();
    }
    List<Entry> entries = new ArrayList<>(Math.min(max, 1024));
    long pos = start;
    long lost = 0;
    long readBytes = 0;
    while (pos < end && entries.size() < max && readBytes < READ_BYTES) {
      // Records are read a window at a time and checked in memory.
      Frame.Valid w = readWindow.at(seg.handle, pos, end);
      if (w != null && w.seq() > lastReadSeq) {
        entries.add(entry(w, readWindow.array(), readWindow.offset(pos) + Frame.HEADER));
        readBytes += w.size();
        lastReadSeq = w.seq();
        pos = w.end();
        continue;
      }
      // Larger than the window, or not a whole record: looked at in the file, which gives the
      // reason.
      Frame.Check c = Frame.check(seg.handle, pos, end);
      if (c instanceof Frame.Valid v && v.seq() > lastReadSeq) {
        byte[] p = Frame.payload(seg.handle, v);
        entries.add(entry(v, p, 0));
        readBytes += v.size();
        lastReadSeq = v.seq();
        pos = v.end();
        continue;
      }
      // Bytes that were whole when written and checked at start-up changed on disk: a failing
      // device.
      String reason =
          c instanceof Frame.Invalid inv
              ? inv.reason()
              : "sequence number "
                  + ((Frame.Valid) c).seq()
                  + " is out of order (expected above "
                  + lastReadSeq
                  + ")";
      Frame.Valid next = Frame.resync(seg.handle, pos + 1, end, lastReadSeq, Long.MAX_VALUE);
      long to = next == null ? end : next.pos();
      quarantine(
          seg.path,
          seg.handle,
          new Damage(pos, to, reason, lastReadSeq, next == null ? -1 : next.seq()),
          "while reading");
      if (next != null) {
        lost += next.seq() - lastReadSeq - 1;
      }
      pos = to;
    }
    readOff = pos;
    return new Batch(entries, seg, pos, lastReadSeq, pos - start, entries.size() + lost);
  }

  /** The entry of record {@code v}, whose payload starts at {@code at} of {@code p}. */
  private static Entry entry(Frame.Valid v, byte[] p, int at) {
    int textLen = ByteBuffer.wrap(p).getInt(at + 16);
    int fixed = at + Frame.FIXED;
    int payloadEnd = at + (int) (v.size() - Frame.HEADER);
    if (textLen == Frame.SHARED) {
      byte[] line = Arrays.copyOfRange(p, fixed, payloadEnd);
      return new Entry(v.seq(), v.appendedAt(), v.size(), line, line);
    }
    if (textLen <= Frame.SUMMARY_BASE) {
      int summaryOff = fixed + Frame.SUMMARY_BASE - textLen;
      return new Entry(
          v.seq(),
          v.appendedAt(),
          v.size(),
          Arrays.copyOfRange(p, fixed, summaryOff),
          null,
          Arrays.copyOfRange(p, summaryOff, payloadEnd));
    }
    int jsonOff = fixed + textLen;
    return new Entry(
        v.seq(),
        v.appendedAt(),
        v.size(),
        Arrays.copyOfRange(p, fixed, jsonOff),
        Arrays.copyOfRange(p, jsonOff, payloadEnd));
  }

  private Segment after(Segment s) {
    int i = segments.indexOf(s);
    return i >= 0 && i + 1 < segments.size() ? segments.get(i + 1) : null;
  }

  /**
   * Marks {@code b} (and everything read before it) delivered: the read pointer moves past it, is
   * saved in the background, and segments left behind are deleted. Reader thread only.
   *
   * <p>Why in the background: saving the pointer is a write, a sync, a rename and a sync of the
   * directory (about 2 ms on the build machine), and the drainer used to wait for it after every
   * batch, about a third of the time it took to deliver a backlog (docs/benchmarks.md, "Memory and
   * the spool"). The saver thread writes the newest pointer, one save at a time (group commit):
   * what was acknowledged while a save was being written is saved by the next one. After a crash,
   * the batches acknowledged since the last save that completed are delivered again (duplicates,
   * never a loss: the pointer on disk never passes an undelivered record). Deleting a delivered
   * segment before its pointer is saved is safe: recovery starts at the oldest segment left.
   */
  void ack(Batch b) {
    List<Segment> doomed = new ArrayList<>();
    mu.lock();
    try {
      if (closed) {
        return; // not recorded: delivered again after the restart (at-least-once)
      }
      ackSeg = b.segment();
      ackOff = b.end();
      lastAckedSeq = Math.max(lastAckedSeq, b.lastSeq());
      liveBytes -= b.bytes();
      liveRecords -= b.records();
      if (liveBytes <= 0) {
        liveBytes = 0;
        liveRecords = 0;
      }
      liveRecords = Math.max(0, liveRecords);
      while (!segments.isEmpty() && segments.get(0) != ackSeg) {
        doomed.add(segments.remove(0));
      }
      while (segments.size() > 1 && segments.get(0) == ackSeg && ackOff >= ackSeg.end) {
        doomed.add(segments.remove(0));
        ackSeg = segments.get(0);
        ackOff = 0;
      }
      if (doomed.contains(readSeg)) {
        readSeg = ackSeg;
        readOff = ackOff;
      }
      unsaved = new AckFile.State(lastAckedSeq + 1, ackSeg.firstSeq, ackOff);
      ackDue.signal();
      changed.signalAll();
    } finally {
      mu.unlock();
    }
    // Deleting delivered segments is safe even when the pointer could not be saved (they were
    // delivered), and it is what frees space when the disk is full.
    for (Segment s : doomed) {
      try {
        s.handle.close();
        Files.deleteIfExists(s.path);
      } catch (IOException e) {
        LOG.warn(
            "Cannot delete a delivered spool segment; it is deleted at the next start. sink={} file={} "
                + "error=\"{}\"",
            options.name(),
            s.path,
            Logfmt.q(e.toString()));
      }
    }
  }

  /**
   * The saver thread: writes the newest acknowledged read pointer whenever there is one, until the
   * spool is closed and the last one is written.
   */
  private void saveAcks() {
    try {
      while (true) {
        AckFile.State state;
        mu.lock();
        try {
          while (unsaved == null && !closed) {
            ackDue.awaitUninterruptibly();
          }
          if (unsaved == null) {
            return;
          }
          state = unsaved;
          unsaved = null;
        } finally {
          mu.unlock();
        }
        save(state);
      }
    } catch (RuntimeException e) {
      // Logged here, once, and not thrown on to the thread's default handler as well.
      LOG.error(
          "The spool's read pointer is no longer saved; delivered records are sent again after a "
              + "restart. sink={} dir={}",
          options.name(),
          options.dir(),
          e);
    } finally {
      List<Segment> left;
      mu.lock();
      try {
        saverEnded = true;
        left = releaseWhenSaverEnds;
        releaseWhenSaverEnds = null;
      } finally {
        mu.unlock();
      }
      if (left != null) {
        release(left);
      }
    }
  }

  private void save(AckFile.State state) {
    try {
      storage.replaceAtomically(options.dir().resolve(AckFile.NAME), AckFile.encode(state));
      if (ackFailing) {
        ackFailing = false;
        LOG.info("The spool's read pointer is saved again. sink={}", options.name());
      }
    } catch (IOException | RuntimeException e) {
      // Not fatal: delivery already happened; after a crash now those records are delivered again.
      if (!ackFailing) {
        ackFailing = true;
        LOG.warn(
            "Cannot save the spool's read pointer; delivered records would be sent again after a crash. "
                + "sink={} dir={} error=\"{}\"",
            options.name(),
            options.dir(),
            Logfmt.q(e.toString()));
      }
    }
  }

  /** Forgets what was read but not acknowledged: it is read again. Reader thread only. */
  void rewind() {
    mu.lock();
    try {
      readSeg = ackSeg;
      readOff = ackOff;
      lastReadSeq = lastAckedSeq;
    } finally {
      mu.unlock();
    }
  }

  // ---------------------------------------------------------------- state for everyone

  /** True when every record appended was acknowledged. */
  boolean isEmpty() {
    mu.lock();
    try {
      return emptyLocked();
    } finally {
      mu.unlock();
    }
  }

  private boolean emptyLocked() {
    if (ackSeg == null) {
      return true;
    }
    int i = segments.indexOf(ackSeg);
    if (ackOff < ackSeg.end) {
      return false;
    }
    for (int k = i + 1; k < segments.size(); k++) {
      if (segments.get(k).end > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits until the spool changes (append, ack, close) or {@code nanos} pass; returns the nanos
   * left.
   */
  long awaitChange(long nanos) throws InterruptedException {
    mu.lockInterruptibly();
    try {
      return closed ? 0 : changed.awaitNanos(nanos);
    } finally {
      mu.unlock();
    }
  }

  /** Whether {@link #close} was called. */
  boolean isClosed() {
    mu.lock();
    try {
      return closed;
    } finally {
      mu.unlock();
    }
  }

  /** Wakes every waiter (used when a waiter's condition changed outside the spool). */
  void signal() {
    mu.lock();
    try {
      changed.signalAll();
    } finally {
      mu.unlock();
    }
  }

  /** Records not yet acknowledged. */
  long records() {
    mu.lock();
    try {
      return emptyLocked() ? 0 : liveRecords;
    } finally {
      mu.unlock();
    }
  }

  /** Bytes of records not yet acknowledged (what {@code max_bytes} bounds). */
  long bytes() {
    mu.lock();
    try {
      return emptyLocked() ? 0 : liveBytes;
    } finally {
      mu.unlock();
    }
  }

  /**
   * When the oldest record not yet acknowledged was appended (epoch ms), or -1 when the spool is
   * empty.
   */
  long oldestAppendedAt() {
    mu.lock();
    try {
      if (closed || emptyLocked()) {
        return -1;
      }
      Segment s = ackSeg;
      long off = ackOff;
      while (off >= s.end) {
        Segment n = after(s);
        if (n == null) {
          return -1;
        }
        s = n;
        off = 0;
      }
      byte[] head = new byte[Frame.HEADER + 16];
      try {
        s.handle.readFully(off, head, 0, head.length);
      } catch (IOException e) {
        return -1;
      }
      return ByteBuffer.wrap(head).getLong(Frame.HEADER + 8);
    } finally {
      mu.unlock();
    }
  }

  long quarantinedBytes() {
    return quarantinedBytes.get();
  }

  long quarantinedRanges() {
    return quarantinedRanges.get();
  }

  Path dir() {
    return options.dir();
  }

  String name() {
    return options.name();
  }

  /**
   * Waits for the saver to write the last acknowledged read pointer and end; false when it did not
   * end in time (a disk that does not answer), or when this is the saver. What it did not save is
   * delivered again after the restart.
   */
  private boolean awaitSaver() {
    Thread t = saver;
    if (t == null) {
      return true;
    }
    if (t == Thread.currentThread()) {
      return false;
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + closeSaveWaitMillis * 1_000_000;
    while (t.isAlive()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        LOG.warn(
            "The spool's read pointer was not saved in time at close; the records delivered since "
                + "the last save are delivered again after the restart, and the spool directory "
                + "stays locked until the disk answers. sink={} dir={} wait_ms={}",
            options.name(),
            options.dir(),
            closeSaveWaitMillis);
        break;
      }
      try {
        t.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true; // the save is short: finish waiting, then pass the interrupt on
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  /**
   * Closes the spool: the last read pointer saved (waiting up to {@link #CLOSE_SAVE_WAIT_MILLIS}),
   * the segments closed and the directory's lock released. A second call, from any thread, returns
   * when the first is done.
   */
  @Override
  public void close() {
    List<Segment> all;
    mu.lock();
    try {
      if (closed) {
        all = null;
      } else {
        closed = true;
        changed.signalAll();
        ackDue.signal();
        all = new ArrayList<>(segments);
      }
    } finally {
      mu.unlock();
    }
    if (all == null) {
      awaitFirstClose();
      return;
    }
    try {
      boolean ended = awaitSaver();
      boolean now;
      mu.lock();
      try {
        now = ended || saverEnded;
        if (!now) {
          releaseWhenSaverEnds = all; // the saver releases them when it ends
        }
      } finally {
        mu.unlock();
      }
      if (now) {
        release(all);
      }
    } finally {
      closeDone.countDown();
    }
  }

  /**
   * Waits for the first close, a little longer than it waits for the saver; a first close stuck
   * past that (a disk that does not answer when its files are closed) is not waited for.
   */
  private void awaitFirstClose() {
    boolean interrupted = false;
    long deadline = System.nanoTime() + (closeSaveWaitMillis + 5_000) * 1_000_000;
    while (true) {
      try {
        closeDone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the segments and releases the directory's lock. */
  private void release(List<Segment> all) {
    for (Segment s : all) {
      try {
        s.handle.close();
      } catch (IOException e) {
        LOG.debug("Error while closing a spool segment: {}", e.toString());
      }
    }
    try {
      ownerLock.close();
    } catch (IOException e) {
      LOG.debug("Error while releasing the spool lock: {}", e.toString());
    }
  }
}
