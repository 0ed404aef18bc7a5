package org.bedside.runtime.e2e;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;

/** What the tests ask the FHIR server directly: counts are taken on the server, never in the gateway. */
final class FhirServer {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final IParser json = FHIR.newJsonParser();

    FhirServer(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    /** Creates (or replaces) a patient with a client-assigned id. */
    void createPatient(String id) throws IOException, InterruptedException {
        Patient p = new Patient();
        p.setId(id);
        p.addIdentifier().setSystem("urn:bedside:test-patient").setValue(id);
        p.addName().setFamily("Test").addGiven(id);
        send(HttpRequest.newBuilder(URI.create(base + "/Patient/" + id))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.encodeResourceToString(p))));
    }

    /** Creates (or replaces) a patient with a client-assigned id, an MRN under {@code system}, a name and a birth date. */
    void createPatient(String id, String system, String mrn, String family, String given, String birthDate)
            throws IOException, InterruptedException {
        Patient p = new Patient();
        p.setId(id);
        p.addIdentifier().setSystem(system).setValue(mrn);
        p.addName().setFamily(family).addGiven(given);
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
        send(HttpRequest.newBuilder(URI.create(base + "/Patient/" + id))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.encodeResourceToString(p))));
    }

    /** Every Observation of a patient, following the server's paging. */
    List<Observation> observations(String patientId) throws IOException, InterruptedException {
        List<Observation> all = new ArrayList<>();
        String next = base + "/Observation?subject=" + enc("Patient/" + patientId) + "&_count=500";
        while (next != null) {
            Bundle page = json.parseResource(
                    Bundle.class,
                    send(HttpRequest.newBuilder(URI.create(next))
                            .header("Cache-Control", "no-cache")
                            .GET()));
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                all.add((Observation) e.getResource());
            }
            Bundle.BundleLinkComponent link = page.getLink("next");
            next = link == null ? null : link.getUrl();
        }
        return all;
    }

    int countObservations(String patientId) throws IOException, InterruptedException {
        Bundle b = json.parseResource(
                Bundle.class,
                send(HttpRequest.newBuilder(URI.create(
                                base + "/Observation?subject=" + enc("Patient/" + patientId) + "&_summary=count"))
                        .header("Cache-Control", "no-cache")
                        .GET()));
        return b.getTotal();
    }

    /** Validates a resource on the server ({@code $validate}) against a profile; returns the server's verdict. */
    OperationOutcome validate(Observation o, String profile) throws IOException, InterruptedException {
        String body = send(
                HttpRequest.newBuilder(URI.create(base + "/Observation/$validate?profile=" + enc(profile)))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.encodeResourceToString(o))),
                true);
        return json.parseResource(OperationOutcome.class, body);
    }

    /** Creates or replaces a resource under its client-assigned id ({@code Encounter/enc-1}). */
    void put(org.hl7.fhir.r4.model.Resource r) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(
                        base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart()))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.encodeResourceToString(r))));
    }

    <T extends IBaseResource> T read(Class<T> type, String reference) throws IOException, InterruptedException {
        return json.parseResource(
                type,
                send(HttpRequest.newBuilder(URI.create(base + "/" + reference)).GET()));
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request, false);
    }

    private String send(HttpRequest.Builder request, boolean anyStatus) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                request.timeout(Duration.ofSeconds(60))
                        .header("Accept", "application/fhir+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (!anyStatus && r.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + r.statusCode() + " from " + r.uri() + ": " + r.body());
        }
        return r.body();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
