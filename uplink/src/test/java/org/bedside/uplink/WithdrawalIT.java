package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.util.Terser;
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
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.ConsumerState;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.PatientIdentifier;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.sandbox.FhirSandboxProcess;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled admission's withdrawal through the consumer loops to real destinations: the HAPI FHIR JPA sandbox and
 * HAPI HL7v2's MLLP server as the interface engine. What was charted to the cancelled association becomes {@code
 * entered-in-error} on the server (and nothing else of the patient does); PCD-01 out sends each message it had sent
 * again with OBX-11 W — the engine being away when the withdrawal was owed, it gets it once it is back.
 */
class WithdrawalIT {
    private static final String SYSTEM = "urn:oid:2.999.1.77";
    private static final DeviceId DEVICE = DeviceId.of("bed12-spo2");
    private static final String ASSOCIATION = "a0123456789ab";
    private static final String NEXT_ASSOCIATION = "affffffffffff";
    private static final CareLocation ICU12 = new CareLocation("ICU", "12", "1", "");
    private static final Pcd01Encoder.Sender SENDER =
            new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "ENGINE", "HOSP");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static FhirSandboxProcess sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path sandboxDir) throws Exception {
        sandbox = FhirSandboxProcess.start(
                FhirSandboxProcess.Options.in(sandboxDir).withStartTimeout(Duration.ofMinutes(5)));
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** The runtime's part, scripted: whom readings go to, and the withdrawals owed and done per destination. */
    static class Beds implements Subjects, Pcd01Patients, Withdrawals {
        final PatientIdentifier patient;
        final Instant since;
        final Instant ended;
        volatile boolean cancelled;
        final List<Owed> owed = new CopyOnWriteArrayList<>();
        final List<String> done = new CopyOnWriteArrayList<>();

        Beds(PatientIdentifier patient, Instant since, Instant ended) {
            this.patient = patient;
            this.since = since;
            this.ended = ended;
        }

        /** The cancelled association from {@code since} to {@code ended}; the next one (another admission) after. */
        private @Nullable String association(Instant time) {
            if (time.isBefore(since)) {
                return null;
            }
            if (time.isBefore(ended)) {
                return cancelled ? null : ASSOCIATION;
            }
            return NEXT_ASSOCIATION;
        }

        @Override
        public Subject subjectAt(DeviceId device, Instant time, @Nullable DeviceContext context) {
            String a = association(time);
            return a == null
                    ? new Subject.NotCharted("no-patient")
                    : new Subject.Charted("Patient?identifier=" + SYSTEM + "|" + patient.value(), a);
        }

        @Override
        public Answer patientAt(DeviceId device, Instant time) {
            return association(time) == null ? new Answer.NotSent("no-patient") : new Answer.Identified(patient, ICU12);
        }

        @Override
        public long version() {
            return cancelled ? 1 : 0;
        }

        @Override
        public Withdrawals withdrawals() {
            return this;
        }

        @Override
        public List<Owed> owed(String destination) {
            return owed.stream()
                    .filter(w -> !done.contains(destination + " " + w.id()))
                    .toList();
        }

        @Override
        public void done(String destination, Owed withdrawal, int items, String outcome) {
            done.add(destination + " " + withdrawal.id());
            done.add(destination + ": " + items + " " + outcome);
        }
    }

    private static List<Reading> frame(Instant at, int spo2) {
        return List.of(
                new NumericReading(
                        DEVICE, Metrics.SPO2, BigDecimal.valueOf(spo2), UcumUnit.PERCENT, Quality.VALID, null, at),
                new NumericReading(
                        DEVICE,
                        Metrics.PULSE_RATE_OXIMETRY,
                        BigDecimal.valueOf(60 + spo2 % 10),
                        UcumUnit.BEATS_PER_MINUTE,
                        Quality.VALID,
                        null,
                        at.plusMillis(1)));
    }

    @Test
    void whatWasChartedToACancelledAdmissionIsEnteredInErrorOnTheServerAndMarkedWrongAtTheEngine() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        PatientIdentifier mrn = new PatientIdentifier("W" + run, "HOSP", "", "MR");
        putPatient("withdrawal-" + run, mrn.value());
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(120);
        Beds beds = new Beds(mrn, t0, t0.plusSeconds(10));
        try (InterfaceEngine engine = new InterfaceEngine(r -> AcknowledgmentCode.AA);
                ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            engine.start();
            store.append(frame(t0.minusSeconds(5), 90)); // before the admission: nobody's
            for (int i = 0; i < 6; i++) {
                store.append(frame(t0.plusSeconds(i), 91 + i)); // the cancelled admission's
            }
            store.append(frame(t0.plusSeconds(12), 97)); // the next admission of the same patient: stays
            Map<DeviceId, DeviceContext> devices =
                    Map.of(DEVICE, new DeviceContext(DEVICE, "Bed 12 SpO2", "Masimo", "Pulse oximeter", null));
            try (UplinkWorker uplink = new UplinkWorker(
                            UplinkSettings.defaults(URI.create(sandbox.baseUrl()), "wd-" + run)
                                    .withChartingInterval(Duration.ZERO),
                            store,
                            devices,
                            beds,
                            new DeadLetterStore(dir.resolve("dead-letters/uplink")),
                            InstantSource.system(),
                            TrustedClock.ALWAYS);
                    Pcd01Out out = new Pcd01Out(
                            new Pcd01Out.Settings(
                                    MllpClientConfig.of("127.0.0.1", engine.port())
                                            .withAckTimeout(Duration.ofSeconds(1))
                                            .withConnectTimeout(Duration.ofSeconds(1)),
                                    SENDER,
                                    Duration.ofSeconds(1),
                                    Duration.ofMinutes(2)),
                            store,
                            beds,
                            new DeadLetterStore(dir.resolve("dead-letters/pcd01")),
                            InstantSource.system(),
                            TrustedClock.ALWAYS)) {
                uplink.start();
                out.start();
                Await.until(
                        "14 Observations charted", WAIT, () -> observations(mrn).size() == 14);
                Await.until(
                        "7 messages at the engine",
                        WAIT,
                        () -> out.sink().status().accepted() == 7);
                List<String> originals = engine.controlIds();

                // The engine is away when the admission is cancelled.
                engine.stop();
                beds.cancelled = true;
                beds.owed.add(new Withdrawals.Owed(
                        "ADT|CANCEL-" + run,
                        ASSOCIATION,
                        Set.of(DEVICE),
                        mrn,
                        SYSTEM + "|" + mrn.value(),
                        ICU12,
                        t0,
                        t0.plusSeconds(10),
                        Instant.now(),
                        "admission cancelled (A11 CANCEL-" + run + ")"));
                uplink.wake();
                out.consumer().wake();

                Await.until("the uplink's withdrawal done", WAIT, () -> beds.done.contains("uplink ADT|CANCEL-" + run));
                List<Observation> after = observations(mrn);
                assertThat(after).hasSize(14);
                assertThat(after)
                        .filteredOn(o -> effective(o).isBefore(beds.ended))
                        .hasSize(12)
                        .allSatisfy(
                                o -> assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.ENTEREDINERROR));
                assertThat(after)
                        .filteredOn(o -> !effective(o).isBefore(beds.ended))
                        .as("the next admission's Observations stay as they were")
                        .hasSize(2)
                        .allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL));
                assertThat(errors(after.get(0))).isEmpty();
                assertThat(beds.done).contains("uplink: 12 12 Observations marked entered-in-error");

                Await.until(
                        "PCD-01 out retrying its withdrawal while the engine is away",
                        WAIT,
                        () -> out.consumer().status().state() == ConsumerState.RETRYING);
                assertThat(beds.done).noneMatch(d -> d.startsWith("pcd01"));
                engine.start();
                Await.until("PCD-01 out's withdrawal done", WAIT, () -> beds.done.contains("pcd01 ADT|CANCEL-" + run));
                assertThat(beds.done).contains("pcd01: 6 6 ORU^R01 sent with OBX-11 W");
                List<InterfaceEngine.Received> withdrawals = engine.received().stream()
                        .filter(r -> !originals.contains(r.controlId()))
                        .toList();
                assertThat(withdrawals)
                        .extracting(InterfaceEngine.Received::controlId)
                        .doesNotHaveDuplicates();
                assertThat(withdrawals.stream()
                                .map(InterfaceEngine.Received::controlId)
                                .distinct())
                        .hasSize(6);
                for (InterfaceEngine.Received r : withdrawals) {
                    ORU_R01 oru = (ORU_R01) r.message();
                    Terser t = new Terser(oru);
                    assertThat(t.get("/.PID-3-1")).isEqualTo(mrn.value());
                    assertThat(t.get("/.PID-3-4")).isEqualTo("HOSP");
                    assertThat(t.get("/.PV1-3-1")).isEqualTo("ICU");
                    var rows = oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATIONAll();
                    assertThat(rows).hasSize(3); // the device row and SpO2 and pulse
                    assertThat(rows.get(0).getOBX().getObservationResultStatus().getValue())
                            .isEqualTo("X");
                    for (int i = 1; i < rows.size(); i++) {
                        assertThat(rows.get(i)
                                        .getOBX()
                                        .getObservationResultStatus()
                                        .getValue())
                                .isEqualTo("W");
                    }
                }
            }
        }
    }

    /** An audit log of three entries, scripted; what was delivered counted as the runtime's position file would. */
    static final class Trail implements AuditTrail {
        final List<Entry> entries;
        volatile int delivered;

        Trail(List<Entry> entries) {
            this.entries = entries;
        }

        @Override
        public List<Entry> pending(String destination, int max) {
            return entries.subList(delivered, Math.min(entries.size(), delivered + max));
        }

        @Override
        public void delivered(String destination, int count) {
            delivered += count;
        }
    }

    @Test
    void everyAuditEntryBecomesAValidAuditEventNamingThePatientOnlyByIdentifier() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        PatientIdentifier mrn = new PatientIdentifier("A" + run, "HOSP", "", "MR");
        Trail trail = new Trail(List.of(
                new AuditTrail.Entry(
                        "audit-" + run + "-1",
                        at,
                        "configuration-loaded",
                        Map.of("gateway", "wd-" + run, "devices", "1", "bed bed12", "ICU^12^1 adt"),
                        null),
                new AuditTrail.Entry(
                        "audit-" + run + "-2",
                        at.plusMillis(1),
                        "association-opened",
                        Map.of(
                                "bed", "ICU^12^1",
                                "mrn", mrn.value(),
                                "authority", "HOSP",
                                "since", at.toString(),
                                "source", "adt",
                                "trigger", "A01",
                                "controlId", "ADMIT-" + run,
                                "sender", "ADT^HOSP"),
                        SYSTEM),
                new AuditTrail.Entry(
                        "audit-" + run + "-3",
                        at.plusMillis(2),
                        "adt-refused",
                        Map.of(
                                "trigger",
                                "A01",
                                "controlId",
                                "BAD-" + run,
                                "reason",
                                "no MR of a configured authority"),
                        null)));
        Beds beds = new Beds(mrn, at, at) {
            @Override
            public AuditTrail auditTrail() {
                return trail;
            }
        };
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            for (int round = 0; round < 2; round++) {
                // The second worker (a restart) finds everything delivered: nothing is sent twice.
                try (UplinkWorker uplink = new UplinkWorker(
                        UplinkSettings.defaults(URI.create(sandbox.baseUrl()), "wd-" + run),
                        store,
                        Map.of(),
                        beds,
                        new DeadLetterStore(dir.resolve("dead-letters/uplink")),
                        InstantSource.system(),
                        TrustedClock.ALWAYS)) {
                    uplink.start();
                    Await.until("every entry delivered", WAIT, () -> trail.delivered == 3);
                    if (round == 0) {
                        trail.delivered = 0; // the position lost (a crash before it was written): all sent again
                    }
                }
            }
        }
        List<org.hl7.fhir.r4.model.AuditEvent> events = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/AuditEvent?_tag="
                    + URLEncoder.encode("urn:bedside:audit-entry|audit-" + run + "-" + i, StandardCharsets.UTF_8))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body())
                    .as("no name, no birth date: the patient by identifier only")
                    .doesNotContain("name");
            List<Bundle.BundleEntryComponent> found =
                    JSON.parseResource(Bundle.class, r.body()).getEntry();
            assertThat(found)
                    .as("one AuditEvent per entry, also after the restart")
                    .hasSize(1);
            org.hl7.fhir.r4.model.AuditEvent e =
                    (org.hl7.fhir.r4.model.AuditEvent) found.get(0).getResource();
            assertThat(validationErrors("AuditEvent", e)).as(e.getIdPart()).isEmpty();
            events.add(e);
        }
        assertThat(events.get(0).getType().getCode()).isEqualTo("110100");
        assertThat(events.get(1).getType().getCode()).isEqualTo("110110");
        assertThat(events.get(1).getSubtypeFirstRep().getCode()).isEqualTo("association-opened");
        assertThat(events.get(1).getEntityFirstRep().getWhat().getIdentifier().getSystem())
                .isEqualTo(SYSTEM);
        assertThat(events.get(1).getEntityFirstRep().getWhat().getIdentifier().getValue())
                .isEqualTo(mrn.value());
        assertThat(events.get(1).getAgent())
                .anySatisfy(a -> assertThat(a.getWho().getDisplay()).isEqualTo("ADT^HOSP"));
        assertThat(events.get(2).getOutcome()).isEqualTo(org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome._4);
    }

    @Test
    void aBedIsALocationPartOfItsRoomAndWardAndItsDeviceStandsThere() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        PatientIdentifier mrn = new PatientIdentifier("L" + run, "HOSP", "", "MR");
        putPatient("location-" + run, mrn.value());
        String ward = "ICU" + run;
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        Beds beds = new Beds(mrn, t0.minusSeconds(3600), t0.plusSeconds(3600)) {
            @Override
            public CareLocation locationOf(DeviceId device) {
                return new CareLocation(ward, "12", "1", "");
            }
        };
        Map<DeviceId, DeviceContext> devices =
                Map.of(DEVICE, new DeviceContext(DEVICE, "Bed 12 SpO2", "Masimo", "Pulse oximeter", null));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            for (int round = 0; round < 2; round++) {
                // Again after a restart: the Locations and the Device are matched, not made twice.
                store.append(frame(t0.plusSeconds(round), 95));
                int expected = 2 * (round + 1);
                try (UplinkWorker uplink = new UplinkWorker(
                        UplinkSettings.defaults(URI.create(sandbox.baseUrl()), "loc-" + run)
                                .withChartingInterval(Duration.ZERO),
                        store,
                        devices,
                        beds,
                        new DeadLetterStore(dir.resolve("dead-letters/uplink")),
                        InstantSource.system(),
                        TrustedClock.ALWAYS)) {
                    uplink.start();
                    Await.until("charted", WAIT, () -> observations(mrn).size() == expected);
                }
            }
        }
        org.hl7.fhir.r4.model.Location bed = onlyLocation(ward + "^12^1");
        org.hl7.fhir.r4.model.Location room = onlyLocation(ward + "^12");
        org.hl7.fhir.r4.model.Location unit = onlyLocation(ward);
        assertThat(bed.getPhysicalType().getCodingFirstRep().getCode()).isEqualTo("bd");
        assertThat(room.getPhysicalType().getCodingFirstRep().getCode()).isEqualTo("ro");
        assertThat(unit.getPhysicalType().getCodingFirstRep().getCode()).isEqualTo("wa");
        assertThat(bed.getPartOf().getReferenceElement().getIdPart()).isEqualTo(room.getIdPart());
        assertThat(room.getPartOf().getReferenceElement().getIdPart()).isEqualTo(unit.getIdPart());
        assertThat(unit.hasPartOf()).isFalse();
        for (org.hl7.fhir.r4.model.Location l : List.of(bed, room, unit)) {
            assertThat(validationErrors("Location", l)).as(l.getName()).isEmpty();
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Device?identifier="
                + URLEncoder.encode("urn:bedside:device|loc-" + run + "/" + DEVICE.value(), StandardCharsets.UTF_8))));
        List<Bundle.BundleEntryComponent> found =
                JSON.parseResource(Bundle.class, r.body()).getEntry();
        assertThat(found).hasSize(1);
        org.hl7.fhir.r4.model.Device device =
                (org.hl7.fhir.r4.model.Device) found.get(0).getResource();
        assertThat(device.getLocation().getReferenceElement().getIdPart()).isEqualTo(bed.getIdPart());
    }

    private static org.hl7.fhir.r4.model.Location onlyLocation(String identifier) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Location?identifier="
                + URLEncoder.encode(BedLocations.SYSTEM + "|" + identifier, StandardCharsets.UTF_8))));
        List<Bundle.BundleEntryComponent> found =
                JSON.parseResource(Bundle.class, r.body()).getEntry();
        assertThat(found).as("one Location " + identifier).hasSize(1);
        return (org.hl7.fhir.r4.model.Location) found.get(0).getResource();
    }

    private static Instant effective(Observation o) {
        return o.getEffectiveDateTimeType().getValue().toInstant();
    }

    private static void putPatient(String id, String mrn) throws Exception {
        Patient p = new Patient();
        p.setId(id);
        p.addIdentifier().setSystem(SYSTEM).setValue(mrn);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Patient/" + id))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(p))));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(
                request.header("Accept", "application/fhir+json")
                        .header("Cache-Control", "no-cache")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<Observation> observations(PatientIdentifier mrn) {
        try {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                    + "/Observation?_count=1000&patient.identifier="
                    + URLEncoder.encode(SYSTEM + "|" + mrn.value(), StandardCharsets.UTF_8))));
            List<Observation> out = new ArrayList<>();
            for (Bundle.BundleEntryComponent e :
                    JSON.parseResource(Bundle.class, r.body()).getEntry()) {
                out.add((Observation) e.getResource());
            }
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    private static List<String> errors(Observation o) throws Exception {
        return validationErrors("Observation", o);
    }

    private static List<String> validationErrors(String type, org.hl7.fhir.r4.model.Resource o) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/" + type + "/$validate"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(o))));
        OperationOutcome verdict = JSON.parseResource(OperationOutcome.class, r.body());
        return verdict.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .map(i -> i.getDiagnostics() + " @ " + i.getLocation())
                .toList();
    }
}
