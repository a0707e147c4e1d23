package dev.auditship.sink.syslog;

import dev.auditship.config.SyslogSinkConfig.Tls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the {@link SSLContext} of a {@code tls://} sink from PEM files: the CA certificates to trust
 * ({@code ca_file}, else the JVM's trust store) and, for mutual TLS, a client certificate chain and its
 * unencrypted private key ({@code cert_file}, {@code key_file}; PKCS#8 {@code PRIVATE KEY} of any algorithm
 * the JDK knows, or PKCS#1 {@code RSA PRIVATE KEY}). Reads the files once, when the sink is built; a
 * problem is an {@link IOException} that names the file and what to do.
 */
final class TlsContexts {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private TlsContexts() {
    }

    static SSLContext build(Tls tls) throws IOException {
        try {
            TrustManager[] trust;
            if (tls.insecureSkipVerify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(tls.caFile() == null ? null : trustStore(tls.caFile()));
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (tls.certFile() != null && tls.keyFile() != null) {
                List<X509Certificate> chain = certificates(tls.certFile(), "tls.cert_file");
                PrivateKey key = privateKey(tls.keyFile());
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] pass = new char[0];
                try {
                    ks.setKeyEntry("client", key, pass, chain.toArray(new Certificate[0]));
                } catch (GeneralSecurityException e) {
                    throw new IOException("tls.key_file " + tls.keyFile() + " does not match tls.cert_file "
                            + tls.certFile() + ": " + e.getMessage(), e);
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pass);
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : certificates(caFile, "tls.ca_file")) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        return ks;
    }

    static List<X509Certificate> certificates(Path file, String key) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file, key)) {
                if (b.type().equals("CERTIFICATE")) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(key + " " + file + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(key + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    static PrivateKey privateKey(Path file) throws IOException {
        for (Block b : blocks(file, "tls.key_file")) {
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der(), file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(wrapPkcs1Rsa(b.der()), file);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException("tls.key_file " + file + " is encrypted; "
                        + "decrypt it: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
                case "EC PRIVATE KEY" -> throw new IOException("tls.key_file " + file + " is an SEC1 EC key; "
                        + "convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
                default -> {
                    // e.g. EC PARAMETERS before the key: skip
                }
            }
        }
        throw new IOException("tls.key_file " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException("tls.key_file " + file + " holds a private key of an unsupported kind (RSA, EC, "
                + "Ed25519 and Ed448 work)");
    }

    /** A PKCS#1 RSAPrivateKey wrapped as PKCS#8 PrivateKeyInfo (RFC 5208 §5) with rsaEncryption. */
    static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01,
            0x01, 0x01, 0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        byte[] len;
        if (content.length < 128) {
            len = new byte[] {(byte) content.length};
        } else {
            byte[] n = BigInteger.valueOf(content.length).toByteArray();
            int skip = n[0] == 0 ? 1 : 0;
            len = new byte[n.length - skip + 1];
            len[0] = (byte) (0x80 | (n.length - skip));
            System.arraycopy(n, skip, len, 1, n.length - skip);
        }
        byte[] out = new byte[1 + len.length + content.length];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, content.length);
        return out;
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file, String key) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException("cannot read " + key + " " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() != null && !e.getMessage().equals(file.toString()) ? " " + e.getMessage() : ""), e);
        }
        List<Block> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IOException(key + " " + file + " has a damaged PEM block (" + m.group(1) + ")", e);
            }
        }
        return out;
    }

    /** {@code insecure_skip_verify: true}: accepts any server certificate. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
