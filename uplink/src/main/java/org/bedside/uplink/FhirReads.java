package org.bedside.uplink;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.bedside.uplink.auth.Challenge;
import org.bedside.uplink.auth.Credential;
import org.bedside.uplink.auth.FhirAuthorization;

/**
 * The searches beside the upload (the bedside patient lookup, the Encounter search) read the FHIR server the way the
 * uplink writes to it: its TLS, its credential, and the one renewal {@link FhirAuthorization} allows after a 401. One
 * place for that, so that both searches keep the same rules.
 */
final class FhirReads {
    private final URI base;
    private final Duration timeout;
    private final HttpClient http;
    private final FhirAuthorization auth;

    FhirReads(UplinkSettings settings) {
        this.base = settings.baseUrl();
        this.timeout = settings.requestTimeout();
        UplinkSecurity security = settings.security();
        this.auth = security.authorization();
        this.http = security.configure(HttpClient.newBuilder()
                        .connectTimeout(settings.requestTimeout())
                        .version(HttpClient.Version.HTTP_1_1))
                .build();
    }

    URI base() {
        return base;
    }

    /** {@code pathAndQuery} (starting with {@code /}) on the server's base. */
    URI at(String pathAndQuery) {
        return URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery);
    }

    /** No credential can be had now: its sentence names the server and the authorization's reason. */
    static final class NoCredential extends Exception {
        NoCredential(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * {@code GET uri} as FHIR JSON with the current credential. A 401 renews the credential and asks once more when the
     * authorization says so; a 2xx tells it the credential was accepted. Any other status is the caller's to name.
     */
    HttpResponse<String> get(URI uri) throws IOException, InterruptedException, NoCredential {
        Credential credential = credential();
        HttpResponse<String> response = send(uri, credential);
        if (response.statusCode() == 401
                && auth.unauthorized(credential, challenge(response)).isZero()) {
            credential = credential();
            response = send(uri, credential);
        }
        if (response.statusCode() >= 200 && response.statusCode() < 300) {
            auth.accepted(credential);
        }
        return response;
    }

    private Credential credential() throws NoCredential {
        Credential credential = auth.credential();
        if (credential instanceof Credential.Unavailable u) {
            throw new NoCredential("no credential for " + base + ": " + u.reason());
        }
        return credential;
    }

    private HttpResponse<String> send(URI uri, Credential credential) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/fhir+json")
                .GET();
        if (credential instanceof Credential.Bearer bearer) {
            request.header("Authorization", bearer.header());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static Challenge challenge(HttpResponse<String> response) {
        return Challenge.of(
                response.statusCode(),
                response.headers().firstValue("WWW-Authenticate").orElse(null),
                null);
    }
}
