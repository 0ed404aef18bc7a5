package org.bedside.buffer;

import java.util.List;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * One record read back from the store: the readings of one frame, at a position that orders it among all records.
 * A record that cannot be read (damaged on disk, written by a newer release) comes back with no readings and the
 * reason in {@code unreadable}, so that the consumer can count it and move on rather than stop.
 *
 * @param position the record's place in the store; larger is later; meaningful only to {@link ReadingCursor#commit}
 * @param clock set when the receive times were taken on an untrusted wall clock (see {@link ClockStamp})
 */
public record StoredRecord(
        long position,
        List<Reading> readings,
        @Nullable String unreadable,
        @Nullable ClockStamp clock) {
    public StoredRecord {
        readings = List.copyOf(readings);
    }

    public StoredRecord(long position, List<Reading> readings, @Nullable String unreadable) {
        this(position, readings, unreadable, null);
    }

    public boolean isReadable() {
        return unreadable == null;
    }
}
