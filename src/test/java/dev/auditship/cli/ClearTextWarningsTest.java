package dev.auditship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.config.ConfigLoader;
import dev.auditship.registry.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens that an http:// endpoint would send in clear text to another host are warned about. */
class ClearTextWarningsTest {
  @TempDir Path tmp;

  @Test
  void httpToAnotherHostIsWarnedAboutLoopbackAndHttpsAreNot() throws Exception {
    Path c = tmp.resolve("c.yaml");
    Files.writeString(
        c,
        "source: {type: coder_api, endpoint: \"http://coder.example.com:3000\", token: x}\n"
            + "coder: {endpoint: \"http://dead.beef\", token: z}\n"
            + "sinks:\n"
            + "  h: {type: splunk_hec, endpoint: \"http://10.0.0.5:8088\", token: y}\n"
            + "  l: {type: splunk_hec, endpoint: \"http://127.0.0.2:8088\", token: y}\n"
            + "  l6: {type: splunk_hec, endpoint: \"http://[::1]:8088\", token: y}\n"
            + "  lh: {type: splunk_hec, endpoint: \"http://localhost:8088\", token: y}\n"
            + "  s: {type: splunk_hec, endpoint: \"https://splunk.example.com:8088\", token: y}\n");
    ConfigLoader.Result r = new ConfigLoader(k -> null, Registry.standard(), tmp).load(c);
    assertThat(r.problems()).isEmpty();
    assertThat(ClearTextWarnings.of(r.config()))
        .containsExactly(
            "source.endpoint: http://coder.example.com:3000 sends the Coder session token in clear"
                + " text; use https://",
            "coder.endpoint: http://dead.beef sends the Coder session token in clear text; use"
                + " https://",
            "sinks.h.endpoint: http://10.0.0.5:8088 sends the HEC token in clear text; use https://");
  }
}
