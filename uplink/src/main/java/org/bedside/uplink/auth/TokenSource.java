package org.bedside.uplink.auth;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Asks the authorization server for one access token. Never throws: every outcome is an {@link Answer}. */
interface TokenSource {

    Answer fetch();

    /** Where tokens come from, once known; null before discovery. */
    @Nullable
    String endpoint();

    sealed interface Answer permits Issued, Refused, Unreachable {}

    /**
     * A token.
     *
     * @param lifetime from {@code expires_in}; null when the server did not say
     * @param scope the granted scopes, or null when the server did not say
     */
    record Issued(
            String token,
            @Nullable Duration lifetime,
            @Nullable String scope) implements Answer {
        @Override
        public String toString() {
            return "Issued[" + token.length() + " characters, " + lifetime + ", " + scope + "]";
        }
    }

    /** The server refused this client (400/401): trying again unchanged will not help. */
    record Refused(String reason) implements Answer {}

    /** The server could not be reached, answered 5xx or nonsense: worth trying again later. */
    record Unreachable(String reason) implements Answer {}
}
