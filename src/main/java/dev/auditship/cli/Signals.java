package dev.auditship.cli;

/**
 * SIGTERM and SIGINT handling. The JDK's {@code sun.misc.Signal} (module jdk.unsupported) is used
 * instead of a shutdown hook because a hook cannot let the process exit 0: after a signal the JVM
 * always ends with 128+signal. Where the API is missing, a shutdown hook does the same work.
 */
final class Signals {
  private Signals() {}

  static void onTermination(Runnable handler) {
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> handler.run());
      }
    } catch (IllegalArgumentException | LinkageError e) {
      Runtime.getRuntime().addShutdownHook(new Thread(handler, "auditship-shutdown"));
    }
  }
}
