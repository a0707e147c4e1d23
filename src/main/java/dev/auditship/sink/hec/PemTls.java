package dev.auditship.sink.hec;

import dev.auditship.config.HecSinkConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
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
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An {@link SSLContext} from PEM files with the JDK alone: {@code ca_file} (one or more CA certificates,
 * trusted <em>instead of</em> the JVM's trust store, so the sink trusts exactly the operator's CA),
 * {@code cert_file} (client certificate, then its chain) and {@code key_file} (the client key: PKCS#8
 * {@code BEGIN PRIVATE KEY}, or PKCS#1 {@code BEGIN RSA PRIVATE KEY}) for mutual TLS. Every failure names
 * the file and how to fix it; no file content is ever printed.
 */
final class PemTls {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {
    }

    /** A block of a PEM file: its label and DER bytes. */
    record Block(String label, byte[] der) {
    }

    /**
     * The context for {@code tls}. Without a client certificate, {@code noCertificate} stands in as key
     * manager: it offers none but counts the servers that asked for one, so a handshake refused for want of
     * a client certificate (which TLS 1.3 reports only as a broken connection) can be named.
     */
    static SSLContext context(HecSinkConfig.Tls tls, NoClientCertificate noCertificate) throws IOException {
        try {
            TrustManager[] trust = null; // null: the JVM's default trust store
            if (tls.insecureSkipVerify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (tls.caFile() != null) {
                trust = trustManagers(tls.caFile());
            }
            KeyManager[] keys = {noCertificate};
            if (tls.certFile() != null && tls.keyFile() != null) {
                keys = keyManagers(tls.certFile(), tls.keyFile());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static TrustManager[] trustManagers(Path caFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> cas = certificates(caFile, "tls.ca_file");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    static KeyManager[] keyManagers(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = certificates(certFile, "tls.cert_file");
        PrivateKey key = privateKey(keyFile);
        if (!matches(key, chain.get(0))) {
            throw new IOException("tls.key_file " + keyFile + " is not the key of the first certificate in "
                    + "tls.cert_file " + certFile + "; give the key that belongs to the client certificate");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, NO_PASSWORD);
        return kmf.getKeyManagers();
    }

    static List<Block> blocks(Path file, String key) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot read " + key + " " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() != null && !e.getMessage().equals(file.toString()) ? " " + e.getMessage() : ""), e);
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IOException(key + " " + file + " has a " + m.group(1) + " block that is not valid base64");
            }
        }
        return out;
    }

    static List<X509Certificate> certificates(Path file, String key) throws IOException, CertificateException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(file, key)) {
            if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")) {
                try {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                } catch (CertificateException e) {
                    throw new IOException(key + " " + file + " holds a certificate that cannot be parsed: "
                            + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(key + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    static PrivateKey privateKey(Path file) throws IOException {
        for (Block b : blocks(file, "tls.key_file")) {
            switch (b.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, b.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, wrapPkcs1Rsa(b.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException("tls.key_file " + file + " is encrypted; "
                        + "give an unencrypted PKCS#8 key (openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem) "
                        + "and protect the file with its permissions");
                case "EC PRIVATE KEY" -> throw new IOException("tls.key_file " + file + " is a SEC1 EC key; "
                        + "convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
                default -> {
                    // parameters, certificates and other blocks may share the file: skip them
                }
            }
        }
        throw new IOException("tls.key_file " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new IOException("tls.key_file " + file + " holds a private key of an unsupported type "
                + "(RSA, EC and EdDSA keys in PKCS#8 are supported)");
    }

    /**
     * PKCS#1 {@code RSAPrivateKey} inside a PKCS#8 {@code PrivateKeyInfo} (RFC 5208): version 0, the
     * rsaEncryption algorithm identifier with NULL parameters, the key as an OCTET STRING.
     */
    static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = tlv(0x04, pkcs1);
        byte[] content = new byte[version.length + algId.length + octet.length];
        System.arraycopy(version, 0, content, 0, version.length);
        System.arraycopy(algId, 0, content, version.length, algId.length);
        System.arraycopy(octet, 0, content, version.length + algId.length, octet.length);
        return tlv(0x30, content);
    }

    private static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        byte[] len;
        if (n < 0x80) {
            len = new byte[] {(byte) n};
        } else if (n < 0x100) {
            len = new byte[] {(byte) 0x81, (byte) n};
        } else if (n < 0x10000) {
            len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        } else {
            len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        }
        byte[] out = new byte[1 + len.length + n];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(value, 0, out, 1 + len.length, n);
        return out;
    }

    /** True when {@code key} signs what {@code cert}'s public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (alg == null) {
            return true; // cannot check this kind of key here; the handshake will tell
        }
        try {
            byte[] probe = "auditship key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Offers no client certificate; counts how often a server asked for one. Thread-safe. */
    static final class NoClientCertificate extends X509ExtendedKeyManager {
        private final java.util.concurrent.atomic.AtomicLong asked = new java.util.concurrent.atomic.AtomicLong();

        /** How many handshakes asked for a client certificate so far. */
        long asked() {
            return asked.get();
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            asked.incrementAndGet();
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine engine) {
            asked.incrementAndGet();
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return null;
        }
    }

    /**
     * {@code insecure_skip_verify}: accepts every server certificate. Never the default. Extended, so JSSE
     * does not add its own host name check around it.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {
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
