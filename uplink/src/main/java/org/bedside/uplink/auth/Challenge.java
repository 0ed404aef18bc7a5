package org.bedside.uplink.auth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import org.jspecify.annotations.Nullable;

/**
 * What the FHIR server said when it refused a request (401 or 403): the RFC 6750 {@code WWW-Authenticate: Bearer}
 * challenge ({@code error="insufficient_scope", scope="system/Observation.c"}) and its OperationOutcome's words.
 *
 * @param status 401 or 403
 * @param error the RFC 6750 error code ({@code invalid_token}, {@code insufficient_scope}), or null
 * @param description the server's explanation, from the challenge or the OperationOutcome, or null
 * @param scope the scope the server says is needed, or null
 */
public record Challenge(
        int status,
        @Nullable String error,
        @Nullable String description,
        @Nullable String scope) {

    /** Parses the {@code WWW-Authenticate} header (null when absent); {@code outcome} is the OperationOutcome's words. */
    public static Challenge of(int status, @Nullable String wwwAuthenticate, @Nullable String outcome) {
        String error = null;
        String description = null;
        String scope = null;
        if (wwwAuthenticate != null && wwwAuthenticate.regionMatches(true, 0, "Bearer", 0, 6)) {
            try {
                BearerTokenError e = BearerTokenError.parse(wwwAuthenticate);
                error = e.getCode();
                description = e.getDescription();
                scope = e.getScope() == null ? null : e.getScope().toString();
            } catch (ParseException | RuntimeException e) {
                // an unparseable challenge: the status and the outcome still tell
            }
        }
        if (outcome != null && !outcome.isBlank() && (description == null || description.isBlank())) {
            description = outcome;
        }
        return new Challenge(status, error, description, scope);
    }

    /** {@code HTTP 403 insufficient_scope: needs system/Observation.c (the token lacks ...)}. */
    public String describe() {
        StringBuilder b = new StringBuilder("HTTP ").append(status);
        if (error != null) {
            b.append(' ').append(error);
        }
        if (scope != null) {
            b.append(", needs scope ").append(scope);
        }
        if (description != null && !description.isBlank()) {
            b.append(" (")
                    .append(description.length() > 300 ? description.substring(0, 300) + "…" : description)
                    .append(')');
        }
        return b.toString();
    }
}
