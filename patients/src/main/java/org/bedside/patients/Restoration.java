package org.bedside.patients;

import java.time.Instant;

/**
 * Time of a bed that a cancel gave back to a patient (an A13 of a discharge, an A12 of a transfer out of the bed, an
 * A11 of an admission that had made the bed a conflict): its readings were passed by every destination as "not
 * charted" and are charted again from the buffer, like a release, by the timeline that now holds the patient
 * (docs/patients.md, "Cancels that give time back"). Derived from the ADT journal ({@link Associations#restorations}),
 * so it is as durable as the cancel's acknowledgement; no clinician confirms it, because the ADT system says the
 * patient was in the bed all that time.
 *
 * @param id {@code c} and a hash of the cancel and the bed: the replays' cursors and progress are named after it
 * @param from the first moment given back
 * @param until the end of what is given back (exclusive): at most the cancel's receipt, after which the destinations
 *     chart by the new timeline anyway
 * @param received when the cancel was received
 */
public record Restoration(
        String id,
        BedLocation bed,
        PatientKey patient,
        Instant from,
        Instant until,
        String trigger,
        String controlId,
        Instant received) {

    /**
     * As a release to replay: the same window and patient, confirmed by the ADT cancel rather than a clinician. The
     * replay charts by the timeline (which gives the time to the patient), so the release's own key is never used.
     */
    public Releases.Release asRelease() {
        return new Releases.Release(id, bed, patient, from, until, "adt " + trigger + " " + controlId, received);
    }
}
