package org.bedside.uplink;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.model.DeviceId;
import org.jspecify.annotations.Nullable;

/**
 * What each destination owes in withdrawals: associations a cancel removed (A11, A12), whose charted readings were
 * charted in error (docs/patients.md, "Withdrawal"). The runtime answers from the ADT journal and remembers, per
 * destination and durably, which withdrawals it did, so that a destination away at the time, or a restart, does not
 * lose one. Called on the consumers' threads; {@link #owed} must be cheap (it is asked at every round).
 */
public interface Withdrawals {

    /** The withdrawals {@code destination} (its cursor name) has not done yet, in the order of the cancels. */
    List<Owed> owed(String destination);

    /**
     * Records, forced to the disk, that {@code destination} did {@code withdrawal}.
     *
     * @param items how many items (Observations, OBX rows, messages) it withdrew
     * @param outcome in words, for the audit: done, or refused by the destination and to be done by hand
     */
    void done(String destination, Owed withdrawal, int items, String outcome) throws IOException;

    /** Nothing is ever owed. */
    static Withdrawals none() {
        return new Withdrawals() {
            @Override
            public List<Owed> owed(String destination) {
                return List.of();
            }

            @Override
            public void done(String destination, Owed withdrawal, int items, String outcome) {
                // nothing to remember
            }
        };
    }

    /**
     * One withdrawal.
     *
     * @param id the cancel's sender and control id
     * @param association the short name that ends the identifiers of what was charted to the association
     * @param devices the devices of the bed
     * @param patient PID-3 of the patient the association named
     * @param fhirIdentifier the patient's FHIR identifier as {@code system|value}, or null when no system is configured
     * @param location the bed, as PV1-3
     * @param since when the association began: nothing taken before it was charted to it
     * @param ended when it would have ended without the cancel, or null: nothing taken from then on was charted to it
     * @param until when the cancel was received: nothing received later was charted to it
     * @param reason in words, naming the cancel ({@code admission cancelled (A11 MSG00042)})
     */
    record Owed(
            String id,
            String association,
            Set<DeviceId> devices,
            PatientIdentifier patient,
            @Nullable String fhirIdentifier,
            CareLocation location,
            Instant since,
            @Nullable Instant ended,
            Instant until,
            String reason) {
        public Owed {
            devices = Set.copyOf(devices);
        }
    }
}
