package dev.auditship.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real exporter as a child JVM (the test classpath, main class dev.auditship.cli.Main), so
 * tests see real exit codes, stdout bytes and stderr text, exactly as an operator would.
 */
public final class Cli {
  public record Result(int exit, byte[] stdout, String stderr) {
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  private Cli() {}

  public static ProcessBuilder builder(Path workDir, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.auditship.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.directory(workDir.toFile());
    pb.environment().putAll(env);
    return pb;
  }

  public static Result run(Path workDir, byte[] stdin, String... args) {
    return run(workDir, Map.of(), stdin, args);
  }

  public static Result run(Path workDir, Map<String, String> env, byte[] stdin, String... args) {
    try {
      Process p = builder(workDir, env, args).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread to = pump(p.getInputStream(), out);
      Thread te = pump(p.getErrorStream(), err);
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      } catch (IOException ignored) {
        // the process may exit before reading stdin
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "the exporter did not exit within 60 s: " + String.join(" ", args));
      }
      to.join();
      te.join();
      return new Result(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Thread pump(InputStream in, OutputStream out) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(out);
              } catch (IOException ignored) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The repository root (tests run with the module directory as working directory). */
  public static Path repoRoot() {
    return Path.of("").toAbsolutePath();
  }
}
