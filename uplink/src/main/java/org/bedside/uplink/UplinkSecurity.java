package org.bedside.uplink;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.bedside.common.tls.TlsClient;
import org.bedside.common.tls.TlsConfigException;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.uplink.auth.AuthConfigException;
import org.bedside.uplink.auth.AuthSettings;
import org.bedside.uplink.auth.Authorizations;
import org.bedside.uplink.auth.FhirAuthorization;
import org.jspecify.annotations.Nullable;

/**
 * How the uplink reaches the FHIR server safely: the TLS client (trust file, client certificate, TLS 1.2+) for its
 * HTTP client and the token requests, and the authorization that supplies the {@code Authorization} header. Both are
 * live objects (files watched, token cached), made once at start; {@link #tls()} and {@link #authorization()} give
 * their status for the status page.
 */
public final class UplinkSecurity {
    private static final UplinkSecurity NONE = new UplinkSecurity(null, FhirAuthorization.none());

    private final @Nullable TlsClient tls;
    private final FhirAuthorization authorization;

    private UplinkSecurity(@Nullable TlsClient tls, FhirAuthorization authorization) {
        this.tls = tls;
        this.authorization = authorization;
    }

    /** The JDK's TLS defaults (for an https base URL) and no credentials. */
    public static UplinkSecurity none() {
        return NONE;
    }

    public static UplinkSecurity of(@Nullable TlsClient tls, FhirAuthorization authorization) {
        return new UplinkSecurity(tls, authorization);
    }

    /**
     * Opens the TLS files (if {@code tlsSettings} is given) and the authorization, checking keys and secrets now.
     *
     * @throws TlsConfigException or {@link AuthConfigException} naming the file or setting that cannot be used
     */
    public static UplinkSecurity open(
            URI fhirBase, @Nullable TlsSettings tlsSettings, AuthSettings auth, WallClock clock, Duration timeout)
            throws TlsConfigException, AuthConfigException {
        TlsClient tls = tlsSettings == null ? null : TlsClient.open("fhir", tlsSettings, clock);
        UplinkSecurity partial = new UplinkSecurity(tls, FhirAuthorization.none());
        HttpClient http = partial.configure(HttpClient.newBuilder().connectTimeout(timeout))
                .build();
        FhirAuthorization authorization = Authorizations.open(
                auth, fhirBase, http, timeout, clock, e -> tls == null ? null : tls.explain(e, peer(fhirBase)));
        return new UplinkSecurity(tls, authorization);
    }

    static String peer(URI base) {
        return base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
    }

    public @Nullable TlsClient tls() {
        return tls;
    }

    public FhirAuthorization authorization() {
        return authorization;
    }

    /** Applies the TLS context and parameters to an HTTP client being built. */
    public HttpClient.Builder configure(HttpClient.Builder builder) {
        if (tls != null) {
            builder.sslContext(tls.sslContext()).sslParameters(tls.sslParameters());
        }
        return builder;
    }
}
