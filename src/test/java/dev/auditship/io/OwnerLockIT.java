package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One owner per checkpoint or spool: a second process is refused with the first one's PID. */
class OwnerLockIT {
  @TempDir Path dir;

  /** Holds the lock named by args[0] until its stdin closes (the other process of the test). */
  public static final class Holder {
    @SuppressWarnings("try") // the lock is held for the block; it is not otherwise used
    public static void main(String[] args) throws Exception {
      try (OwnerLock l = OwnerLock.acquire(Path.of(args[0]), "the checkpoint x", "fix")) {
        System.out.println("locked");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  @SuppressWarnings("try") // the lock is held for the block; it is not otherwise used
  void aSecondProcessIsRefusedWithTheOwnersPidAndHost() throws Exception {
    Path lock = dir.resolve("coder-api.checkpoint.json.lock");
    Process other =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Holder.class.getName(),
                    lock.toString()))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(r.readLine()).isEqualTo("locked");
      assertThatThrownBy(
              () ->
                  OwnerLock.acquire(
                      lock,
                      "the checkpoint " + dir.resolve("coder-api.checkpoint.json"),
                      "stop the other process, or give this source its own checkpoint_file"))
          .isInstanceOf(IOException.class)
          .message()
          .startsWith(
              "the checkpoint "
                  + dir.resolve("coder-api.checkpoint.json")
                  + " is in use by another auditship process (pid "
                  + other.pid()
                  + " on host ")
          .contains(", since ")
          .endsWith("); stop the other process, or give this source its own checkpoint_file");
    } finally {
      other.getOutputStream().close();
      other.waitFor(10, TimeUnit.SECONDS);
      other.destroy();
    }
    // The owner is gone: the lock is free (the kernel drops it with the process).
    try (OwnerLock l = OwnerLock.acquire(lock, "the checkpoint x", "fix")) {
      assertThat(Files.readString(lock))
          .startsWith("pid=" + ProcessHandle.current().pid() + " host=");
    }
  }

  @Test
  @SuppressWarnings("try") // the lock is held for the block; it is not otherwise used
  void theSameProcessTwiceIsRefusedToo() throws Exception {
    Path lock = dir.resolve("LOCK");
    try (OwnerLock l = OwnerLock.acquire(lock, "the spool directory d", "give each sink its own")) {
      assertThatThrownBy(
              () -> OwnerLock.acquire(lock, "the spool directory d", "give each sink its own"))
          .hasMessage(
              "the spool directory d is in use by this auditship process (pid "
                  + ProcessHandle.current().pid()
                  + "), which uses it twice or has not let go of it since its last use; give each sink its own");
    }
    OwnerLock.acquire(lock, "the spool directory d", "fix").close(); // released on close
  }
}
