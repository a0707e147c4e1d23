package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogfmtTest {
  @Test
  void escapesQuotesBackslashesAndLineBreaksOnly() {
    assertThat(Logfmt.escape("HTTP 400 code 6 \"Invalid data format\" invalid-event-number 3"))
        .isEqualTo("HTTP 400 code 6 \\\"Invalid data format\\\" invalid-event-number 3");
    assertThat(Logfmt.escape("C:\\dir\r\nnext")).isEqualTo("C:\\\\dir\\r\\nnext");
    assertThat(Logfmt.escape("plain é text")).isEqualTo("plain é text");
    assertThat(Logfmt.q(null).toString()).isEqualTo("null");
  }
}
