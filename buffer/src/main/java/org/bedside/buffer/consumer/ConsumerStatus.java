package org.bedside.buffer.consumer;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a consumer, for health, metrics and the status page.
 *
 * @param detail the state in words: the destination's refusal, the network error, what was last delivered
 * @param delivered items the destination acknowledged, since start
 * @param retries deliveries that had to be tried again
 * @param rejections rounds in which the destination refused everything
 * @param deadLettered items (or records) put into dead letters, since start
 * @param deadLettersWaiting dead letters of this consumer not yet retried successfully (all time)
 * @param failures unexpected errors, since start; {@code lastFailure} names the latest
 * @param clockCorrected readings whose receive times were corrected once the gateway's clock was trusted
 * @param clockNeverTrusted readings of an earlier boot whose clock never became trusted: not delivered
 * @param lastTurnNanos {@link System#nanoTime()} when the consumer's thread last went round its loop (or its wait)
 */
public record ConsumerStatus(
        String name,
        ConsumerState state,
        String detail,
        Instant since,
        @Nullable Instant lastSuccessAt,
        long delivered,
        long retries,
        long rejections,
        long deadLettered,
        long deadLettersWaiting,
        long failures,
        @Nullable String lastFailure,
        long clockCorrected,
        long clockNeverTrusted,
        boolean draining,
        long lastTurnNanos) {}
