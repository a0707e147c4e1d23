package dev.auditship.cli;

import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.config.FileSourceConfig;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.Secret;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.SyslogSinkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files a config names that a run will read (the source file, token files, TLS CA, certificate and
 * key files) but that are missing or unreadable now. {@code validate} warns about each one without
 * {@code --check-connectivity} too: the config is valid, but it cannot run as it is. Warnings, not
 * problems: a token file may be put in place by a secrets manager only at start, and a followed log
 * may not exist yet.
 */
final class FileWarnings {
  private FileWarnings() {}

  static List<String> of(AuditshipConfig c) {
    List<String> out = new ArrayList<>();
    if (c.source().settings() instanceof FileSourceConfig f && f.path() != null) {
      if (f.follow()) {
        if (!Files.exists(f.path())) {
          out.add(
              "source.path: "
                  + f.path()
                  + " does not exist (yet); it is followed from when it appears");
        } else {
          readable(out, "source.path", f.path());
        }
      } else {
        readable(out, "source.path", f.path());
      }
    }
    if (c.source().settings() instanceof CoderApiSourceConfig a) {
      secret(out, "source.token_file", a.token());
      if (a.tls() != null) {
        readable(out, "source.tls.ca_file", a.tls().caFile());
      }
    }
    if (c.coder() != null) {
      secret(out, "coder.token_file", c.coder().token());
    }
    for (SinkConfig s : c.sinks()) {
      String p = "sinks." + s.name() + ".";
      if (s.settings() instanceof HecSinkConfig h) {
        secret(out, p + "token_file", h.token());
        if (h.proxyAuth() != null) {
          secret(out, p + "proxy_password_file", h.proxyAuth().password());
        }
        readable(out, p + "tls.ca_file", h.tls().caFile());
        readable(out, p + "tls.cert_file", h.tls().certFile());
        readable(out, p + "tls.key_file", h.tls().keyFile());
      }
      if (s.settings() instanceof SyslogSinkConfig y && y.tls() != null) {
        readable(out, p + "tls.ca_file", y.tls().caFile());
        readable(out, p + "tls.cert_file", y.tls().certFile());
        readable(out, p + "tls.key_file", y.tls().keyFile());
      }
    }
    return out;
  }

  private static void secret(List<String> out, String key, Secret s) {
    if (s != null && s.file() != null) {
      readable(out, key, s.file());
    }
  }

  private static void readable(List<String> out, String key, Path f) {
    if (f == null) {
      return;
    }
    if (!Files.exists(f)) {
      out.add(key + ": " + f + " does not exist");
    } else if (Files.isDirectory(f)) {
      out.add(key + ": " + f + " is a directory, not a file");
    } else if (!Files.isReadable(f)) {
      out.add(key + ": " + f + " cannot be read: permission denied");
    }
  }
}
