package dev.auditship.sink.hec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status/code table of docs/coder-reference.md §10.7, row by row. */
class HecClassifierTest {
  private static final Instant NOW = Instant.parse("2025-07-03T08:00:00Z");

  private static HecClassifier.Verdict classify(int status, String body, int events) {
    return HecClassifier.classify(
        HecResponse.parse(new ObjectMapper(), status, body, null, null, NOW), events);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "200 | {\"text\":\"Success\",\"code\":0}                                        | Accepted",
        "200 | {\"text\":\"Success\",\"code\":0,\"ackId\":7}                             | Accepted",
        "200 | not json                                                                | Accepted",
        "400 | {\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1}  | Partial",
        "400 | {\"text\":\"Event field is required\",\"code\":12,\"invalid-event-number\":0} | Partial",
        "400 | {\"text\":\"Event field cannot be blank\",\"code\":13,\"invalid-event-number\":2} | Partial",
        "400 | {\"text\":\"Error in handling indexed fields\",\"code\":15,\"invalid-event-number\":2} | Partial",
        "400 | {\"text\":\"Invalid data format\",\"code\":6}                             | Bisect",
        "400 | {\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":3}  | Bisect",
        "400 | {\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":1}      | Fault",
        "400 | {\"text\":\"No data\",\"code\":5}                                         | Fault",
        "400 | {\"text\":\"Data channel is missing\",\"code\":10}                        | Fault",
        "400 | {\"text\":\"Invalid data channel\",\"code\":11}                           | Fault",
        "400 | {\"text\":\"ACK is disabled\",\"code\":14}                                | Fault",
        "400 | {\"text\":\"Query string authorization is not enabled\",\"code\":16}      | Fault",
        "400 | {\"text\":\"Invalid token\",\"code\":21}                                  | Token",
        "400 | <html>bad request</html>                                                | Fault",
        "401 | {\"text\":\"Token is required\",\"code\":2}                               | Token",
        "401 | {\"text\":\"Invalid authorization\",\"code\":3}                           | Token",
        "403 | {\"text\":\"Token disabled\",\"code\":1}                                  | Token",
        "403 | {\"text\":\"Invalid token\",\"code\":4}                                   | Token",
        "404 | {\"text\":\"The requested URL was not found on this server.\",\"code\":404} | Fault",
        "405 | ''                                                                      | Fault",
        "301 | ''                                                                      | Fault",
        "303 | ''                                                                      | Fault",
        "408 | ''                                                                      | Retry",
        "413 | {\"text\":\"Content-Length of 2000000 too large (maximum is 1000000)\",\"code\":27} | Split",
        "415 | ''                                                                      | Fault",
        "429 | ''                                                                      | Retry",
        "500 | {\"text\":\"Internal server error\",\"code\":8}                           | Retry",
        "501 | ''                                                                      | Fault",
        "502 | ''                                                                      | Retry",
        "503 | {\"text\":\"Server is busy\",\"code\":9}                                  | Retry",
        "503 | {\"text\":\"Server is busy\",\"code\":9,\"invalid-event-number\":1}       | Retry",
        "504 | ''                                                                      | Retry",
        "507 | ''                                                                      | Retry"
      })
  void row(int status, String body, String expected) {
    HecClassifier.Verdict v = classify(status, body, 3);
    String kind =
        v instanceof HecClassifier.Fault f && f.tokenRefused()
            ? "Token"
            : v.getClass().getSimpleName();
    assertThat(kind).isEqualTo(expected);
  }

  @Test
  void partialNamesTheEventAndKeepsSplunksText() {
    HecClassifier.Verdict v =
        classify(
            400, "{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":1}", 3);
    assertThat(v)
        .isEqualTo(
            new HecClassifier.Partial(
                1,
                "Splunk refused the event: HTTP 400 code 6 \"Invalid data format\" invalid-event-number 1"));
  }

  @Test
  void faultTexts() {
    assertThat(
            ((HecClassifier.Fault)
                    classify(
                        400,
                        "{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":1}",
                        2))
                .reason())
        .isEqualTo(
            "Splunk refused the index: HTTP 400 code 7 \"Incorrect index\" "
                + "invalid-event-number 1; allow the index for the token, or change index:");
    assertThat(
            ((HecClassifier.Fault)
                    classify(
                        404,
                        "{\"text\":\"The requested URL was not found on this server.\",\"code\":404}",
                        1))
                .reason())
        .isEqualTo(
            "not a Splunk HEC endpoint: HTTP 404 code 404 \"The requested URL was not "
                + "found on this server.\"; check endpoint: (the base URL, e.g. https://splunk:8088) and that HTTP "
                + "Event Collector is enabled");
    assertThat(
            ((HecClassifier.Fault) classify(403, "{\"text\":\"Invalid token\",\"code\":4}", 1))
                .reason())
        .isEqualTo("Splunk refused the token: HTTP 403 code 4 \"Invalid token\"");
  }

  @Test
  void redirectIsAFaultNamingWhereItPointed() {
    HecResponse r =
        HecResponse.parse(
            new ObjectMapper(), 303, "", null, "http://splunk:8000/en-US/account/login", NOW);
    assertThat(((HecClassifier.Fault) HecClassifier.classify(r, 1)).reason())
        .isEqualTo(
            "Splunk HEC answered "
                + "HTTP 303 with a redirect to http://splunk:8000/en-US/account/login; redirects are not followed: the "
                + "endpoint is probably not the HEC port (8088 by default) or needs https://");
  }

  @Test
  void successWithoutHecsAnswerIsAcceptedButMarked() {
    assertThat(classify(200, "<html>ok</html>", 1))
        .isEqualTo(new HecClassifier.Accepted(null, null, "<html>ok</html>", false, 200));
    assertThat(classify(200, "{\"text\":\"Success\",\"code\":0}", 1))
        .isEqualTo(new HecClassifier.Accepted(null, null, "Success", true, 200));
  }

  @Test
  void successWithANonZeroCodeIsAcceptedWithAWarningCode() {
    HecClassifier.Verdict v =
        classify(200, "{\"text\":\"Success, approaching capacity\",\"code\":24,\"ackId\":3}", 1);
    assertThat(v)
        .isEqualTo(new HecClassifier.Accepted(3L, 24, "Success, approaching capacity", true, 200));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "7                               | PT7S",
        "0                               | PT0S",
        "Thu, 03 Jul 2025 08:02:30 GMT   | PT2M30S",
        "Thu, 03 Jul 2025 07:00:00 GMT   | PT0S",
        "soon                            | ",
        "-5                              | "
      })
  void retryAfterSecondsOrHttpDate(String header, String expected) {
    Duration d = HecResponse.parseRetryAfter(header, NOW);
    assertThat(d).isEqualTo(expected == null ? null : Duration.parse(expected));
  }

  @Test
  void bodyTextIsClippedToOneShortLine() {
    HecResponse r =
        HecResponse.parse(new ObjectMapper(), 502, "<html>\n" + "x".repeat(500), null, null, NOW);
    assertThat(r.text()).isEqualTo("<html>");
    HecResponse long1 =
        HecResponse.parse(new ObjectMapper(), 502, "y".repeat(500), null, null, NOW);
    assertThat(long1.text()).hasSize(HecResponse.MAX_TEXT + 1).endsWith("…");
  }

  @Test
  void splunksSuccessBodyReadsAsTheSameAnswerWhateverItsSpacing() {
    // The exact body Splunk sends takes a shortcut; the same JSON spaced out goes through the
    // parser: both must give the same answer.
    for (int status : new int[] {200, 503}) {
      HecResponse exact =
          HecResponse.parse(
              new ObjectMapper(), status, "{\"text\":\"Success\",\"code\":0}\n", null, null, NOW);
      HecResponse spaced =
          HecResponse.parse(
              new ObjectMapper(),
              status,
              "{ \"text\": \"Success\", \"code\": 0 }",
              null,
              null,
              NOW);
      assertThat(exact).isEqualTo(spaced);
      assertThat(exact.code()).isEqualTo(0);
      assertThat(exact.text()).isEqualTo("Success");
    }
  }
}
