package org.bedside.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ICriterion;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sandbox behaves like the hospital server the gateway relies on: conditional creates in transactions are
 * idempotent, and {@code $validate} checks the R4 vital-signs profiles offline.
 */
@ExtendWith(SharedSandbox.class)
class SandboxServerTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String OXYGEN_SAT_PROFILE = "http://hl7.org/fhir/StructureDefinition/oxygensat";
    private static final String VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
    private static final String HEART_RATE_PROFILE = "http://hl7.org/fhir/StructureDefinition/heartrate";

    private final HttpClient http = HttpClient.newHttpClient();
    private SandboxServer server;
    private IGenericClient client;

    @BeforeEach
    void connect(SandboxServer sandbox) {
        server = sandbox;
        client = FHIR.newRestfulGenericClient(sandbox.baseUrl());
    }

    @Test
    void answersMetadataOnLoopback() throws Exception {
        assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/fhir");

        var response = get("/metadata");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"resourceType\":\"CapabilityStatement\"");
    }

    @Test
    void seedsTheDemoPatient() {
        var patient = client.read()
                .resource(Patient.class)
                .withId(SharedSandbox.PATIENT_ID)
                .execute();

        assertThat(patient.getIdentifierFirstRep().getSystem()).isEqualTo(SandboxServer.DEMO_PATIENT_SYSTEM);
        assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo(SharedSandbox.PATIENT_ID);
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Demo");
    }

    @Test
    void replayedTransactionOfConditionalCreatesCreatesNothingTwice() {
        String run = UUID.randomUUID().toString();
        Bundle upload = transaction(run, "urn:uuid:" + UUID.randomUUID(), 0, 1, 2);

        Bundle first = client.transaction().withBundle(upload).execute();

        assertThat(statuses(first)).containsExactly("201 Created", "201 Created", "201 Created", "201 Created");
        assertThat(observationCount(run)).isEqualTo(3);
        String deviceId = resourceId(first.getEntry().get(0));

        Bundle replay = client.transaction().withBundle(upload).execute();

        assertThat(statuses(replay)).containsExactly("200 OK", "200 OK", "200 OK", "200 OK");
        assertThat(locations(replay)).isEqualTo(locations(first));
        assertThat(observationCount(run)).isEqualTo(3);
        assertThat(deviceCount(run)).isEqualTo(1);
        assertThat(client.read()
                        .resource(Observation.class)
                        .withId(resourceId(first.getEntry().get(1)))
                        .execute()
                        .getDevice()
                        .getReference())
                .isEqualTo(deviceId);

        // The next upload names the same device under a new urn:uuid: a new Observation must point at the
        // Device stored the first time, and the old one must still not be duplicated.
        Bundle next = client.transaction()
                .withBundle(transaction(run, "urn:uuid:" + UUID.randomUUID(), 2, 3))
                .execute();

        assertThat(statuses(next)).containsExactly("200 OK", "200 OK", "201 Created");
        assertThat(resourceId(next.getEntry().get(0))).isEqualTo(deviceId);
        assertThat(client.read()
                        .resource(Observation.class)
                        .withId(resourceId(next.getEntry().get(2)))
                        .execute()
                        .getDevice()
                        .getReference())
                .isEqualTo(deviceId);
        assertThat(observationCount(run)).isEqualTo(4);
    }

    @Test
    void correctVitalSignsHaveNoErrors() throws Exception {
        Observation spo2 = oxygenSaturation(obs -> {});

        assertThat(errors(validate(spo2, OXYGEN_SAT_PROFILE))).isEmpty();
        assertThat(errors(validate(spo2, VITAL_SIGNS_PROFILE))).isEmpty();
        assertThat(errors(validate(heartRate(), HEART_RATE_PROFILE))).isEmpty();
    }

    @Test
    void wrongUnitIsAnError() throws Exception {
        Observation spo2 = oxygenSaturation(
                obs -> obs.getValueQuantity().setUnit("percent").setCode("percent"));

        assertThat(errors(validate(spo2, OXYGEN_SAT_PROFILE)))
                .anySatisfy(message -> assertThat(message).contains("percent"));
    }

    @Test
    void missingSubjectIsAnErrorUnderTheVitalSignsProfiles() throws Exception {
        Observation spo2 = oxygenSaturation(obs -> obs.setSubject(null));

        assertThat(errors(validate(spo2, OXYGEN_SAT_PROFILE)))
                .anySatisfy(message -> assertThat(message).contains("Observation.subject"));
    }

    @Test
    void missingLoincCodeIsAnErrorUnderTheOxygenSaturationProfile() throws Exception {
        Observation spo2 = oxygenSaturation(obs -> obs.getCode().getCoding().remove(0));

        assertThat(errors(validate(spo2, OXYGEN_SAT_PROFILE)))
                .anySatisfy(message -> assertThat(message).contains("2708-6"));
    }

    /** A Device and one conditional create per sequence number, all from the same device. */
    private static Bundle transaction(String run, String deviceFullUrl, int... sequences) {
        var bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        var device = new Device()
                .addIdentifier(new Identifier().setSystem(deviceSystem(run)).setValue("monitor-1"));
        bundle.addEntry()
                .setFullUrl(deviceFullUrl)
                .setResource(device)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Device")
                .setIfNoneExist("identifier=" + deviceSystem(run) + "|monitor-1");
        for (int sequence : sequences) {
            String value = "spo2-" + sequence;
            Observation obs = oxygenSaturation(o -> o.setDevice(new Reference(deviceFullUrl)));
            obs.addIdentifier().setSystem(observationSystem(run)).setValue(value);
            bundle.addEntry()
                    .setFullUrl("urn:uuid:" + UUID.randomUUID())
                    .setResource(obs)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Observation")
                    .setIfNoneExist("identifier=" + observationSystem(run) + "|" + value);
        }
        return bundle;
    }

    /** SpO2 as the gateway charts it: LOINC and MDC codes, UCUM unit, vital-signs category. */
    private static Observation oxygenSaturation(Consumer<Observation> change) {
        var obs = vitalSign(97, "%", "%");
        obs.getCode()
                .addCoding(new Coding("http://loinc.org", "2708-6", "Oxygen saturation in Arterial blood"))
                .addCoding(new Coding(
                        "http://loinc.org", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"))
                .addCoding(new Coding("urn:iso:std:iso:11073:10101", "150456", "MDC_PULS_OXIM_SAT_O2"));
        change.accept(obs);
        return obs;
    }

    private static Observation heartRate() {
        var obs = vitalSign(72, "/min", "/min");
        obs.getCode()
                .addCoding(new Coding("http://loinc.org", "8867-4", "Heart rate"))
                .addCoding(new Coding("urn:iso:std:iso:11073:10101", "147842", "MDC_ECG_HEART_RATE"));
        return obs;
    }

    private static Observation vitalSign(double value, String unit, String ucum) {
        var obs = new Observation();
        obs.setStatus(Observation.ObservationStatus.FINAL);
        obs.addCategory(new CodeableConcept()
                .addCoding(new Coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
        obs.setSubject(new Reference("Patient/" + SharedSandbox.PATIENT_ID));
        obs.setEffective(new DateTimeType("2026-01-15T10:30:00Z"));
        obs.setValue(new Quantity(value)
                .setUnit(unit)
                .setSystem("http://unitsofmeasure.org")
                .setCode(ucum));
        return obs;
    }

    /** {@code POST [base]/Observation/$validate?profile=...} with the bare resource, as the end-to-end tests do. */
    private OperationOutcome validate(Observation obs, String profile) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Observation/$validate?profile="
                        + URLEncoder.encode(profile, StandardCharsets.UTF_8)))
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(obs)))
                .build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        // HAPI answers 200 with the issues, or 412 when validation found errors.
        assertThat(response.statusCode()).isIn(200, 412);
        return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }

    private static List<String> errors(OperationOutcome outcome) {
        return outcome.getIssue().stream()
                .filter(issue ->
                        issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL)
                .map(issue -> issue.getDiagnostics())
                .toList();
    }

    /** Each test run uses identifier systems of its own, so counting "any value in the system" counts this run. */
    private int observationCount(String run) {
        return count(Observation.IDENTIFIER.hasSystemWithAnyCode(observationSystem(run)), Observation.class);
    }

    private int deviceCount(String run) {
        return count(Device.IDENTIFIER.hasSystemWithAnyCode(deviceSystem(run)), Device.class);
    }

    private int count(ICriterion<?> criterion, Class<? extends IBaseResource> type) {
        return client.search()
                .forResource(type)
                .where(criterion)
                .summaryMode(SummaryEnum.COUNT)
                .returnBundle(Bundle.class)
                .execute()
                .getTotal();
    }

    private static String observationSystem(String run) {
        return "urn:bedside:test:" + run + ":observation";
    }

    private static String deviceSystem(String run) {
        return "urn:bedside:test:" + run + ":device";
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Accept", "application/fhir+json")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> statuses(Bundle response) {
        return response.getEntry().stream()
                .map(e -> e.getResponse().getStatus())
                .toList();
    }

    private static List<String> locations(Bundle response) {
        return response.getEntry().stream()
                .map(e -> e.getResponse().getLocation())
                .toList();
    }

    /** "Observation/1002/_history/1" becomes "Observation/1002". */
    private static String resourceId(BundleEntryComponent entry) {
        String location = entry.getResponse().getLocation();
        return location.substring(0, location.indexOf("/_history"));
    }
}
