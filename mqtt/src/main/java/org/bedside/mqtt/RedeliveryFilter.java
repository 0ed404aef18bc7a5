package org.bedside.mqtt;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.drivers.pipeline.ReadingSink;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * The sink of an MQTT device: appends to the store what was not stored before, so that a message the broker delivers
 * again is not stored twice.
 *
 * <p><b>Why it is needed.</b> A message is acknowledged after its readings are appended. If the connection drops, or the
 * gateway dies, between the append and the broker's receipt of the acknowledgement, the broker delivers the message
 * again, and the pipeline stamps it with a new receive time: its readings would get new identities ({@link
 * Reading#key()} holds the receive time) and be charted twice.
 *
 * <p><b>How a redelivery is recognised.</b> Not by a time resolved against "now": by what the message says. A reading's
 * measurement identity is everything but its receive time: device, metric, value, unit, quality and the device's time,
 * which the SenML driver takes from the message's absolute times ({@code bt}, {@code t}); the same message decodes to
 * the same measurements, always. Readings without a device time (the pipeline's own link status) are never filtered.
 *
 * <p><b>Across a restart.</b> The identities of the last {@code capacity} measurements are kept in memory and, for a
 * restart, found again by reading the buffer back: a named cursor ({@link #cursorName}) serves as a
 * bookmark, committed just before the oldest measurement still remembered. At open the filter reads from the bookmark
 * to the end and remembers this device's measurements. The bookmark also moves when a remembered measurement is older
 * than {@code horizon} (checked on every append and by {@link #expire}), so that a silent device does not hold back
 * the buffer's retention for longer than that.
 *
 * <p>Thread-safe; the pipeline calls {@link #accept} from the device's thread.
 */
public final class RedeliveryFilter implements ReadingSink, AutoCloseable {
    /** Measurements remembered per device: many times the messages a broker has in flight for one client. */
    public static final int DEFAULT_CAPACITY = 10_000;
    /** How long the bookmark may stay behind while the device is silent. */
    public static final Duration DEFAULT_HORIZON = Duration.ofHours(1);

    private static final int COMMIT_EVERY = 64;

    private final ReadingStore store;
    private final DeviceId device;
    private final int capacity;
    private final Duration horizon;
    private final InstantSource clock;
    private final ReadingCursor bookmark;
    /** Measurement identity → the position of the record that holds it, oldest first. */
    private final LinkedHashMap<Reading, Remembered> remembered = new LinkedHashMap<>();

    private final AtomicLong duplicates = new AtomicLong();
    private long uncommittedEvictions;
    private long evictedUpTo = ReadingStore.NONE;

    private record Remembered(long position, Instant receivedAt) {}

    private RedeliveryFilter(
            ReadingStore store,
            DeviceId device,
            int capacity,
            Duration horizon,
            InstantSource clock,
            ReadingCursor bookmark) {
        this.store = store;
        this.device = device;
        this.capacity = capacity;
        this.horizon = horizon;
        this.clock = clock;
        this.bookmark = bookmark;
    }

    /**
     * The name of a device's bookmark cursor: {@code mqtt-redelivery-<device>-<hash>}. Cursor names are lower case
     * without '.' or '_', which device names may have; the hash of the exact name keeps {@code Bed.1} and {@code bed-1}
     * apart.
     */
    public static String cursorName(DeviceId device) {
        String plain = device.value().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (plain.length() > 38) {
            plain = plain.substring(0, 38);
        }
        return "mqtt-redelivery-" + plain + "-"
                + String.format("%08x", device.value().hashCode());
    }

    /** Opens the filter with the default capacity and horizon, reading the buffer back from its bookmark. */
    public static RedeliveryFilter open(ReadingStore store, DeviceId device) throws StoreException {
        return open(store, device, DEFAULT_CAPACITY, DEFAULT_HORIZON, InstantSource.system());
    }

    public static RedeliveryFilter open(
            ReadingStore store, DeviceId device, int capacity, Duration horizon, InstantSource clock)
            throws StoreException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        ReadingCursor cursor = store.cursor(cursorName(device));
        RedeliveryFilter filter = new RedeliveryFilter(store, device, capacity, horizon, clock, cursor);
        try {
            filter.readBack();
        } catch (StoreException | RuntimeException e) {
            cursor.close();
            throw e;
        }
        return filter;
    }

    private synchronized void readBack() throws StoreException {
        StoredRecord r;
        while ((r = bookmark.next()) != null) {
            for (Reading reading : r.readings()) {
                if (reading.device().equals(device)) {
                    remember(reading, r.position());
                }
            }
        }
    }

    /** Redeliveries recognised and not stored again, since open. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Measurements remembered now. */
    public synchronized int remembered() {
        return remembered.size();
    }

    @Override
    public synchronized void accept(List<Reading> readings) throws IOException {
        List<Reading> fresh = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            Reading id = identity(r);
            if (id != null && remembered.containsKey(id)) {
                duplicates.incrementAndGet();
            } else {
                fresh.add(r);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        long position = store.append(fresh);
        for (Reading r : fresh) {
            remember(r, position);
        }
        expire(clock.instant());
    }

    /** Forgets measurements received before {@code now} minus the horizon and moves the bookmark past them. */
    public synchronized void expire(Instant now) throws StoreException {
        Instant limit = now.minus(horizon);
        Iterator<Map.Entry<Reading, Remembered>> it = remembered.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Reading, Remembered> e = it.next();
            if (!e.getValue().receivedAt().isBefore(limit)) {
                break;
            }
            evicted(e.getValue().position());
            it.remove();
        }
        commitIfDue(remembered.isEmpty());
    }

    private void remember(Reading r, long position) {
        Reading id = identity(r);
        if (id == null) {
            return;
        }
        remembered.put(id, new Remembered(position, r.receivedAt()));
        while (remembered.size() > capacity) {
            Iterator<Map.Entry<Reading, Remembered>> it = remembered.entrySet().iterator();
            evicted(it.next().getValue().position());
            it.remove();
        }
    }

    private void evicted(long position) {
        // Every measurement of that record and of those before it is forgotten only when the next one's record is
        // later; committing the evicted record's position is safe once no remembered measurement shares it.
        evictedUpTo = Math.max(evictedUpTo, position);
        uncommittedEvictions++;
    }

    private void commitIfDue(boolean force) throws StoreException {
        if (evictedUpTo == ReadingStore.NONE || (!force && uncommittedEvictions < COMMIT_EVERY)) {
            return;
        }
        // Remembered measurements are in append order, so the first is the oldest. While it shares the last evicted
        // record, that record must stay readable after a restart: wait for a later eviction.
        Iterator<Remembered> oldest = remembered.values().iterator();
        if (oldest.hasNext() && oldest.next().position() <= evictedUpTo) {
            return;
        }
        if (evictedUpTo > bookmark.committedPosition()) {
            bookmark.commit(evictedUpTo);
        }
        uncommittedEvictions = 0;
    }

    /**
     * The reading without its receive time: what a redelivered message reproduces exactly. Null for readings without
     * a device time (they carry no time of their own to recognise them by) and for waveforms.
     */
    static @Nullable Reading identity(Reading r) {
        if (r.deviceTime() == null) {
            return null;
        }
        if (r instanceof NumericReading n) {
            return new NumericReading(
                    n.device(), n.metric(), n.value(), n.unit(), n.quality(), n.deviceTime(), Instant.EPOCH);
        }
        if (r instanceof CompoundReading c) {
            return new CompoundReading(c.device(), c.metric(), c.components(), c.deviceTime(), Instant.EPOCH);
        }
        if (r instanceof AlarmEvent a) {
            return new AlarmEvent(
                    a.device(),
                    a.code(),
                    a.source(),
                    a.kind(),
                    a.priority(),
                    a.state(),
                    a.text(),
                    a.deviceTime(),
                    Instant.EPOCH);
        }
        if (r instanceof DeviceStatus s) {
            return new DeviceStatus(s.device(), s.code(), s.detail(), s.deviceTime(), Instant.EPOCH);
        }
        return null;
    }

    @Override
    public synchronized void close() {
        bookmark.close();
    }
}
