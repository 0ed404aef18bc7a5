package org.bedside.uplink.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Function;
import org.bedside.common.tls.SecretFile;
import org.bedside.common.tls.WallClock;
import org.jspecify.annotations.Nullable;

/** Makes the {@link FhirAuthorization} that {@link AuthSettings} describe, checking keys and files now. */
public final class Authorizations {
    private Authorizations() {}

    /**
     * @param fhirBase where the SMART configuration is looked for when no token endpoint is configured
     * @param http the client for token requests: the uplink's, with its TLS settings
     * @param tlsExplainer says why a request failed when TLS was the cause, else null
     * @throws AuthConfigException naming the setting that cannot be used
     */
    public static FhirAuthorization open(
            AuthSettings settings,
            URI fhirBase,
            HttpClient http,
            Duration timeout,
            WallClock clock,
            Function<Exception, @Nullable String> tlsExplainer)
            throws AuthConfigException {
        switch (settings.method()) {
            case NONE:
                return FhirAuthorization.none();
            case BEARER_FILE:
                if (settings.tokenFile() == null) {
                    throw new AuthConfigException(
                            AuthConfigException.Field.TOKEN_FILE, "a bearer token needs the token file");
                }
                return new StaticBearerToken(settings.tokenFile(), settings.refusedRetryDelay());
            default:
                break;
        }
        if (settings.clientId() == null || settings.clientId().isBlank()) {
            throw new AuthConfigException(
                    AuthConfigException.Field.CLIENT_ID, settings.methodName() + " needs the client id");
        }
        if (settings.scopes().isEmpty()) {
            throw new AuthConfigException(AuthConfigException.Field.SCOPES, "no scopes to ask for");
        }
        if (settings.tokenEndpoint().isPresent()) {
            String problem = SmartDiscovery.insecure(settings.tokenEndpoint().get());
            if (problem != null) {
                throw new AuthConfigException(
                        AuthConfigException.Field.TOKEN_ENDPOINT,
                        settings.tokenEndpoint().get() + " " + problem);
            }
        }
        AssertionSigner signer = null;
        if (settings.method() == AuthSettings.Method.PRIVATE_KEY_JWT) {
            signer = AssertionSigner.open(settings, clock::now);
        } else {
            if (settings.clientSecretFile() == null) {
                throw new AuthConfigException(
                        AuthConfigException.Field.CLIENT_SECRET_FILE,
                        settings.methodName() + " needs the client secret file");
            }
            try {
                SecretFile.readText(settings.clientSecretFile(), "the client secret file");
            } catch (java.io.IOException e) {
                throw new AuthConfigException(AuthConfigException.Field.CLIENT_SECRET_FILE, e.getMessage());
            }
        }
        var source = new OAuthTokenSource(
                settings,
                new JavaHttpSender(http, timeout),
                new SmartDiscovery(fhirBase, http, timeout, tlsExplainer),
                signer,
                clock,
                tlsExplainer);
        InstantSource wall = clock::now;
        return new ClientCredentials(
                settings.methodName(),
                source,
                settings.renewBefore(),
                settings.retryMaxDelay(),
                settings.refusedRetryDelay(),
                System::nanoTime,
                wall);
    }
}
