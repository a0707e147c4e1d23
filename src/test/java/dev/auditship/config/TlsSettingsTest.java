package dev.auditship.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one parser of tls: blocks. */
class TlsSettingsTest {

  private static Section section(String yaml, Problems problems) {
    Node.MapNode n = (Node.MapNode) new YamlTree(k -> null, problems).parse(yaml);
    return new Section(n, "tls", problems);
  }

  @Test
  void everyOptionIsReadAndVersionsBoundTheProtocols() {
    Problems p = new Problems("t.yaml");
    Section s =
        section(
            "ca_file: ca.pem\ncert_file: c.pem\nkey_file: k.pem\nserver_name: siem.example\n"
                + "min_version: TLSv1.3\n",
            p);
    TlsSettings t = TlsSettings.parse(s, EnumSet.allOf(TlsSettings.Option.class));
    s.finish();
    assertThat(p.all()).isEmpty();
    assertThat(t)
        .isEqualTo(
            new TlsSettings(
                Path.of("ca.pem"),
                Path.of("c.pem"),
                Path.of("k.pem"),
                "siem.example",
                false,
                "TLSv1.3",
                null));
    assertThat(t.protocols()).containsExactly("TLSv1.3");
    assertThat(TlsSettings.DEFAULT.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void conflictsAndUnknownKeysAreReported() {
    Problems p = new Problems("t.yaml");
    Section s =
        section(
            "ca_file: ca.pem\ninsecure_skip_verify: true\nmin_version: TLSv1.3\n"
                + "max_version: TLSv1.2\ncert_file: c.pem\n",
            p);
    TlsSettings.parse(s, EnumSet.of(TlsSettings.Option.VERSIONS));
    s.finish();
    List<String> texts = p.all().stream().map(Problem::render).toList();
    assertThat(texts)
        .containsExactly(
            "t.yaml:4:14: tls.max_version: max_version TLSv1.2 is below min_version TLSv1.3. Fix:"
                + " raise max_version or lower min_version",
            "t.yaml:2:23: tls.insecure_skip_verify: insecure_skip_verify: true ignores ca_file."
                + " Fix: remove insecure_skip_verify: to verify the server against ca_file",
            "t.yaml:5:1: tls.cert_file: unknown key \"cert_file\". Fix: remove it, or use one of:"
                + " ca_file, insecure_skip_verify, max_version, min_version");
  }
}
