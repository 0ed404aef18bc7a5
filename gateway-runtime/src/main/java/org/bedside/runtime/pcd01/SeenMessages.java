package org.bedside.runtime.pcd01;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * The PCD-01 messages already stored, so that a reporter's retransmission (the same sender and MSH-10, sent again
 * after a lost acknowledgement) is acknowledged without being stored twice.
 *
 * <p><b>Durable with the readings, not beside them.</b> Each record a message becomes carries a marker, a {@link
 * DeviceStatus} {@code CONNECTED} whose detail begins with the message's key (sender, MSH-10, part): written in the
 * same append as the readings, so that no crash can store the readings without the marker or the marker without the
 * readings. After a restart the keys are found again by reading the buffer back from a bookmark cursor ({@value
 * #CURSOR}), committed just before the oldest key still remembered: the last {@code capacity} message parts, and none
 * older than {@code horizon} (so that a silent listener holds back the buffer's retention little). The same shape as
 * the MQTT ingest's redelivery filter, keyed by the message instead of the measurement, because a PCD-01 time without
 * a zone offset is no device time and cannot identify a reading.
 *
 * <p>Not thread-safe: the handler calls it under its own lock.
 */
final class SeenMessages implements AutoCloseable {
    static final String CURSOR = "pcd01-in-seen";
    /** What every marker's detail starts with: the rest up to {@value #KEY_END} (or the end) is the key. */
    static final String MARKER = "PCD-01 ";

    static final String KEY_END = "; ";

    private static final int COMMIT_EVERY = 64;

    private final int capacity;
    private final Duration horizon;
    private final ReadingCursor bookmark;
    private final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();
    private long evictedUpTo = ReadingStore.NONE;
    private long uncommittedEvictions;

    private record Seen(long position, Instant receivedAt) {}

    private SeenMessages(int capacity, Duration horizon, ReadingCursor bookmark) {
        this.capacity = capacity;
        this.horizon = horizon;
        this.bookmark = bookmark;
    }

    /** Opens the bookmark and remembers every marker from it to the end of the buffer. */
    static SeenMessages open(ReadingStore store, int capacity, Duration horizon) throws StoreException {
        ReadingCursor cursor = store.cursor(CURSOR);
        SeenMessages s = new SeenMessages(capacity, horizon, cursor);
        try {
            StoredRecord r;
            while ((r = cursor.next()) != null) {
                for (Reading reading : r.readings()) {
                    String key = keyOf(reading);
                    if (key != null) {
                        s.remember(key, r.position(), reading.receivedAt());
                    }
                }
            }
        } catch (StoreException | RuntimeException e) {
            cursor.close();
            throw e;
        }
        return s;
    }

    /** The key a marker carries, or null for any other reading. */
    static @Nullable String keyOf(Reading r) {
        if (!(r instanceof DeviceStatus s)
                || s.code() != DeviceStatus.Code.CONNECTED
                || !s.detail().startsWith(MARKER)) {
            return null;
        }
        int end = s.detail().indexOf(KEY_END);
        return end < 0 ? s.detail() : s.detail().substring(0, end);
    }

    boolean contains(String key) {
        return seen.containsKey(key);
    }

    int size() {
        return seen.size();
    }

    /** Remembers a key just appended at {@code position}. */
    void remember(String key, long position, Instant receivedAt) throws StoreException {
        seen.put(key, new Seen(position, receivedAt));
        while (seen.size() > capacity) {
            Iterator<Seen> it = seen.values().iterator();
            evicted(it.next().position());
            it.remove();
        }
        commitIfDue(false);
    }

    /** Forgets keys received before {@code now} minus the horizon, and moves the bookmark past them. */
    void expire(Instant now) throws StoreException {
        Instant limit = now.minus(horizon);
        Iterator<Map.Entry<String, Seen>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Seen s = it.next().getValue();
            if (!s.receivedAt().isBefore(limit)) {
                break;
            }
            evicted(s.position());
            it.remove();
        }
        if (seen.isEmpty()) {
            // Nothing to remember: the bookmark moves to the end, so that an idle listener holds back no retention.
            // Markers are appended only under the caller's lock, so none is passed unseen here.
            StoredRecord r;
            while ((r = bookmark.next()) != null) {
                evicted(r.position());
            }
        }
        commitIfDue(seen.isEmpty());
    }

    private void evicted(long position) {
        evictedUpTo = Math.max(evictedUpTo, position);
        uncommittedEvictions++;
    }

    private void commitIfDue(boolean force) throws StoreException {
        if (evictedUpTo == ReadingStore.NONE || (!force && uncommittedEvictions < COMMIT_EVERY)) {
            return;
        }
        // Keys are remembered in append order: the first is the oldest. The bookmark may pass a record only when no
        // remembered key is in it or before it.
        Iterator<Seen> oldest = seen.values().iterator();
        if (oldest.hasNext() && oldest.next().position() <= evictedUpTo) {
            return;
        }
        if (evictedUpTo > bookmark.committedPosition()) {
            bookmark.commit(evictedUpTo);
        }
        uncommittedEvictions = 0;
    }

    @Override
    public void close() {
        bookmark.close();
    }
}
