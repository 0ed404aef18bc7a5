package org.bedside.hl7;

import ca.uhn.hl7v2.model.v26.datatype.PL;
import org.jspecify.annotations.Nullable;

/**
 * A patient's location as HL7 v2's PL says it (PV1-3 assigned location, PV1-6 prior location): point of care (the
 * ward or unit), room, bed, facility. {@code ICU^12^1} is ward ICU, room 12, bed 1. The gateway's beds are configured
 * with the same three parts, and a bed is matched on them.
 */
public record CareLocation(String pointOfCare, String room, String bed, String facility) {

    /** Reads a PL; null when point of care, room and bed are all empty. */
    public static @Nullable CareLocation of(PL pl) {
        String poc = PatientIdentifier.text(pl.getPointOfCare().getValue());
        String room = PatientIdentifier.text(pl.getRoom().getValue());
        String bed = PatientIdentifier.text(pl.getBed().getValue());
        String facility =
                PatientIdentifier.text(pl.getFacility().getNamespaceID().getValue());
        if (poc.isEmpty() && room.isEmpty() && bed.isEmpty()) {
            return null;
        }
        return new CareLocation(poc, room, bed, facility);
    }

    /** {@code ICU^12^1}, as the location is written in PV1-3. */
    @Override
    public String toString() {
        return pointOfCare + "^" + room + "^" + bed + (facility.isEmpty() ? "" : "^" + facility);
    }
}
