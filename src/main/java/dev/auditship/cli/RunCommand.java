package dev.auditship.cli;

import dev.auditship.pipeline.Pipeline;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
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
 * the rest uncommitted (or in the spool), logs what was left and exits 0. A second signal cuts
 * delivery short.
 */
@Command(
    name = "run",
    description = "Run the exporter with a config file.",
    mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {

  @Option(
      names = {"-c", "--config"},
      defaultValue = "config/auditship.yaml",
      description = "The YAML config (default: ${DEFAULT-VALUE}).")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
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
    Pipeline pipeline;
    try {
      pipeline = loaded.assembly().build();
    } catch (IOException | RuntimeException e) {
      log.error("Cannot start: {}", e.getMessage() != null ? e.getMessage() : e.toString());
      return ExitCodes.FAILURE;
    }
    log.info("Started. config={} sinks={}", config, loaded.config().sinks().size());
    return runUntilDone(pipeline, loaded.config().shutdownTimeout(), log);
  }

  /**
   * Runs {@code pipeline} until its input ends or SIGTERM/SIGINT, closes it and returns the exit
   * code. The first signal stops reading and lets the sinks deliver (spools drain) for at most
   * {@code shutdownTimeout}; a watchdog then cuts delivery short; a second signal cuts it short at
   * once.
   */
  static int runUntilDone(Pipeline pipeline, Duration shutdownTimeout, Logger log) {
    AtomicInteger signals = new AtomicInteger();
    AtomicReference<Thread> watchdogRef = new AtomicReference<>();
    Signals.onTermination(
        () -> {
          int n = signals.incrementAndGet();
          if (n == 1) {
            log.info(
                "Shutdown requested: no more input is read; delivering what was read for at most {}.",
                shutdownTimeout);
            pipeline.stop();
            Thread watchdog =
                new Thread(
                    () -> {
                      try {
                        Thread.sleep(shutdownTimeout.toMillis());
                        pipeline.abort();
                      } catch (InterruptedException ignored) {
                        // the run ended first
                      }
                    },
                    "auditship-shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdogRef.set(watchdog);
            watchdog.start();
          } else {
            log.warn("Second shutdown signal: delivery is cut short now.");
            pipeline.abort();
          }
        });
    try {
      pipeline.run();
      pipeline.logStats("Finished.");
      return ExitCodes.OK;
    } catch (InterruptedException e) {
      pipeline.logStats("Stopped.");
      log.warn(
          "Shutdown deadline passed while delivering: the last batch was not committed and will be "
              + "read again on the next start (or stays in the spool).");
      return signals.get() > 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    } catch (IOException | RuntimeException e) {
      pipeline.logStats("Failed.");
      log.error(
          "Stopped by an error; the last batch was not committed. error=\"{}\"",
          e.getMessage() != null ? e.getMessage() : e.toString());
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
