package org.bedside.runtime.api;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.patients.DevicePairings;
import org.bedside.patients.PatientKey;
import org.bedside.patients.Releases;
import org.bedside.runtime.config.BedSettings;
import org.bedside.runtime.wiring.BedAssociations;
import org.bedside.uplink.PatientLookup;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At the bedside (docs/patients.md): {@code GET /bedside} is the page where a clinician scans the wristband (a USB
 * barcode scanner types the MRN into the field and sends Enter) or types the MRN; its script asks {@code POST
 * /api/bedside/lookup} and shows the two identifiers a nurse checks, full name and birth date, with the MRN, and then
 * {@code POST /api/bedside/confirm}. {@code POST /api/bedside/end} ends a bed's association, {@code POST
 * /api/bedside/release} releases readings held before an association to its patient. A device that travels with the
 * patient is looked up with its label ({@code device}) instead of the bed, then {@code POST /api/bedside/pair} pairs it
 * and {@code POST /api/bedside/unpair} ends the pairing. Every one of these is a change:
 * it needs a {@code clinician} or an {@code operator} with the CSRF header, and is audited with the user
 * (org.bedside.runtime.security). Name and birth date are only ever in the answer to the signed-in user's lookup: never
 * logged, never in the audit log, never in the status.
 *
 * <p>A refusal is a JSON {@code {"error": "..."}}: 400 for a request that lacks something, 404 for an unknown bed or
 * a patient the server does not know, 409 when the beds' state does not allow it (two patients with that MRN on the
 * server, a fixed bed), 502 when the FHIR server cannot be asked, 503 when there is no FHIR uplink to ask, 500 when
 * the journal cannot be written.
 */
@Path("/")
public class BedsideResource {
    private static final Logger LOG = LoggerFactory.getLogger(BedsideResource.class);

    @Inject
    BedAssociations beds;

    @Inject
    Optional<PatientLookup> lookup;

    @Inject
    @Location("bedside.html")
    Template page;

    /**
     * A bedside request: the bed (its name or PV1-3), the MRN and, with several authorities, which one; for a device
     * that travels with the patient, {@code device} (its label: the configured id or a pump's serial) instead of the bed.
     */
    public record Request(
            @Nullable String bed,
            @Nullable String mrn,
            @Nullable String authority,
            @Nullable String from,
            @Nullable String until,
            @Nullable String device) {}

    /** The two identifiers to check, with the MRN, and what confirming would do (to the bed, or to the device). */
    public record Found(
            @Nullable String bed,
            String mrn,
            String authority,
            String name,
            String birthDate,
            String state,
            String confirming,
            @Nullable String device) {}

    @GET
    @Path("bedside")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        Instant now = Instant.now();
        return page.data("beds", beds.status(now))
                .data("authorities", beds.assigningAuthorities())
                .data("travelling", beds.travellers(now));
    }

    @POST
    @Path("api/bedside/lookup")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response lookup(@Nullable Request request) {
        try {
            Request r = required(request);
            if (r.device() != null && r.bed() == null) {
                return lookupForDevice(r);
            }
            BedSettings.Bed bed = beds.bedsideBed(r.bed());
            PatientKey key = beds.patientKey(r.mrn(), r.authority());
            PatientLookup.Answer.Found found = find(key);
            BedAssociations.BedStatus status = statusOf(bed);
            String confirming;
            if (status.patients().isEmpty()) {
                confirming = "associates this patient with bed " + bed.name() + " from now on";
            } else if (status.patients().stream()
                    .allMatch(p -> key.mrn().equals(p.mrn()) && key.authority().equals(p.authority()))) {
                confirming = "confirms the association the bed already has";
            } else {
                confirming = "DISAGREES with the bed's association: the bed becomes UNCERTAIN and its readings are held"
                        + " until the wrong association is ended";
            }
            return Response.ok(new Found(
                            bed.name(),
                            key.mrn(),
                            key.authority(),
                            found.name(),
                            found.birthDate(),
                            status.state(),
                            confirming,
                            null))
                    .header("Cache-Control", "no-store")
                    .build();
        } catch (BedAssociations.BedsideRefusal e) {
            return error(e.status(), e.getMessage());
        }
    }

    @POST
    @Path("api/bedside/confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response confirm(@Nullable Request request, @Context SecurityContext security) {
        try {
            Request r = required(request);
            BedSettings.Bed bed = beds.bedsideBed(r.bed());
            PatientKey key = beds.patientKey(r.mrn(), r.authority());
            find(key); // the server still knows exactly one patient by it
            BedAssociations.Confirmed outcome = beds.confirm(user(security), bed, key, Instant.now());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bed", bed.name());
            out.put("outcome", outcome.name());
            out.put("state", statusOf(bed).state());
            return Response.ok(out).build();
        } catch (BedAssociations.BedsideRefusal e) {
            return error(e.status(), e.getMessage());
        } catch (IOException e) {
            return journal(e);
        }
    }

    @POST
    @Path("api/bedside/end")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response end(@Nullable Request request, @Context SecurityContext security) {
        try {
            Request r = required(request);
            BedSettings.Bed bed = beds.bedsideBed(r.bed());
            PatientKey key = beds.patientKey(r.mrn(), r.authority());
            beds.end(user(security), bed, key, Instant.now());
            return Response.ok(Map.of("bed", bed.name(), "state", statusOf(bed).state()))
                    .build();
        } catch (BedAssociations.BedsideRefusal e) {
            return error(e.status(), e.getMessage());
        } catch (IOException e) {
            return journal(e);
        }
    }

    @POST
    @Path("api/bedside/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response release(@Nullable Request request, @Context SecurityContext security) {
        try {
            Request r = required(request);
            BedSettings.Bed bed = beds.bedsideBed(r.bed());
            PatientKey key = beds.patientKey(r.mrn(), r.authority());
            Instant from = instant("from", r.from());
            Instant until = instant("until", r.until());
            Releases.Release released = beds.release(user(security), bed, key, from, until, Instant.now());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("release", released.id());
            out.put("bed", bed.name());
            out.put("from", released.from().toString());
            out.put("until", released.until().toString());
            return Response.status(Response.Status.CREATED).entity(out).build();
        } catch (BedAssociations.BedsideRefusal e) {
            return error(e.status(), e.getMessage());
        } catch (IOException e) {
            return journal(e);
        }
    }

    /** The lookup before a pairing: the patient's name and birth date, and what pairing would do. */
    private Response lookupForDevice(Request r) throws BedAssociations.BedsideRefusal {
        DevicePairings.Traveller t = beds.traveller(r.device());
        PatientKey key = beds.patientKey(r.mrn(), r.authority());
        PatientLookup.Answer.Found found = find(key);
        BedAssociations.TravellerStatus status = statusOf(t);
        String confirming;
        if (status.mrn() == null) {
            confirming = "pairs " + t.kind() + " " + t.label() + " with this patient from now on: its readings are"
                    + " charted to them whatever bed it stands in, until their discharge or the end of the pairing";
        } else if (key.mrn().equals(status.mrn()) && key.authority().equals(status.authority())) {
            confirming = "confirms the pairing the device already has";
        } else {
            confirming = "is REFUSED: the device is paired with another patient since " + status.since()
                    + "; end that pairing first";
        }
        return Response.ok(new Found(
                        null,
                        key.mrn(),
                        key.authority(),
                        found.name(),
                        found.birthDate(),
                        status.state(),
                        confirming,
                        t.label()))
                .header("Cache-Control", "no-store")
                .build();
    }

    @POST
    @Path("api/bedside/pair")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response pair(@Nullable Request request, @Context SecurityContext security) {
        try {
            Request r = required(request);
            DevicePairings.Traveller t = beds.traveller(r.device());
            PatientKey key = beds.patientKey(r.mrn(), r.authority());
            find(key); // the server still knows exactly one patient by it
            BedAssociations.Paired outcome = beds.pair(user(security), t, key, Instant.now());
            return Response.ok(Map.of(
                            "device",
                            t.label(),
                            "outcome",
                            outcome.name(),
                            "state",
                            statusOf(t).state()))
                    .build();
        } catch (BedAssociations.BedsideRefusal e) {
            return error(e.status(), e.getMessage());
        } catch (IOException e) {
            return journal(e);
        }
    }

    @POST
    @Path("api/bedside/unpair")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response unpair(@Nullable Request request, @Context SecurityContext security) {
        try {
            Request r = required(request);
            DevicePairings.Traveller t = beds.traveller(r.device());
            PatientKey key = beds.patientKey(r.mrn(), r.authority());
            beds.unpair(user(security), t, key, Instant.now());
            return Response.ok(Map.of("device", t.label(), "state", statusOf(t).state()))
                    .build();
        } catch (BedAssociations.BedsideRefusal e) {
            return error(e.status(), e.getMessage());
        } catch (IOException e) {
            return journal(e);
        }
    }

    private BedAssociations.TravellerStatus statusOf(DevicePairings.Traveller t) {
        return beds.travellers(Instant.now()).stream()
                .filter(s -> s.kind().equals(t.kind()) && s.label().equals(t.label()))
                .findFirst()
                .orElseThrow();
    }

    private PatientLookup.Answer.Found find(PatientKey key) throws BedAssociations.BedsideRefusal {
        if (lookup.isEmpty()) {
            throw new BedAssociations.BedsideRefusal(
                    503,
                    "the FHIR uplink is not configured (gateway.uplink.base-url): the gateway cannot look patients up,"
                            + " so nothing can be confirmed at the bedside; ADT still associates the beds");
        }
        PatientLookup.Answer a = lookup.get().find(beds.identifierSystem(key), key.mrn());
        if (a instanceof PatientLookup.Answer.Found f) {
            return f;
        }
        if (a instanceof PatientLookup.Answer.NotFound) {
            throw new BedAssociations.BedsideRefusal(
                    404, "the FHIR server knows no patient with this MRN of " + key.authority() + ": check the number");
        }
        if (a instanceof PatientLookup.Answer.Ambiguous m) {
            throw new BedAssociations.BedsideRefusal(
                    409,
                    "the FHIR server has " + m.count() + " patients with this MRN of " + key.authority()
                            + ": nothing can be confirmed until the records are merged");
        }
        String reason = ((PatientLookup.Answer.Failed) a).reason();
        LOG.warn("Bedside lookup: {}", reason); // names the server and the status, never the patient
        throw new BedAssociations.BedsideRefusal(502, reason);
    }

    private BedAssociations.BedStatus statusOf(BedSettings.Bed bed) {
        List<BedAssociations.BedStatus> all = beds.status(Instant.now());
        return all.stream().filter(s -> s.name().equals(bed.name())).findFirst().orElseThrow();
    }

    private static Request required(@Nullable Request request) throws BedAssociations.BedsideRefusal {
        if (request == null) {
            throw new BedAssociations.BedsideRefusal(
                    400, "the request needs a JSON body: {\"bed\": ..., \"mrn\": ...}");
        }
        return request;
    }

    private static Instant instant(String name, @Nullable String text) throws BedAssociations.BedsideRefusal {
        if (text == null || text.isBlank()) {
            throw new BedAssociations.BedsideRefusal(400, "no " + name + ": give it as 2026-12-03T05:10:00Z");
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new BedAssociations.BedsideRefusal(400, name + " is not a time like 2026-12-03T05:10:00Z");
        }
    }

    /** The signed-in user; the access policy lets no anonymous change through. */
    static String user(SecurityContext security) {
        return security.getUserPrincipal() == null
                ? "(none)"
                : security.getUserPrincipal().getName();
    }

    private static Response journal(IOException e) {
        LOG.error("Bedside: the association journal or the audit log cannot be written: {}", e.getMessage());
        return error(500, "the association could not be written to the disk: nothing changed");
    }

    private static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message))
                .build();
    }
}
