package org.bedside.patients;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One bed's watch for a long gap with every sensor off (docs/patients.md, "Signs from the devices"): told of each
 * reading of the bed's devices, in the order they are stored, and whether it carried a valid value, it says when a
 * valid value comes after none from any device for longer than {@code gap}. Not thread-safe: one per bed, fed by one
 * thread (or behind a lock).
 *
 * <p>A device's "sensor off" or "no data" state is a reading without a valid value (an invalid numeric, a {@code
 * NO_DATA} or {@code DISCONNECTED} status): it does not count as a value, so it does not shorten the gap.
 */
public final class ValueGaps {
    private final Duration gap;
    private @Nullable Instant lastValid;

    public ValueGaps(Duration gap) {
        if (gap.isNegative() || gap.isZero()) {
            throw new IllegalArgumentException("a gap is longer than zero");
        }
        this.gap = gap;
    }

    /**
     * A reading of one of the bed's devices at {@code at}.
     *
     * @param valid whether it carried a valid value
     * @return the sign, when it is the first valid value after a gap longer than the configured one; else null
     */
    public DeviceSigns.@Nullable ValuesResumed observe(Instant at, String device, boolean valid) {
        if (!valid) {
            return null;
        }
        Instant before = lastValid;
        if (before == null || at.isAfter(before)) {
            lastValid = at;
        }
        if (before == null) {
            return null; // the first value the gateway sees of this bed: no gap it knows of
        }
        Duration silent = Duration.between(before, at);
        return silent.compareTo(gap) > 0 ? new DeviceSigns.ValuesResumed(at, device, silent) : null;
    }
}
