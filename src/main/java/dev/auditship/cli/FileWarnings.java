package dev.auditship.cli;

import dev.auditship.config.AuditshipConfig;
import dev.auditship.config.CoderApiSourceConfig;
import dev.auditship.config.FileSourceConfig;
import dev.auditship.config.HecSinkConfig;
import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.config.Secret;
import dev.auditship.config.SinkConfig;
import dev.auditship.config.SyslogSinkConfig;
import dev.auditship.config.TlsSettings;
import dev.auditship.io.NdjsonFile;
import dev.auditship.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files a config names that a run will read (the source file, token files, TLS CA, certificate,
 * key, keystore and password files) but that are missing or unreadable now. {@code validate} warns
 * about each one without {@code --check-connectivity} too: the config is valid, but it cannot run
 * as it is. Warnings, not problems: a token file may be put in place by a secrets manager only at
 * start, and a followed log may not exist yet.
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
        tls(out, "source.", a.tls());
      }
    }
    if (c.coder() != null) {
      secret(out, "coder.token_file", c.coder().token());
    }
    writable(out, "rejects_file", c.rejectsFile());
    writable(out, "dead_letter_file", c.deadLetterFile());
    for (SinkConfig s : c.sinks()) {
      String p = "sinks." + s.name() + ".";
      if (s.settings() instanceof HecSinkConfig h) {
        secret(out, p + "token_file", h.token());
        if (h.proxyAuth() != null) {
          secret(out, p + "proxy_password_file", h.proxyAuth().password());
        }
        tls(out, p, h.tls());
      }
      if (s.settings() instanceof SyslogSinkConfig y && y.tls() != null) {
        tls(out, p, y.tls());
      }
      if (s.settings() instanceof KafkaSinkConfig k) {
        if (k.sasl() != null) {
          secret(out, p + "sasl.password_file", k.sasl().password());
        }
        if (k.tls() != null) {
          tls(out, p, k.tls());
        }
      }
    }
    return out;
  }

  private static void tls(List<String> out, String prefix, TlsSettings t) {
    int before = out.size();
    readable(out, prefix + "tls.ca_file", t.caFile());
    readable(out, prefix + "tls.cert_file", t.certFile());
    readable(out, prefix + "tls.key_file", t.keyFile());
    readable(out, prefix + "tls.keystore_file", t.keystoreFile());
    secret(out, prefix + "tls.key_password_file", t.keyPassword());
    secret(out, prefix + "tls.keystore_password_file", t.keystorePassword());
    if (out.size() == before
        && (t.caFile() != null || t.certFile() != null || t.keystoreFile() != null)) {
      // Every file is there: read them as the sink will when it starts (a wrong key or keystore
      // password, a file that is no PEM), so that plain validate finds what would stop the run.
      // The messages name the files and keys, never a password.
      try {
        TlsContexts.build(t);
      } catch (IOException | RuntimeException e) {
        out.add(prefix + "tls: " + e.getMessage());
      }
    }
  }

  private static void secret(List<String> out, String key, Secret s) {
    if (s != null && s.file() != null) {
      readable(out, key, s.file());
    }
  }

  private static void writable(List<String> out, String key, Path f) {
    String o = f == null ? null : NdjsonFile.obstacle(f);
    if (o != null) {
      out.add(key + ": " + f + " cannot be written: " + o);
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
