package org.bedside.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sandbox's certificate, key and client CAs from PEM files (as the test PKI writes them), as key stores. */
final class SandboxPem {
    private static final Pattern KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private SandboxPem() {}

    static KeyStore keyStore(Path certificate, Path key, char[] password) throws IOException, GeneralSecurityException {
        Matcher m = KEY.matcher(Files.readString(key, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IOException(key + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        PrivateKey privateKey = null;
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException e) {
                // the other kind
            }
        }
        if (privateKey == null) {
            throw new IOException(key + " holds neither an EC nor an RSA key");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "server", privateKey, password, certificates(certificate).toArray(Certificate[]::new));
        return store;
    }

    static KeyStore trustStore(Path cas) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : certificates(cas)) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        return store;
    }

    private static Collection<? extends Certificate> certificates(Path file)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }
}
