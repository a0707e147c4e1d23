package dev.auditship.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.registry.Registry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code metrics: {listen: ...}}: off by default, host:port, IPv6 in brackets, clear refusals. */
class MetricsConfigTest {
  private static ConfigLoader.Result load(String metrics) {
    return new ConfigLoader(k -> null, Registry.standard())
        .load(
            "source: {type: stdin}\nsinks:\n  o: {type: stdout}\n" + metrics,
            new Problems("c.yaml"));
  }

  @Test
  void offByDefaultAndHostPortWhenSet() {
    assertThat(load("").config().metrics()).isNull();
    MetricsConfig m = load("metrics: {listen: \"127.0.0.1:9464\"}\n").config().metrics();
    assertThat(m.listen().getHostString()).isEqualTo("127.0.0.1");
    assertThat(m.listen().getPort()).isEqualTo(9464);
    MetricsConfig v6 = load("metrics: {listen: \"[::1]:0\"}\n").config().metrics();
    assertThat(v6.listen().getHostString()).isEqualTo("::1");
    assertThat(v6.listen().getPort()).isZero();
  }

  @Test
  void badAddressesAreRefusedWithTheFix() {
    List<String> p =
        load("metrics: {listen: \"9464\", lisen: x}\n").problems().stream()
            .map(Problem::render)
            .toList();
    assertThat(p)
        .containsExactlyInAnyOrder(
            "c.yaml:4:19: metrics.listen: \"9464\" is not host:port. Fix: write listen:"
                + " \"127.0.0.1:9464\" (host or IP address, then the port)",
            "c.yaml:4:27: metrics.lisen: unknown key \"lisen\". Fix: remove it, or use one of:"
                + " listen (did you mean \"listen\"?)");
    assertThat(load("metrics: {listen: \"::1:9464\"}\n").problems().get(0).render())
        .isEqualTo(
            "c.yaml:4:19: metrics.listen: \"::1:9464\": write an IPv6 address in brackets. Fix:"
                + " e.g. \"[::1]:9464\"");
  }
}
