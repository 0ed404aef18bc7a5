package org.bedside.patients;

import java.time.Instant;
import org.bedside.hl7.adt.AdtTrigger;
import org.jspecify.annotations.Nullable;

/**
 * One ADT event as the association keeps it: what the journal stores and the timelines are replayed from. Only the
 * facts the association uses, nothing else of the message (no names, no birth dates).
 *
 * @param sender MSH-3 and MSH-4 ({@code ADT^HOSP}): a control id is unique per sender
 * @param controlId MSH-10: a message sent again carries the same one, and is recognised
 * @param at when the event happened: EVN-6, else EVN-2, else MSH-7, else the receipt (docs/patients.md)
 * @param receivedAt when the gateway received the message
 * @param location PV1-3 when it names a bed
 * @param priorLocation PV1-6 when it names a bed
 * @param other A17: the second patient, who moves to {@code otherLocation}
 */
public record AssociationEvent(
        String sender,
        String controlId,
        AdtTrigger trigger,
        Instant at,
        Instant receivedAt,
        PatientKey patient,
        @Nullable BedLocation location,
        @Nullable BedLocation priorLocation,
        @Nullable PatientKey other,
        @Nullable BedLocation otherLocation) {

    /** Sender and control id: how a message sent twice is known. */
    public String messageKey() {
        return sender + "|" + controlId;
    }

    /** Whether the event names {@code bed} anywhere. */
    public boolean names(BedLocation bed) {
        return bed.equals(location) || bed.equals(priorLocation) || bed.equals(otherLocation);
    }
}
