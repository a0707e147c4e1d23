package dev.auditship.tls;

import dev.auditship.config.TlsSettings;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;

/**
 * The TLS strategy of the HTTP clients (Splunk HEC, the Coder API), in httpclient5's terms, with
 * {@code tls.server_name}: when set, it is sent as SNI (RFC 6066 §3) and it is the name the
 * server's certificate must carry (RFC 6125), instead of the endpoint's host (an endpoint given as
 * an IP address, or a load balancer's name, while the certificate names the service).
 */
public final class HttpTls {
  private HttpTls() {}

  /** The strategy for {@code ctx} built from {@code tls}. */
  public static TlsSocketStrategy strategy(SSLContext ctx, TlsSettings tls) {
    String[] protocols = tls.protocols().toArray(String[]::new);
    if (tls.insecureSkipVerify()) {
      return new DefaultClientTlsStrategy(
          ctx,
          protocols,
          null,
          SSLBufferMode.STATIC,
          HostnameVerificationPolicy.CLIENT,
          NoopHostnameVerifier.INSTANCE);
    }
    String name = tls.serverName();
    if (name == null) {
      return new DefaultClientTlsStrategy(
          ctx, protocols, null, SSLBufferMode.STATIC, HostnameVerificationPolicy.BOTH, null);
    }
    DefaultHostnameVerifier verifier = new DefaultHostnameVerifier();
    return new DefaultClientTlsStrategy(
        ctx,
        protocols,
        null,
        SSLBufferMode.STATIC,
        HostnameVerificationPolicy.CLIENT,
        (host, session) -> verifier.verify(name, session)) {
      @Override
      protected void initializeSocket(SSLSocket socket) {
        SSLParameters p = socket.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(name)));
        socket.setSSLParameters(p);
      }
    };
  }
}
