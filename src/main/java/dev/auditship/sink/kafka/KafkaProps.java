package dev.auditship.sink.kafka;

import dev.auditship.config.KafkaSinkConfig;
import dev.auditship.config.Secret;
import dev.auditship.config.TlsSettings;
import dev.auditship.io.IoErrors;
import dev.auditship.io.Pem;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The kafka-clients properties of a {@code type: kafka} sink: the connection and security settings
 * shared by the producer and the admin client ({@code validate --check-connectivity}, diagnosis of
 * a missing topic), and the producer's delivery settings.
 *
 * <p>Secrets go only into properties Kafka types as {@code PASSWORD} ({@code sasl.jaas.config},
 * {@code ssl.keystore.key}), which the client prints as {@code [hidden]} when it logs its
 * configuration. TLS material is passed as PEM text ({@code ssl.truststore.type=PEM}, {@code
 * ssl.keystore.type=PEM}, KIP-651) so no JKS/PKCS#12 store is needed; keys are normalised to
 * unencrypted PKCS#8 by {@link Pem}.
 */
final class KafkaProps {
  private KafkaProps() {}

  /** Connection and security properties; reads the TLS files and the password. */
  static Map<String, Object> common(KafkaSinkConfig c, String sinkName) throws IOException {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", c.bootstrapServers()));
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, c.clientId());
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, c.securityProtocol());
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) c.requestTimeout().toMillis());
    // Reconnect back-off up to 10 s (the default caps at 1 s): a broker that is down is tried
    // often enough to resume quickly, without a connection attempt (and a log line) every second.
    p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10_000L);
    // Client metrics stay in the process (KIP-714 would push them to the brokers).
    p.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, false);
    if (c.tls() != null) {
      tls(c.tls(), p);
    }
    if (c.sasl() != null) {
      p.put(SaslConfigs.SASL_MECHANISM, c.sasl().mechanism());
      String password;
      try {
        password = c.sasl().password().value();
      } catch (IOException e) {
        throw new IOException(
            "sinks."
                + sinkName
                + ".sasl: cannot read the password from "
                + (c.sasl().password().file() != null
                    ? "password file " + c.sasl().password().file()
                    : "the inline password")
                + ": "
                + IoErrors.reason(e),
            e);
      }
      p.put(
          SaslConfigs.SASL_JAAS_CONFIG, jaas(c.sasl().mechanism(), c.sasl().username(), password));
    }
    return p;
  }

  /** The producer's properties: {@link #common} and the delivery guarantees of docs/kafka.md. */
  static Map<String, Object> producer(KafkaSinkConfig c, String sinkName) throws IOException {
    Map<String, Object> p = common(c, sinkName);
    // Idempotence with acks=all: a record the producer retries internally (leader change, broker
    // restart, NOT_ENOUGH_REPLICAS) is written once and in order. Idempotence keeps per-partition
    // order with up to 5 requests in flight (KIP-679, ProducerConfig docs), so 5 is the most that
    // is
    // both fast and ordered.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) c.deliveryTimeout().toMillis());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, c.metadataTimeout().toMillis());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, c.compression());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, (int) c.batchMaxBytes());
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) c.linger().toMillis());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) c.maxRequestBytes());
    // The producer's buffer must hold at least one request; 32 MiB (its default) otherwise.
    p.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 2 * c.maxRequestBytes()));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return p;
  }

  /** The JAAS line of a SASL mechanism, with the values quoted as JAAS requires. */
  static String jaas(String mechanism, String username, String password) {
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return module + " required username=" + quote(username) + " password=" + quote(password) + ";";
  }

  /**
   * A JAAS quoted string: Kafka parses {@code sasl.jaas.config} with {@code StreamTokenizer}, whose
   * quoted strings take a backslash escape, so backslashes and double quotes are escaped.
   */
  static String quote(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void tls(TlsSettings t, Map<String, Object> p) throws IOException {
    // Host name verification stays on (https is the client default since Kafka 2.0).
    p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");
    List<String> protocols = t.protocols();
    p.put(SslConfigs.SSL_ENABLED_PROTOCOLS_CONFIG, String.join(",", protocols));
    p.put(SslConfigs.SSL_PROTOCOL_CONFIG, protocols.get(0));
    if (t.caFile() != null) {
      p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
      p.put(
          SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG,
          pem(Pem.certificates(t.caFile(), "tls.ca_file")));
    }
    if (t.certFile() != null && t.keyFile() != null) {
      List<X509Certificate> chain = Pem.certificates(t.certFile(), "tls.cert_file");
      String advice =
          "set tls.key_password, or decrypt it: openssl pkcs8 -topk8 -nocrypt -in "
              + t.keyFile()
              + " -out key.pem";
      PrivateKey key =
          t.keyPassword() == null
              ? Pem.privateKey(t.keyFile(), advice)
              : Pem.privateKey(
                  t.keyFile(), secret(t.keyPassword(), "tls.key_password").toCharArray(), advice);
      p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
      p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, pem(chain));
      // Unencrypted PKCS#8, whatever the file held (PKCS#1, encrypted): Kafka's PEM reader wants
      // it.
      p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, block("PRIVATE KEY", key.getEncoded()));
    }
    if (t.keystoreFile() != null) {
      // A PKCS#12 keystore is read by Kafka itself; its password also protects the key.
      p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
      p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, t.keystoreFile().toString());
      if (t.keystorePassword() != null) {
        String pw = secret(t.keystorePassword(), "tls.keystore_password");
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, pw);
        p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, pw);
      }
    }
  }

  private static String secret(Secret s, String key) throws IOException {
    try {
      return s.value();
    } catch (IOException e) {
      throw new IOException(
          "cannot read "
              + key
              + (s.file() != null ? " from " + s.file() : "")
              + ": "
              + IoErrors.reason(e),
          e);
    }
  }

  private static String pem(List<X509Certificate> certs) throws IOException {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        b.append(block("CERTIFICATE", c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IOException("cannot encode a certificate: " + e.getMessage(), e);
      }
    }
    return b.toString();
  }

  private static String block(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }
}
