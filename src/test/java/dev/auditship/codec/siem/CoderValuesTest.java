package dev.auditship.codec.siem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.auditship.event.Envelope;
import dev.auditship.event.Event;
import dev.auditship.event.Field;
import dev.auditship.event.Kind;
import dev.auditship.event.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The derived values every mapping reads, on their edges: what counts as an IP address (its check
 * is one table look-up a character) and an integer field read twice from the slots.
 */
class CoderValuesTest {
  @Test
  void addressesAsCoderPrintsThem() {
    for (String ip :
        List.of(
            "10.0.0.1",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "FE80::AbCd",
            "::ffff:10.0.0.1",
            "2001:db8:0:0:0:0:0:1",
            "1:2",
            "0.0.0.0",
            "a.b.c.d",
            "0123456789abcdef:0123456789ABCDEF:01234567890")) {
      assertThat(Coder.ip(ip)).as(ip).isSameAs(ip);
    }
  }

  @Test
  void notAddresses() {
    for (String s :
        List.of(
            "",
            "<nil>",
            "1.2.3",
            "1.2.3.4.5",
            "1..2",
            "10.0.0.1 ",
            " ::1",
            "g::1",
            "G::1",
            "10.0.0.1/8",
            "fe80::1%eth0",
            "1.2.3.é",
            "::\u0100",
            "1.2.3.\u0130",
            "localhost",
            "1234",
            "0123456789abcdef:0123456789ABCDEF:012345678901")) {
      assertThat(Coder.ip(s)).as(s).isNull();
    }
    assertThat(Coder.ip((String) null)).isNull();
    assertThat(Coder.ip((Value.Str) null)).isNull();
  }

  @Test
  void aNumberReadTwiceIsTheSame() {
    Event e =
        new Event(
            Kind.CONNECTION,
            new Envelope(
                "2025-07-03T06:55:02.117Z", "INFO", null, null, List.of("coderd"), null, null),
            List.of(
                new Field("Code", new Value.Num("-404")),
                new Field("ConnectionID", new Value.Num("12x"))));
    Slots s = new Slots(e);
    assertThat(s.number(Slots.CODE)).isEqualTo(-404);
    assertThat(s.number(Slots.CONNECTION_ID)).isEqualTo(Long.MIN_VALUE);
    assertThat(s.number(Slots.CODE)).isEqualTo(-404);
    assertThat(s.number(Slots.STATUS_CODE)).isEqualTo(Long.MIN_VALUE);
    assertThat(s.number(Slots.CODE)).isEqualTo(-404);
  }
}
