package org.bedside.mqtt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * TLS from PEM files, with the JDK only: the CA that the broker's certificate must chain to (only it is trusted, not the
 * JDK's public CAs) and, optionally, the gateway's client certificate chain and its PKCS#8 key. Hostname verification is
 * Paho's ({@code setHttpsHostnameVerificationEnabled}, on by default), which checks the certificate's subject
 * alternative names against the host of the broker URI.
 *
 * @param caFile the CA certificate(s), PEM
 * @param certificateFile the client certificate chain, PEM; null for none
 * @param keyFile the client's private key ({@code -----BEGIN PRIVATE KEY-----}); null for none
 */
public record PemTls(
        Path caFile,
        @Nullable Path certificateFile,
        @Nullable Path keyFile) {
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----", Pattern.DOTALL);

    public PemTls {
        if ((certificateFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }

    public static PemTls trusting(Path caFile) {
        return new PemTls(caFile, null, null);
    }

    public PemTls withClientCertificate(Path certificate, Path key) {
        return new PemTls(caFile, certificate, key);
    }

    /**
     * A socket factory for this trust and identity; read again at every connect, so renewed files are picked up.
     *
     * @throws IOException naming the file that is missing or not what it should be
     */
    public SSLSocketFactory socketFactory() throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            List<X509Certificate> cas = certificates(caFile);
            if (cas.isEmpty()) {
                throw new IOException(caFile + " holds no PEM certificate");
            }
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            Path cert = certificateFile;
            Path key = keyFile;
            if (cert != null && key != null) {
                List<X509Certificate> chain = certificates(cert);
                if (chain.isEmpty()) {
                    throw new IOException(cert + " holds no PEM certificate");
                }
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                char[] none = new char[0];
                identity.setKeyEntry(
                        "client",
                        privateKey(key, chain.get(0).getPublicKey().getAlgorithm()),
                        none,
                        chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "cannot set up TLS from " + caFile
                            + (certificateFile == null ? "" : ", " + certificateFile + ", " + keyFile) + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) {
            out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return out;
    }

    private static PrivateKey privateKey(Path pem, String algorithm) throws IOException, GeneralSecurityException {
        List<byte[]> keys = blocks(pem, "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new IOException(
                    pem + " must hold one PKCS#8 key (-----BEGIN PRIVATE KEY-----); found " + keys.size());
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
    }

    private static List<byte[]> blocks(Path pem, String type) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        List<byte[]> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }
}
