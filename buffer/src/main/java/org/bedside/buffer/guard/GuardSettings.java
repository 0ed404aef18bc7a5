package org.bedside.buffer.guard;

import java.time.Duration;

/**
 * The watermarks, as shares of the file system that must stay free.
 *
 * @param thinBelow below this share free, the buffer is thinned (the high watermark)
 * @param recoverAbove above this share free, thinning stops (the low watermark; above {@code thinBelow}, so that the
 *     state does not flap)
 * @param criticalBelow below this share free, only alarms, device status and the latest value per metric are kept
 * @param thinInterval while thinning, at most one stored value per device and metric per interval
 */
public record GuardSettings(double thinBelow, double recoverAbove, double criticalBelow, Duration thinInterval) {
    public static final GuardSettings DEFAULT = new GuardSettings(0.10, 0.15, 0.03, Duration.ofSeconds(60));

    public GuardSettings {
        if (!(criticalBelow >= 0 && criticalBelow <= thinBelow && thinBelow < recoverAbove && recoverAbove < 1)) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= critical <= thin < recover < 1: critical "
                    + criticalBelow + ", thin " + thinBelow + ", recover " + recoverAbove);
        }
        if (thinInterval.isNegative() || thinInterval.isZero()) {
            throw new IllegalArgumentException("thin interval must be positive: " + thinInterval);
        }
    }
}
