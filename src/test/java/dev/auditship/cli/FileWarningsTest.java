package dev.auditship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.ConfigLoader;
import dev.auditship.registry.Registry;
import dev.auditship.testutil.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWarningsTest {
  @TempDir Path tmp;

  private List<String> warnings(String sinkTls) throws Exception {
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(
        cfg,
        "source: {type: stdin}\ndata_dir: "
            + tmp.resolve("data")
            + "\nsinks:\n  siem:\n    type: syslog\n    endpoint: tls://127.0.0.1:6514\n    tls: "
            + sinkTls
            + "\n");
    ConfigLoader.Result r =
        new ConfigLoader(Map.<String, String>of()::get, Registry.standard()).load(cfg);
    assertThat(r.problems()).isEmpty();
    return FileWarnings.of(r.config());
  }

  @Test
  void aWrongKeystorePasswordIsFoundWithoutConnectingAndNeverPrinted() throws Exception {
    // The files are all there, so only reading them as the sink will finds it; before, only a run
    // (exit 1) or validate --check-connectivity did.
    TestPki pki = new TestPki(tmp.resolve("pki"));
    String wrong = "Wrong-Password-123";
    assertThat(
            warnings(
                "{keystore_file: "
                    + pki.serverP12
                    + ", keystore_password: "
                    + wrong
                    + ", ca_file: "
                    + pki.caPem
                    + "}"))
        .containsExactly(
            "sinks.siem.tls: tls.keystore_file "
                + pki.serverP12
                + " cannot be opened: the keystore_password is wrong, or it is not a PKCS#12 file")
        .allSatisfy(w -> assertThat(w).doesNotContain(wrong));
    assertThat(
            warnings(
                "{keystore_file: "
                    + pki.serverP12
                    + ", keystore_password: "
                    + TestPki.PASSWORD
                    + ", ca_file: "
                    + pki.caPem
                    + "}"))
        .isEmpty();
  }
}
