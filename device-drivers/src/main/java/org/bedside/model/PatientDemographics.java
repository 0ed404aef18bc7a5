package org.bedside.model;

import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a monitor says about the patient it is set up for, reduced to what tells one patient from another and nothing
 * that names them: the monitor's admission state and a fingerprint of the identifying attributes (patient id, names,
 * birth date). A sign that the patient at the bed may have changed (docs/patients.md, "Signs from the devices"); never
 * charted.
 *
 * <p><b>No patient data.</b> The values themselves are never kept: the driver turns them into the fingerprint, a keyed
 * hash (HMAC-SHA-256 with a key of this installation, {@code <data-dir>/patients/demographics.key}) before the reading
 * exists, so that the buffer, the logs and every consumer see only whether the demographics are the same as before.
 * Without the key nobody can test a guessed name or birth date against it; with another box's key it means nothing.
 *
 * @param state the monitor's admission state ({@code NOM_ATTR_PT_DEMOG_ST} on an IntelliVue)
 * @param fingerprint lower-case hexadecimal, 32 digits; null when the monitor sent no identifying attribute, or the
 *     driver has no key (a replay of a capture)
 */
public record PatientDemographics(
        DeviceId device,
        State state,
        @Nullable String fingerprint,
        @Nullable Instant deviceTime,
        Instant receivedAt) implements Reading {

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{32}");

    /** The monitor's admission state (IEEE 11073 / IntelliVue {@code PatDmgState}). */
    public enum State {
        /** No patient set up: the demographics are empty. */
        EMPTY,
        /** Demographics entered, the patient not yet admitted. */
        PRE_ADMITTED,
        ADMITTED,
        /** The patient was discharged at the monitor ("end case", "new patient"). */
        DISCHARGED,
        /** A state value the driver does not know: kept, never taken for one of the above. */
        UNKNOWN
    }

    public PatientDemographics {
        if (fingerprint != null && !FINGERPRINT.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("a demographics fingerprint is 32 lower-case hexadecimal digits");
        }
    }

    @Override
    public PatientDemographics withReceivedAt(Instant t) {
        return new PatientDemographics(device, state, fingerprint, deviceTime, t);
    }

    @Override
    public String subjectPart() {
        return "demographics";
    }
}
