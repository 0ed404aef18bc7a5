package org.bedside.runtime.wiring;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.jspecify.annotations.Nullable;

/**
 * How much waits in the buffer for one consumer (its cursor), computed at most once per interval however often health,
 * metrics and the status page ask.
 */
public final class BufferStats {
    private final ReadingStore store;
    private final String cursor;
    private final long maxAgeNanos;
    private long computedAtNanos;
    private boolean computed;
    private long pending;
    private @Nullable Instant oldest;
    /** The per-device scan runs at most this share of the time: 1 in {@value}. */
    static final long SCAN_SHARE = 20;

    private long byDeviceAtNanos;
    private long byDeviceMaxAgeNanos;
    private boolean byDeviceComputed;
    private @Nullable Map<String, Long> byDevice;

    public BufferStats(ReadingStore store, String cursor, Duration maxAge) {
        this.store = store;
        this.cursor = cursor;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** Records the consumer has not yet delivered and committed (for the uplink: not acknowledged by the server). */
    public synchronized long pendingRecords() {
        refresh();
        return pending;
    }

    /** The receive time of the oldest reading not yet acknowledged. */
    public synchronized Optional<Instant> oldestPending() {
        refresh();
        return Optional.ofNullable(oldest);
    }

    /**
     * Records not yet delivered, by the device whose readings they carry (the bedside page's per-device "waiting");
     * empty when the store cannot tell or failed. Computed only when asked (it reads every pending record), at most
     * once per interval.
     */
    public synchronized Optional<Map<String, Long>> pendingByDevice() {
        long now = System.nanoTime();
        if (!byDeviceComputed || now - byDeviceAtNanos >= byDeviceMaxAgeNanos) {
            try {
                byDevice = store.pendingRecordsByDevice(cursor).orElse(null);
            } catch (StoreException e) {
                byDevice = null;
            }
            long took = System.nanoTime() - now;
            byDeviceComputed = true;
            byDeviceAtNanos = now;
            // A long backlog makes the scan long: ask again only after twenty times what it took, so that a page left
            // open during an outage costs at most a twentieth of a core, however many records wait.
            byDeviceMaxAgeNanos = Math.max(maxAgeNanos, SCAN_SHARE * took);
        }
        return Optional.ofNullable(byDevice);
    }

    private void refresh() {
        long now = System.nanoTime();
        if (computed && now - computedAtNanos < maxAgeNanos) {
            return;
        }
        try {
            pending = store.pendingRecords(cursor);
            oldest = store.oldestPending(cursor).orElse(null);
        } catch (StoreException e) {
            pending = -1;
            oldest = null;
        }
        computed = true;
        computedAtNanos = now;
    }
}
