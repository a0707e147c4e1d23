package dev.auditship.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.auditship.io.JsonText;
import dev.auditship.metrics.Metrics;
import dev.auditship.metrics.SinkState;
import dev.auditship.pipeline.Pipeline;
import dev.auditship.source.Source;
import dev.auditship.text.GoText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The optional HTTP listener ({@code metrics: {listen: "127.0.0.1:9464"}}): {@code /metrics} in the
 * Prometheus text format, {@code /healthz} (the process is alive) and {@code /readyz} (the source
 * is being read and no sink is paused), each health answer with a small JSON body naming every
 * component's state (docs/operations.md, "Monitoring"). Plain HTTP, GET only, on one daemon thread:
 * bind it to loopback or a private interface.
 */
public final class StatusServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusBridge prometheus;

  private StatusServer(HttpServer server, ExecutorService executor, PrometheusBridge prometheus) {
    this.server = server;
    this.executor = executor;
    this.prometheus = prometheus;
  }

  /**
   * Starts listening on {@code address} (port 0: any free port, see {@link #address()}).
   *
   * @throws IOException with an operator's message when the address cannot be bound
   */
  public static StatusServer start(
      InetSocketAddress address, Metrics metrics, Supplier<Pipeline.Health> health)
      throws IOException {
    HttpServer s;
    try {
      s = HttpServer.create(address, 16);
    } catch (BindException e) {
      throw new IOException(
          "metrics.listen: cannot listen on "
              + show(address)
              + ": "
              + (e.getMessage() == null ? "address in use or not local" : e.getMessage())
              + "; choose another port or address",
          e);
    }
    PrometheusBridge prometheus = new PrometheusBridge(metrics);
    ExecutorService ex =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "auditship-status");
              t.setDaemon(true);
              return t;
            });
    s.setExecutor(ex);
    s.createContext(
        "/metrics",
        x -> answer(x, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape()));
    s.createContext(
        "/healthz",
        x ->
            answer(
                x,
                200,
                "application/json",
                "{\"status\":\"alive\",\"phase\":\""
                    + health.get().phase().name().toLowerCase(Locale.ROOT)
                    + "\"}\n"));
    s.createContext("/readyz", x -> ready(x, health.get()));
    s.createContext("/", x -> answer(x, 404, "text/plain; charset=utf-8", "not found\n"));
    s.start();
    return new StatusServer(s, ex, prometheus);
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code host:port}, IPv6 in brackets. */
  public static String show(InetSocketAddress a) {
    String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  /**
   * 200 when the source is being read (no configuration fault keeps it from reading) and no sink is
   * paused by a configuration fault, else 503; the body names the phase, the source's fault and
   * each sink's state, since when and why.
   */
  static void ready(HttpExchange x, Pipeline.Health h) throws IOException {
    Source.Fault fault = h.sourceFault();
    boolean ready = h.phase() == Pipeline.Phase.RUNNING && fault == null;
    JsonText sinks = new JsonText();
    for (Map.Entry<String, SinkState.Snapshot> e : h.sinks().entrySet()) {
      SinkState.Snapshot s = e.getValue();
      if (s.mode() == SinkState.Mode.PAUSED) {
        ready = false;
      }
      JsonText j = new JsonText().str("state", s.mode().name().toLowerCase(Locale.ROOT));
      if (s.since() != null) {
        j.str("since", s.since().toString());
      }
      if (s.reason() != null) {
        j.str("reason", s.reason());
      }
      j.num("waiting_events", s.waiting());
      sinks.raw(e.getKey(), j.toString());
    }
    JsonText source = new JsonText().str("state", h.phase().name().toLowerCase(Locale.ROOT));
    if (fault != null) {
      source.str("since", fault.since().toString()).str("reason", fault.reason());
    }
    JsonText body =
        new JsonText()
            .str("status", ready ? "ready" : "not_ready")
            .raw("source", source.toString())
            .raw("sinks", sinks.toString());
    Pipeline.ReloadWait reload = h.reload();
    if (reload != null) {
      // A SIGHUP reload accepted and not yet applied, and the retrying sinks it waits for (see
      // docs/operations.md, "Reload (SIGHUP)"); not a readiness failure by itself.
      StringBuilder names = new StringBuilder("[");
      for (String n : reload.waitingFor()) {
        if (names.length() > 1) {
          names.append(',');
        }
        GoText.appendJsonString(names, n);
      }
      body.raw(
          "reload",
          new JsonText()
              .str("state", "pending")
              .str("since", reload.since().toString())
              .raw("waiting_for", names.append(']').toString())
              .toString());
    }
    answer(x, ready ? 200 : 503, "application/json", body + "\n");
  }

  private static void answer(HttpExchange x, int status, String type, String body)
      throws IOException {
    try (x) {
      if (!"GET".equals(x.getRequestMethod()) && !"HEAD".equals(x.getRequestMethod())) {
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        x.sendResponseHeaders(405, -1);
        return;
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", type);
      x.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(x.getRequestMethod())) {
        x.sendResponseHeaders(status, -1);
        return;
      }
      x.sendResponseHeaders(status, b.length);
      try (OutputStream o = x.getResponseBody()) {
        o.write(b);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    prometheus.close();
  }
}
