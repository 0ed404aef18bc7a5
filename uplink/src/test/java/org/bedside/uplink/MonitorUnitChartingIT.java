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
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceIdentity;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.sandbox.FhirSandboxProcess;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The physical monitor behind a slot (issue 12) on the real HAPI FHIR JPA server: one slot, a first monitor that names
 * itself by serial number, a line of a monitor that does not, then a second monitor (a swap at the bed), then an
 * IntelliVue known by its system id in another slot. Every Observation and Device is valid on the server ({@code
 * $validate}, HAPI's instance validator with the R4 core package); each monitor is a Device of its own whose parent is
 * the slot, and each Observation names the monitor that took it, or the slot when the record named none.
 */
class MonitorUnitChartingIT {
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final DeviceId OXIMETER = DeviceId.of("bed5-spo2");
    private static final DeviceId MONITOR = DeviceId.of("bed6-monitor");
    private static final String PATIENT = "unit-charting";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static FhirSandboxProcess sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path sandboxDir) throws Exception {
        sandbox = FhirSandboxProcess.start(
                FhirSandboxProcess.Options.in(sandboxDir).withStartTimeout(Duration.ofMinutes(5)));
        Patient p = new Patient();
        p.setId(PATIENT);
        p.addName().setFamily("Test");
        assertThat(send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Patient/" + PATIENT))
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

    private static <T extends IBaseResource> List<T> search(Class<T> type, String query) throws Exception {
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

    private static List<String> errors(IBaseResource resource, String type) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/" + type + "/$validate"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(resource))));
        OperationOutcome verdict = JSON.parseResource(OperationOutcome.class, r.body());
        return verdict.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .map(i -> i.getDiagnostics() + " @ " + i.getLocation())
                .toList();
    }

    private static List<Reading> frame(DeviceId device, int second, String spo2, DeviceIdentity unit) {
        Instant t = T0.plusSeconds(second);
        NumericReading r = new NumericReading(
                device, Metrics.SPO2, new BigDecimal(spo2), UcumUnit.PERCENT, Quality.VALID, t.minusMillis(300), t);
        return unit == null ? List.of(r) : List.of(r, unit.at(r.deviceTime(), t));
    }

    private static DeviceIdentity masimo(String serial) {
        return new DeviceIdentity(OXIMETER, serial, null, null, null, null, T0);
    }

    @Test
    void eachMonitorIsAValidDeviceOfItsOwnChildOfItsSlotAndItsObservationsNameIt() throws Exception {
        DeviceIdentity mx800 = new DeviceIdentity(MONITOR, null, "00-09-FB-9B-B0-76", "Philips", "M8000", null, T0);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            store.append(frame(OXIMETER, 0, "97", masimo("0000056661")));
            store.append(frame(OXIMETER, 1, "96", null));
            store.append(frame(OXIMETER, 2, "95", masimo("0000012345")));
            store.append(frame(MONITOR, 3, "98", mx800));
            try (UplinkWorker worker = new UplinkWorker(
                    UplinkSettings.defaults(URI.create(sandbox.baseUrl()), "unit-it")
                            .withChartingInterval(Duration.ZERO),
                    store,
                    Map.of(
                            OXIMETER,
                            new DeviceContext(
                                    OXIMETER, "Bed 5 oximeter", "Masimo", "Pulse oximeter", "Patient/" + PATIENT),
                            MONITOR,
                            new DeviceContext(
                                    MONITOR, "Bed 6 monitor", "Philips", "Patient monitor", "Patient/" + PATIENT)),
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    () -> T0.plusSeconds(30))) {
                worker.start();
                Await.until("every reading charted", Duration.ofSeconds(60), () -> count() == 4);
                assertThat(worker.status().deadLettered()).isZero();
            }
        }

        List<Observation> charted = search(
                Observation.class,
                "Observation?subject=" + URLEncoder.encode("Patient/" + PATIENT, StandardCharsets.UTF_8));
        assertThat(charted).hasSize(4);
        for (Observation o : charted) {
            assertThat(errors(o, "Observation"))
                    .as(o.getIdentifierFirstRep().getValue())
                    .isEmpty();
        }
        List<Device> devices = search(
                Device.class, "Device?identifier=" + URLEncoder.encode("urn:bedside:device|", StandardCharsets.UTF_8));
        for (Device d : devices) {
            assertThat(errors(d, "Device"))
                    .as(d.getIdentifierFirstRep().getValue())
                    .isEmpty();
        }
        Map<String, Device> byIdentifier = new java.util.HashMap<>();
        devices.forEach(d -> byIdentifier.put(d.getIdentifierFirstRep().getValue(), d));
        assertThat(byIdentifier)
                .containsOnlyKeys(
                        "unit-it/bed5-spo2",
                        "unit-it/bed5-spo2/unit/sn-0000056661",
                        "unit-it/bed5-spo2/unit/sn-0000012345",
                        "unit-it/bed6-monitor",
                        "unit-it/bed6-monitor/unit/sysid-00-09-FB-9B-B0-76");
        String oximeterSlot =
                byIdentifier.get("unit-it/bed5-spo2").getIdElement().getIdPart();
        Device first = byIdentifier.get("unit-it/bed5-spo2/unit/sn-0000056661");
        Device second = byIdentifier.get("unit-it/bed5-spo2/unit/sn-0000012345");
        Device philips = byIdentifier.get("unit-it/bed6-monitor/unit/sysid-00-09-FB-9B-B0-76");
        assertThat(first.getSerialNumber()).isEqualTo("0000056661");
        assertThat(second.getSerialNumber()).isEqualTo("0000012345");
        assertThat(List.of(first, second))
                .allSatisfy(d -> assertThat(d.getParent().getReferenceElement().getIdPart())
                        .isEqualTo(oximeterSlot));
        assertThat(philips.hasSerialNumber()).isFalse();
        assertThat(philips.getModelNumber()).isEqualTo("M8000");
        assertThat(philips.getManufacturer()).isEqualTo("Philips");
        assertThat(philips.getParent().getReferenceElement().getIdPart())
                .isEqualTo(
                        byIdentifier.get("unit-it/bed6-monitor").getIdElement().getIdPart());

        Map<String, String> deviceOfValue = new java.util.HashMap<>();
        for (Observation o : charted) {
            deviceOfValue.put(
                    o.getValueQuantity().getValue().toPlainString(),
                    o.getDevice().getReferenceElement().getIdPart());
        }
        assertThat(deviceOfValue)
                .containsEntry("97", first.getIdElement().getIdPart())
                .containsEntry("96", oximeterSlot)
                .containsEntry("95", second.getIdElement().getIdPart())
                .containsEntry("98", philips.getIdElement().getIdPart());
    }

    private static int count() {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                    + "/Observation?_summary=count&subject="
                    + URLEncoder.encode("Patient/" + PATIENT, StandardCharsets.UTF_8))));
            return JSON.parseResource(Bundle.class, r.body()).getTotal();
        } catch (Exception e) {
            return -1;
        }
    }
}
