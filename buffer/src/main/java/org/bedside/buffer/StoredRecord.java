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
 */
public record StoredRecord(
        long position, List<Reading> readings, @Nullable String unreadable) {
    public StoredRecord {
        readings = List.copyOf(readings);
    }

    public boolean isReadable() {
        return unreadable == null;
    }
}
