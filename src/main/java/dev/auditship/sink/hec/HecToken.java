package dev.auditship.sink.hec;

import dev.auditship.config.Secret;
import dev.auditship.io.IoErrors;
import dev.auditship.io.Logfmt;
import dev.auditship.metrics.Counter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HEC token's lifecycle: read when first needed, checked for what an HTTP header can carry,
 * dropped when Splunk refuses it (401/403, or 400 on the health endpoint) and read again before the
 * next request, so a rotated {@code token_file} is picked up by the next probe. The value never
 * appears in a message; a reload logs only whether it changed (by digest).
 *
 * <p>Used by one thread at a time (the sink's delivery thread, or {@code validate} before delivery
 * starts).
 */
final class HecToken {
  private static final Logger LOG =
      LoggerFactory.getLogger(HecSink.class); // the sink's messages under one name

  private final String sink;
  private final Secret secret;
  private final Counter reloads;
  private String token;
  private byte[] digest;
  private boolean refused;

  HecToken(String sink, Secret secret, Counter reloads) {
    this.sink = sink;
    this.secret = secret;
    this.reloads = reloads;
  }

  /**
   * A token problem an operator must fix; the message names where the token comes from, never its
   * value.
   */
  static final class TokenException extends Exception {
    TokenException(String message) {
      super(message);
    }
  }

  /** The token, read on first use and again after Splunk refused it. */
  synchronized String get() throws TokenException {
    if (token != null) {
      return token;
    }
    String v;
    try {
      v = secret.value();
    } catch (IOException e) {
      throw new TokenException(
          "cannot read the HEC token from " + secret.describe() + ": " + IoErrors.reason(e));
    }
    if (v.isEmpty()) {
      throw new TokenException("the HEC token from " + secret.describe() + " is empty");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new TokenException(
            "the HEC token from "
                + secret.describe()
                + " holds characters that "
                + "cannot be sent in an HTTP header (white space, line breaks or non-ASCII)");
      }
    }
    byte[] d = sha256(v);
    if (refused) {
      reloads.incrementAndGet();
      LOG.info(
          "Token read again after Splunk refused it; it {}. sink={} token_source=\"{}\"",
          Arrays.equals(d, digest) ? "has not changed" : "has changed",
          sink,
          Logfmt.q(secret.describe()));
      refused = false;
    }
    digest = d;
    token = v;
    return v;
  }

  /**
   * Splunk refused the token: forget it, so the next {@link #get} reads it again. An inline token
   * ({@code token:}) cannot change while running, so it is kept: reading it again would only log
   * "has not changed" at every probe and count reloads that are none.
   */
  synchronized void refused() {
    if (secret.file() == null) {
      return;
    }
    token = null;
    refused = true;
  }

  /** What the operator should check: {@code token_file (<path>)} or {@code token}. */
  String key() {
    return secret.file() != null ? "token_file (" + secret.file() + ")" : "token";
  }

  /** How a refused token gets corrected, appended to the refusal's reason. */
  String afterRefusal() {
    return secret.file() != null
        ? "; " + secret.describe() + " is read again before the next attempt"
        : "; the token is set inline (token:): correct it and restart";
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }
}
