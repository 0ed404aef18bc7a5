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
     * The server answered, but not with a result: a redirect (3xx) or an interim answer (1xx) to a POST. A configuration
     * problem (the base URL is wrong, or a proxy in front of the server redirects), never a refusal of the Bundle:
     * nothing is dead-lettered, the Bundle is tried again slowly.
     */
    record Misdirected(String reason) implements UploadResult {}
}
