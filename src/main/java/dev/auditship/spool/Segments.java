package dev.auditship.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Names of segment files: the sequence number of their first record, 20 digits, {@code .seg}. */
final class Segments {
  static final String SUFFIX = ".seg";

  private Segments() {}

  static String name(long firstSeq) {
    return String.format("%020d", firstSeq);
  }

  static Path path(Path dir, long firstSeq) {
    return dir.resolve(name(firstSeq) + SUFFIX);
  }

  /**
   * The first sequence number a segment file name stands for, or -1 when it is not a segment's
   * name.
   */
  static long firstSeq(Path file) {
    String n = file.getFileName().toString();
    if (n.length() != 20 + SUFFIX.length() || !n.endsWith(SUFFIX)) {
      return -1;
    }
    for (int i = 0; i < 20; i++) {
      if (!Character.isDigit(n.charAt(i))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(n.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Segment files in {@code dir}, by first sequence number. */
  static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> firstSeq(p) >= 0).forEach(out::add);
    }
    out.sort((a, b) -> Long.compare(firstSeq(a), firstSeq(b)));
    return out;
  }
}
