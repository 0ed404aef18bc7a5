package org.bedside.uplink.auth;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.bedside.common.tls.SecretFile;
import org.bedside.common.tls.WallClock;
import org.jspecify.annotations.Nullable;

/**
 * Token requests of the client credentials grant (RFC 6749 4.4) with Nimbus: the client authenticated by a signed
 * assertion ({@code private_key_jwt}) or by its secret (Basic or form), the token endpoint configured or discovered
 * from the FHIR server's {@code .well-known/smart-configuration}. What comes back is classified: a token, a refusal of
 * this client (400/401: {@code invalid_client}, {@code invalid_scope}, ...), or an unreachable server (I/O, 5xx).
 */
final class OAuthTokenSource implements TokenSource {
    private final AuthSettings settings;
    private final JavaHttpSender sender;
    private final SmartDiscovery discovery;
    private final @Nullable AssertionSigner signer;
    private final WallClock clock;
    /** Says why a connection failed when TLS was the cause (the uplink's TLS client), else null. */
    private final Function<Exception, @Nullable String> tlsExplainer;

    private volatile @Nullable URI endpoint;

    OAuthTokenSource(
            AuthSettings settings,
            JavaHttpSender sender,
            SmartDiscovery discovery,
            @Nullable AssertionSigner signer,
            WallClock clock,
            Function<Exception, @Nullable String> tlsExplainer) {
        this.settings = settings;
        this.sender = sender;
        this.discovery = discovery;
        this.signer = signer;
        this.clock = clock;
        this.tlsExplainer = tlsExplainer;
        this.endpoint = settings.tokenEndpoint().orElse(null);
    }

    @Override
    public @Nullable String endpoint() {
        URI e = endpoint;
        return e == null ? null : e.toString();
    }

    @Override
    public Answer fetch() {
        URI tokenEndpoint = endpoint;
        if (tokenEndpoint == null) {
            SmartDiscovery.Result found = discovery.tokenEndpoint();
            if (found.endpoint() == null) {
                return found.refused() ? new Refused(found.problem()) : new Unreachable(found.problem());
            }
            tokenEndpoint = found.endpoint();
            endpoint = tokenEndpoint;
        }
        ClientAuthentication authentication;
        try {
            authentication = authentication(tokenEndpoint);
        } catch (IOException e) {
            // A key or secret file that became unreadable or insecure: the gateway's own fault, not the server's.
            return new Refused(e.getMessage());
        }
        TokenRequest request = new TokenRequest(
                tokenEndpoint,
                authentication,
                new ClientCredentialsGrant(),
                new Scope(settings.scopes().toArray(String[]::new)));
        HTTPResponse response;
        try {
            response = request.toHTTPRequest().send(sender);
        } catch (IOException e) {
            String tls = tlsExplainer.apply(e);
            return new Unreachable("cannot reach the authorization server " + tokenEndpoint + ": "
                    + (tls != null
                            ? tls
                            : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())));
        }
        int status = response.getStatusCode();
        if (status >= 500) {
            return new Unreachable("the authorization server " + tokenEndpoint + " fails (HTTP " + status + ")");
        }
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(response);
        } catch (ParseException e) {
            return new Unreachable("the authorization server " + tokenEndpoint + " answered HTTP " + status
                    + " with no OAuth token response (" + e.getMessage() + ")");
        }
        if (parsed.indicatesSuccess()) {
            AccessToken token = parsed.toSuccessResponse().getTokens().getAccessToken();
            if (token == null) {
                return new Unreachable("the authorization server " + tokenEndpoint + " sent no access token");
            }
            Duration lifetime = token.getLifetime() > 0 ? Duration.ofSeconds(token.getLifetime()) : null;
            return new Issued(
                    token.getValue(),
                    lifetime,
                    token.getScope() == null ? null : token.getScope().toString());
        }
        ErrorObject error = parsed.toErrorResponse().getErrorObject();
        String reason = "the authorization server " + tokenEndpoint + " refuses this gateway (client "
                + settings.clientId() + ", " + settings.methodName() + "): HTTP " + status + " " + error.getCode()
                + (error.getDescription() == null ? "" : " (" + error.getDescription() + ")");
        Optional<String> doubt = clock.doubt();
        if (doubt.isPresent() && signer != null) {
            reason += "; the box's clock cannot be trusted (" + doubt.get()
                    + "), and the assertion's iat and exp are taken from it";
        }
        return status == 400 || status == 401 || status == 403 ? new Refused(reason) : new Unreachable(reason);
    }

    private ClientAuthentication authentication(URI tokenEndpoint) throws IOException {
        ClientID client = new ClientID(settings.clientId());
        return switch (settings.method()) {
            case PRIVATE_KEY_JWT ->
                new PrivateKeyJWT(java.util.Objects.requireNonNull(signer).sign(tokenEndpoint));
            case CLIENT_SECRET_BASIC -> new ClientSecretBasic(client, secret());
            case CLIENT_SECRET_POST -> new ClientSecretPost(client, secret());
            default -> throw new IllegalStateException("no token requests for " + settings.method());
        };
    }

    private Secret secret() throws IOException {
        Path file = java.util.Objects.requireNonNull(settings.clientSecretFile());
        return new Secret(SecretFile.readText(file, "the client secret file"));
    }
}
