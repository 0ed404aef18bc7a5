package org.bedside.buffer;

import java.io.Closeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.model.Reading;

/**
 * The durable log of every reading the gateway accepted. Appending is synchronous: when {@link #append} returns, the
 * record is in the store (on disk as far as the sync policy promises) and will be seen by every cursor.
 */
public interface ReadingStore extends Closeable {
    /** "No position": before the first record. */
    long NONE = -1;

    /**
     * Appends the readings of one frame, all from one device, as one record. Thread-safe.
     *
     * @return the record's position
     * @throws StoreException if the record could not be written; the readings were not accepted
     */
    long append(List<? extends Reading> readings) throws StoreException;

    /**
     * Calls {@code listener} after every record appended from now on, on the appending thread and outside the store's
     * locks, so it must return at once (a consumer's wake-up). Appends fan out to the consumers this way: no device
     * pipeline knows who reads the buffer. A listener that throws is logged and kept.
     */
    void addAppendListener(Runnable listener);

    /** Opens the named cursor, at the position it last committed (or the start of the store). */
    ReadingCursor cursor(String name) throws StoreException;

    /**
     * A cursor that starts at the end of the store and sees only what is appended from now on; it commits nothing and
     * is forgotten when closed. The uplink reads live data through one while it drains a backlog.
     */
    ReadingCursor liveCursor() throws StoreException;

    /**
     * Forgets a named cursor that is no longer read (a release's replay that is done, docs/patients.md): its committed
     * position no longer keeps buffer files from being deleted. The cursor must not be open. Nothing happens when there
     * is no such cursor.
     */
    default void forgetCursor(String name) throws StoreException {
        throw new UnsupportedOperationException("this store keeps its cursors");
    }

    /** How many records are after the named cursor's committed position. Thread-safe. */
    long pendingRecords(String cursorName) throws StoreException;

    /**
     * How many records after the named cursor's committed position carry a reading of each device (by device id), for
     * the bedside page's per-device "waiting"; empty when this store cannot tell. It reads every pending record, so
     * callers cache it (BufferStats). Thread-safe.
     */
    default Optional<Map<String, Long>> pendingRecordsByDevice(String cursorName) throws StoreException {
        return Optional.empty();
    }

    /** The receive time of the first reading after the named cursor's committed position, if any. Thread-safe. */
    Optional<Instant> oldestPending(String cursorName) throws StoreException;

    /** Every record from the start, for tools and tests; a fresh read that does not touch any cursor. */
    List<StoredRecord> readAll() throws StoreException;

    @Override
    void close();
}
