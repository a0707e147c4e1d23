package dev.auditship.sink.kafka;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * What a failed send means for the record (DESIGN §4): sent again after a back-off, refused for
 * good (dead letter), or a configuration fault that pauses the sink. The producer has already
 * retried every retriable error internally until {@code delivery_timeout_secs} before an error
 * reaches the sink.
 */
final class KafkaErrors {
  private KafkaErrors() {}

  enum Kind {
    /** Transient: back off and send again. */
    RETRY,
    /** Refused for good: dead letter with the reason. */
    REJECT,
    /** An operator must act (credentials, ACLs, a missing topic): pause and probe. */
    FAULT,
    /** The topic's metadata did not arrive: a missing topic, or unreachable brokers; diagnose. */
    METADATA
  }

  record Verdict(Kind kind, String reason) {}

  static Verdict classify(Throwable e, String topic, long maxRequestBytes) {
    if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
      return new Verdict(
          Kind.REJECT,
          "the broker refused the record as too large ("
              + e.getMessage()
              + "); raise the topic's max.message.bytes or the brokers' message.max.bytes, or "
              + "lower max_request_bytes (now "
              + maxRequestBytes
              + ") to match them");
    }
    if (e instanceof InvalidRecordException) {
      return new Verdict(Kind.REJECT, "the broker refused the record: " + e.getMessage());
    }
    if (e instanceof SslAuthenticationException) {
      return new Verdict(Kind.FAULT, tlsFailure(e));
    }
    if (e instanceof AuthenticationException) {
      return new Verdict(
          Kind.FAULT,
          "the brokers refused to authenticate auditship: "
              + e.getMessage()
              + "; check sasl.username and the password (or tls.cert_file for mTLS)");
    }
    if (e instanceof TopicAuthorizationException) {
      return new Verdict(
          Kind.FAULT,
          "not authorized to write to topic "
              + topic
              + ": grant the sink's principal WRITE and DESCRIBE on it (kafka-acls.sh --add "
              + "--allow-principal User:<name> --operation Write --operation Describe --topic "
              + topic
              + ")");
    }
    if (e instanceof ClusterAuthorizationException) {
      return new Verdict(
          Kind.FAULT,
          "not authorized by the cluster: "
              + e.getMessage()
              + "; the idempotent producer needs IDEMPOTENT_WRITE on the cluster on brokers "
              + "older than 2.8, or WRITE on the topic");
    }
    if (e instanceof AuthorizationException) {
      return new Verdict(Kind.FAULT, "not authorized: " + e.getMessage());
    }
    if (e instanceof InvalidTopicException
        || e instanceof PolicyViolationException
        || e instanceof UnsupportedVersionException) {
      return new Verdict(Kind.FAULT, "the brokers refused the request: " + e.getMessage());
    }
    if (e instanceof TimeoutException
        && e.getMessage() != null
        && e.getMessage().contains("not present in metadata")) {
      return new Verdict(Kind.METADATA, e.getMessage());
    }
    if (e instanceof UnknownTopicOrPartitionException) {
      return new Verdict(Kind.METADATA, e.getMessage());
    }
    if (e instanceof RetriableException) {
      return new Verdict(Kind.RETRY, "the brokers did not acknowledge in time: " + e.getMessage());
    }
    return new Verdict(
        Kind.RETRY, "the producer failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /**
   * A failed TLS handshake: Kafka's message is generic ("SSL handshake failed"), the JDK's cause
   * says why (an unknown CA, a name mismatch, the broker's alert for a missing client certificate).
   */
  static String tlsFailure(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why =
        root != e && root.getMessage() != null
            ? e.getMessage() + ": " + root.getMessage()
            : e.getMessage();
    return "TLS handshake with the brokers failed ("
        + why
        + "); check tls.ca_file (the CA that signed the brokers' certificates), that "
        + "bootstrap_servers names the hosts in their certificates, and tls.cert_file/key_file if "
        + "the brokers require a client certificate";
  }
}
