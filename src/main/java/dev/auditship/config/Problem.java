package dev.auditship.config;

/**
 * One configuration problem: where (file, line, column, key path), what, and how to fix it.
 *
 * @param file the config file name as given, or {@code null}
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 * @param path dotted key path such as {@code sinks.splunk.max_bytes}, or empty for the whole file
 * @param what what is wrong, naming the offending value (never a secret)
 * @param fix how to fix it, or {@code null}
 */
public record Problem(String file, int line, int column, String path, String what, String fix) {

  /** {@code config.yaml:12:5: sinks.splunk.max_bytes: what. Fix: fix} */
  public String render() {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file);
      if (line > 0) {
        sb.append(':').append(line);
        if (column > 0) {
          sb.append(':').append(column);
        }
      }
      sb.append(": ");
    }
    if (path != null && !path.isEmpty()) {
      sb.append(path).append(": ");
    }
    sb.append(what);
    if (fix != null) {
      sb.append(". Fix: ").append(fix);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
