package org.bedside.common.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a client connection is secured. Every path is a PEM file (see {@link PemFiles}).
 *
 * @param trustFile the CA certificates that may issue the server's certificate; empty for the JDK's trust store (the
 *     public web PKI), which suits a cloud FHIR service but rarely a hospital's own
 * @param certificateFile this box's certificate chain for mutual TLS (the end entity first), or null
 * @param keyFile the private key of {@code certificateFile} (PKCS#8, RSA or EC; readable by its owner only), or null
 * @param keyPasswordFile the password of an encrypted key file (readable by its owner only), or null
 * @param revocation whether and how revoked server certificates are detected
 * @param revocationLists PEM revocation lists for {@link Revocation#CRL_FILES}
 * @param expiryWarning how long before a configured certificate (or the server's) ends a warning is given
 * @param checkInterval how often the files are looked at for changes and for coming expiry
 * @param protocols the TLS versions offered; only TLS 1.2 and 1.3 are allowed
 */
public record TlsSettings(
        Optional<Path> trustFile,
        @Nullable Path certificateFile,
        @Nullable Path keyFile,
        @Nullable Path keyPasswordFile,
        Revocation revocation,
        List<Path> revocationLists,
        Duration expiryWarning,
        Duration checkInterval,
        List<String> protocols) {

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(30);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMinutes(1);
    private static final Set<String> ALLOWED_PROTOCOLS = Set.copyOf(DEFAULT_PROTOCOLS);

    /**
     * Revocation checking. Off by default: checking a certificate online is a connection of its own (to the OCSP
     * responder or CRL server the certificate names), which must be configured, never happen by surprise.
     */
    public enum Revocation {
        /** Not checked. */
        NONE,
        /** Checked against the revocation lists in local files ({@code revocationLists}), never fetched. */
        CRL_FILES,
        /**
         * Checked online with the OCSP responder the server's certificate names (a stapled response is used when the
         * server sends one); a connection to that responder at each new TLS session.
         */
        OCSP
    }

    public TlsSettings {
        revocationLists = List.copyOf(revocationLists);
        protocols = List.copyOf(protocols);
        if (expiryWarning.isNegative() || checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("expiry warning and check interval must be positive");
        }
    }

    /** The JDK's trust store, no client certificate, defaults otherwise. */
    public static TlsSettings defaults() {
        return new TlsSettings(
                Optional.empty(),
                null,
                null,
                null,
                Revocation.NONE,
                List.of(),
                DEFAULT_EXPIRY_WARNING,
                DEFAULT_CHECK_INTERVAL,
                DEFAULT_PROTOCOLS);
    }

    /** Trusting the CA certificates in {@code trustFile}. */
    public static TlsSettings trusting(Path trustFile) {
        return defaults().withTrustFile(trustFile);
    }

    public TlsSettings withTrustFile(Path file) {
        return new TlsSettings(
                Optional.of(file),
                certificateFile,
                keyFile,
                keyPasswordFile,
                revocation,
                revocationLists,
                expiryWarning,
                checkInterval,
                protocols);
    }

    /** With a client certificate and its key for mutual TLS. */
    public TlsSettings withClientCertificate(Path certificate, Path key, @Nullable Path keyPassword) {
        return new TlsSettings(
                trustFile,
                certificate,
                key,
                keyPassword,
                revocation,
                revocationLists,
                expiryWarning,
                checkInterval,
                protocols);
    }

    public TlsSettings withRevocation(Revocation how, List<Path> lists) {
        return new TlsSettings(
                trustFile,
                certificateFile,
                keyFile,
                keyPasswordFile,
                how,
                lists,
                expiryWarning,
                checkInterval,
                protocols);
    }

    public TlsSettings withTimes(Duration warning, Duration check) {
        return new TlsSettings(
                trustFile,
                certificateFile,
                keyFile,
                keyPasswordFile,
                revocation,
                revocationLists,
                warning,
                check,
                protocols);
    }

    public TlsSettings withProtocols(List<String> versions) {
        return new TlsSettings(
                trustFile,
                certificateFile,
                keyFile,
                keyPasswordFile,
                revocation,
                revocationLists,
                expiryWarning,
                checkInterval,
                versions);
    }

    /** Throws unless the settings make sense together (files are checked when they are loaded). */
    void check() throws TlsConfigException {
        if (protocols.isEmpty()) {
            throw new TlsConfigException(
                    TlsConfigException.Part.PROTOCOLS, "no TLS version given; use TLSv1.3, TLSv1.2");
        }
        for (String p : protocols) {
            if (!ALLOWED_PROTOCOLS.contains(p)) {
                throw new TlsConfigException(
                        TlsConfigException.Part.PROTOCOLS,
                        "'" + p + "' is not allowed: only TLSv1.3 and TLSv1.2 are (older versions are broken)");
            }
        }
        if ((certificateFile == null) != (keyFile == null)) {
            throw new TlsConfigException(
                    certificateFile == null
                            ? TlsConfigException.Part.CERTIFICATE_FILE
                            : TlsConfigException.Part.KEY_FILE,
                    "a client certificate needs both the certificate file and its key file");
        }
        if (keyPasswordFile != null && keyFile == null) {
            throw new TlsConfigException(
                    TlsConfigException.Part.KEY_PASSWORD_FILE, "a key password file is given but no key file");
        }
        if (revocation == Revocation.CRL_FILES && revocationLists.isEmpty()) {
            throw new TlsConfigException(
                    TlsConfigException.Part.REVOCATION_LISTS, "revocation by CRL files needs at least one file");
        }
    }
}
