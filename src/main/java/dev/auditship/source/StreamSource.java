package dev.auditship.source;

import dev.auditship.codec.Decoded;
import dev.auditship.codec.LogDecoder;
import dev.auditship.event.Event;
import dev.auditship.metrics.SourceStats;
import dev.auditship.text.Utf8;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: stdin} and {@code type: file} (read to the end): Coder server log lines, JSON or
 * human, decoded into events. A reader thread reads and decodes ahead into a bounded queue
 * (back-pressure: it blocks when the pipeline is behind), so a batch can be sent after {@code
 * linger} even while the input stays open, as with {@code coder server | auditship run}.
 *
 * <p>Threads: one daemon reader thread owns the stream and the decoder; the pipeline thread calls
 * {@link #next}. They share only the queue and the stats.
 */
public final class StreamSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSource.class);

  /** Longest line kept; Coder's event lines are a few KiB. */
  public static final int MAX_LINE_BYTES = 1024 * 1024;

  private static final Object END = new Object();

  private final String inputName;
  private final InputStream in;
  private final Rejects rejects;
  private final SourceStats stats = new SourceStats();

  /**
   * Events decoded ahead, bounded in bytes ({@link dev.auditship.event.Event#weight()}): the reader
   * runs at most this far ahead of the pipeline (docs/operations.md, "Sizing"). About 700 events
   * read from Coder's JSON lines: more than a default batch, so the run loop finds a batch waiting,
   * and no more, because every young collection copies the events waiting here (with 8 MiB, a
   * 3,000,000-event run to HEC in the human format spent about twice as long in collections).
   */
  static final long READ_AHEAD_BYTES = 2L * 1024 * 1024;

  private final ByteBoundedQueue<Object> queue = new ByteBoundedQueue<>(READ_AHEAD_BYTES);
  private final Thread reader;
  private volatile boolean ended;

  /** Set by {@link #nextAlreadyRead}: the reader makes no more reads of the input. */
  private volatile boolean stopReading;

  /** The reader thread is in a read of the input (which may wait for input that never comes). */
  private volatile boolean inRead;

  /** What a stop logs of a line it cut: its length so far and the input. */
  private static final String CUT_LINE =
      "Stopped in the middle of a line: the {} bytes of it read so far, without a line feed, are"
          + " not delivered. input={}";

  /** Whether {@link InputStream#available()} of the input can be polled instead of a read. */
  private final boolean pollable;

  /** The reader thread's decoder, once it runs (read on that thread only). */
  private LogDecoder decoder;

  /**
   * Set when {@link #nextAlreadyRead} stopped waiting for a reader in a read of the input: what
   * that read still returns came after the stop and is not decoded.
   */
  private volatile boolean abandoned;

  /** The reader thread's line reader, once it runs. */
  private volatile LineReader lineReader;

  /**
   * How long {@link #nextAlreadyRead} waits for a reader that is in a read of the input with
   * nothing queued: a read that returns at once (input was ready) ends within it; one that waits
   * for input does not, and is left waiting.
   */
  static final long READ_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * A reader failure that arrived after some events of a batch; thrown by the next {@link #next}
   * call.
   */
  private Exception pendingError;

  public StreamSource(String inputName, InputStream in, Rejects rejects) {
    this.inputName = inputName;
    this.in = in;
    // Streams whose available() tells whether a read would block: stdin (a pipe, a terminal, a
    // file) and in-process pipes. A channel's stream (Files.newInputStream) says 0 for a FIFO.
    this.pollable = in instanceof FileInputStream || in instanceof PipedInputStream;
    this.rejects = rejects;
    this.reader = new Thread(this::readAll, "auditship-reader");
    this.reader.setDaemon(true);
  }

  public void start() {
    reader.start();
  }

  private void readAll() {
    try {
      // Decoded events are handed to the queue together, and always before the reader may block
      // waiting for input, so a slow stream's events are never held back.
      InputStream handing =
          new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
              handOver();
              if (stopReading) {
                return -1;
              }
              inRead = true;
              try {
                return stopReading ? -1 : super.read();
              } finally {
                inRead = false;
              }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              handOver();
              if (stopReading || awaitHeld()) {
                return -1; // stopped: what was read is decoded and delivered, nothing more is read
              }
              inRead = true;
              try {
                // Checked again once inRead is set: nextAlreadyRead sets stopReading, then looks
                // at inRead, so either this read is not made or that look sees it.
                int n = stopReading ? -1 : super.read(b, off, len);
                return abandoned ? -1 : n; // what came after the stop gave up is not read
              } finally {
                inRead = false;
              }
            }

            /**
             * While the decoder holds a multi-line human entry (its next line not seen yet), a read
             * that would block is not made: a stop during it would leave the entry held and lost.
             * The stream is polled instead, every 10 ms, until input is ready (false) or a stop
             * comes (true: the input ends here, and the entry is emitted).
             */
            private boolean awaitHeld() throws IOException {
              while (pollable
                  && decoder != null
                  && decoder.pendingSince() >= 0
                  && super.available() <= 0) {
                if (stopReading) {
                  return true;
                }
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return false;
                }
              }
              return stopReading;
            }
          };
      LineReader lr = new LineReader(handing, MAX_LINE_BYTES);
      lineReader = lr;
      decoder = new LogDecoder(this::handle);
      readLines(
          lr,
          decoder,
          this::handle,
          stats.lines::incrementAndGet,
          () -> stopReading,
          cut -> {
            if (!abandoned) {
              LOG.warn(CUT_LINE, cut, inputName);
            }
          });
      put(END);
    } catch (IOException e) {
      put(new IOException("cannot read " + inputName + ": " + e.getMessage(), e));
    } catch (RuntimeException e) {
      put(e);
    }
  }

  /**
   * How many unread bytes {@link LineReader#fill} keeps in the read buffer when the stream has
   * more: a line longer than what is left at the buffer's end is split the plain way.
   */
  static final int RESERVE_BYTES = 16 * 1024;

  /**
   * The reader thread's loop (public for the benchmark {@code bench.ReadCpuTime}): every line of
   * {@code lr} into {@code decoder}, a line longer than {@link LineReader#maxLineBytes()} rejected
   * into {@code out} (the decoder's consumer), {@code perLine} run once a line; then {@link
   * LogDecoder#finish()}. A line the decoder takes from the read buffer while it finds its end
   * ({@link LogDecoder#lineAt}) is not searched for its line feed first.
   */
  public static void readLines(
      LineReader lr, LogDecoder decoder, Consumer<Decoded> out, Runnable perLine)
      throws IOException {
    readLines(lr, decoder, out, perLine, () -> false, cut -> {});
  }

  /**
   * {@link #readLines(LineReader, LogDecoder, Consumer, Runnable)}, where a last line without its
   * line feed that ends the input once {@code stopped} is true was cut by a stop, not by the input:
   * it is not decoded (it would read as a broken line), its length goes to {@code cut}.
   */
  static void readLines(
      LineReader lr,
      LogDecoder decoder,
      Consumer<Decoded> out,
      Runnable perLine,
      BooleanSupplier stopped,
      IntConsumer cut)
      throws IOException {
    long n = 0;
    while (true) {
      if (lr.fill(RESERVE_BYTES)) {
        int lf = decoder.lineAt(n + 1, lr.buffer(), lr.position(), lr.limit());
        if (lf >= 0) {
          lr.take(lf);
          n++;
          perLine.run();
          continue;
        }
      }
      if (!lr.read()) {
        break;
      }
      if (!lr.lastTerminated() && stopped.getAsBoolean()) {
        cut.accept(lr.length());
        break;
      }
      n++;
      perLine.run();
      if (lr.lastTooLong()) {
        String line = Utf8.decode(lr.bytes(), lr.start(), lr.length());
        out.accept(
            new Decoded.Rejected(
                n,
                "line longer than " + lr.maxLineBytes() + " bytes (cut in the rejects file)",
                line.substring(0, Math.min(line.length(), 64 * 1024))));
        continue;
      }
      decoder.line(n, lr.bytes(), lr.start(), lr.length());
    }
    decoder.finish();
  }

  private void handle(Decoded d) {
    if (d instanceof Decoded.Ok ok) {
      stats.events.incrementAndGet();
      put(ok.event());
    } else if (d instanceof Decoded.Skipped) {
      stats.skipped.incrementAndGet();
    } else if (d instanceof Decoded.Rejected r) {
      stats.rejected.incrementAndGet();
      try {
        rejects.reject(inputName, r);
      } catch (IOException e) {
        throw rejects.writeFailed(e);
      }
    }
  }

  /** How many decoded events the reader hands to the queue at once (one lock, one wake-up). */
  static final int HAND_OVER = 128;

  /** Decoded, not yet handed over (reader thread only), their weights, and how many. */
  private final Object[] decoded = new Object[HAND_OVER];

  private final long[] weights = new long[HAND_OVER];
  private int held;

  private void put(Object o) {
    weights[held] = o instanceof Event e ? e.weight() : 0;
    decoded[held++] = o;
    if (held == HAND_OVER || !(o instanceof Event)) {
      handOver(); // the end or an error: at once
    }
  }

  private void handOver() {
    if (held == 0) {
      return;
    }
    try {
      queue.putAll(decoded, weights, held);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Arrays.fill(decoded, 0, held, null);
      held = 0;
    }
  }

  @Override
  public Batch next(int max, Duration linger) throws IOException, InterruptedException {
    if (pendingError != null) {
      Exception e = pendingError;
      pendingError = null;
      if (e instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) e;
    }
    if (ended) {
      return null;
    }
    List<Event> events = new ArrayList<>(Math.min(max, 1024));
    Object first = queue.take();
    if (!accept(first, events)) {
      return events.isEmpty() ? null : new Batch(events, null);
    }
    long deadline = System.nanoTime() + linger.toNanos();
    long weight = events.get(0).weight();
    List<Object> taken = new ArrayList<>(Math.min(max, 1024));
    while (events.size() < max && weight < BATCH_BYTES) {
      // Whatever the reader has queued, in one step (one lock, not one per event).
      taken.clear();
      if (queue.drainTo(taken, max - events.size(), BATCH_BYTES - weight) > 0) {
        long w = acceptAll(taken, events);
        if (w < 0) {
          return new Batch(events, null); // the end (or an error) comes last: nothing follows it
        }
        weight += w;
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      Object o;
      try {
        o = queue.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        // Stopping while lingering: the events already taken from the queue cannot be read again
        // (stdin has no checkpoint), so they are returned and delivered; the interrupt stays set.
        Thread.currentThread().interrupt();
        break;
      }
      if (o == null) {
        break;
      }
      if (!accept(o, events)) {
        break;
      }
      weight += events.get(events.size() - 1).weight();
    }
    return new Batch(events, null);
  }

  /** Makes the reader's further reads of the input end it (what {@link #nextAlreadyRead} does). */
  void stopReading() {
    stopReading = true;
  }

  /**
   * After a stop: the events the reader has read and decoded, and those it decodes from what is
   * left in its read buffer, a batch at a time; the input is not read again. Null when none are
   * left: the end of the input came, or the reader waits in a read of the input (stdin with no
   * input pending) with nothing queued. A line cut by the stop (no line feed yet) is read as the
   * input's last line.
   */
  @Override
  public Batch nextAlreadyRead(int max) throws IOException, InterruptedException {
    stopReading();
    if (pendingError != null) {
      return next(max, Duration.ZERO); // throws it
    }
    if (ended) {
      return null;
    }
    List<Event> events = new ArrayList<>();
    List<Object> taken = new ArrayList<>();
    long weight = 0;
    long waitingSince = 0;
    while (events.size() < max && weight < BATCH_BYTES) {
      taken.clear();
      if (queue.drainTo(taken, max - events.size(), BATCH_BYTES - weight) > 0) {
        long w = acceptAll(taken, events);
        if (w < 0) {
          break; // the end (or an error, thrown by the next call)
        }
        weight += w;
        waitingSince = 0;
        continue;
      }
      if (!events.isEmpty() || !reader.isAlive()) {
        break;
      }
      if (inRead) {
        long now = System.nanoTime();
        if (waitingSince == 0) {
          waitingSince = now;
        } else if (now - waitingSince > READ_WAIT_NANOS) {
          LineReader lr = lineReader;
          int partial = lr == null ? 0 : lr.partialBytes();
          if (partial > 0) {
            LOG.warn(CUT_LINE, partial, inputName);
          } else {
            LOG.debug("Stopped while waiting for input. input={}", inputName);
          }
          abandoned = true;
          ended = true;
          return null;
        }
      } else {
        waitingSince = 0;
      }
      Object o = queue.poll(10, TimeUnit.MILLISECONDS);
      if (o != null && !accept(o, events)) {
        break;
      }
      if (o != null) {
        weight += events.get(events.size() - 1).weight();
      }
    }
    return events.isEmpty() ? null : new Batch(events, null);
  }

  /**
   * Adds the events of {@code taken}; returns their weight, or -1 when the end of input came (the
   * last item). A method of its own so that the JIT compiles this per-event loop alone, not the
   * whole of {@link #next} around it (once on-stack, once whole).
   */
  private long acceptAll(List<Object> taken, List<Event> events) throws IOException {
    long weight = 0;
    for (int i = 0, n = taken.size(); i < n; i++) {
      if (!accept(taken.get(i), events)) {
        return -1;
      }
      weight += events.get(events.size() - 1).weight();
    }
    return weight;
  }

  /** Adds an event; false at the end of input. Errors from the reader are thrown here. */
  private boolean accept(Object o, List<Event> events) throws IOException {
    if (o instanceof Event e) {
      events.add(e);
      return true;
    }
    ended = true;
    if (o instanceof IOException || o instanceof RuntimeException) {
      if (!events.isEmpty()) {
        // Deliver what was read before the failure first; the error ends the next call.
        pendingError = (Exception) o;
        return false;
      }
      if (o instanceof IOException e) {
        throw e;
      }
      throw (RuntimeException) o;
    }
    LOG.debug("End of input. input={}", inputName);
    return false;
  }

  @Override
  public int heldEvents() {
    int n = queue.size();
    return ended || n == 0 ? 0 : n - (reader.isAlive() ? 0 : 1); // not the end marker
  }

  @Override
  public SourceStats stats() {
    return stats;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
