package org.bedside.uplink;

import java.time.Instant;
import org.bedside.model.DeviceId;
import org.jspecify.annotations.Nullable;

/**
 * Whom the uplink charts a reading to, asked per reading at the time it was taken. The configured association (a
 * fixed {@code patient:} per device, {@link #configured}) is one answer; the runtime gives the ADT association of the
 * device's bed as another (docs/patients.md). Called on the uplink's thread; must not block.
 */
public interface Subjects {

    /** What to do with a reading of {@code device} taken at {@code time}. */
    Subject subjectAt(DeviceId device, Instant time, @Nullable DeviceContext context);

    /**
     * What to do with {@code reading}, taken at {@code time}: its device's answer, unless a part of the device travels
     * with its patient on its own (a pump of a rack, known by the serial number in the reading: docs/patients.md).
     */
    default Subject subjectOf(org.bedside.model.Reading reading, Instant time, @Nullable DeviceContext context) {
        return subjectAt(reading.device(), time, context);
    }

    /**
     * Grows whenever an answer for a time already asked about may have changed (an association recorded). Held
     * readings are read again from the buffer when it has changed.
     */
    default long version() {
        return 0;
    }

    /** The withdrawals the FHIR uplink owes (associations a cancel removed): none by default. */
    default Withdrawals withdrawals() {
        return Withdrawals.none();
    }

    /** The audit entries the FHIR uplink delivers as AuditEvents: none by default. */
    default AuditTrail auditTrail() {
        return AuditTrail.none();
    }

    /**
     * The bed a device stands at (PV1-3), for its FHIR {@code Device.location} and the bed's {@code Location}s; null for
     * a device at no bed (the default).
     */
    default org.bedside.hl7.@Nullable CareLocation locationOf(DeviceId device) {
        return null;
    }

    /** The fixed patient of the device's configuration, or nobody. */
    static Subjects configured() {
        return (device, time, context) -> context == null || context.patientReference() == null
                ? new Subject.NotCharted("no-patient")
                : new Subject.Charted(context.patientReference(), null);
    }

    /** An answer. */
    sealed interface Subject {
        /**
         * Chart it to this patient.
         *
         * @param reference the Observation's {@code subject}: a literal reference ({@code Patient/123}) or a conditional
         *     one the server resolves ({@code Patient?identifier=system|value})
         * @param association names the association in the Observation's identifier (so that two patients in one
         *     charting interval get an Observation each); null for a configured patient (identifiers as before)
         */
        record Charted(String reference, @Nullable String association) implements Subject {}

        /** Not charted, for a reason that will not change by itself (no patient): counted, the cursor moves on. */
        record NotCharted(String reason) implements Subject {}

        /** Not charted yet: the association is uncertain now; the reading is held (the cursor does not pass it). */
        record Held(String reason) implements Subject {}
    }
}
