package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogfmtTest {
  @Test
  void escapesControlCharactersAsGoDoes() {
    // A terminal escape sequence or a tab in hostile text must not reach the log line raw.
    assertThat(Logfmt.escape("red \u001b[31mtext\u001b[0m\tend\u007f"))
        .isEqualTo("red \\x1b[31mtext\\x1b[0m\\tend\\x7f");
    assertThat(Logfmt.escape("a\u2028b\u0085c")).isEqualTo("a\\u2028b\\u0085c");
    assertThat(Logfmt.escape("lone \ud800 surrogate")).isEqualTo("lone \ufffd surrogate");
    assertThat(Logfmt.quoted("x\"y")).isEqualTo("\"x\\\"y\"");
    String plain = "nothing to escape";
    assertThat(Logfmt.escape(plain)).isSameAs(plain);
  }

  @Test
  void escapesQuotesBackslashesAndLineBreaks() {
    assertThat(Logfmt.escape("HTTP 400 code 6 \"Invalid data format\" invalid-event-number 3"))
        .isEqualTo("HTTP 400 code 6 \\\"Invalid data format\\\" invalid-event-number 3");
    assertThat(Logfmt.escape("C:\\dir\r\nnext")).isEqualTo("C:\\\\dir\\r\\nnext");
    assertThat(Logfmt.escape("plain é text")).isEqualTo("plain é text");
    assertThat(Logfmt.q(null).toString()).isEqualTo("null");
  }
}
