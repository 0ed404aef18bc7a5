package org.bedside.patients;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * An association that a cancel removed (A11 of an admission, A12 of a transfer into a bed): whatever was charted to it
 * was charted in error and is withdrawn from every destination that received it (docs/patients.md, "Withdrawal").
 * Derived from the ADT journal ({@link Associations#withdrawals}), so it is as durable as the cancel's acknowledgement.
 *
 * @param id the cancel's message key (sender and control id): how each destination remembers it did it
 * @param bed the bed the cancelled event put the patient in
 * @param since when the cancelled association began (the cancelled event's time)
 * @param ended when the association would have ended without the cancel (a discharge, a transfer, a next patient),
 *     or null when it was still open: readings taken from then on were not charted to it
 * @param until when the cancel was received: nothing received later was charted to the association
 * @param trigger the cancel's trigger ({@code A11}, {@code A12})
 * @param controlId the cancel's MSH-10
 * @param release null for the association itself; else a release of held readings made under the cancelled
 *     association ({@link #ofRelease}), whose readings are withdrawn like the association's: {@code since} and {@code
 *     ended} are then the release's range
 */
public record Withdrawal(
        String id,
        BedLocation bed,
        PatientKey patient,
        Instant since,
        @Nullable Instant ended,
        Instant until,
        String trigger,
        String controlId,
        Releases.@Nullable Release release) {

    /** The association's short name, as it ends the identifiers of what was charted to it (or to the release). */
    public String association() {
        return release != null ? release.key() : associationKey(bed, patient, since);
    }

    /**
     * Whether {@code r} was made under the association this cancel removed: the same bed and patient, the patient
     * associated at the release's end (which is how a release applies: {@link Releases#patientAt}), and made before the
     * cancel.
     */
    public boolean madeUnder(Releases.Release r) {
        return release == null
                && r.bed().equals(bed)
                && r.patient().equals(patient)
                && !r.until().isBefore(since)
                && (ended == null || r.until().isBefore(ended))
                && r.at().isBefore(until);
    }

    /**
     * The withdrawal of what release {@code r} charted under this cancelled association: a withdrawal of its own (its
     * id is the cancel's and the release's), done and remembered per destination like the association's.
     */
    public Withdrawal ofRelease(Releases.Release r) {
        return new Withdrawal(id + "/" + r.id(), bed, patient, r.from(), r.until(), until, trigger, controlId, r);
    }

    /**
     * A short stable name of one association (bed, patient, since), for Observation identifiers: no patient data in
     * clear.
     */
    public static String associationKey(BedLocation bed, PatientKey patient, Instant since) {
        return shortHash(bed + "|" + patient.authority() + "|" + patient.mrn() + "|" + since);
    }

    /** {@code a} and 12 hex digits of the SHA-256 of {@code text}. */
    static String shortHash(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "a" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
