package org.bedside.patients;

import java.util.regex.Pattern;
import org.bedside.hl7.CareLocation;
import org.jspecify.annotations.Nullable;

/**
 * A bed, as HL7 v2 names it in PV1-3 (PL): point of care (the ward or unit), room and bed. {@code ICU^12^1} is bed 1 of
 * room 12 on the ICU. A bed is matched on these three parts; the facility (PL-4) is not compared, because feeds fill it
 * inconsistently and one gateway serves one facility.
 */
public record BedLocation(String pointOfCare, String room, String bed) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9 ._/-]{1,40}");

    public BedLocation {
        for (String part : new String[] {pointOfCare, room, bed}) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException(
                        "'" + part + "' is not a location part (letters, digits, space, . _ / -)");
            }
        }
    }

    /**
     * Reads {@code ICU^12^1}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static BedLocation parse(String text) {
        String[] parts = text.strip().split("\\^", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a bed location point-of-care^room^bed such as ICU^12^1");
        }
        return new BedLocation(parts[0].strip(), parts[1].strip(), parts[2].strip());
    }

    /** The bed an HL7 location names, or null when it names no bed (a ward only, or parts that are not allowed). */
    public static @Nullable BedLocation of(@Nullable CareLocation location) {
        if (location == null
                || location.pointOfCare().isEmpty()
                || location.room().isEmpty()
                || location.bed().isEmpty()) {
            return null;
        }
        try {
            return new BedLocation(location.pointOfCare(), location.room(), location.bed());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code ICU^12^1}, as PV1-3 writes it. */
    @Override
    public String toString() {
        return pointOfCare + "^" + room + "^" + bed;
    }
}
