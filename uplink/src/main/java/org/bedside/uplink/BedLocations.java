package org.bedside.uplink;

import java.util.ArrayList;
import java.util.List;
import org.bedside.hl7.CareLocation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;

/**
 * A bed as FHIR {@code Location}s (pure): the ward (PV1-3.1, the point of care), the room in it, the bed in the room,
 * each {@code partOf} the one above, identified by {@code urn:bedside:location|ICU}, {@code |ICU^12}, {@code |ICU^12^1}
 * (the PV1-3 components, so that every gateway at a bed names the same Location), with the physical type ward, room,
 * bed (HL7 location-physical-type) and mode instance.
 */
public final class BedLocations {
    /** The identifier system of the beds' Locations: {@code urn:bedside:location}. */
    public static final String SYSTEM = "urn:bedside:location";

    private static final String PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type";

    private BedLocations() {}

    /** One level of a bed's place. */
    record Level(
            String identifier,
            String name,
            String typeCode,
            String typeDisplay,
            @Nullable String parent) {}

    /** Ward, room, bed, in that order (the room and bed only when PV1-3 names them). */
    static List<Level> levels(CareLocation l) {
        List<Level> out = new ArrayList<>();
        String ward = l.pointOfCare();
        out.add(new Level(ward, ward, "wa", "Ward", null));
        if (!l.room().isEmpty()) {
            String room = ward + "^" + l.room();
            out.add(new Level(room, ward + " room " + l.room(), "ro", "Room", ward));
            if (!l.bed().isEmpty()) {
                out.add(new Level(
                        room + "^" + l.bed(), ward + " room " + l.room() + " bed " + l.bed(), "bd", "Bed", room));
            }
        }
        return out;
    }

    /** The identifier of the most specific level: the bed's. */
    public static String identifier(CareLocation l) {
        List<Level> levels = levels(l);
        return levels.get(levels.size() - 1).identifier();
    }

    static Location location(Level level, @Nullable Reference parent) {
        Location loc = new Location();
        loc.addIdentifier().setSystem(SYSTEM).setValue(level.identifier());
        loc.setStatus(Location.LocationStatus.ACTIVE);
        loc.setName(level.name());
        loc.setMode(Location.LocationMode.INSTANCE);
        loc.setPhysicalType(new CodeableConcept(new Coding(PHYSICAL_TYPE, level.typeCode(), level.typeDisplay())));
        if (parent != null) {
            loc.setPartOf(parent);
        }
        return loc;
    }
}
