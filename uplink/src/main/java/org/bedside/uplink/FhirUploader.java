package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
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
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.jspecify.annotations.Nullable;

/**
 * Posts transaction Bundles to the FHIR server's base URL and says what became of them. Status codes decide: 2xx
 * accepted; 408, 409 (HAPI answers two identical concurrent conditional creates with 409), 429 and 5xx are worth
 * retrying, honouring {@code Retry-After}; a 1xx or 3xx is a configuration problem (redirects are not followed: a
 * POST must not silently turn into something else); any other 4xx is a rejection with the server's own words.
 */
final class FhirUploader {
    private static final String FHIR_JSON = "application/fhir+json";

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;
    private final IParser parser;

    FhirUploader(UplinkSettings settings, FhirContext fhir) {
        this.base = settings.baseUrl();
        this.timeout = settings.requestTimeout();
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1)
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
        HttpRequest request = HttpRequest.newBuilder(base)
                .timeout(timeout)
                .header("Content-Type", FHIR_JSON + "; charset=UTF-8")
                .header("Accept", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new UploadResult.Retry("cannot reach " + base + ": " + describe(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new UploadResult.Retry("interrupted", null);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
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

    private UploadResult accepted(String body) {
        int created = 0;
        int matched = 0;
        try {
            Bundle response = parser.parseResource(Bundle.class, body);
            for (Bundle.BundleEntryComponent e : response.getEntry()) {
                String location = e.getResponse().getLocation();
                if (location == null || !location.startsWith("Observation/")) {
                    continue; // the Device entries
                }
                String s = e.getResponse().getStatus();
                if (s != null && s.startsWith("201")) {
                    created++;
                } else if (s != null && s.startsWith("200")) {
                    matched++;
                }
            }
        } catch (RuntimeException e) {
            // The transaction was committed (2xx); only the counts are unknown.
        }
        return new UploadResult.Accepted(created, matched);
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
