package dev.auditship.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.auditship.config.Secret;
import dev.auditship.config.TlsSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API client reads tls.ca_file as the sinks do, and names the file when it cannot use it. */
class CoderApiClientTlsTest {
  @TempDir Path dir;

  private static CoderApiClient client(Path caFile) throws IOException {
    return new CoderApiClient(
        URI.create("https://127.0.0.1:1"),
        Secret.of("t"),
        Duration.ofSeconds(1),
        new TlsSettings(caFile, null, null, null, false));
  }

  @Test
  void aMissingCaFileIsNamed() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> client(missing))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot read tls.ca_file " + missing + ": no such file or directory");
  }

  @Test
  void aCaFileWithoutCertificatesIsNamed() throws Exception {
    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "no PEM here\n");
    assertThatThrownBy(() -> client(empty))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "tls.ca_file " + empty + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
}
