package org.bedside.uplink;

import java.time.Instant;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.model.DeviceId;
import org.jspecify.annotations.Nullable;

/**
 * Whom PCD-01 out sends a reading for, asked per reading at the time it was taken, like {@link Subjects} for the FHIR
 * uplink but in HL7 v2 terms: PID-3 needs the patient's identifier with its assigning authority, not a FHIR reference.
 * The runtime answers from the same bed associations as the uplink's (docs/patients.md), so that both destinations
 * send a reading for the same patient or not at all. Called on the consumer's thread; must not block.
 */
public interface Pcd01Patients {

    /** What to do with a reading of {@code device} taken at {@code time}. */
    Answer patientAt(DeviceId device, Instant time);

    /** Grows whenever an answer for a time already asked about may have changed (see {@link Subjects#version()}). */
    default long version() {
        return 0;
    }

    /** The withdrawals PCD-01 out owes (associations a cancel removed): none by default. */
    default Withdrawals withdrawals() {
        return Withdrawals.none();
    }

    /** Nobody, ever: every reading is counted {@code no-patient}. */
    static Pcd01Patients none() {
        return (device, time) -> new Answer.NotSent("no-patient");
    }

    sealed interface Answer {
        /**
         * Send it for this patient.
         *
         * @param patient PID-3: the medical record number with its assigning authority
         * @param location PV1-3, the bed, or null when the device stands at no bed
         */
        record Identified(
                PatientIdentifier patient, @Nullable CareLocation location) implements Answer {}

        /** Not sent, for a reason that will not change by itself (no patient): counted, the cursor moves on. */
        record NotSent(String reason) implements Answer {}

        /** Not sent yet: the bed's association is uncertain now; the cursor does not pass the reading. */
        record Held(String reason) implements Answer {}
    }
}
