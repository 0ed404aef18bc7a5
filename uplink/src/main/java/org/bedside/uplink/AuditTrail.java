package org.bedside.uplink;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's audit log as a source of FHIR {@code AuditEvent}s (docs/patients.md, "Audit"): entries in the order
 * they were written, and, per destination and durably, how many of them it delivered. The log is the durable buffer of
 * this path; the uplink's consumer loop delivers it ({@link FhirSink#owedWork}). Called on the consumer's thread;
 * {@link #pending} must be cheap when nothing is pending (it is asked at every round).
 */
public interface AuditTrail {

    /** At most {@code max} entries {@code destination} has not delivered yet, oldest first. */
    List<Entry> pending(String destination, int max) throws IOException;

    /** Records, forced to the disk, that {@code destination} delivered the next {@code count} entries. */
    void delivered(String destination, int count) throws IOException;

    /** No audit log: nothing is ever pending. */
    static AuditTrail none() {
        return new AuditTrail() {
            @Override
            public List<Entry> pending(String destination, int max) {
                return List.of();
            }

            @Override
            public void delivered(String destination, int count) {
                // nothing to remember
            }
        };
    }

    /**
     * One audit entry.
     *
     * @param id stable across restarts (a hash of the entry): the AuditEvent's id, so a resend changes nothing
     * @param action what happened ({@code association-opened})
     * @param fields the entry's details as written (bed, MRN, authority, trigger, control id...)
     * @param patientSystem the FHIR identifier system of the entry's patient (its authority's), or null when the entry
     *     names no patient or the authority has no system
     */
    record Entry(
            String id,
            Instant at,
            String action,
            Map<String, String> fields,
            @Nullable String patientSystem) {
        public Entry {
            fields = Map.copyOf(fields);
        }
    }
}
