package org.bedside.common.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The files of one {@link TlsSettings}, read and checked: the trust anchors, this box's certificate chain and key (as a
 * key manager), the revocation lists, and a digest of every file so that a change is noticed. Immutable; a change of
 * the files makes a new one.
 */
final class TlsMaterial {
    private static final SecureRandom RANDOM = new SecureRandom();

    final TlsSettings settings;
    /** Trust anchors from the trust file; empty when the JDK's trust store is used. */
    final List<X509Certificate> trustedCertificates;

    private final Set<TrustAnchor> anchors;
    final @Nullable List<X509Certificate> clientChain;
    /** Unique per load, so that a handshake that began with one key is finished with the same one. */
    final String clientAlias;

    final @Nullable X509ExtendedKeyManager keyManager;
    private final List<X509CRL> revocationLists;
    private final Map<Path, String> digests;
    final Instant loadedAt;

    private TlsMaterial(
            TlsSettings settings,
            List<X509Certificate> trustedCertificates,
            Set<TrustAnchor> anchors,
            @Nullable List<X509Certificate> clientChain,
            String clientAlias,
            @Nullable X509ExtendedKeyManager keyManager,
            List<X509CRL> revocationLists,
            Map<Path, String> digests,
            Instant loadedAt) {
        this.settings = settings;
        this.trustedCertificates = trustedCertificates;
        this.anchors = anchors;
        this.clientChain = clientChain;
        this.clientAlias = clientAlias;
        this.keyManager = keyManager;
        this.revocationLists = revocationLists;
        this.digests = digests;
        this.loadedAt = loadedAt;
    }

    static TlsMaterial load(TlsSettings settings, Instant now) throws TlsConfigException {
        settings.check();
        Map<Path, String> digests = digests(settings);
        List<X509Certificate> trusted = new ArrayList<>();
        Set<TrustAnchor> anchors = new HashSet<>();
        if (settings.trustFile().isPresent()) {
            Path file = settings.trustFile().get();
            try {
                trusted.addAll(PemFiles.certificates(file));
            } catch (IOException e) {
                throw new TlsConfigException(TlsConfigException.Part.TRUST_FILE, e.getMessage(), e);
            }
            for (X509Certificate c : trusted) {
                anchors.add(new TrustAnchor(c, null));
            }
        } else {
            anchors.addAll(jdkTrustAnchors());
        }

        List<X509Certificate> chain = null;
        X509ExtendedKeyManager keyManager = null;
        String alias = "client-" + Long.toHexString(RANDOM.nextLong());
        Path certificateFile = settings.certificateFile();
        Path keyFile = settings.keyFile();
        if (certificateFile != null && keyFile != null) {
            try {
                chain = PemFiles.certificates(certificateFile);
            } catch (IOException e) {
                throw new TlsConfigException(TlsConfigException.Part.CERTIFICATE_FILE, e.getMessage(), e);
            }
            char[] password = null;
            Path passwordFile = settings.keyPasswordFile();
            if (passwordFile != null) {
                try {
                    password = SecretFile.readText(passwordFile, "the key password file")
                            .toCharArray();
                } catch (IOException e) {
                    throw new TlsConfigException(TlsConfigException.Part.KEY_PASSWORD_FILE, e.getMessage(), e);
                }
            }
            PrivateKey key;
            try {
                key = PemFiles.privateKey(keyFile, password);
            } catch (IOException e) {
                throw new TlsConfigException(TlsConfigException.Part.KEY_FILE, e.getMessage(), e);
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
            if (!KeyPairs.matches(key, chain.get(0).getPublicKey())) {
                throw new TlsConfigException(
                        TlsConfigException.Part.KEY_FILE,
                        "the private key in " + keyFile + " does not belong to the certificate in " + certificateFile
                                + " (" + Certificates.subject(chain.get(0)) + ")");
            }
            keyManager = keyManager(alias, key, chain);
        }

        List<X509CRL> crls = new ArrayList<>();
        if (settings.revocation() == TlsSettings.Revocation.CRL_FILES) {
            for (Path file : settings.revocationLists()) {
                try {
                    crls.addAll(PemFiles.revocationLists(file));
                } catch (IOException e) {
                    throw new TlsConfigException(TlsConfigException.Part.REVOCATION_LISTS, e.getMessage(), e);
                }
            }
        }
        return new TlsMaterial(
                settings,
                List.copyOf(trusted),
                Set.copyOf(anchors),
                chain == null ? null : List.copyOf(chain),
                alias,
                keyManager,
                List.copyOf(crls),
                digests,
                now);
    }

    /** Whether any configured file differs from what was loaded (or is gone). */
    boolean filesChanged() {
        try {
            return !digests(settings).equals(digests);
        } catch (TlsConfigException e) {
            return true; // let the reload report what is wrong
        }
    }

    /**
     * A trust manager that validates at {@code date} (the box's wall clock, not the JDK's idea of now), with the
     * configured revocation checking. Made per handshake: cheap next to the handshake itself.
     */
    X509ExtendedTrustManager trustManagerAt(Instant date) throws GeneralSecurityException {
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
        parameters.setDate(Date.from(date));
        switch (settings.revocation()) {
            case NONE -> parameters.setRevocationEnabled(false); // PKIX parameters check revocation unless told not to
            case CRL_FILES -> {
                parameters.setRevocationEnabled(true);
                parameters.addCertStore(
                        CertStore.getInstance("Collection", new CollectionCertStoreParameters(revocationLists)));
                PKIXRevocationChecker checker = revocationChecker();
                // Only the lists given; no OCSP, and no fetching from the certificates' distribution points (the JDK
                // fetches those only with com.sun.security.enableCRLDP=true, which the gateway never sets).
                checker.setOptions(EnumSet.of(
                        PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK,
                        PKIXRevocationChecker.Option.ONLY_END_ENTITY));
                parameters.addCertPathChecker(checker);
            }
            case OCSP -> {
                parameters.setRevocationEnabled(true);
                PKIXRevocationChecker checker = revocationChecker();
                checker.setOptions(EnumSet.of(
                        PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.ONLY_END_ENTITY));
                parameters.addCertPathChecker(checker);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(new CertPathTrustManagerParameters(parameters));
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
    }

    X509Certificate[] acceptedIssuers() {
        List<X509Certificate> out = new ArrayList<>();
        for (TrustAnchor a : anchors) {
            if (a.getTrustedCert() != null) {
                out.add(a.getTrustedCert());
            }
        }
        return out.toArray(X509Certificate[]::new);
    }

    boolean isTrustedCertificate(X509Certificate c) {
        for (TrustAnchor a : anchors) {
            if (c.equals(a.getTrustedCert())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code c} was signed by one of the trust anchors (or is one). */
    boolean issuedByAnchor(X509Certificate c) {
        for (TrustAnchor a : anchors) {
            X509Certificate anchor = a.getTrustedCert();
            if (anchor == null) {
                continue;
            }
            if (c.equals(anchor)) {
                return true;
            }
            if (anchor.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                try {
                    c.verify(anchor.getPublicKey());
                    return true;
                } catch (GeneralSecurityException e) {
                    // same name, other key: not this anchor
                }
            }
        }
        return false;
    }

    private static PKIXRevocationChecker revocationChecker() throws GeneralSecurityException {
        return (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
    }

    private static X509ExtendedKeyManager keyManager(String alias, PrivateKey key, List<X509Certificate> chain)
            throws TlsConfigException {
        // The key lives in memory only, under a throw-away password; nothing is written to disk.
        char[] password = Long.toHexString(RANDOM.nextLong()).toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, password);
            for (KeyManager km : factory.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new GeneralSecurityException("no X509ExtendedKeyManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(
                    TlsConfigException.Part.KEY_FILE,
                    "the client key cannot be used with its certificate: "
                            + e.getClass().getSimpleName(),
                    e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static Set<TrustAnchor> jdkTrustAnchors() throws TlsConfigException {
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        try {
            KeyStore store = KeyStore.getInstance(cacerts.toFile(), (char[]) null);
            Set<TrustAnchor> out = new HashSet<>();
            Enumeration<String> aliases = store.aliases();
            while (aliases.hasMoreElements()) {
                if (store.getCertificate(aliases.nextElement()) instanceof X509Certificate c) {
                    out.add(new TrustAnchor(c, null));
                }
            }
            return out;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(
                    TlsConfigException.Part.TRUST_FILE,
                    "no trust file is configured and the JDK's trust store " + cacerts + " cannot be read: " + e);
        }
    }

    /** SHA-256 of each configured file, so that a change (even one keeping size and time) is seen. */
    private static Map<Path, String> digests(TlsSettings settings) throws TlsConfigException {
        Map<Path, String> out = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        settings.trustFile().ifPresent(files::add);
        for (Path p : new Path[] {settings.certificateFile(), settings.keyFile(), settings.keyPasswordFile()}) {
            if (p != null) {
                files.add(p);
            }
        }
        if (settings.revocation() == TlsSettings.Revocation.CRL_FILES) {
            files.addAll(settings.revocationLists());
        }
        for (Path p : files) {
            try {
                byte[] content = Files.readAllBytes(p);
                out.put(
                        p,
                        java.util.HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
                Arrays.fill(content, (byte) 0);
            } catch (IOException e) {
                out.put(p, "unreadable");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no SHA-256", e);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "TlsMaterial[loaded " + loadedAt + ", " + trustedCertificates.size() + " trusted, client "
                + (clientChain == null ? "none" : Certificates.subject(clientChain.get(0))) + "]";
    }
}
