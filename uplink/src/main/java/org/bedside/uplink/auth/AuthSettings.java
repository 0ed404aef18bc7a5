package org.bedside.uplink.auth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How the uplink authenticates to the FHIR server. Which fields matter depends on the {@link Method}.
 *
 * @param clientId the gateway's client id at the authorization server
 * @param tokenEndpoint empty to discover it from {@code <FHIR base>/.well-known/smart-configuration}
 * @param scopes what to ask for; {@link #SMART_V2_SCOPES} by default
 * @param keyFile the private key that signs the {@code private_key_jwt} assertion (PKCS#8 PEM, owner-only)
 * @param algorithm RS384, ES384, RS256 or PS256; null for RS384 with an RSA key, ES384 with an EC P-384 key
 * @param keyId the {@code kid} of the key as registered; null for the RFC 7638 thumbprint of its public key
 * @param certificateFile the key's certificate, for the {@code x5t}/{@code x5t#S256} header; or null
 * @param thumbprint which certificate thumbprint header the assertion carries (Entra ID wants one)
 * @param clientSecretFile the client secret for the client-secret methods (owner-only file)
 * @param tokenFile the static bearer token for {@link Method#BEARER_FILE} (owner-only file; re-read when it changes)
 * @param assertionLifetime how long an assertion is valid; at most 5 minutes, as SMART requires
 * @param renewBefore a token is renewed this long before it expires (or at three quarters of a short lifetime)
 * @param retryMaxDelay the longest wait between attempts while the authorization server cannot be reached
 * @param refusedRetryDelay the first wait after a refusal (unknown client, missing scope); it doubles up to 15 minutes
 */
public record AuthSettings(
        Method method,
        @Nullable String clientId,
        Optional<URI> tokenEndpoint,
        List<String> scopes,
        @Nullable Path keyFile,
        @Nullable String algorithm,
        @Nullable String keyId,
        @Nullable Path certificateFile,
        Thumbprint thumbprint,
        @Nullable Path clientSecretFile,
        @Nullable Path tokenFile,
        Duration assertionLifetime,
        Duration renewBefore,
        Duration retryMaxDelay,
        Duration refusedRetryDelay) {

    /**
     * SMART v2 scopes for what the gateway does: create Observations, Devices and AuditEvents (conditional creates:
     * the server searches for the identifier on the client's behalf); read and search Patients and Encounters.
     */
    public static final List<String> SMART_V2_SCOPES = List.of(
            "system/Observation.c",
            "system/Device.c",
            "system/AuditEvent.c",
            "system/Patient.rs",
            "system/Encounter.rs");

    /** The same in SMART v1 form, for servers that know only v1. */
    public static final List<String> SMART_V1_SCOPES = List.of(
            "system/Observation.write",
            "system/Device.write",
            "system/AuditEvent.write",
            "system/Patient.read",
            "system/Encounter.read");

    public static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);

    public enum Method {
        /** No credentials. */
        NONE,
        /** SMART Backend Services: client credentials with a signed JWT assertion. */
        PRIVATE_KEY_JWT,
        /** Client credentials with the secret in HTTP Basic authentication. */
        CLIENT_SECRET_BASIC,
        /** Client credentials with the secret in the form body. */
        CLIENT_SECRET_POST,
        /** A bearer token kept in a file by someone else (re-read when it changes). */
        BEARER_FILE
    }

    public enum Thumbprint {
        NONE,
        /** {@code x5t}: SHA-1 of the certificate (what Entra ID has long asked for). */
        X5T,
        /** {@code x5t#S256}: SHA-256 of the certificate. */
        X5T_S256
    }

    public AuthSettings {
        scopes = List.copyOf(scopes);
    }

    public static AuthSettings none() {
        return new AuthSettings(
                Method.NONE,
                null,
                Optional.empty(),
                SMART_V2_SCOPES,
                null,
                null,
                null,
                null,
                Thumbprint.NONE,
                null,
                null,
                Duration.ofMinutes(4),
                Duration.ofSeconds(60),
                Duration.ofSeconds(60),
                Duration.ofSeconds(30));
    }

    /** SMART Backend Services with a key file; the token endpoint discovered. */
    public static AuthSettings privateKeyJwt(String clientId, Path keyFile) {
        return none().with(Method.PRIVATE_KEY_JWT, clientId).withKey(keyFile, null, null);
    }

    public static AuthSettings clientSecret(Method method, String clientId, Path secretFile) {
        AuthSettings s = none().with(method, clientId);
        return new AuthSettings(
                s.method,
                s.clientId,
                s.tokenEndpoint,
                s.scopes,
                null,
                null,
                null,
                null,
                Thumbprint.NONE,
                secretFile,
                null,
                s.assertionLifetime,
                s.renewBefore,
                s.retryMaxDelay,
                s.refusedRetryDelay);
    }

    public static AuthSettings bearerFile(Path tokenFile) {
        AuthSettings s = none();
        return new AuthSettings(
                Method.BEARER_FILE,
                null,
                s.tokenEndpoint,
                s.scopes,
                null,
                null,
                null,
                null,
                Thumbprint.NONE,
                null,
                tokenFile,
                s.assertionLifetime,
                s.renewBefore,
                s.retryMaxDelay,
                s.refusedRetryDelay);
    }

    public AuthSettings with(Method m, @Nullable String client) {
        return new AuthSettings(
                m,
                client,
                tokenEndpoint,
                scopes,
                keyFile,
                algorithm,
                keyId,
                certificateFile,
                thumbprint,
                clientSecretFile,
                tokenFile,
                assertionLifetime,
                renewBefore,
                retryMaxDelay,
                refusedRetryDelay);
    }

    public AuthSettings withKey(Path key, @Nullable String alg, @Nullable String kid) {
        return new AuthSettings(
                method,
                clientId,
                tokenEndpoint,
                scopes,
                key,
                alg,
                kid,
                certificateFile,
                thumbprint,
                clientSecretFile,
                tokenFile,
                assertionLifetime,
                renewBefore,
                retryMaxDelay,
                refusedRetryDelay);
    }

    public AuthSettings withCertificate(Path certificate, Thumbprint which) {
        return new AuthSettings(
                method,
                clientId,
                tokenEndpoint,
                scopes,
                keyFile,
                algorithm,
                keyId,
                certificate,
                which,
                clientSecretFile,
                tokenFile,
                assertionLifetime,
                renewBefore,
                retryMaxDelay,
                refusedRetryDelay);
    }

    public AuthSettings withTokenEndpoint(URI endpoint) {
        return new AuthSettings(
                method,
                clientId,
                Optional.of(endpoint),
                scopes,
                keyFile,
                algorithm,
                keyId,
                certificateFile,
                thumbprint,
                clientSecretFile,
                tokenFile,
                assertionLifetime,
                renewBefore,
                retryMaxDelay,
                refusedRetryDelay);
    }

    public AuthSettings withScopes(List<String> wanted) {
        return new AuthSettings(
                method,
                clientId,
                tokenEndpoint,
                wanted,
                keyFile,
                algorithm,
                keyId,
                certificateFile,
                thumbprint,
                clientSecretFile,
                tokenFile,
                assertionLifetime,
                renewBefore,
                retryMaxDelay,
                refusedRetryDelay);
    }

    public AuthSettings withTimes(Duration assertion, Duration renew, Duration retryMax, Duration refusedFirst) {
        return new AuthSettings(
                method,
                clientId,
                tokenEndpoint,
                scopes,
                keyFile,
                algorithm,
                keyId,
                certificateFile,
                thumbprint,
                clientSecretFile,
                tokenFile,
                assertion,
                renew,
                retryMax,
                refusedFirst);
    }

    /** The method's name as OAuth and SMART spell it. */
    public String methodName() {
        return switch (method) {
            case NONE -> "none";
            case PRIVATE_KEY_JWT -> "private_key_jwt";
            case CLIENT_SECRET_BASIC -> "client_secret_basic";
            case CLIENT_SECRET_POST -> "client_secret_post";
            case BEARER_FILE -> "bearer token file";
        };
    }
}
