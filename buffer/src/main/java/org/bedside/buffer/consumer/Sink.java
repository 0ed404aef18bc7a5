package org.bedside.buffer.consumer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
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
     * How many batches this destination can have on their way at once (its window spans batches): 1, the default, for a
     * destination that takes one batch at a time (FHIR transactions, MLLP). Above 1, the consumer hands batches to
     * {@link #deliverAsync} and reads and translates the next batch while the earlier ones wait for their
     * acknowledgements; it still takes their outcomes strictly in order, commits only past records whose every item was
     * acknowledged, and on any outcome but {@link Delivery.Delivered} waits for the batches still on their way and
     * delivers again through {@link #deliver}, one batch at a time, from the first batch not delivered.
     */
    default int pipelineDepth() {
        return 1;
    }

    /**
     * Starts delivering a batch and returns at once (or once the destination's own window has room), with what will
     * become of it. Called only when {@link #pipelineDepth} is above 1, by the consumer's thread, while earlier batches
     * may still be on their way: they were started first and must reach the destination first. The future must
     * complete, with a time-out of the sink's own if the destination never answers; completing exceptionally is an
     * unexpected error, as throwing from {@link #deliver} is. The consumer never calls {@link #deliver} while a
     * batch started here is still on its way, except after an unexpected error, when it forgets those batches and
     * starts again from its committed position.
     */
    default CompletableFuture<Delivery<T>> deliverAsync(List<Item<T>> items) {
        return CompletableFuture.completedFuture(deliver(items));
    }

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
