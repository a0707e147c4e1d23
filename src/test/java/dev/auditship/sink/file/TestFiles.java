package dev.auditship.sink.file;

import dev.auditship.event.Event;
import dev.auditship.sink.SinkRecord;
import dev.auditship.testutil.Golden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Test helpers: records with given text, and reading what the sink left in a directory. */
final class TestFiles {
  private static final Event EVENT = Golden.decodeOne(Golden.line("audit_user_login").json());

  private TestFiles() {}

  /** Records with these texts (the event is the same for all: the sink only writes the text). */
  static List<SinkRecord> records(String... texts) {
    List<SinkRecord> out = new ArrayList<>();
    for (String t : texts) {
      out.add(new SinkRecord(EVENT, t));
    }
    return out;
  }

  /**
   * A record whose line (with its newline) is exactly {@code lineBytes} long, starting with {@code
   * tag}.
   */
  static SinkRecord sized(String tag, int lineBytes) {
    return new SinkRecord(EVENT, tag + "-".repeat(lineBytes - 1 - tag.length()));
  }

  /** File names in {@code dir}, sorted as strings. */
  static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file's text, gunzipped when its name ends in .gz. */
  static String text(Path p) {
    try (InputStream in =
        p.toString().endsWith(".gz")
            ? new GZIPInputStream(Files.newInputStream(p))
            : Files.newInputStream(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every file in {@code dir} whose name starts with {@code active}, in name order, the active file
   * last.
   */
  static String all(Path dir, String active) {
    StringBuilder sb = new StringBuilder();
    for (String n : names(dir)) {
      if (n.startsWith(active + ".")) {
        sb.append(text(dir.resolve(n)));
      }
    }
    if (Files.exists(dir.resolve(active))) {
      sb.append(text(dir.resolve(active)));
    }
    return sb.toString();
  }
}
