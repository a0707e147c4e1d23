package dev.auditship.cli;

import dev.auditship.io.Logfmt;
import dev.auditship.pipeline.Assembly;
import dev.auditship.pipeline.Pipeline;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code run}: reads the source and ships to every sink until the input ends or SIGTERM/SIGINT. On
 * a signal it stops reading, delivers what was read within {@code shutdown_timeout_secs}, leaves
 * the rest in the spool, logs what was left and exits 0; when the deadline or a second signal cuts
 * delivery short, the batch in flight stays uncommitted and the exit code is {@link
 * ExitCodes#INCOMPLETE}.
 */
@Command(
    name = "run",
    description = "Run the exporter with a config file.",
    mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {

  @Option(
      names = {"-c", "--config"},
      description =
          "The YAML config (default: config/auditship.yaml in the installation directory when "
              + "started by bin/auditship, else in the working directory).")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (config == null) {
      config = Install.fromSystem().defaultConfig();
    }
    ConfigSupport.Loaded loaded =
        ConfigSupport.load(
            config,
            err,
            new FileInputStream(FileDescriptor.in),
            new FileOutputStream(FileDescriptor.out));
    if (loaded == null) {
      return ExitCodes.CONFIG;
    }
    Logger log = LoggerFactory.getLogger(RunCommand.class);
    for (String w : ClearTextWarnings.of(loaded.config())) {
      log.warn("{}", w);
    }
    Pipeline pipeline;
    try {
      pipeline = loaded.assembly().build();
    } catch (IOException | RuntimeException e) {
      log.error("Cannot start: {}", e.getMessage() != null ? e.getMessage() : e.toString());
      return ExitCodes.FAILURE;
    }
    dev.auditship.service.StatusServer status = null;
    if (loaded.config().metrics() != null) {
      InetSocketAddress a = loaded.config().metrics().listen();
      try {
        status =
            dev.auditship.service.StatusServer.start(
                new InetSocketAddress(a.getHostString(), a.getPort()),
                loaded.assembly().metrics(),
                pipeline::health);
      } catch (IOException | RuntimeException e) {
        log.error("Cannot start: {}", e.getMessage() != null ? e.getMessage() : e.toString());
        pipeline.close();
        return ExitCodes.FAILURE;
      }
      log.info(
          "Metrics and health checks listening. metrics=http://{}/metrics health=http://{}/readyz",
          dev.auditship.service.StatusServer.show(status.address()),
          dev.auditship.service.StatusServer.show(status.address()));
    }
    Path file = config;
    Signals.onHangup(() -> reload(file, loaded.assembly(), pipeline, log));
    int sinks = loaded.config().sinks().size();
    try {
      return runUntilDone(
          pipeline,
          loaded.config().shutdownTimeout(),
          log,
          () -> log.info("Started. config={} sinks={}", config, sinks));
    } finally {
      if (status != null) {
        status.close();
      }
    }
  }

  /**
   * SIGHUP: reads {@code file} again. A valid config is applied before the next batch (filters,
   * sinks added, removed or changed; {@link Assembly#requestReload}), without waiting for a batch
   * that a sink it changes or removes is retrying; an invalid one is refused with every problem
   * logged, and the run goes on with the config it has.
   */
  static void reload(Path file, Assembly assembly, Pipeline pipeline, Logger log) {
    log.info("SIGHUP: reading the configuration again. config={}", file);
    ConfigSupport.Checked c;
    try {
      c =
          ConfigSupport.check(
              file,
              new ByteArrayInputStream(new byte[0]),
              new FileOutputStream(FileDescriptor.out));
    } catch (RuntimeException e) {
      log.error(
          "Reload refused; still running on the previous configuration. error=\"{}\"",
          Logfmt.q(e.getMessage()));
      return;
    }
    if (c.assembly() != null) {
      c.assembly().closeResolver(); // the check's own lookups are done
    }
    if (!c.problems().isEmpty()) {
      log.error(
          "Reload refused: the configuration {} has {} problem{}; still running on the previous"
              + " configuration.",
          file,
          c.problems().size(),
          c.problems().size() == 1 ? "" : "s");
      for (dev.auditship.config.Problem p : c.problems()) {
        log.error("Reload refused: {}", p.render());
      }
      return;
    }
    assembly.requestReload(pipeline, c.config());
    log.info(
        "Reload accepted; it is applied once the sinks have accepted the batches they hold (a sink"
            + " it changes or removes that is retrying is not waited for: it gets them again as"
            + " reloaded).");
  }

  /**
   * Runs {@code pipeline} until its input ends or SIGTERM/SIGINT, closes it and returns the exit
   * code. The first signal stops reading and lets the sinks deliver (spools drain) for at most
   * {@code shutdownTimeout}; a watchdog then cuts delivery short; a second signal cuts it short at
   * once.
   */
  static int runUntilDone(Pipeline pipeline, Duration shutdownTimeout, Logger log) {
    return runUntilDone(pipeline, shutdownTimeout, log, () -> {});
  }

  /**
   * As {@link #runUntilDone(Pipeline, Duration, Logger)}, running {@code started} once the signal
   * handlers are in place: a "Started." logged there means a SIGTERM from then on is a graceful
   * shutdown, not the JVM's default exit (143).
   */
  static int runUntilDone(
      Pipeline pipeline, Duration shutdownTimeout, Logger log, Runnable started) {
    AtomicInteger signals = new AtomicInteger();
    AtomicReference<Thread> watchdogRef = new AtomicReference<>();
    AtomicBoolean deadlinePassed = new AtomicBoolean();
    Signals.onTermination(
        () -> {
          int n = signals.incrementAndGet();
          if (n == 1) {
            log.info(
                "Shutdown requested: no more input is read; delivering what was read for at most {}."
                    + " A second SIGTERM or SIGINT stops at once.",
                shutdownTimeout);
            pipeline.stop();
            Thread watchdog =
                new Thread(
                    () -> {
                      try {
                        Thread.sleep(shutdownTimeout.toMillis());
                        deadlinePassed.set(true);
                        pipeline.abort();
                      } catch (InterruptedException ignored) {
                        // the run ended first
                      }
                    },
                    "auditship-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdogRef.set(watchdog);
            watchdog.start();
          } else if (n == 2) {
            log.warn(
                "Second shutdown signal: stopping now. What was read and not yet delivered stays "
                    + "uncommitted (read again at the next start) or in the spool.");
            pipeline.abort();
          }
        });
    started.run();
    try {
      pipeline.run();
      pipeline.logStats("Finished.");
      return ExitCodes.OK;
    } catch (InterruptedException e) {
      pipeline.logStats("Stopped.");
      if (signals.get() >= 2 && !deadlinePassed.get()) {
        log.warn("Stopped by the second shutdown signal while delivering.");
      } else if (deadlinePassed.get()) {
        log.warn("Shutdown deadline ({}) passed while delivering.", shutdownTimeout);
      }
      log.error(
          "Events were read but neither delivered, spooled nor dead-lettered: {} in the batches cut "
              + "short{}. They were not committed: a followed file or the Coder API source reads them "
              + "again at the next start; read from stdin, they are lost. exit={}",
          pipeline.inFlightEvents(),
          pipeline.heldEvents() > 0 ? ", " + pipeline.heldEvents() + " read ahead" : "",
          ExitCodes.INCOMPLETE);
      return ExitCodes.INCOMPLETE;
    } catch (IOException | RuntimeException e) {
      pipeline.logStats("Failed.");
      log.error(
          "Stopped by an error; the last batches were not committed. error=\"{}\"",
          Logfmt.q(e.getMessage() != null ? e.getMessage() : e.toString()));
      return ExitCodes.FAILURE;
    } finally {
      Thread watchdog = watchdogRef.get();
      if (watchdog != null) {
        watchdog.interrupt(); // the run is over: the watchdog must not interrupt close()
      }
      pipeline.close();
    }
  }
}
