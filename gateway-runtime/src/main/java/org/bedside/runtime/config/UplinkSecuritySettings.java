package org.bedside.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bedside.common.tls.TlsConfigException;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.runtime.wiring.SystemClock;
import org.bedside.uplink.UplinkSecurity;
import org.bedside.uplink.auth.AuthConfigException;
import org.bedside.uplink.auth.AuthSettings;
import org.jspecify.annotations.Nullable;

/**
 * {@code gateway.uplink.tls.*} and {@code gateway.uplink.auth.*}, checked and opened: the files are read now, so that a
 * key others can read, a certificate that is not the key's or a missing client id stops the gateway at start with the
 * key named, not at the first upload.
 */
final class UplinkSecuritySettings {
    private static final String TLS = "gateway.uplink.tls.";
    private static final String AUTH = "gateway.uplink.auth.";

    private UplinkSecuritySettings() {}

    static @Nullable UplinkSecurity open(ConfigProblems.Collector problems, URI base, GatewayConfig.UplinkConfig u) {
        GatewayConfig.TlsConfig t = u.tls();
        GatewayConfig.AuthConfig a = u.auth();
        boolean https = "https".equals(base.getScheme());
        boolean tlsConfigured = t.trustFile().isPresent()
                || t.certificateFile().isPresent()
                || t.keyFile().isPresent();
        if (tlsConfigured && !https) {
            problems.add(
                    TLS + "trust-file", "TLS settings are given, but gateway.uplink.base-url is not https: " + base);
            return null;
        }
        TlsSettings tls = null;
        if (https) {
            tls = tlsSettings(problems, t, TLS);
            if (tls == null) {
                return null;
            }
        }
        AuthSettings auth = authSettings(problems, a);
        if (auth == null) {
            return null;
        }
        if (auth.method() != AuthSettings.Method.NONE && !https && !isLoopback(base.getHost())) {
            problems.add(
                    AUTH + "method",
                    auth.methodName() + " would send credentials in clear to " + base
                            + ": use an https base-url (plain http only to a loopback address)");
            return null;
        }
        try {
            return UplinkSecurity.open(base, tls, auth, WallClock.system(SystemClock.NOT_BEFORE), u.timeout());
        } catch (TlsConfigException e) {
            problems.add(TLS + tlsKey(e.part()), e.getMessage());
        } catch (AuthConfigException e) {
            problems.add(AUTH + authKey(e.field()), e.getMessage());
        }
        return null;
    }

    /** A {@code tls} section of any outgoing connection; problems are named under {@code prefix}. */
    static @Nullable TlsSettings tlsSettings(
            ConfigProblems.Collector problems, GatewayConfig.TlsConfig t, String prefix) {
        TlsSettings.Revocation revocation;
        switch (t.revocation().trim().toLowerCase(Locale.ROOT)) {
            case "none" -> revocation = TlsSettings.Revocation.NONE;
            case "crl-files" -> revocation = TlsSettings.Revocation.CRL_FILES;
            case "ocsp" -> revocation = TlsSettings.Revocation.OCSP;
            default -> {
                problems.add(prefix + "revocation", "'" + t.revocation() + "' is not none, crl-files or ocsp");
                return null;
            }
        }
        try {
            return new TlsSettings(
                    t.trustFile().map(Path::of),
                    t.certificateFile().map(Path::of).orElse(null),
                    t.keyFile().map(Path::of).orElse(null),
                    t.keyPasswordFile().map(Path::of).orElse(null),
                    revocation,
                    t.revocationLists().orElse(List.of()).stream().map(Path::of).toList(),
                    t.expiryWarning(),
                    t.checkInterval(),
                    TlsSettings.DEFAULT_PROTOCOLS);
        } catch (IllegalArgumentException e) {
            problems.add(prefix + "check-interval", e.getMessage());
            return null;
        }
    }

    private static @Nullable AuthSettings authSettings(ConfigProblems.Collector problems, GatewayConfig.AuthConfig a) {
        AuthSettings.Method method;
        switch (a.method().trim().toLowerCase(Locale.ROOT)) {
            case "none" -> method = AuthSettings.Method.NONE;
            case "private-key-jwt", "smart-backend-services" -> method = AuthSettings.Method.PRIVATE_KEY_JWT;
            case "client-secret-basic" -> method = AuthSettings.Method.CLIENT_SECRET_BASIC;
            case "client-secret-post" -> method = AuthSettings.Method.CLIENT_SECRET_POST;
            case "bearer-file" -> method = AuthSettings.Method.BEARER_FILE;
            default -> {
                problems.add(
                        AUTH + "method",
                        "'" + a.method() + "' is not none, private-key-jwt, client-secret-basic, client-secret-post or"
                                + " bearer-file");
                return null;
            }
        }
        AuthSettings.Thumbprint thumbprint;
        switch (a.thumbprint().trim().toLowerCase(Locale.ROOT)) {
            case "none" -> thumbprint = AuthSettings.Thumbprint.NONE;
            case "x5t" -> thumbprint = AuthSettings.Thumbprint.X5T;
            case "x5t#s256" -> thumbprint = AuthSettings.Thumbprint.X5T_S256;
            default -> {
                problems.add(AUTH + "thumbprint", "'" + a.thumbprint() + "' is not none, x5t or x5t#S256");
                return null;
            }
        }
        Optional<URI> endpoint = Optional.empty();
        if (a.tokenEndpoint().isPresent()) {
            try {
                endpoint = Optional.of(new URI(a.tokenEndpoint().get().trim()));
            } catch (URISyntaxException e) {
                problems.add(AUTH + "token-endpoint", "'" + a.tokenEndpoint().get() + "' is not a URL");
                return null;
            }
        }
        List<String> scopes = a.scopes()
                .map(s -> Arrays.stream(s.trim().split("\\s+"))
                        .filter(x -> !x.isEmpty())
                        .toList())
                .orElse(AuthSettings.SMART_V2_SCOPES);
        return new AuthSettings(
                method,
                a.clientId().map(String::trim).orElse(null),
                endpoint,
                scopes,
                a.keyFile().map(Path::of).orElse(null),
                a.algorithm().orElse(null),
                a.keyId().orElse(null),
                a.certificateFile().map(Path::of).orElse(null),
                thumbprint,
                a.clientSecretFile().map(Path::of).orElse(null),
                a.tokenFile().map(Path::of).orElse(null),
                a.assertionLifetime(),
                a.renewBefore(),
                a.retryMaxDelay(),
                a.refusedRetryDelay());
    }

    static String tlsKey(TlsConfigException.Part part) {
        return switch (part) {
            case TRUST_FILE -> "trust-file";
            case CERTIFICATE_FILE -> "certificate-file";
            case KEY_FILE -> "key-file";
            case KEY_PASSWORD_FILE -> "key-password-file";
            case REVOCATION_LISTS -> "revocation-lists";
            case PROTOCOLS -> "trust-file";
            case ALLOWED_SUBJECTS -> "allowed-subjects";
        };
    }

    private static String authKey(AuthConfigException.Field field) {
        return switch (field) {
            case METHOD -> "method";
            case CLIENT_ID -> "client-id";
            case TOKEN_ENDPOINT -> "token-endpoint";
            case SCOPES -> "scopes";
            case KEY_FILE -> "key-file";
            case ALGORITHM -> "algorithm";
            case KEY_ID -> "key-id";
            case CERTIFICATE_FILE -> "certificate-file";
            case CLIENT_SECRET_FILE -> "client-secret-file";
            case TOKEN_FILE -> "token-file";
            case TIMES -> "assertion-lifetime";
        };
    }

    private static boolean isLoopback(@Nullable String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }
}
