package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.InfusionMetrics;
import org.bedside.model.InfusionStatus;
import org.bedside.model.Quality;
import org.bedside.sandbox.FhirSandboxProcess;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pump's readings through the uplink to the real HAPI FHIR JPA server: every Observation is accepted and valid on the
 * server ({@code $validate} against the base Observation, HAPI's instance validator with the R4 core package, as the
 * end-to-end tests check the vital signs), none is a vital sign, and each names its pump, a Device with the serial
 * number whose parent is the rack.
 */
class PumpChartingIT {
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final DeviceId RACK = DeviceId.of("bed3-pumps");
    private static final String PATIENT = "pump-charting";
    private static final String MDC = "urn:iso:std:iso:11073:10101";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static FhirSandboxProcess sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path sandboxDir) throws Exception {
        // Two cores shared with other builds: the default two minutes are not always enough to boot HAPI's JPA server.
        sandbox = FhirSandboxProcess.start(
                FhirSandboxProcess.Options.in(sandboxDir).withStartTimeout(Duration.ofMinutes(5)));
        putPatient(PATIENT);
    }

    private static void putPatient(String id) throws Exception {
        Patient p = new Patient();
        p.setId(id);
        p.addName().setFamily("Test");
        assertThat(send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Patient/" + id))
                                .header("Content-Type", "application/fhir+json")
                                .PUT(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(p))))
                        .statusCode())
                .isIn(200, 201);
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(
                request.header("Accept", "application/fhir+json")
                        .header("Cache-Control", "no-cache")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <T extends org.hl7.fhir.instance.model.api.IBaseResource> List<T> search(Class<T> type, String query)
            throws Exception {
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/" + query + "&_count=1000")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<T> out = new ArrayList<>();
        for (Bundle.BundleEntryComponent e :
                JSON.parseResource(Bundle.class, r.body()).getEntry()) {
            out.add(type.cast(e.getResource()));
        }
        return out;
    }

    private static List<Observation> observations() throws Exception {
        return search(
                Observation.class,
                "Observation?subject=" + URLEncoder.encode("Patient/" + PATIENT, StandardCharsets.UTF_8));
    }

    private static List<String> errors(org.hl7.fhir.r4.model.Resource o) throws Exception {
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/" + o.fhirType() + "/$validate"))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(o))));
        OperationOutcome verdict = JSON.parseResource(OperationOutcome.class, r.body());
        return verdict.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .map(i -> i.getDiagnostics() + " @ " + i.getLocation())
                .toList();
    }

    private static CompoundReading.Component value(
            org.bedside.model.MetricCode metric, String value, org.bedside.model.UcumUnit unit) {
        return value == null
                ? new CompoundReading.Component(
                        metric, null, unit, Quality.notAvailable("no remaining time (INRMT 65535)"))
                : new CompoundReading.Component(metric, new BigDecimal(value), unit, Quality.VALID);
    }

    /** Two channels of a rack: one infusing with every number, one stopped without a remaining time. */
    private static List<InfusionStatus> poll(int second) {
        Instant t = T0.plusSeconds(second);
        return List.of(
                new InfusionStatus(
                        RACK,
                        "1-1",
                        InfusionStatus.State.INFUSING,
                        "Noradrenalin 5mg/50ml",
                        "36248",
                        List.of(
                                value(InfusionMetrics.RATE, "5.00", InfusionMetrics.ML_PER_HOUR),
                                value(InfusionMetrics.VOLUME_TO_BE_INFUSED, "50.0", InfusionMetrics.ML),
                                value(InfusionMetrics.VOLUME_INFUSED, "0.25", InfusionMetrics.ML),
                                value(InfusionMetrics.REMAINING_TIME, "35820", InfusionMetrics.SECONDS),
                                value(InfusionMetrics.BOLUS_RATE, "800.00", InfusionMetrics.ML_PER_HOUR)),
                        null,
                        t),
                new InfusionStatus(
                        RACK,
                        "1-2",
                        InfusionStatus.State.STOPPED,
                        "Propofol 1%",
                        "36311",
                        List.of(
                                value(InfusionMetrics.RATE, "12.00", InfusionMetrics.ML_PER_HOUR),
                                value(InfusionMetrics.VOLUME_TO_BE_INFUSED, "100.0", InfusionMetrics.ML),
                                value(InfusionMetrics.VOLUME_INFUSED, "0.00", InfusionMetrics.ML),
                                value(InfusionMetrics.REMAINING_TIME, null, InfusionMetrics.SECONDS)),
                        null,
                        t.plusMillis(1)));
    }

    @Test
    void aPumpsNumbersAreValidTherapyObservationsOfItsOwnDeviceNeverVitalSigns() throws Exception {
        int polls = 3;
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            for (int i = 0; i < polls; i++) {
                store.append(poll(5 * i));
            }
            try (UplinkWorker worker = new UplinkWorker(
                    UplinkSettings.defaults(URI.create(sandbox.baseUrl()), "pump-it")
                            .withChartingInterval(Duration.ZERO),
                    store,
                    Map.of(
                            RACK,
                            new DeviceContext(
                                    RACK, "Bed 3 pumps", "B. Braun", "Infusion pump rack", "Patient/" + PATIENT)),
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    () -> T0.plusSeconds(30))) {
                worker.start();
                // Per poll: channel 1-1 four numbers, 1-2 four (its remaining time without a value); no bolus.
                Await.until("every pump number charted", Duration.ofSeconds(60), () -> count() == polls * 8);
                assertThat(worker.status().deadLettered()).isZero();
            }
        }

        List<Observation> charted = observations();
        assertThat(charted).hasSize(polls * 8);
        for (Observation o : charted) {
            assertThat(errors(o)).as(o.getIdentifierFirstRep().getValue()).isEmpty();
            assertThat(o.getCategory())
                    .flatExtracting(c -> c.getCoding())
                    .extracting(Coding::getCode)
                    .containsExactly("therapy");
            assertThat(o.getMeta().getProfile()).isEmpty();
            assertThat(o.getCode().getCoding()).extracting(Coding::getSystem).containsOnly(MDC);
        }
        assertThat(charted)
                .extracting(o -> o.getCode().getCodingFirstRep().getCode())
                .containsOnly("157784", "157884", "157993", "157916");
        assertThat(charted)
                .filteredOn(Observation::hasValueQuantity)
                .extracting(o -> o.getCode().getCodingFirstRep().getCode() + " "
                        + o.getValueQuantity().getCode())
                .containsOnly("157784 mL/h", "157884 mL", "157993 mL", "157916 s");
        assertThat(charted)
                .filteredOn(o -> !o.hasValue())
                .as("1-2's remaining time, each poll: no value, never a made-up one")
                .hasSize(polls)
                .allSatisfy(o -> assertThat(
                                o.getDataAbsentReason().getCodingFirstRep().getCode())
                        .isEqualTo("unknown"));

        // Each Observation names its pump; the pump carries its serial and the rack as its parent.
        List<Device> devices = search(
                Device.class, "Device?identifier=" + URLEncoder.encode("urn:bedside:device|", StandardCharsets.UTF_8));
        Device rack = devices.stream()
                .filter(d -> d.getIdentifierFirstRep().getValue().equals("pump-it/bed3-pumps"))
                .findFirst()
                .orElseThrow();
        List<Device> pumps = devices.stream()
                .filter(d -> d.getIdentifierFirstRep().getValue().startsWith("pump-it/bed3-pumps/"))
                .toList();
        assertThat(pumps).extracting(Device::getSerialNumber).containsExactlyInAnyOrder("36248", "36311");
        assertThat(pumps)
                .allSatisfy(p -> assertThat(p.getParent().getReferenceElement().getIdPart())
                        .isEqualTo(rack.getIdElement().getIdPart()));
        Device noradrenalin = pumps.stream()
                .filter(p -> p.getSerialNumber().equals("36248"))
                .findFirst()
                .orElseThrow();
        List<Observation> ofIt = charted.stream()
                .filter(o -> o.getDevice()
                        .getReferenceElement()
                        .getIdPart()
                        .equals(noradrenalin.getIdElement().getIdPart()))
                .toList();
        assertThat(ofIt).hasSize(polls * 4).allSatisfy(o -> {
            assertThat(o.getComponent())
                    .extracting(c -> c.getCode().getCodingFirstRep().getCode())
                    .containsExactly("184519", "184514");
            assertThat(o.getComponent().get(1).getValueStringType().getValue()).isEqualTo("Noradrenalin 5mg/50ml");
        });
    }

    /**
     * A PCD-10 pump's record as PCD-01 in stores it (hl7 {@code Pcd10Report.readings}): the source's status without a
     * serial number, the event, and the pump's EUI-64 as the unit's system id. The numbers are charted as any pump's; the
     * event is not; the pump's Device carries the EUI-64 as an identifier of the IEEE EUI-64 system, not as a serial
     * number, and is valid on the server.
     */
    @Test
    void aPcd10PumpsEui64IsADeviceIdentifierOfTheEui64SystemAndItsEventIsNotCharted() throws Exception {
        String patient = "pump-charting-pcd10";
        putPatient(patient);
        DeviceId pump = DeviceId.of("icu3002-pump");
        Instant eventTime = T0.minusSeconds(1);
        List<org.bedside.model.Reading> record = List.of(
                new InfusionStatus(
                        pump,
                        "1.1.2",
                        InfusionStatus.State.INFUSING,
                        "Dopamine",
                        null,
                        List.of(
                                value(InfusionMetrics.RATE, "15.4", InfusionMetrics.ML_PER_HOUR),
                                value(InfusionMetrics.VOLUME_TO_BE_INFUSED, "250.0", InfusionMetrics.ML),
                                value(InfusionMetrics.VOLUME_INFUSED, "0.0", InfusionMetrics.ML),
                                value(
                                        InfusionMetrics.REMAINING_TIME,
                                        "974",
                                        new org.bedside.model.UcumUnit("min", "min"))),
                        eventTime,
                        T0),
                new org.bedside.model.InfusionEvent(
                        pump,
                        "1.1.2",
                        197288,
                        "MDC_EVT_PUMP_DELIV_START",
                        org.bedside.model.InfusionEvent.Kind.DELIVERY_START,
                        "",
                        eventTime,
                        T0),
                new org.bedside.model.DeviceIdentity(pump, null, "00-12-21-00-00-00-00-00", null, null, eventTime, T0));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            store.append(record);
            try (UplinkWorker worker = new UplinkWorker(
                    UplinkSettings.defaults(URI.create(sandbox.baseUrl()), "pump-it")
                            .withChartingInterval(Duration.ZERO),
                    store,
                    Map.of(
                            pump,
                            new DeviceContext(
                                    pump, "ICU 3002 pump", "PUMPVENDOR", "Infusion pump", "Patient/" + patient)),
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    () -> T0.plusSeconds(30))) {
                worker.start();
                Await.until("the four pump numbers charted", Duration.ofSeconds(60), () -> count(patient) == 4);
                assertThat(worker.status().deadLettered()).isZero();
            }
        }
        List<Observation> charted = search(
                Observation.class,
                "Observation?subject=" + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8));
        assertThat(charted)
                .as("the numbers only: the event is not charted")
                .hasSize(4)
                .extracting(o -> o.getCode().getCodingFirstRep().getCode())
                .containsExactlyInAnyOrder("157784", "157884", "157993", "157916");
        for (Observation o : charted) {
            assertThat(errors(o)).as(o.getIdentifierFirstRep().getValue()).isEmpty();
        }
        List<Device> pumps = search(
                Device.class,
                "Device?identifier="
                        + URLEncoder.encode(
                                "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680|00-12-21-00-00-00-00-00",
                                StandardCharsets.UTF_8));
        assertThat(pumps).singleElement().satisfies(d -> {
            assertThat(d.hasSerialNumber())
                    .as("an EUI-64 is not a serial number")
                    .isFalse();
            assertThat(d.getIdentifierFirstRep().getValue())
                    .isEqualTo("pump-it/icu3002-pump/infusion:1.1.2/0012210000000000");
            assertThat(errors(d)).as("the pump's Device is valid on the server").isEmpty();
            assertThat(charted)
                    .allSatisfy(
                            o -> assertThat(o.getDevice().getReferenceElement().getIdPart())
                                    .isEqualTo(d.getIdElement().getIdPart()));
        });
    }

    private static int count() {
        return count(PATIENT);
    }

    private static int count(String patient) {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                    + "/Observation?_summary=count&subject="
                    + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8))));
            return JSON.parseResource(Bundle.class, r.body()).getTotal();
        } catch (Exception e) {
            return -1;
        }
    }
}
