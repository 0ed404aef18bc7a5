package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.bedside.common.tls.TlsClient;
import org.bedside.uplink.auth.AuthStatus;
import org.bedside.uplink.auth.Challenge;
import org.bedside.uplink.auth.Credential;
import org.bedside.uplink.auth.FhirAuthorization;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.jspecify.annotations.Nullable;

/**
 * Posts transaction Bundles to the FHIR server's base URL and says what became of them. Status codes decide: 2xx
 * accepted; 408, 409 (HAPI answers two identical concurrent conditional creates with 409), 429 and 5xx are worth
 * retrying, honouring {@code Retry-After}; a 1xx or 3xx is a configuration problem (redirects are not followed: a
 * POST must not silently turn into something else); any other 4xx is a rejection with the server's own words.
 *
 * <p>Each request carries the credential of {@link UplinkSecurity#authorization()}. A 401 renews it once and retries at
 * once; a 401 that persists, a 403 (a missing scope) and no credential to be had are retries after the authorization's
 * wait, never rejections: the readings stay in the buffer until the cause is fixed. A connection that TLS refused is
 * explained in one sentence (the certificate, its validity and why).
 */
final class FhirUploader {
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final String FHIR_JSON = "application/fhir+json";

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;
    private final IParser parser;
    private final UplinkSecurity security;
    private final FhirAuthorization auth;

    FhirUploader(UplinkSettings settings, FhirContext fhir) {
        this.base = settings.baseUrl();
        this.timeout = settings.requestTimeout();
        this.security = settings.security();
        this.auth = security.authorization();
        this.http = security.configure(HttpClient.newBuilder()
                        .connectTimeout(settings.requestTimeout())
                        .version(HttpClient.Version.HTTP_1_1))
                .build();
        this.parser = fhir.newJsonParser();
    }

    /** A conditional-create match URL: {@code identifier=<system>|<value>}, each part URL-encoded. */
    static String identifierQuery(String system, String value) {
        return "identifier=" + URLEncoder.encode(system, StandardCharsets.UTF_8) + "|"
                + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    UploadResult send(Bundle bundle) {
        return send(parser.encodeResourceToString(bundle));
    }

    String encode(Bundle bundle) {
        return parser.encodeResourceToString(bundle);
    }

    UploadResult send(String body) {
        return send(body, null);
    }

    /**
     * Sends a Bundle and, when the server accepts it, puts its answer (the response Bundle) into {@code answer}: for
     * the few requests whose answer is read (the searches of a withdrawal).
     */
    UploadResult send(String body, @Nullable StringBuilder answer) {
        TlsClient tls = security.tls();
        if (tls != null) {
            tls.refreshIfDue(); // changed certificate files, coming expiry
        }
        Credential credential = auth.credential();
        if (credential instanceof Credential.Unavailable u) {
            return authProblem(u.reason(), u.retryAfter());
        }
        HttpResponse<String> response;
        try {
            response = post(body, credential);
            if (response.statusCode() == 401) {
                Duration wait = auth.unauthorized(credential, challenge(response));
                if (!wait.isZero()) {
                    return authProblem(auth.status().detail(), wait);
                }
                credential = auth.credential(); // renewed: one retry, at once
                if (credential instanceof Credential.Unavailable u) {
                    return authProblem(u.reason(), u.retryAfter());
                }
                response = post(body, credential);
                if (response.statusCode() == 401) {
                    wait = auth.unauthorized(credential, challenge(response));
                    return authProblem(auth.status().detail(), wait.isZero() ? null : wait);
                }
            }
        } catch (IOException e) {
            String explained = tls == null ? null : tls.explain(e, UplinkSecurity.peer(base));
            return new UploadResult.Retry(
                    "cannot reach " + base + ": " + (explained != null ? explained : describe(e)), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new UploadResult.Retry("interrupted", null);
        }
        int status = response.statusCode();
        if (status == 403) {
            // A missing scope or permission: the readings are not at fault, and must not be dead-lettered.
            Duration wait = auth.forbidden(credential, challenge(response));
            return authProblem(auth.status().detail(), wait);
        }
        if (status >= 200 && status < 300) {
            auth.accepted(credential);
            if (answer != null) {
                answer.append(response.body());
            }
            return accepted(response.body());
        }
        if (status < 200 || (status >= 300 && status < 400)) {
            String location = response.headers().firstValue("Location").orElse(null);
            return new UploadResult.Misdirected("HTTP " + status + " from " + base
                    + (location == null
                            ? ": the server answers a transaction with a redirect"
                            : ": the server redirects to " + location)
                    + "; is gateway.uplink.base-url right?");
        }
        String reason = "HTTP " + status + " from " + base + outcome(response.body());
        if (status == 408 || status == 409 || status == 429 || status >= 500) {
            return new UploadResult.Retry(reason, retryAfter(response).orElse(null));
        }
        return new UploadResult.Rejected(status, reason);
    }

    private HttpResponse<String> post(String body, Credential credential) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base)
                .timeout(timeout)
                .header("Content-Type", FHIR_JSON + "; charset=UTF-8")
                .header("Accept", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (credential instanceof Credential.Bearer bearer) {
            request.header("Authorization", bearer.header());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private Challenge challenge(HttpResponse<String> response) {
        String outcome = outcome(response.body());
        return Challenge.of(
                response.statusCode(),
                response.headers().firstValue("WWW-Authenticate").orElse(null),
                outcome.isEmpty() ? null : outcome.substring(2));
    }

    /**
     * A credentials problem is a retry, never a rejection (the readings are not at fault and must not be
     * dead-lettered): for the uplink's state, a server that cannot be reached is {@code RETRYING}; a refusal that only a
     * person can fix (the client refused, the token refused, a scope missing) is {@code MISCONFIGURED}.
     */
    private UploadResult authProblem(String detail, @Nullable Duration wait) {
        AuthStatus.State state = auth.status().state();
        boolean refused = state == AuthStatus.State.CLIENT_REFUSED
                || state == AuthStatus.State.TOKEN_REFUSED
                || state == AuthStatus.State.FORBIDDEN;
        return refused ? new UploadResult.Misdirected(detail, wait) : new UploadResult.Retry(detail, wait);
    }

    /**
     * Counts the Observations the server created and the ones it matched (already there), from the transaction
     * response's entries ({@code response.status}, {@code response.location}). Read with a streaming JSON parser rather
     * than HAPI's: building the response Bundle's model costs as much as encoding the request, and only two fields of
     * each entry are needed.
     */
    static UploadResult.Accepted accepted(String body) {
        int created = 0;
        int matched = 0;
        try (JsonParser json = JSON_FACTORY.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return new UploadResult.Accepted(0, 0);
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (!"entry".equals(field) || value != JsonToken.START_ARRAY) {
                    json.skipChildren();
                    continue;
                }
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    String[] statusAndLocation = entryResponse(json);
                    String status = statusAndLocation[0];
                    String location = statusAndLocation[1];
                    if (location == null || !location.startsWith("Observation/") || status == null) {
                        continue; // the Device entries
                    }
                    if (status.startsWith("201")) {
                        created++;
                    } else if (status.startsWith("200")) {
                        matched++;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // The transaction was committed (2xx); only the counts are unknown.
        }
        return new UploadResult.Accepted(created, matched);
    }

    /** Within one entry object: its {@code response.status} and {@code response.location}; leaves the entry's end. */
    private static String[] entryResponse(JsonParser json) throws IOException {
        String[] out = new String[2];
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (!"response".equals(field) || value != JsonToken.START_OBJECT) {
                json.skipChildren();
                continue;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                json.nextToken();
                if ("status".equals(name)) {
                    out[0] = json.getValueAsString();
                } else if ("location".equals(name)) {
                    out[1] = json.getValueAsString();
                } else {
                    json.skipChildren();
                }
            }
        }
        return out;
    }

    private String outcome(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            Resource r = (Resource) parser.parseResource(body);
            if (r instanceof OperationOutcome oo && !oo.getIssue().isEmpty()) {
                String d = oo.getIssueFirstRep().getDiagnostics();
                if (d != null) {
                    return ": " + (d.length() > 300 ? d.substring(0, 300) + "…" : d);
                }
            }
        } catch (RuntimeException e) {
            // not FHIR: fall through
        }
        return "";
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(FhirUploader::parseRetryAfter);
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }
}
