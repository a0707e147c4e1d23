package dev.auditship.sink.kafka;

import dev.auditship.config.KafkaSinkConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Admin requests that explain what the producer cannot: whether the brokers answer, whether a topic
 * exists, and whether this principal may write to it ({@code validate --check-connectivity}, and
 * the diagnosis of a send that waited in vain for a topic's metadata). Each answer is a sentence
 * for an operator, or {@code null} when all is well.
 */
final class KafkaAdminChecks {
  private KafkaAdminChecks() {}

  /** The prefix of problems that are transient (the brokers did not answer). */
  static final String UNREACHABLE = "cannot reach the Kafka brokers";

  /** Everything {@code validate --check-connectivity} checks, for every topic of the sink. */
  static String check(Admin admin, KafkaSinkConfig cfg, Duration timeout)
      throws InterruptedException {
    String servers = String.join(",", cfg.bootstrapServers());
    try {
      Collection<Node> nodes =
          admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (nodes.isEmpty()) {
        return "the Kafka cluster at " + servers + " reports no brokers";
      }
    } catch (ExecutionException e) {
      return problem(e.getCause(), null, servers, timeout);
    } catch (TimeoutException e) {
      return unreachable(servers, timeout, null);
    }
    for (String topic : cfg.topics()) {
      String p = topicProblem(admin, topic, timeout, servers);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /** Whether {@code topic} exists and may be written to; {@code null} when it does. */
  static String topicProblem(Admin admin, String topic, Duration timeout)
      throws InterruptedException {
    return topicProblem(admin, topic, timeout, "the bootstrap servers");
  }

  private static String topicProblem(Admin admin, String topic, Duration timeout, String servers)
      throws InterruptedException {
    TopicDescription d;
    try {
      d =
          admin
              .describeTopics(
                  List.of(topic), new DescribeTopicsOptions().includeAuthorizedOperations(true))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic);
    } catch (ExecutionException e) {
      return problem(e.getCause(), topic, servers, timeout);
    } catch (TimeoutException e) {
      return unreachable(servers, timeout, null);
    }
    if (d == null) {
      return missing(topic);
    }
    Set<AclOperation> ops = d.authorizedOperations();
    // null: the brokers did not say (no authorizer answers for it); ALL includes WRITE.
    if (ops != null
        && !ops.isEmpty()
        && !ops.contains(AclOperation.WRITE)
        && !ops.contains(AclOperation.ALL)) {
      return "not authorized to write to topic "
          + topic
          + " (the brokers allow "
          + ops
          + "): grant the sink's principal WRITE on it (kafka-acls.sh --add --allow-principal "
          + "User:<name> --operation Write --topic "
          + topic
          + ")";
    }
    return null;
  }

  private static String problem(Throwable e, String topic, String servers, Duration timeout) {
    if (e instanceof UnknownTopicOrPartitionException && topic != null) {
      return missing(topic);
    }
    if (e instanceof SslAuthenticationException) {
      return KafkaErrors.tlsFailure(e);
    }
    if (e instanceof AuthenticationException) {
      return "the brokers refused to authenticate auditship: "
          + e.getMessage()
          + "; check sasl.username and the password (or tls.cert_file for mTLS)";
    }
    if (e instanceof AuthorizationException) {
      return topic == null
          ? "not authorized: " + e.getMessage()
          : "not authorized to describe or write to topic "
              + topic
              + ": grant the sink's principal WRITE and DESCRIBE on it (kafka-acls.sh --add "
              + "--allow-principal User:<name> --operation Write --operation Describe --topic "
              + topic
              + ")";
    }
    if (e instanceof RetriableException) {
      return unreachable(servers, timeout, e.getMessage());
    }
    return UNREACHABLE
        + " at "
        + servers
        + ": "
        + e.getClass().getSimpleName()
        + ": "
        + e.getMessage();
  }

  private static String missing(String topic) {
    return "topic "
        + topic
        + " does not exist, and the brokers do not create it on first use "
        + "(auto.create.topics.enable=false): create it, e.g. kafka-topics.sh --create --topic "
        + topic
        + " --partitions 6 --replication-factor 3 --config min.insync.replicas=2";
  }

  private static String unreachable(String servers, Duration timeout, String detail) {
    return UNREACHABLE
        + " at "
        + servers
        + " within "
        + timeout.toMillis()
        + " ms"
        + (detail != null ? " (" + detail + ")" : "")
        + ": check bootstrap_servers, the network and the listeners' security protocol";
  }
}
