package dev.auditship.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.EnvelopeDefaults;
import dev.auditship.event.Event;
import dev.auditship.testutil.Golden;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every line the real slog sinks printed must come back byte for byte, in both formats. */
class GoldenFormatTest {
  private static final Format JSON = new JsonFormat(EnvelopeDefaults.CODER);
  private static final Format HUMAN = new HumanFormat(false);

  static Stream<Golden.Line> lines() {
    return Golden.lines().stream();
  }

  static Stream<Golden.Line> derivable() {
    // edge_escaping's Diff was stored with spaces: its human line cannot be derived from its JSON
    // line.
    return Golden.lines().stream().filter(l -> l.note() == null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lines")
  void jsonLineRoundTripsByteForByte(Golden.Line g) {
    Event e = Golden.decodeOne(g.json());
    assertThat(JSON.format(e) + "\n").isEqualTo(g.json());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("derivable")
  void humanLineFromJsonLine(Golden.Line g) {
    Event e = Golden.decodeOne(g.json());
    assertThat(HUMAN.format(e) + "\n").isEqualTo(g.human());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lines")
  void humanLineRoundTripsByteForByte(Golden.Line g) {
    Event e = Golden.decodeOne(g.human());
    assertThat(HUMAN.format(e) + "\n").isEqualTo(g.human());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lines")
  void jsonLineFromHumanLineWhereTsHasMillisecondPrecision(Golden.Line g) {
    Event fromHuman = Golden.decodeOne(g.human());
    Event fromJson = Golden.decodeOne(g.json());
    String expected = g.json();
    // The human line keeps only milliseconds of ts: compare with the JSON line's ts cut the same
    // way.
    String ts = fromJson.envelope().ts();
    String cut = fromHuman.envelope().ts();
    expected = expected.replace("\"ts\":\"" + ts + "\"", "\"ts\":\"" + cut + "\"");
    assertThat(JSON.format(fromHuman) + "\n").isEqualTo(expected);
  }

  @Test
  void edgeEscapingHumanLineComesFromTheStoredBytesNotTheJsonLine() {
    Golden.Line g = Golden.line("edge_escaping");
    Event fromJson = Golden.decodeOne(g.json());
    // From the JSON line the stored Diff bytes are the compact, HTML-escaped ones Go would have
    // stored.
    assertThat(HUMAN.format(fromJson))
        .contains(
            "Diff=\"{\\\"x\\\":\\\"\\\\u003cb\\\\u003e\\\\u0026amp;\\\\u003c/b\\\\u003e\\\",\\\"y\\\":[1,2]}\"");
    assertThat(List.of(g.note())).isNotEmpty();
  }
}
