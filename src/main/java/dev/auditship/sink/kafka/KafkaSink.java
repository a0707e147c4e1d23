package dev.auditship.sink.kafka;

import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.event.Kind;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.Counter;
import dev.auditship.metrics.Metrics;
import dev.auditship.sink.Outcome;
import dev.auditship.sink.Sink;
import dev.auditship.sink.SinkRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: kafka}: produces each record to its kind's topic with the official Java producer
 * (docs/kafka.md). The key is the Coder event {@code ID} (so a partition holds every repeat of an
 * event, and compacted topics and consumers de-duplicate by key); the headers are {@code kind}
 * ({@code audit}/{@code connection}), {@code msg} (slog's {@code audit_log}/{@code connection_log})
 * and {@code format} ({@code json}/{@code human}); the value is the formatted record in UTF-8.
 *
 * <p>Delivery: {@link #send} hands the whole batch to the producer and waits for every
 * acknowledgement; a record counts as delivered only when the brokers acknowledged it with {@code
 * acks=all}. The producer is idempotent with at most 5 requests in flight, so its own retries
 * (leader changes, a restarted broker, not enough in-sync replicas) keep each partition in order
 * and write no duplicates, for up to {@code delivery_timeout_secs}. What still fails is classified
 * ({@link KafkaErrors}):
 *
 * <ul>
 *   <li>a record larger than {@code max_request_bytes} is rejected before it is sent, and one the
 *       broker refuses as too large is rejected with the broker's reason: both go to the
 *       dead-letter file;
 *   <li>authentication and authorization failures, and a topic that does not exist (the producer
 *       waits {@code metadata_timeout_secs} for it, then an admin request tells a missing topic
 *       from unreachable brokers) are configuration faults: the sink pauses and probes, keeping
 *       every record;
 *   <li>the rest (a delivery timeout during a long outage) is retried with the sink's back-off.
 * </ul>
 *
 * A retried record is sent again with the records after it <em>on the same partition</em>, even
 * those already acknowledged: order per partition is kept at the price of duplicates, which
 * consumers drop by key ({@link #resentForOrder()}).
 *
 * <p>After an authentication failure the producer is rebuilt before the next attempt, so a rotated
 * {@code password_file} is read again. The password never appears in a log line or message: Kafka
 * prints {@code sasl.jaas.config} as {@code [hidden]}.
 *
 * <p>Used by one delivery thread at a time; {@link #close()} may be called from another.
 */
public final class KafkaSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

  /** Extra wait for an acknowledgement beyond the producer's own deadlines, as a safety net. */
  private static final Duration ACK_SLACK = Duration.ofSeconds(30);

  private final String name;
  private final String format;
  private final KafkaSinkConfig cfg;
  private final Function<Map<String, Object>, Producer<byte[], byte[]>> producers;
  private final Function<Map<String, Object>, Admin> admins;
  private final Counter oversize = new Counter();
  private final Counter resentForOrder = new Counter();
  private volatile Producer<byte[], byte[]> producer;

  /**
   * Each kind's topic and headers, made once: they are the same for every record of a kind, and the
   * headers are immutable once made (the producer only reads them).
   */
  private final Map<Kind, String> topics = new EnumMap<>(Kind.class);

  private final Map<Kind, RecordHeaders> headers = new EnumMap<>(Kind.class);

  /** {@link #estimatedSize}'s share of each kind's headers. */
  private final Map<Kind, Integer> headerBytes = new EnumMap<>(Kind.class);

  /**
   * The sink as the pipeline builds it; reads the TLS files and the password now, so a missing file
   * stops the start with a clear error. Connects on the first send.
   */
  public KafkaSink(String name, String format, KafkaSinkConfig cfg) throws IOException {
    this(name, format, cfg, KafkaProducer::new, Admin::create);
  }

  KafkaSink(
      String name,
      String format,
      KafkaSinkConfig cfg,
      Function<Map<String, Object>, Producer<byte[], byte[]>> producers,
      Function<Map<String, Object>, Admin> admins)
      throws IOException {
    this.name = name;
    this.format = format;
    this.cfg = cfg;
    this.producers = producers;
    this.admins = admins;
    KafkaProps.producer(cfg, name); // fail fast on unreadable files
    for (Kind k : Kind.values()) {
      topics.put(k, cfg.topic(k.label()));
      List<Header> h =
          List.of(
              new RecordHeader("kind", bytes(k.label())),
              new RecordHeader("msg", bytes(k.message())),
              new RecordHeader("format", bytes(format)));
      // A ProducerRecord copies RecordHeaders into a list of the exact size.
      headers.put(k, new RecordHeaders(h));
      headerBytes.put(k, estimatedHeaderSize(h));
    }
    if (cfg.tls() == null && !loopbackOnly()) {
      LOG.warn(
          "The Kafka connection is not encrypted (no tls:): the audit events{} cross the network in "
              + "clear text. sink={} bootstrap_servers={}",
          cfg.sasl() != null ? " and the SASL password" : "",
          name,
          String.join(",", cfg.bootstrapServers()));
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** Records refused before sending because they exceed {@code max_request_bytes}. */
  public long oversize() {
    return oversize.get();
  }

  /**
   * Acknowledged records sent again because an earlier record of their partition had to be retried
   * (the possible duplicates that keep per-partition order).
   */
  public long resentForOrder() {
    return resentForOrder.get();
  }

  @Override
  public void registerMetrics(Metrics metrics) {
    Map<String, String> l = Map.of("sink", name);
    metrics.counter(
        "auditship_kafka_oversize_total",
        "Events larger than max_request_bytes, dead-lettered before sending.",
        l,
        oversize);
    metrics.counter(
        "auditship_kafka_resent_for_order_total",
        "Acknowledged events sent again behind a retried event of their partition.",
        l,
        resentForOrder);
  }

  @Override
  public String toString() {
    return "KafkaSink[" + name + " " + String.join(",", cfg.bootstrapServers()) + "]";
  }

  // ------------------------------------------------------------------------------------------ send

  private static final int PENDING = 0;
  private static final int DELIVERED = 1;
  private static final int REJECTED = 2;
  private static final int RETRY = 3;

  @Override
  public Outcome send(List<SinkRecord> batch) throws InterruptedException {
    if (batch.isEmpty()) {
      return Outcome.delivered();
    }
    Producer<byte[], byte[]> p;
    try {
      p = producer();
    } catch (IOException | KafkaException e) {
      return Outcome.configFault(batch, "cannot set up the Kafka producer: " + e.getMessage());
    }
    int n = batch.size();
    int[] state = new int[n];
    String[] rejection = new String[n];
    Throwable[] errors = new Throwable[n];
    int[] partitions = new int[n];
    Arrays.fill(partitions, -1);
    List<Future<RecordMetadata>> futures = new ArrayList<>(n);
    String stopReason = null;
    boolean stopFault = false;
    Set<String> noMetadata = null;
    for (int i = 0; i < n; i++) {
      futures.add(null);
      SinkRecord r = batch.get(i);
      ProducerRecord<byte[], byte[]> pr = record(r);
      int size =
          estimatedSize(
              pr.key() == null ? 0 : pr.key().length,
              pr.value().length,
              headerBytes.get(r.event().kind()));
      if (size > cfg.maxRequestBytes()) {
        state[i] = REJECTED;
        rejection[i] =
            "event too large for this sink: its Kafka record is about "
                + size
                + " bytes and max_request_bytes is "
                + cfg.maxRequestBytes()
                + "; not sent to Kafka";
        oversize.incrementAndGet();
        continue;
      }
      if (stopReason != null || (noMetadata != null && noMetadata.contains(pr.topic()))) {
        state[i] = RETRY;
        continue;
      }
      final int idx = i;
      try {
        futures.set(
            i,
            p.send(
                pr,
                (md, ex) -> {
                  if (md != null) {
                    partitions[idx] = md.partition();
                  }
                }));
        Future<RecordMetadata> sent = futures.get(i);
        if (sent.isDone() && failedForMetadata(sent)) {
          // The producer waited max.block.ms (metadata_timeout_secs) for the topic's metadata in
          // send() itself; each later record of the topic would wait as long again: they are
          // retried with this one instead (the first failure is reported after one wait, not
          // one a record).
          if (noMetadata == null) {
            noMetadata = new HashSet<>();
          }
          noMetadata.add(pr.topic());
        }
      } catch (KafkaException | IllegalStateException e) {
        // The producer is closed or in a fatal state: build a new one for the next attempt.
        stopReason = "the Kafka producer failed: " + e.getMessage();
        stopFault = false;
        state[i] = RETRY;
        resetProducer();
      }
    }
    if (stopReason == null) {
      // The whole batch is handed over and the sink waits for all of it anyway: send the last,
      // partly filled batches now instead of after linger_ms. flush() blocks until every record
      // is answered or expires (delivery_timeout_secs): the warning about brokers that do not
      // answer comes from a timer meanwhile (a QA finding: it came only after the expiry).
      ScheduledFuture<?> slow =
          slowTimer()
              .schedule(
                  (Runnable) this::warnSlowQuietly,
                  cfg.metadataTimeout().toMillis(),
                  TimeUnit.MILLISECONDS);
      try {
        p.flush();
      } catch (InterruptException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedException("delivery to sink " + name + " interrupted");
      } catch (KafkaException | IllegalStateException e) {
        // Each record's own result below says what happened.
      } finally {
        slow.cancel(true);
      }
    }
    long waitMillis = cfg.deliveryTimeout().plus(cfg.metadataTimeout()).plus(ACK_SLACK).toMillis();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    // Past metadata_timeout_secs without an acknowledgement, say so once and why, instead of
    // staying silent until the producer gives up (delivery_timeout_secs, 2 minutes by default).
    long slowAt = start + cfg.metadataTimeout().toNanos();
    boolean looked = false;
    for (int i = 0; i < n; i++) {
      Future<RecordMetadata> f = futures.get(i);
      if (f == null) {
        continue;
      }
      try {
        if (!looked && !f.isDone() && slowAt < deadline) {
          try {
            f.get(Math.max(0, slowAt - System.nanoTime()), TimeUnit.NANOSECONDS);
          } catch (TimeoutException slow) {
            looked = true;
            warnSlow();
          } catch (ExecutionException failed) {
            // read again below
          }
        }
        RecordMetadata md = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        partitions[i] = md.partition();
        state[i] = DELIVERED;
      } catch (ExecutionException e) {
        errors[i] = e.getCause() != null ? e.getCause() : e;
      } catch (TimeoutException e) {
        errors[i] = e;
      }
    }
    // Classify the failures; one reason for the outcome (the first fault wins over transients).
    String reason = stopReason;
    boolean fault = stopFault;
    boolean rebuild = false;
    Map<String, KafkaErrors.Verdict> diagnosed = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (errors[i] == null) {
        continue;
      }
      SinkRecord r = batch.get(i);
      String topic = topic(r);
      KafkaErrors.Verdict v;
      if (errors[i] instanceof TimeoutException) {
        v =
            new KafkaErrors.Verdict(
                KafkaErrors.Kind.RETRY,
                "no acknowledgement from the brokers within " + waitMillis + " ms");
      } else {
        v = KafkaErrors.classify(errors[i], topic, cfg.maxRequestBytes());
      }
      if (v.kind() == KafkaErrors.Kind.METADATA) {
        final Throwable cause = errors[i];
        v = diagnosed.computeIfAbsent(topic, t -> diagnose(t, cause));
      }
      if (errors[i] instanceof AuthenticationException) {
        rebuild = true;
      }
      switch (v.kind()) {
        case REJECT -> {
          state[i] = REJECTED;
          rejection[i] = v.reason();
        }
        case FAULT -> {
          state[i] = RETRY;
          if (!fault) {
            reason = v.reason();
            fault = true;
          }
        }
        default -> {
          state[i] = RETRY;
          if (reason == null) {
            reason = v.reason();
          }
        }
      }
    }
    keepPartitionOrder(batch, state, partitions);
    if (rebuild) {
      resetProducer();
    }
    Outcome o = outcome(batch, state, rejection, reason, fault);
    if (o.retry().isEmpty()) {
      slowWarned = false; // acknowledged again: a next slow episode is warned about
      slowWarnedOnce.set(false);
    }
    return o;
  }

  /**
   * A record to retry goes again with every later record of its partition (or of its topic, when
   * the producer never assigned it a partition), so each partition keeps the batch's order.
   */
  private void keepPartitionOrder(List<SinkRecord> batch, int[] state, int[] partitions) {
    if (Arrays.stream(state).noneMatch(st -> st == RETRY)) {
      return; // the usual case: nothing to keep in order behind
    }
    Set<String> failedPartitions = new HashSet<>();
    Set<String> failedTopics = new HashSet<>();
    for (int i = 0; i < state.length; i++) {
      String topic = topic(batch.get(i));
      String tp = topic + "-" + partitions[i];
      if (state[i] == RETRY) {
        if (partitions[i] < 0) {
          failedTopics.add(topic);
        } else {
          failedPartitions.add(tp);
        }
      } else if (state[i] == DELIVERED
          && (failedTopics.contains(topic) || failedPartitions.contains(tp))) {
        state[i] = RETRY;
        resentForOrder.incrementAndGet();
      }
    }
  }

  private static Outcome outcome(
      List<SinkRecord> batch, int[] state, String[] rejection, String reason, boolean fault) {
    List<Outcome.Rejection> rejected = new ArrayList<>();
    List<SinkRecord> retry = new ArrayList<>();
    for (int i = 0; i < state.length; i++) {
      if (state[i] == REJECTED) {
        rejected.add(new Outcome.Rejection(batch.get(i), rejection[i]));
      } else if (state[i] == RETRY || state[i] == PENDING) {
        retry.add(batch.get(i));
      }
    }
    if (retry.isEmpty()) {
      return rejected.isEmpty() ? Outcome.delivered() : Outcome.rejected(rejected);
    }
    return new Outcome(
        rejected, retry, reason == null ? "not acknowledged by Kafka" : reason, null, fault);
  }

  ProducerRecord<byte[], byte[]> record(SinkRecord r) {
    String id = r.event().id();
    Kind k = r.event().kind();
    return new ProducerRecord<>(
        topics.get(k), null, null, id == null ? null : bytes(id), r.bytes(), headers.get(k));
  }

  private String topic(SinkRecord r) {
    return topics.get(r.event().kind());
  }

  /** Kafka's record batch header, magic v2 (protocol guide, "Record Batch"). */
  static final int BATCH_OVERHEAD = 61;

  /**
   * An upper bound of the bytes the producer checks against {@code max.request.size}: the record in
   * a batch of its own, uncompressed, with every varint at its longest (protocol guide, "Record").
   * The producer's own estimate is never larger, so a record this method lets through is not
   * refused by the producer's size check.
   */
  static int estimatedSize(ProducerRecord<byte[], byte[]> pr) {
    return estimatedSize(
        pr.key() == null ? 0 : pr.key().length,
        pr.value() == null ? 0 : pr.value().length,
        estimatedHeaderSize(pr.headers()));
  }

  private static int estimatedSize(int keyBytes, int valueBytes, int headerBytes) {
    long size = BATCH_OVERHEAD + 5 /* length */ + 1 /* attributes */ + 10 /* timestamp delta */;
    size += 5 /* offset delta */ + 5 + keyBytes;
    size += 5 + valueBytes + 5 /* header count */ + headerBytes;
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  private static int estimatedHeaderSize(Iterable<Header> headers) {
    long size = 0;
    for (Header h : headers) {
      size += 5 + h.key().getBytes(StandardCharsets.UTF_8).length;
      size += 5 + (h.value() == null ? 0 : h.value().length);
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------ producer

  private Producer<byte[], byte[]> producer() throws IOException {
    Producer<byte[], byte[]> p = producer;
    if (p == null) {
      p = producers.apply(KafkaProps.producer(cfg, name));
      producer = p;
    }
    return p;
  }

  private void resetProducer() {
    Producer<byte[], byte[]> p = producer;
    producer = null;
    if (p != null) {
      try {
        p.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug(
            "Closing the failed Kafka producer failed. sink={} error=\"{}\"",
            name,
            Logfmt.q(e.toString()));
      }
    }
  }

  /** Whether a send that is already done failed waiting for its topic's metadata. */
  private static boolean failedForMetadata(Future<RecordMetadata> f) {
    try {
      f.get(0, TimeUnit.NANOSECONDS);
      return false;
    } catch (ExecutionException e) {
      return e.getCause() != null
          && KafkaErrors.classify(e.getCause(), "", Integer.MAX_VALUE).kind()
              == KafkaErrors.Kind.METADATA;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (TimeoutException | CancellationException e) {
      return false;
    }
  }

  /** Whether a slow acknowledgement was warned about and no batch was delivered since. */
  private volatile boolean slowWarned;

  /** Taken by the one {@link #warnSlow} of an episode (the timer's or the sender's). */
  private final AtomicBoolean slowWarnedOnce = new AtomicBoolean();

  /**
   * Logs, once until a batch is delivered again, that the brokers have not acknowledged within
   * metadata_timeout_secs, with what an admin request finds (unreachable brokers, a missing topic,
   * no rights), or that it finds nothing wrong.
   */
  /**
   * The timer of {@link #warnSlow} while a batch is flushed; one daemon thread, made when needed.
   */
  private ScheduledExecutorService slowTimer;

  private synchronized ScheduledExecutorService slowTimer() {
    if (slowTimer == null) {
      slowTimer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "auditship-kafka-slow-" + name);
                t.setDaemon(true);
                return t;
              });
    }
    return slowTimer;
  }

  /** {@link #warnSlow} from the timer: cancelled (interrupted) when the flush ends first. */
  private void warnSlowQuietly() {
    try {
      warnSlow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void warnSlow() throws InterruptedException {
    if (!slowWarnedOnce.compareAndSet(false, true)) {
      return;
    }
    slowWarned = true;
    String problem;
    try (Admin admin = admins.apply(adminProps())) {
      problem = KafkaAdminChecks.check(admin, cfg, cfg.metadataTimeout());
    } catch (IOException | KafkaException e) {
      problem = "cannot set up the Kafka admin client: " + e.getMessage();
    }
    LOG.warn(
        "No acknowledgement from the Kafka brokers within metadata_timeout_secs; still waiting, up "
            + "to delivery_timeout_secs, and the events are kept. sink={} bootstrap_servers={} "
            + "waited_ms={} problem=\"{}\"",
        name,
        String.join(",", cfg.bootstrapServers()),
        cfg.metadataTimeout().toMillis(),
        Logfmt.q(problem == null ? "none found: the brokers answer an admin request" : problem));
  }

  // ------------------------------------------------------------------------------ admin requests

  /** Why the topic's metadata did not arrive: missing topic, no rights, or unreachable brokers. */
  private KafkaErrors.Verdict diagnose(String topic, Throwable cause) {
    String problem;
    try (Admin admin = admins.apply(adminProps())) {
      problem = KafkaAdminChecks.topicProblem(admin, topic, cfg.metadataTimeout());
    } catch (IOException | KafkaException e) {
      return new KafkaErrors.Verdict(KafkaErrors.Kind.RETRY, cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // Delivery stops at its next check
      return new KafkaErrors.Verdict(KafkaErrors.Kind.RETRY, cause.getMessage());
    }
    if (problem == null) {
      return new KafkaErrors.Verdict(
          KafkaErrors.Kind.RETRY,
          "the metadata of topic "
              + topic
              + " did not arrive within metadata_timeout_secs ("
              + cause.getMessage()
              + ")");
    }
    return new KafkaErrors.Verdict(
        problem.startsWith(KafkaAdminChecks.UNREACHABLE)
            ? KafkaErrors.Kind.RETRY
            : KafkaErrors.Kind.FAULT,
        problem);
  }

  private Map<String, Object> adminProps() throws IOException {
    Map<String, Object> p = KafkaProps.common(cfg, name);
    int timeout = (int) Math.max(1000, cfg.metadataTimeout().toMillis());
    p.put("default.api.timeout.ms", timeout);
    p.put("request.timeout.ms", timeout);
    p.put("client.id", cfg.clientId() + "-admin");
    return p;
  }

  /** The topic, key and headers come from the kind and the ID. */
  @Override
  public Set<String> eventFields() {
    return Set.of();
  }

  /** Brokers reachable, every topic exists, and the brokers allow this principal to write to it. */
  @Override
  public String checkConnectivity() {
    try (Admin admin = admins.apply(adminProps())) {
      return KafkaAdminChecks.check(admin, cfg, cfg.metadataTimeout());
    } catch (IOException | KafkaException e) {
      return "cannot set up the Kafka admin client: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while checking the Kafka brokers";
    }
  }

  private boolean loopbackOnly() {
    for (String s : cfg.bootstrapServers()) {
      String host = Utils.getHost(s);
      if (host == null
          || !(host.equals("localhost") || host.startsWith("127.") || host.equals("::1"))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (slowTimer != null) {
        slowTimer.shutdownNow();
      }
    }
    Producer<byte[], byte[]> p = producer;
    producer = null;
    if (p != null) {
      p.close(Duration.ofSeconds(5));
    }
    if (oversize.get() > 0 || resentForOrder.get() > 0) {
      LOG.info(
          "Kafka sink closed. sink={} oversize_dead_lettered={} resent_for_order={}",
          name,
          oversize.get(),
          resentForOrder.get());
    }
  }
}
