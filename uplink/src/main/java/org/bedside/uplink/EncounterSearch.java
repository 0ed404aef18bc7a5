package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bedside.hl7.CareLocation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Encounter}s in progress at a bed, for hospitals without an ADT feed to the gateway (docs/patients.md, "FHIR
 * Encounter"), with the uplink's TLS and authorization:
 *
 * <ol>
 *   <li>the bed's {@code Location} by its identifier ({@code Location?identifier=urn:bedside:location|ICU^12^1}, the one
 *       the uplink keeps; {@link BedLocations}), remembered once found;
 *   <li>{@code Encounter?location=Location/<id>&status=in-progress&_include=Encounter:subject}, every page.
 * </ol>
 *
 * <p>An Encounter is returned with its location entries <em>for that bed only</em> (an entry for the room or the ward
 * does not place a patient in a bed; an entry for another bed is another bed's business) and its patient's
 * identifiers, from the included {@code Patient} or the subject's logical identifier. Which entry counts, and which
 * identifier names the patient, the caller decides. A failure names the server and the status, never a patient.
 */
public final class EncounterSearch {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    /** Pages followed at most: 1,000 Encounters in progress at one bed would be the server's error, not a ward's. */
    private static final int MAX_PAGES = 10;

    private final FhirReads reads;
    private final URI base;
    private final Map<String, String> locationIds = new ConcurrentHashMap<>();

    public EncounterSearch(UplinkSettings settings) {
        this.reads = new FhirReads(settings);
        this.base = reads.base();
    }

    /** One location entry of an Encounter for the bed: its status ({@code active}, {@code completed}, …) and period. */
    public record LocationEntry(
            @Nullable String status,
            @Nullable Instant start,
            @Nullable Instant end) {}

    /** An identifier of the Encounter's patient. */
    public record PatientIdentifier(String system, String value) {}

    /**
     * One Encounter in progress that names the bed.
     *
     * @param id its logical id on the server
     * @param patient its patient's identifiers (empty when the server gives none: the caller cannot identify it)
     * @param entries its location entries for the bed
     */
    public record Found(String id, List<PatientIdentifier> patient, List<LocationEntry> entries) {
        public Found {
            patient = List.copyOf(patient);
            entries = List.copyOf(entries);
        }
    }

    /** What the server said about one bed. */
    public sealed interface Answer {
        /** The Encounters in progress at the bed (none is an answer too). */
        record Encounters(List<Found> encounters) implements Answer {
            public Encounters {
                encounters = List.copyOf(encounters);
            }
        }

        /** The server could not be asked, refused, or answered what is no search result: nothing is known. */
        record Failed(String reason) implements Answer {}
    }

    /** The Encounters in progress at the bed {@code location}. */
    public Answer atBed(CareLocation location) {
        String identifier = BedLocations.identifier(location);
        try {
            String locationId = locationIds.get(identifier);
            if (locationId == null) {
                Bundle found = search("/Location?identifier="
                        + URLEncoder.encode(BedLocations.SYSTEM + "|" + identifier, StandardCharsets.UTF_8)
                        + "&_count=2");
                List<Location> locations = resources(found, Location.class);
                if (locations.size() != 1) {
                    return new Answer.Failed((locations.isEmpty() ? "no Location" : locations.size() + " Locations")
                            + " with identifier "
                            + BedLocations.SYSTEM + "|" + identifier + " on " + base
                            + (locations.isEmpty() ? " yet (the uplink creates it once it reaches the server)" : ""));
                }
                locationId = locations.get(0).getIdElement().getIdPart();
                locationIds.put(identifier, locationId);
            }
            String bedReference = "Location/" + locationId;
            Map<String, Encounter> encounters = new LinkedHashMap<>();
            Map<String, Patient> patients = new HashMap<>();
            String next = "/Encounter?location=" + bedReference + "&status=in-progress&_include=Encounter:subject"
                    + "&_count=100";
            for (int page = 0; next != null; page++) {
                if (page == MAX_PAGES) {
                    return new Answer.Failed("more than " + MAX_PAGES + " pages of Encounters in progress at "
                            + identifier + " on " + base);
                }
                Bundle b = search(next);
                for (Bundle.BundleEntryComponent e : b.getEntry()) {
                    if (e.getResource() instanceof Encounter enc) {
                        encounters.putIfAbsent(enc.getIdElement().getIdPart(), enc);
                    } else if (e.getResource() instanceof Patient p) {
                        patients.put("Patient/" + p.getIdElement().getIdPart(), p);
                    }
                }
                Bundle.BundleLinkComponent link = b.getLink(Bundle.LINK_NEXT);
                next = link == null || link.getUrl().isEmpty() ? null : link.getUrl();
            }
            List<Found> out = new ArrayList<>();
            for (Encounter enc : encounters.values()) {
                out.add(new Found(
                        enc.getIdElement().getIdPart(),
                        identifiers(enc.getSubject(), patients),
                        entriesFor(enc, locationId)));
            }
            return new Answer.Encounters(out);
        } catch (IOException e) {
            return new Answer.Failed(
                    "cannot reach " + base + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Failed("interrupted");
        } catch (Refused | FhirReads.NoCredential e) {
            return new Answer.Failed(e.getMessage());
        } catch (DataFormatException e) {
            return new Answer.Failed("the answer of " + base + " to the Encounter search is not a FHIR Bundle");
        } catch (RuntimeException e) {
            return new Answer.Failed("the Encounter search at " + base + " failed: "
                    + e.getClass().getSimpleName());
        }
    }

    /** The entries of {@code enc} whose location is the bed's (by logical id, whatever the server's base). */
    static List<LocationEntry> entriesFor(Encounter enc, String locationId) {
        List<LocationEntry> out = new ArrayList<>();
        for (Encounter.EncounterLocationComponent l : enc.getLocation()) {
            Reference ref = l.getLocation();
            if (!"Location".equals(ref.getReferenceElement().getResourceType())
                    || !locationId.equals(ref.getReferenceElement().getIdPart())) {
                continue;
            }
            out.add(new LocationEntry(
                    l.hasStatus() ? l.getStatus().toCode() : null,
                    l.getPeriod().hasStart() ? l.getPeriod().getStart().toInstant() : null,
                    l.getPeriod().hasEnd() ? l.getPeriod().getEnd().toInstant() : null));
        }
        return out;
    }

    /** The subject's identifiers: the included Patient's, else the reference's own logical identifier. */
    static List<PatientIdentifier> identifiers(Reference subject, Map<String, Patient> included) {
        List<PatientIdentifier> out = new ArrayList<>();
        String ref = subject.getReferenceElement().toUnqualifiedVersionless().getValue();
        Patient p = ref == null ? null : included.get(ref);
        if (p != null) {
            for (Identifier i : p.getIdentifier()) {
                if (i.hasSystem() && i.hasValue()) {
                    out.add(new PatientIdentifier(i.getSystem(), i.getValue()));
                }
            }
        } else if (subject.hasIdentifier()
                && subject.getIdentifier().hasSystem()
                && subject.getIdentifier().hasValue()) {
            out.add(new PatientIdentifier(
                    subject.getIdentifier().getSystem(), subject.getIdentifier().getValue()));
        }
        return out;
    }

    private static <T> List<T> resources(Bundle b, Class<T> type) {
        return b.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    /** A refusal by the server, its sentence without the query (which may hold an identifier). */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private Bundle search(String pathOrUrl) throws IOException, InterruptedException, Refused, FhirReads.NoCredential {
        URI uri = pathOrUrl.startsWith("/") ? reads.at(pathOrUrl) : URI.create(pathOrUrl);
        if (!uri.getScheme().equals(base.getScheme()) || !uri.getRawAuthority().equals(base.getRawAuthority())) {
            // A next link elsewhere would carry the credential to another host.
            throw new Refused("the server " + base + " gave a next page on another host: not followed");
        }
        HttpResponse<String> response = reads.get(uri);
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            throw new Refused("HTTP " + status + " from " + base + " for the Encounter search");
        }
        return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    }
}
