package org.bedside.broker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
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

/**
 * PEM files made into the Java key stores HiveMQ's TLS listener reads (it takes only JKS files): the server's
 * certificate chain and PKCS#8 key, and the CA that client certificates must chain to. Plain JDK code.
 */
final class Keystores {
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----", Pattern.DOTALL);

    private Keystores() {}

    /** Writes a JKS key store holding the key and its certificate chain. */
    static void writeKeyStore(Path certificateChain, Path privateKey, Path target, char[] password)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = certificates(certificateChain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificateChain + " holds no PEM certificate");
        }
        PrivateKey key = privateKey(privateKey, chain.get(0).getPublicKey().getAlgorithm());
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
        save(store, target, password);
    }

    /** Writes a JKS trust store holding every certificate of the PEM file. */
    static void writeTrustStore(Path caCertificates, Path target, char[] password)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> cas = certificates(caCertificates);
        if (cas.isEmpty()) {
            throw new IllegalArgumentException(caCertificates + " holds no PEM certificate");
        }
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        save(store, target, password);
    }

    static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) {
            out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return out;
    }

    static PrivateKey privateKey(Path pem, String algorithm) throws IOException, GeneralSecurityException {
        List<byte[]> keys = blocks(pem, "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new IllegalArgumentException(
                    pem + " must hold exactly one PKCS#8 key (-----BEGIN PRIVATE KEY-----), found " + keys.size());
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

    private static void save(KeyStore store, Path target, char[] password)
            throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(target)) {
            store.store(out, password);
        }
    }
}
