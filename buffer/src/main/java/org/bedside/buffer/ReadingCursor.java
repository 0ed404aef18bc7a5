package org.bedside.buffer;

import java.io.Closeable;
import org.jspecify.annotations.Nullable;

/**
 * A named consumer's place in the store. Reading moves a read position; only {@link #commit} moves the committed
 * position, which survives restarts. After a crash, the consumer starts again just after its last commit: it sees again
 * everything it had read but not committed, and must treat it idempotently. Used by one thread.
 */
public interface ReadingCursor extends Closeable {

    String name();

    /** The next record after the read position, or null if there is none yet. */
    @Nullable
    StoredRecord next() throws StoreException;

    /**
     * Records that every record up to and including {@code position} is done with, durably.
     *
     * @throws IllegalArgumentException if {@code position} is before the committed position
     */
    void commit(long position) throws StoreException;

    /** Moves the read position back to just after the committed position, to read uncommitted records again. */
    void rewind() throws StoreException;

    /** The position of the last committed record, or {@link ReadingStore#NONE} if nothing was committed yet. */
    long committedPosition();

    @Override
    void close();
}
