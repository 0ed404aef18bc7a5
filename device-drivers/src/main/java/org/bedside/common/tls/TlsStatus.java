package org.bedside.common.tls;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link TlsClient} holds, for the status page and health: the certificates it uses and how long they last, the
 * warnings about those that end soon, and the last problem (a changed file that could not be used, a handshake that
 * failed). Holds no secret.
 *
 * @param name the connection, such as {@code fhir}
 * @param loadedAt when the files in use were read
 * @param certificates the trusted CAs (when from a file), this box's client certificate, the last server certificate
 * @param warnings certificates that end within the warning period, or have ended, in words
 * @param reloadProblem why changed files were not taken (the previous ones stay in use), or null
 * @param lastFailure the last handshake failure, explained, or null
 */
public record TlsStatus(
        String name,
        Instant loadedAt,
        List<CertificateInfo> certificates,
        List<String> warnings,
        @Nullable String reloadProblem,
        @Nullable String lastFailure) {

    public TlsStatus {
        certificates = List.copyOf(certificates);
        warnings = List.copyOf(warnings);
    }

    /** What a certificate is to this connection. */
    public enum Role {
        TRUSTED_CA,
        CLIENT_CERTIFICATE,
        SERVER_CERTIFICATE
    }

    /**
     * One certificate.
     *
     * @param file where it was read from; null for the server's, which came over the wire
     */
    public record CertificateInfo(
            Role role,
            String subject,
            String issuer,
            Instant notBefore,
            Instant notAfter,
            @Nullable Path file) {}
}
