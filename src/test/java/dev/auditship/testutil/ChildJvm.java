package dev.auditship.testutil;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class of the test classpath in a child JVM (for crash and signal tests). */
public final class ChildJvm {
  private ChildJvm() {}

  /** A process builder for {@code java -cp <test classpath> mainClass args...}. */
  public static ProcessBuilder builder(Class<?> mainClass, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    if (!cp.contains("test-classes")) {
      throw new IllegalStateException("the test classpath is not visible to this JVM: " + cp);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", cp, mainClass.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** The path separator-joined classpath, for messages. */
  public static String classpath() {
    return System.getProperty("java.class.path").replace(File.pathSeparator, "\n");
  }
}
