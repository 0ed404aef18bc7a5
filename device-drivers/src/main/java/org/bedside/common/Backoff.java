package org.bedside.common;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with full jitter: the n-th consecutive failure waits a random time between half of and the full
 * {@code min(max, initial * 2^(n-1))}. The jitter keeps many gateways (or devices) that failed together from retrying
 * in lockstep; the floor of one half keeps a retry from coming back almost at once. Not thread-safe: one per retry loop.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max: " + initial + ", " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    public Backoff(Duration initial, Duration max) {
        this(initial, max, RandomGenerator.getDefault());
    }

    /** The wait before the next attempt, counting one more consecutive failure. */
    public Duration nextDelay() {
        failures++;
        long ceiling = initial.toMillis();
        for (int i = 1; i < failures && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, max.toMillis());
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
    }

    /** After a success: the next failure waits the initial delay again. */
    public void reset() {
        failures = 0;
    }

    public int consecutiveFailures() {
        return failures;
    }
}
