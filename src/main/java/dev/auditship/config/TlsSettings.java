package dev.auditship.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code tls:} block of every TLS client (Splunk HEC, syslog over TLS, the Coder API source,
 * and any sink added later): one record, parsed in one place ({@link #parse}). Verification is on
 * unless {@code insecureSkipVerify}; the files are read when the client is built ({@code
 * dev.auditship.tls.TlsContexts}), never while parsing.
 *
 * @param caFile PEM certificates to trust <em>instead of</em> the JVM's trust store, or {@code
 *     null} for the JVM's
 * @param certFile PEM client certificate chain for mutual TLS, or {@code null}
 * @param keyFile PEM private key of {@code certFile} (PKCS#8, or PKCS#1 RSA), or {@code null}
 * @param serverName the name checked in the server's certificate and sent as SNI, or {@code null}
 *     for the endpoint's host
 * @param insecureSkipVerify accept any server certificate and host name (tests only; logged as a
 *     warning)
 * @param minVersion lowest protocol version, {@code TLSv1.2} or {@code TLSv1.3}; {@code null} for
 *     the default, TLS 1.2
 * @param maxVersion highest protocol version; {@code null} for the default, TLS 1.3
 * @param keyPassword the password of an encrypted {@code key_file} ({@code key_password} or {@code
 *     key_password_file}), or {@code null}
 * @param keystoreFile a PKCS#12 file with the client certificate chain and key, instead of {@code
 *     cert_file} and {@code key_file}, or {@code null}
 * @param keystorePassword the password of {@code keystoreFile}, or {@code null} (none)
 */
public record TlsSettings(
    Path caFile,
    Path certFile,
    Path keyFile,
    String serverName,
    boolean insecureSkipVerify,
    String minVersion,
    String maxVersion,
    Secret keyPassword,
    Path keystoreFile,
    Secret keystorePassword) {

  /** No options: verify the server against the JVM's trust store, no client certificate. */
  public static final TlsSettings DEFAULT = new TlsSettings(null, null, null, null, false);

  /** The protocol versions offered, oldest first (RFC 8996 retired TLS 1.0 and 1.1). */
  public static final List<String> VERSIONS = List.of("TLSv1.2", "TLSv1.3");

  /** Without key passwords or a keystore. */
  public TlsSettings(
      Path caFile,
      Path certFile,
      Path keyFile,
      String serverName,
      boolean insecureSkipVerify,
      String minVersion,
      String maxVersion) {
    this(
        caFile,
        certFile,
        keyFile,
        serverName,
        insecureSkipVerify,
        minVersion,
        maxVersion,
        null,
        null,
        null);
  }

  /** Without version bounds. */
  public TlsSettings(
      Path caFile, Path certFile, Path keyFile, String serverName, boolean insecureSkipVerify) {
    this(caFile, certFile, keyFile, serverName, insecureSkipVerify, null, null);
  }

  /** The versions to enable, newest first: {@code minVersion}..{@code maxVersion}. */
  public List<String> protocols() {
    int lo = minVersion == null ? 0 : VERSIONS.indexOf(minVersion);
    int hi = maxVersion == null ? VERSIONS.size() - 1 : VERSIONS.indexOf(maxVersion);
    List<String> out = new ArrayList<>();
    for (int i = hi; i >= lo; i--) {
      out.add(VERSIONS.get(i));
    }
    return List.copyOf(out);
  }

  /** The optional keys a client accepts beyond {@code ca_file} and {@code insecure_skip_verify}. */
  public enum Option {
    /** {@code cert_file} and {@code key_file} (mutual TLS). */
    CLIENT_CERTIFICATE,
    /** {@code server_name}. */
    SERVER_NAME,
    /** {@code min_version} and {@code max_version}. */
    VERSIONS
  }

  /**
   * The texts of the two conflicts every {@code tls:} block is checked for, so each client can
   * speak of its own server ("the receiver", "Splunk"). {@link #STANDARD} for new clients.
   *
   * @param certWithoutKey problem and fix when only {@code cert_file} is set
   * @param keyWithoutCert problem and fix when only {@code key_file} is set
   * @param insecureWithCa problem and fix when {@code insecure_skip_verify: true} meets {@code
   *     ca_file}
   */
  public record Wording(
      List<String> certWithoutKey, List<String> keyWithoutCert, List<String> insecureWithCa) {
    public static final Wording STANDARD =
        new Wording(
            List.of(
                "cert_file is set without key_file",
                "add key_file: with the certificate's private key (PEM), or remove cert_file:"),
            List.of(
                "key_file is set without cert_file",
                "add cert_file: with the client certificate (PEM), or remove key_file:"),
            List.of(
                "insecure_skip_verify: true ignores ca_file",
                "remove insecure_skip_verify: to verify the server against ca_file"));

    /**
     * The standard wording with another text for {@code insecure_skip_verify} with {@code ca_file}.
     */
    public static Wording insecureWithCa(String problem, String fix) {
      return new Wording(
          STANDARD.certWithoutKey(), STANDARD.keyWithoutCert(), List.of(problem, fix));
    }
  }

  /** Parses a {@code tls:} block with the standard wording. */
  public static TlsSettings parse(Section t, Set<Option> options) {
    return parse(t, options, Wording.STANDARD);
  }

  /**
   * Parses a {@code tls:} block: reads the keys {@code options} allow (any other key is reported as
   * unknown when the caller finishes the section), checks that they fit together, and reports every
   * problem on {@code t}. Does no I/O.
   */
  public static TlsSettings parse(Section t, Set<Option> options, Wording wording) {
    Path ca = t.pathValue("ca_file", null);
    Path cert = null;
    Path key = null;
    Secret keyPassword = null;
    Path keystore = null;
    Secret keystorePassword = null;
    if (options.contains(Option.CLIENT_CERTIFICATE)) {
      cert = t.pathValue("cert_file", null);
      key = t.pathValue("key_file", null);
      keyPassword = t.secret("key_password", false);
      keystore = t.pathValue("keystore_file", null);
      keystorePassword = t.secret("keystore_password", false);
      if (keyPassword != null && key == null) {
        t.problem(
            "key_password",
            "key_password is set without key_file",
            "add key_file:, or remove key_password");
      }
      if (keystore != null && (cert != null || key != null)) {
        t.problem(
            "keystore_file",
            "keystore_file and cert_file/key_file are both set",
            "give the client certificate one way: a PKCS#12 keystore_file, or PEM cert_file and key_file");
      }
      if (keystorePassword != null && keystore == null) {
        t.problem(
            "keystore_password",
            "keystore_password is set without keystore_file",
            "add keystore_file:, or remove keystore_password");
      }
    }
    String serverName = options.contains(Option.SERVER_NAME) ? t.string("server_name", null) : null;
    boolean insecure = t.bool("insecure_skip_verify", false);
    String min = null;
    String max = null;
    if (options.contains(Option.VERSIONS)) {
      min = t.oneOf("min_version", null, VERSIONS);
      max = t.oneOf("max_version", null, VERSIONS);
      if (min != null && max != null && VERSIONS.indexOf(min) > VERSIONS.indexOf(max)) {
        t.problem(
            "max_version",
            "max_version " + max + " is below min_version " + min,
            "raise max_version or lower min_version");
        max = null;
      }
    }
    if (cert != null && key == null) {
      t.problem("cert_file", wording.certWithoutKey().get(0), wording.certWithoutKey().get(1));
    }
    if (key != null && cert == null) {
      t.problem("key_file", wording.keyWithoutCert().get(0), wording.keyWithoutCert().get(1));
    }
    if (insecure && ca != null) {
      t.problem(
          "insecure_skip_verify", wording.insecureWithCa().get(0), wording.insecureWithCa().get(1));
    }
    if (serverName != null && !hostName(serverName)) {
      t.problem(
          "server_name",
          "\"" + serverName + "\" is not a host name",
          "use the DNS name in the server's certificate, or remove server_name:");
      serverName = null;
    }
    return new TlsSettings(
        ca, cert, key, serverName, insecure, min, max, keyPassword, keystore, keystorePassword);
  }

  /** 1 to 253 printable ASCII characters without spaces (RFC 1035 §2.3.4 length). */
  private static boolean hostName(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 33 || c > 126) {
        return false;
      }
    }
    return true;
  }
}
