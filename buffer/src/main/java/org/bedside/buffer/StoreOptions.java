package org.bedside.buffer;

import java.time.Duration;

/**
 * How the store trades durability for flash wear and speed.
 *
 * @param syncInterval how often appended records are forced to the disk ({@code msync}); {@link Duration#ZERO} forces
 *     every record before {@code append} returns. A process crash loses nothing either way (the OS keeps what was
 *     written); a power cut can lose the records appended in the last interval.
 * @param retentionCheck how often cycle files that every cursor has committed past are deleted
 */
public record StoreOptions(Duration syncInterval, Duration retentionCheck) {
    public static final StoreOptions DEFAULT = new StoreOptions(Duration.ofSeconds(1), Duration.ofMinutes(1));

    public StoreOptions {
        if (syncInterval.isNegative()) {
            throw new IllegalArgumentException("sync interval must not be negative: " + syncInterval);
        }
        if (retentionCheck.isNegative() || retentionCheck.isZero()) {
            throw new IllegalArgumentException("retention check interval must be positive: " + retentionCheck);
        }
    }

    public StoreOptions withSyncInterval(Duration interval) {
        return new StoreOptions(interval, retentionCheck);
    }
}
