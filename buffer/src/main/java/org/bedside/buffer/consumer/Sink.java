package org.bedside.buffer.consumer;

import java.util.List;

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

    /** What a dead letter of an item keeps: enough for a person to read it and deliver it again. */
    Letter letter(Item<T> item);

    /**
     * Delivers a dead letter's payload (what {@link #letter} wrote) once more, because a person asked ({@code bedside
     * dead-letters retry}, {@link BufferConsumer#retryDeadLetter}); called on that person's thread, beside the
     * consumer's own deliveries, so it must not touch the state of the translators. By default a destination cannot:
     * the letter stays where it is.
     */
    default Redelivery redeliver(DeadLetterStore.DeadLetter letter) {
        return new Redelivery(false, "not sent: this destination cannot send a dead letter again");
    }

    /**
     * What became of a dead letter sent again.
     *
     * @param accepted the destination took it: the letter moves to {@code retried/}
     * @param result in words, for the person who asked ("accepted (charted)", "refused again: ...")
     */
    record Redelivery(boolean accepted, String result) {}

    /**
     * The content of a dead letter.
     *
     * @param identifier the item's identity at the destination (an Observation identifier, a reading key)
     * @param device the device the item is about
     * @param payload what would deliver it, as JSON (a single-entry FHIR Bundle, an MQTT topic and message)
     */
    record Letter(String identifier, String device, String payload) {}
}
