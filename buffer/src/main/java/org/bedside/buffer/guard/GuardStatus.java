package org.bedside.buffer.guard;

import java.util.Map;

/**
 * The guard's state for health and the status page.
 *
 * @param reason why the buffer is thinning, in words ("8.2 % of /var/lib/bedside free, below 10 %: ...")
 * @param thinned readings not stored because of thinning, by kind ({@code waveform}, {@code numeric})
 */
public record GuardStatus(Level level, String reason, double freeShare, Map<String, Long> thinned) {

    public enum Level {
        /** Everything is stored. */
        NORMAL,
        /** Waveforms are dropped and numerics stored at most once per interval per metric, the latest kept. */
        THINNING,
        /** Only alarms, device status and the latest value of each metric are stored. */
        CRITICAL
    }

    public GuardStatus {
        thinned = Map.copyOf(thinned);
    }

    public long thinnedTotal() {
        return thinned.values().stream().mapToLong(Long::longValue).sum();
    }
}
