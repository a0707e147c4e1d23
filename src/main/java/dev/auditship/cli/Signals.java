package dev.auditship.cli;

/**
 * SIGTERM and SIGINT handling. The JDK's {@code sun.misc.Signal} (module jdk.unsupported) is used
 * instead of a shutdown hook because a hook cannot let the process exit 0: after a signal the JVM
 * always ends with 128+signal. Where the API is missing, a shutdown hook does the same work.
 */
final class Signals {
  private Signals() {}

  /**
   * SIGHUP: reload the configuration. Without the signal API (or where there is no SIGHUP) nothing
   * is registered and false is returned.
   */
  static boolean onHangup(Runnable handler) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> handler.run());
      return true;
    } catch (IllegalArgumentException | LinkageError e) {
      return false;
    }
  }

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
