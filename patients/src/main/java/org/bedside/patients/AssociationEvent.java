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

    /**
     * The sender of an association confirmed or set at the bedside ({@code BEDSIDE^<user>}): no ADT feed sends it, the
     * gateway's bedside page does (docs/patients.md, "At the bedside").
     */
    public static final String BEDSIDE = "BEDSIDE";

    /**
     * An association a clinician set at the bedside by scanning the wristband: an admission ({@code A01}) into {@code
     * bed} at {@code at}, or its end ({@code A03}), recorded like an ADT event so that the same rules apply (one bed at a
     * time; another patient in the bed is a conflict).
     */
    public static AssociationEvent bedside(
            String user, String id, AdtTrigger trigger, Instant at, PatientKey patient, BedLocation bed) {
        if (trigger != AdtTrigger.A01 && trigger != AdtTrigger.A03) {
            throw new IllegalArgumentException("a bedside association opens (A01) or ends (A03): " + trigger);
        }
        return new AssociationEvent(BEDSIDE + "^" + user, id, trigger, at, at, patient, bed, null, null, null);
    }

    /**
     * The sender of an association the gateway read from the FHIR server ({@code FHIR-ENCOUNTER^<Encounter id>}): an
     * {@code Encounter} in progress whose location entry for the bed is active and current (docs/patients.md, "FHIR
     * Encounter").
     */
    public static final String FHIR_ENCOUNTER = "FHIR-ENCOUNTER";

    /**
     * An association read from an {@code Encounter} on the FHIR server: the patient in {@code bed} from {@code at}
     * ({@code A01}), or out of that bed from {@code at} ({@code A03}: out of that bed only, never out of another bed a
     * later event put them in).
     */
    public static AssociationEvent fhirEncounter(
            String encounter,
            String id,
            AdtTrigger trigger,
            Instant at,
            Instant receivedAt,
            PatientKey patient,
            BedLocation bed) {
        if (trigger != AdtTrigger.A01 && trigger != AdtTrigger.A03) {
            throw new IllegalArgumentException("an Encounter association opens (A01) or ends (A03): " + trigger);
        }
        return new AssociationEvent(
                FHIR_ENCOUNTER + "^" + encounter, id, trigger, at, receivedAt, patient, bed, null, null, null);
    }

    /** {@code bedside} for an association set at the bedside, {@code fhir-encounter} for one read from an Encounter, else {@code adt}. */
    public String source() {
        return isBedside() ? "bedside" : isFhirEncounter() ? "fhir-encounter" : "adt";
    }

    public boolean isFhirEncounter() {
        return sender.startsWith(FHIR_ENCOUNTER + "^");
    }

    /** The Encounter's id on the FHIR server, or null for an event of another source. */
    public @Nullable String encounter() {
        return isFhirEncounter() ? sender.substring(FHIR_ENCOUNTER.length() + 1) : null;
    }

    public boolean isBedside() {
        return sender.startsWith(BEDSIDE + "^");
    }

    /** The user who set it at the bedside, or null for an ADT event. */
    public @Nullable String bedsideUser() {
        return isBedside() ? sender.substring(BEDSIDE.length() + 1) : null;
    }

    /** Sender and control id: how a message sent twice is known. */
    public String messageKey() {
        return sender + "|" + controlId;
    }

    /** Whether the event names {@code bed} anywhere. */
    public boolean names(BedLocation bed) {
        return bed.equals(location) || bed.equals(priorLocation) || bed.equals(otherLocation);
    }
}
