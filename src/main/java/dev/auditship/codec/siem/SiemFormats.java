package dev.auditship.codec.siem;

import dev.auditship.codec.Format;
import dev.auditship.event.Event;
import dev.auditship.text.ByteBuf;
import java.util.List;

/**
 * The four SIEM formats (docs/formats.md): {@code ecs}, {@code ocsf}, {@code cef}, {@code leef}.
 * Each is a {@link Mapping} behind a thin {@link Format} adapter, so that only the adapter changes
 * when the Format interface does.
 */
public final class SiemFormats {
  private SiemFormats() {}

  /** The names, as in config and {@code render --format}. */
  public static final List<String> NAMES = List.of("ecs", "ocsf", "cef", "leef");

  /** The formats whose records are one JSON object each. */
  public static boolean isJsonObject(String name) {
    return "ecs".equals(name) || "ocsf".equals(name);
  }

  public static Format ecs(SiemOptions.Ecs o) {
    return new Adapter("ecs", new EcsMapping(o.ecsVersion()));
  }

  public static Format ocsf(SiemOptions.Ocsf o) {
    return new Adapter("ocsf", new OcsfMapping(o.ocsfVersion(), o.product(), o.vendor()));
  }

  public static Format cef(SiemOptions.Cef o) {
    return new Adapter("cef", new CefMapping(o.vendor(), o.product(), o.version(), o.severity()));
  }

  public static Format leef(SiemOptions.Leef o) {
    return new Adapter(
        "leef", new LeefMapping(o.vendor(), o.product(), o.version(), o.delimiter(), o.severity()));
  }

  /** A SIEM format by name with its default options, or {@code null} for another name. */
  public static Format withDefaults(String name) {
    return switch (name) {
      case "ecs" -> ecs(SiemOptions.Ecs.DEFAULT);
      case "ocsf" -> ocsf(SiemOptions.Ocsf.DEFAULT);
      case "cef" -> cef(SiemOptions.Cef.DEFAULT);
      case "leef" -> leef(SiemOptions.Leef.DEFAULT);
      default -> null;
    };
  }

  /** The glue to {@code Format}: the mapping writes UTF-8 straight into the caller's buffer. */
  private static final class Adapter implements Format {
    private final String name;
    private final Mapping mapping;

    Adapter(String name, Mapping mapping) {
      this.name = name;
      this.mapping = mapping;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void write(Event event, ByteBuf out) {
      int start = out.length();
      try {
        TextOut t = new TextOut(out);
        mapping.write(event, t);
        t.finish();
      } catch (RuntimeException e) {
        // Leave the caller's buffer as it was: no half record in a batch.
        out.truncate(start);
        throw e;
      }
    }
  }
}
