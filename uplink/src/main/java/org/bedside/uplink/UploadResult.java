package org.bedside.uplink;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** What became of one transaction Bundle. */
sealed interface UploadResult
        permits UploadResult.Accepted, UploadResult.Retry, UploadResult.Rejected, UploadResult.Misdirected {

    /** The server committed the transaction (2xx): {@code created} new Observations, {@code matched} already there. */
    record Accepted(int created, int matched) implements UploadResult {}

    /** Worth trying again: the server is unreachable, overloaded (5xx, 429) or timed out. */
    record Retry(String reason, @Nullable Duration retryAfter) implements UploadResult {}

    /** The server refused the Bundle (4xx): trying again unchanged will not help. */
    record Rejected(int status, String reason) implements UploadResult {}

    /**
     * A problem only a person can fix, never a refusal of the Bundle: a redirect (3xx) or an interim answer (1xx) to a
     * POST (the base URL is wrong, or a proxy in front of the server redirects), or credentials the servers refuse (a
     * refused client, a token the FHIR server rejects, a missing scope). Nothing is dead-lettered; the Bundle is tried
     * again slowly, never sooner than {@code retryAfter} (the authorization's own pause, so that neither server is
     * hammered).
     */
    record Misdirected(String reason, @Nullable Duration retryAfter) implements UploadResult {
        Misdirected(String reason) {
            this(reason, null);
        }
    }
}
