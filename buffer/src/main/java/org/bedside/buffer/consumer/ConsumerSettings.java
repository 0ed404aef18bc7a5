package org.bedside.buffer.consumer;

import java.time.Duration;

/**
 * How a consumer runs.
 *
 * @param name the consumer's cursor name, also its name in logs, health and metrics ({@code uplink}, {@code mqtt})
 * @param batchSize the most items in one delivery
 * @param retryInitialDelay the first back-off after a failed delivery (doubling, with jitter, up to the maximum)
 * @param retryMaxDelay the longest back-off, and the pause between tries while everything is refused
 * @param liveLag the main cursor this far behind the present means a backlog: live records get a cursor of their own
 * @param idlePoll how often an idle consumer looks at the store without being woken by an append
 * @param poisonAfter the same unexpected error this many times at the same record: the consumer reads one record at a
 *     time, and a record that fails this many times again goes to the dead letters
 * @param rejectedWindow when everything is refused and nothing was accepted within this time, nothing is dead-lettered
 */
public record ConsumerSettings(
        String name,
        int batchSize,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        Duration liveLag,
        Duration idlePoll,
        int poisonAfter,
        Duration rejectedWindow) {

    public ConsumerSettings {
        if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("consumer names are lower-case letters, digits and '-': " + name);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
        if (poisonAfter < 1) {
            throw new IllegalArgumentException("poison-after must be at least 1: " + poisonAfter);
        }
    }

    /** A consumer with the usual pauses: idle poll 200 ms, poison after 3, rejected window 10 minutes. */
    public static ConsumerSettings of(
            String name, int batchSize, Duration retryInitialDelay, Duration retryMaxDelay, Duration liveLag) {
        return new ConsumerSettings(
                name,
                batchSize,
                retryInitialDelay,
                retryMaxDelay,
                liveLag,
                Duration.ofMillis(200),
                3,
                Duration.ofMinutes(10));
    }

    public ConsumerSettings withPoisonAfter(int n) {
        return new ConsumerSettings(
                name, batchSize, retryInitialDelay, retryMaxDelay, liveLag, idlePoll, n, rejectedWindow);
    }
}
