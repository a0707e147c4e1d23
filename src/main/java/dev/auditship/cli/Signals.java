package dev.auditship.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGTERM and SIGINT handling (and SIGHUP for a reload). The JDK's {@code sun.misc.Signal} (module
 * jdk.unsupported) is used instead of a shutdown hook because a hook cannot let the process exit 0:
 * after a signal the JVM always ends with 128+signal. Where the API is missing, a shutdown hook
 * does the same work.
 *
 * <p>The API is reached by reflection: compiled against directly, javac warns on every build that
 * it is internal, and the build treats warnings as errors.
 */
final class Signals {
  private Signals() {}

  /**
   * SIGHUP: reload the configuration. Without the signal API (or where there is no SIGHUP) nothing
   * is registered and false is returned.
   */
  static boolean onHangup(Runnable handler) {
    try {
      register(new String[] {"HUP"}, handler, "auditship reload handler");
      return true;
    } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
      return false;
    }
  }

  static void onTermination(Runnable handler) {
    try {
      register(new String[] {"TERM", "INT"}, handler, "auditship termination handler");
    } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
      Runtime.getRuntime().addShutdownHook(new Thread(handler, "auditship-shutdown"));
    }
  }

  private static void register(String[] names, Runnable handler, String description)
      throws ReflectiveOperationException {
    Class<?> signal = Class.forName("sun.misc.Signal");
    Class<?> signalHandler = Class.forName("sun.misc.SignalHandler");
    Object h =
        Proxy.newProxyInstance(
            Signals.class.getClassLoader(),
            new Class<?>[] {signalHandler},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "handle" -> {
                    handler.run();
                    yield null;
                  }
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> description;
                });
    Method handle = signal.getMethod("handle", signal, signalHandler);
    for (String name : names) {
      handle.invoke(null, signal.getConstructor(String.class).newInstance(name), h);
    }
  }
}
