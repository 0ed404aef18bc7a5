package org.bedside.buffer.consumer;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.bedside.buffer.StoredRecord;

/**
 * Turns records into items to deliver, one lane's worth: the consumer makes a fresh one for its main cursor, one for
 * each live cursor, and new ones after it restarts from its committed position. A translator may hold state (the
 * charting intervals still open): {@link #heldPosition} then says how far the consumer may commit, as Kafka Connect's
 * {@code preCommit} does. Used by the consumer's thread only.
 */
public interface Translator<T> {

    /**
     * The items a record gives now (possibly none). The record's receive times are trustworthy: the consumer corrected
     * them, or holds the record back, while the gateway's wall clock was not.
     */
    List<Item<T>> accept(StoredRecord record);

    /** Items that become due with time alone (an interval that closed because the device went quiet). */
    default List<Item<T>> flushDue(Instant now) {
        return List.of();
    }

    /** The earliest position of a record whose content is held and not yet given as an item, if any. */
    default OptionalLong heldPosition() {
        return OptionalLong.empty();
    }

    /**
     * Whether the translator held records back (its {@link #heldPosition}) that it would now translate differently,
     * because something outside the buffer changed (a patient association was recorded). The consumer then reads
     * again from its committed position with fresh translators, as after a restart; the sink's idempotence makes what
     * is delivered twice harmless.
     */
    default boolean wantsReread() {
        return false;
    }
}
