package dev.auditship.io;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces a small state file (a source checkpoint, a spool's ack file) so that a crash at any
 * moment leaves either the old or the new content, never a mix: write a temporary file beside it,
 * fsync it, rename it over the target (atomic on POSIX file systems), then fsync the directory so
 * the rename itself survives a power loss. A file system without atomic rename is an error, not a
 * silent downgrade. Streams rather than NIO channels are used because an interrupt (shutdown)
 * closes an NIO channel mid-write.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Replaces {@code target} with {@code content}, creating its directory when needed. */
  public static void replace(Path target, byte[] content) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
      out.write(content);
      out.getFD().sync();
    }
    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (dir != null) {
      syncDirectory(dir);
    }
  }

  /**
   * Creates {@code dir} and its missing parents, and returns the directories that gained an entry
   * (the nearest existing ancestor and each created directory except {@code dir}), outermost first:
   * a new directory survives a power cut only once its parent is synced (fsync(2)). Empty when
   * {@code dir} already existed.
   */
  public static List<Path> createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    Path existing = abs;
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    Files.createDirectories(abs);
    List<Path> grew = new ArrayList<>();
    if (existing != null && !existing.equals(abs)) {
      for (Path p = abs.getParent(); p != null; p = p.getParent()) {
        grew.add(0, p);
        if (p.equals(existing)) {
          break;
        }
      }
    }
    return grew;
  }

  /**
   * Makes a new or renamed entry of {@code dir} durable (Linux needs an fsync of the directory).
   * Platforms that cannot open a directory get no more than the rename itself.
   */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here; nothing more can be done
    }
  }

  /** {@code d} or its nearest ancestor that exists, or {@code null} when none does. */
  public static Path nearestExisting(Path d) {
    Path p = d;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p;
  }
}
