package dev.auditship.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every configuration problem, so all of them are reported at once. Not thread-safe. */
public final class Problems {
  private final String file;
  private final List<Problem> list = new ArrayList<>();

  public Problems(String file) {
    this.file = file;
  }

  public String file() {
    return file;
  }

  public void add(Node.Loc loc, String path, String what, String fix) {
    list.add(
        new Problem(
            file, loc == null ? 0 : loc.line(), loc == null ? 0 : loc.column(), path, what, fix));
  }

  public List<Problem> all() {
    return List.copyOf(list);
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
