package org.bedside.uplink.auth;

import java.time.Duration;

/** What to send with the next request to the FHIR server. */
public sealed interface Credential permits Credential.None, Credential.Bearer, Credential.Unavailable {

    /** No {@code Authorization} header (a server on a trusted network, or the tests). */
    record None() implements Credential {}

    /**
     * An access token for {@code Authorization: Bearer}. Its {@link #toString()} never shows the token.
     *
     * @param token the token itself; never log it
     */
    record Bearer(String token) implements Credential {
        public String header() {
            return "Bearer " + token;
        }

        @Override
        public String toString() {
            return "Bearer[" + token.length() + " characters]";
        }
    }

    /**
     * No credential can be had now: the authorization server refused this gateway, cannot be reached, or the FHIR
     * server refused the last token. Nothing should be sent before {@code retryAfter}.
     *
     * @param reason why, in words, naming the server and the cause
     */
    record Unavailable(String reason, Duration retryAfter) implements Credential {}

    Credential NONE = new None();
}
