package org.bedside.buffer.guard;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store that watches the free space under it and applies the clinical retention policy before the disk fills:
 *
 * <ul>
 *   <li>Alarms and device status are never dropped.
 *   <li>THINNING (free share below the high watermark): waveforms are not stored; a numeric (or compound) of a device
 *       and metric is stored at most once per thin interval; a value that is not stored is held as the series' latest
 *       and stored when its interval ends, so the latest value of every metric is always kept.
 *   <li>CRITICAL: numerics are only held (the latest per series), and stored when the level falls back.
 * </ul>
 *
 * Everything not stored is counted. Back to NORMAL only above the low watermark. Thread-safe.
 */
public final class GuardedStore implements ReadingStore {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedStore.class);
    private static final long CHECK_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final LongSupplier nanoTime;
    private final long checkEveryNanos;

    private final ReadingStore store;
    private final FreeSpace space;
    private final GuardSettings settings;
    private final Map<Series, Held> held = new HashMap<>();
    private final Map<String, AtomicLong> thinned = new LinkedHashMap<>();
    private GuardStatus.Level level = GuardStatus.Level.NORMAL;
    private String reason = "";
    private double freeShare = 1;
    private long checkedAtNanos;
    private boolean checked;
    private int appendsSinceCheck;

    private record Series(DeviceId device, String metric) {}

    /** The latest value of a series not yet stored, and when its series last stored one. */
    private static final class Held {
        @Nullable
        Reading latest;

        long lastStoredNanos;
        boolean stored;
    }

    public GuardedStore(ReadingStore store, FreeSpace space, GuardSettings settings) {
        this(store, space, settings, System::nanoTime, CHECK_EVERY_NANOS);
    }

    /** With a clock of the test's choosing, and free space read as often as asked. */
    GuardedStore(
            ReadingStore store, FreeSpace space, GuardSettings settings, LongSupplier nanoTime, long checkEveryNanos) {
        this.nanoTime = nanoTime;
        this.checkEveryNanos = checkEveryNanos;
        this.store = store;
        this.space = space;
        this.settings = settings;
        thinned.put("waveform", new AtomicLong());
        thinned.put("numeric", new AtomicLong());
    }

    @Override
    public synchronized long append(List<? extends Reading> readings) throws StoreException {
        long now = nanoTime.getAsLong();
        check(now);
        if (level == GuardStatus.Level.NORMAL) {
            if (!held.isEmpty()) {
                flush(); // the held latest values go first: they are older than this frame
            }
            return store.append(readings);
        }
        List<Reading> keep = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            if (r instanceof WaveformSegment) {
                thinned.get("waveform").incrementAndGet();
            } else if (r instanceof NumericReading || r instanceof CompoundReading) {
                Series series = new Series(r.device(), r.subjectPart());
                Held h = held.computeIfAbsent(series, s -> new Held());
                boolean due = h.latest == null
                        && (!h.stored
                                || now - h.lastStoredNanos
                                        >= settings.thinInterval().toNanos());
                if (level == GuardStatus.Level.THINNING && due) {
                    keep.add(r);
                    h.stored = true;
                    h.lastStoredNanos = now;
                } else {
                    if (h.latest != null) {
                        thinned.get("numeric").incrementAndGet(); // superseded by a later value of its series
                    }
                    h.latest = r;
                }
            } else {
                keep.add(r); // alarms and device status: never dropped
            }
        }
        return keep.isEmpty() ? ReadingStore.NONE : store.append(keep);
    }

    /**
     * Stores the held latest values whose interval has ended (or all of them, once the level is back to normal). Call
     * regularly; the gateway does every few seconds.
     */
    public synchronized void flush() throws StoreException {
        long now = nanoTime.getAsLong();
        check(now);
        for (Iterator<Map.Entry<Series, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Held h = it.next().getValue();
            Reading latest = h.latest;
            boolean due = level == GuardStatus.Level.NORMAL
                    || (level == GuardStatus.Level.THINNING
                            && now - h.lastStoredNanos
                                    >= settings.thinInterval().toNanos());
            if (latest != null && due) {
                store.append(List.of(latest));
                h.latest = null;
                h.stored = true;
                h.lastStoredNanos = now;
            }
            if (level == GuardStatus.Level.NORMAL && h.latest == null) {
                it.remove();
            }
        }
    }

    private void check(long now) {
        // Every second, or every 1,000 appends: a burst (a backlog replayed, many devices) cannot outrun the guard.
        if (checked && now - checkedAtNanos < checkEveryNanos && ++appendsSinceCheck < 1000) {
            return;
        }
        appendsSinceCheck = 0;
        checked = true;
        checkedAtNanos = now;
        double share;
        try {
            long total = space.totalBytes();
            share = total <= 0 ? 1 : (double) space.usableBytes() / total;
        } catch (IOException e) {
            LOG.warn("Cannot read the free space of the buffer's file system ({}): {}", space, e.getMessage());
            return;
        }
        freeShare = share;
        GuardStatus.Level next = level;
        if (share < settings.criticalBelow()) {
            next = GuardStatus.Level.CRITICAL;
        } else if (share < settings.thinBelow()) {
            next = GuardStatus.Level.THINNING;
        } else if (share > settings.recoverAbove()) {
            next = GuardStatus.Level.NORMAL;
        } else if (level == GuardStatus.Level.CRITICAL) {
            next = GuardStatus.Level.THINNING;
        }
        if (next != level) {
            level = next;
            reason = switch (next) {
                case NORMAL -> "";
                case THINNING ->
                    String.format(
                            Locale.ROOT,
                            "%.1f %% of the buffer's disk free, below %.0f %%:"
                                    + " waveforms are not stored and numerics at most once per %d s (the latest of each"
                                    + " metric kept); alarms and device status are all kept",
                            share * 100,
                            settings.thinBelow() * 100,
                            settings.thinInterval().toSeconds());
                case CRITICAL ->
                    String.format(
                            Locale.ROOT,
                            "%.1f %% of the buffer's disk free, below %.0f %%: only"
                                    + " alarms, device status and the latest value of each metric are kept",
                            share * 100,
                            settings.criticalBelow() * 100);
            };
            if (next == GuardStatus.Level.NORMAL) {
                LOG.info("The buffer's disk has room again ({} % free): everything is stored", Math.round(share * 100));
            } else {
                LOG.warn("Buffer {}: {}", next, reason);
            }
        }
    }

    public synchronized GuardStatus status() {
        check(nanoTime.getAsLong());
        Map<String, Long> counts = new LinkedHashMap<>();
        thinned.forEach((k, v) -> counts.put(k, v.get()));
        return new GuardStatus(level, reason, freeShare, counts);
    }

    @Override
    public void addAppendListener(Runnable listener) {
        store.addAppendListener(listener);
    }

    @Override
    public ReadingCursor cursor(String name) throws StoreException {
        return store.cursor(name);
    }

    @Override
    public ReadingCursor liveCursor() throws StoreException {
        return store.liveCursor();
    }

    @Override
    public void forgetCursor(String name) throws StoreException {
        store.forgetCursor(name);
    }

    @Override
    public long pendingRecords(String cursorName) throws StoreException {
        return store.pendingRecords(cursorName);
    }

    @Override
    public Optional<Instant> oldestPending(String cursorName) throws StoreException {
        return store.oldestPending(cursorName);
    }

    @Override
    public Optional<Map<String, Long>> pendingRecordsByDevice(String cursorName) throws StoreException {
        return store.pendingRecordsByDevice(cursorName);
    }

    @Override
    public List<StoredRecord> readAll() throws StoreException {
        return store.readAll();
    }

    /** Stores what is held, then closes the store underneath. */
    @Override
    public synchronized void close() {
        for (Held h : held.values()) {
            if (h.latest != null) {
                try {
                    store.append(List.of(h.latest));
                } catch (StoreException e) {
                    LOG.warn("Cannot store a held latest value at close: {}", e.getMessage());
                }
            }
        }
        held.clear();
        store.close();
    }
}
