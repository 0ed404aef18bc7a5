package org.bedside.hl7.adt;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.PatientIdentifier;
import org.jspecify.annotations.Nullable;

/**
 * What one ADT message says, as {@link AdtParser} read it: nothing more. The patient association decides what it
 * means; this model only carries the fields faithfully, with the times that can open or close an association.
 *
 * <ul>
 *   <li>{@link PatientEvent}: one patient and visit (A01 to A15, A21, A22, A26)
 *   <li>{@link Swap}: A17, two patients that exchange beds
 *   <li>{@link Merge}: A40, a surviving patient and the identifiers merged into it (MRG-1)
 * </ul>
 */
public sealed interface AdtEvent {

    Header header();

    /**
     * @param controlId MSH-10: a message sent again carries the same one
     * @param messageTime MSH-7
     * @param recordedAt EVN-2, when the event was recorded
     * @param occurredAt EVN-6, when the event happened (may be earlier than recorded), or null
     */
    record Header(
            AdtTrigger trigger,
            String controlId,
            String sendingApplication,
            String sendingFacility,
            @Nullable Instant messageTime,
            @Nullable Instant recordedAt,
            @Nullable Instant occurredAt) {}

    /**
     * A patient as PID and PV1 give it.
     *
     * @param identifiers every PID-3 repetition, in order, with its assigning authority and type
     * @param visit the PV1, or null when the message has none for this patient
     */
    record Patient(
            List<PatientIdentifier> identifiers, @Nullable Visit visit) {
        public Patient {
            identifiers = List.copyOf(identifiers);
        }

        /** The PID-3 repetitions of type MR, each with its authority. */
        public List<PatientIdentifier> medicalRecordNumbers() {
            return identifiers.stream()
                    .filter(PatientIdentifier::isMedicalRecordNumber)
                    .toList();
        }

        /**
         * The MR identifier assigned by {@code authority} (PID-3.4, namespace id or universal id): how a patient is
         * resolved. Never matches an MR without an authority: a bare value identifies no one across systems.
         */
        public Optional<PatientIdentifier> medicalRecordNumber(String authority) {
            if (authority.isBlank()) {
                return Optional.empty();
            }
            return medicalRecordNumbers().stream()
                    .filter(id ->
                            authority.equals(id.assigningAuthority()) || authority.equals(id.assigningAuthorityId()))
                    .findFirst();
        }
    }

    /**
     * PV1: where the patient is and since when.
     *
     * @param patientClass PV1-2 (I inpatient, O outpatient, E emergency...)
     * @param location PV1-3, point of care^room^bed
     * @param priorLocation PV1-6 (the bed left, in a transfer or a cancel)
     * @param admittedAt PV1-44
     * @param dischargedAt PV1-45
     */
    record Visit(
            String patientClass,
            @Nullable CareLocation location,
            @Nullable CareLocation priorLocation,
            @Nullable Instant admittedAt,
            @Nullable Instant dischargedAt) {}

    record PatientEvent(Header header, Patient patient) implements AdtEvent {}

    /** A17: the first patient moves to the second's bed and the second to the first's. */
    record Swap(Header header, Patient first, Patient second) implements AdtEvent {}

    /** A40: each entry is a surviving patient (PID) and the identifiers it absorbs (MRG-1). */
    record Merge(Header header, List<MergedPatient> merges) implements AdtEvent {
        public Merge {
            merges = List.copyOf(merges);
        }
    }

    record MergedPatient(Patient survivor, List<PatientIdentifier> mergedIdentifiers) {
        public MergedPatient {
            mergedIdentifiers = List.copyOf(mergedIdentifiers);
        }
    }
}
