package dev.auditship.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code type: file}: Coder server log lines (JSON or human) from a file, read to its end, or
 * followed like {@code tail -F} with {@code follow: true} (docs/follow.md).
 *
 * @param path the log file
 * @param follow keep reading as Coder writes, across rotation and restarts
 * @param checkpointFile with follow: where the position is kept, or {@code null} for a file named
 *     after the log file under {@code data_dir}
 * @param startAt with follow: {@code beginning} or {@code end}, where a file without a checkpoint
 *     starts
 * @param pollInterval with follow: how often the file is checked for new lines and rotation
 */
public record FileSourceConfig(
    Path path, boolean follow, Path checkpointFile, String startAt, Duration pollInterval)
    implements SourceSettings {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

  /** The plain, read-to-the-end form. */
  public FileSourceConfig(Path path) {
    this(path, false, null, "beginning", DEFAULT_POLL_INTERVAL);
  }

  static FileSourceConfig parse(Section s) {
    String p =
        s.requiredString(
            "path", "set path: to Coder's server log file, e.g. /var/log/coder/coderd.log");
    boolean follow = s.bool("follow", false);
    Path checkpoint = s.filePathValue("checkpoint_file", null);
    String startAt = s.oneOf("start_at", "beginning", List.of("beginning", "end"));
    Duration poll =
        s.duration(
            "poll_interval_ms",
            DEFAULT_POLL_INTERVAL,
            Duration.ofMillis(10),
            Duration.ofMinutes(1));
    if (!follow) {
      for (String k : List.of("checkpoint_file", "start_at", "poll_interval_ms")) {
        if (s.has(k)) {
          s.problem(
              k, k + " only applies when the file is followed", "add follow: true, or remove " + k);
        }
      }
    }
    return new FileSourceConfig(
        p == null ? null : s.resolve(Path.of(p)), follow, checkpoint, startAt, poll);
  }
}
