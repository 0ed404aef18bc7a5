package org.bedside.buffer.consumer;

import java.util.List;
import org.bedside.buffer.ReadingStore;
import org.jspecify.annotations.Nullable;

/**
 * A destination of the buffer's records, driven by a {@link BufferConsumer}: it never sees the cursor, the commit
 * point or the retry schedule. A sink must be idempotent: after a crash, an unexpected error or while a backlog drains,
 * items it already delivered are delivered again, each with the same identity.
 *
 * <p>{@link #deliver} returns a {@link Delivery} for every outcome it expects (the destination away, a refusal);
 * throwing is an unexpected error: the consumer logs and counts it, restarts from its committed position, and a record
 * that keeps failing goes to the dead letters.
 */
public interface Sink<T> {

    /** A fresh translator of records into items for one lane. */
    Translator<T> translator(Lane lane);

    /** Delivers at most the consumer's batch size of items, in order, and says what became of them. */
    Delivery<T> deliver(List<Item<T>> items);

    /**
     * Whether this destination takes records stamped on an untrusted wall clock at once, with their receive times as
     * stamped, rather than waiting for the clock to be trusted and getting them corrected. {@link
     * org.bedside.buffer.StoredRecord#clock()} tells the translator which records those are, so that what it makes of
     * them can say so. For destinations to which a time that may be off matters less than a delay: an alert is never
     * held back for the clock (docs/alarms.md). Such a record is never corrected later either, so that one destination
     * sees one record on one clock. By default, a destination waits for the clock.
     */
    default boolean takesUntrustedTimes() {
        return false;
    }

    /**
     * Work the destination owes besides the records of the cursor: a withdrawal of what it delivered before, for an
     * association that a cancel removed (docs/patients.md, "Withdrawal"). Called by the consumer's thread at the start
     * of every round, before a record is read, so that it goes through the one loop: its state, its back-off, its
     * stop. The sink keeps track of what it owes and of what it did (durably: a restart must not forget it).
     *
     * @param store the buffer, for a sink that must read again what it delivered: it opens a cursor of its own and
     *     never commits it (an uncommitted cursor leaves no file and holds back no retention)
     * @param committedPosition the consumer's committed position: everything the destination acknowledged lies at or
     *     before it
     * @return null when nothing is owed (any more); a {@link Delivery.Retry} when the destination cannot take it now:
     *     the consumer waits with its back-off and asks again, reading nothing meanwhile (the destination is away for
     *     the records too)
     */
    default Delivery.@Nullable Retry<T> owedWork(ReadingStore store, long committedPosition) {
        return null;
    }

    /** What a dead letter of an item keeps: enough for a person to read it and deliver it again. */
    Letter letter(Item<T> item);

    /**
     * The content of a dead letter.
     *
     * @param identifier the item's identity at the destination (an Observation identifier, a reading key)
     * @param device the device the item is about
     * @param payload what would deliver it, as JSON (a single-entry FHIR Bundle, an MQTT topic and message)
     */
    record Letter(String identifier, String device, String payload) {}
}
