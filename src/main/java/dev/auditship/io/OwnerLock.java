package dev.auditship.io;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One owner for a piece of state (a spool directory, a source checkpoint): an exclusive lock on a
 * lock file ({@link FileChannel#tryLock()}, an OS lock that the kernel drops when the process dies,
 * so a crash never leaves a stale lock), and in the file the owner's PID, host and start time so
 * that a refused second process can say who holds it. The lock is held until {@link #close()}.
 */
public final class OwnerLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private OwnerLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code lockFile} (created when missing) or throws an IOException that reads
   * {@code "<what> is in use by <holder>; <fix>"}, where holder names the other process (PID, host,
   * since when) as that process wrote it, or says it is this process: two users in one
   * configuration, or a previous user that has not let go yet (a spool closed by a reload keeps its
   * directory locked until its disk has taken the last read pointer, docs/reliability.md).
   */
  public static OwnerLock acquire(Path lockFile, String what, String fix) throws IOException {
    Path abs = lockFile.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    FileChannel ch =
        FileChannel.open(
            abs, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    boolean sameProcess = false;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
      sameProcess = true;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      String holder =
          sameProcess
              ? "this auditship process (pid "
                  + ProcessHandle.current().pid()
                  + "), which uses it twice or has not let go of it since its last use"
              : "another auditship process (" + owner(abs) + ")";
      throw new InUse(what + " is in use by " + holder + "; " + fix, sameProcess);
    }
    try {
      byte[] me = describeSelf().getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ByteBuffer b = ByteBuffer.wrap(me);
      while (b.hasRemaining()) {
        ch.write(b, b.position());
      }
      ch.force(true);
    } catch (IOException e) {
      lock.release();
      ch.close();
      throw e;
    }
    return new OwnerLock(abs, ch, lock);
  }

  /**
   * The lock is held: by another process, or by this one ({@link #heldHere()}: a second user in one
   * configuration, or a previous user that has not let go yet).
   */
  public static final class InUse extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean heldHere;

    InUse(String message, boolean heldHere) {
      super(message);
      this.heldHere = heldHere;
    }

    /** Whether this process holds it. */
    public boolean heldHere() {
      return heldHere;
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** {@code pid=<pid> host=<host> since=<RFC 3339 time>}, one line. */
  static String describeSelf() {
    return "pid="
        + ProcessHandle.current().pid()
        + " host="
        + Host.NAME
        + " since="
        + Instant.now()
        + "\n";
  }

  private static String owner(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (s.startsWith("pid=")) {
        // "pid=12 host=h since=t" reads as "pid 12 on host h, since t".
        String[] parts = s.split(" ");
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
          int eq = p.indexOf('=');
          if (eq < 0) {
            continue;
          }
          String k = p.substring(0, eq);
          String v = p.substring(eq + 1);
          switch (k) {
            case "pid" -> sb.append("pid ").append(v);
            case "host" -> sb.append(" on host ").append(v);
            case "since" -> sb.append(", since ").append(v);
            default -> {}
          }
        }
        return sb.toString();
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown pid: the lock file " + file + " does not name it";
  }

  /** The host name, looked up once per JVM (the lookup can wait on DNS). */
  private static final class Host {
    static final String NAME = hostName();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String h = System.getenv("HOSTNAME");
      return h != null && !h.isBlank() ? h : "unknown";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
    }
  }
}
