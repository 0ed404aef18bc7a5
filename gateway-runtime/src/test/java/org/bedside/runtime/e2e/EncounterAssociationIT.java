package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.testing.Await;
import org.bedside.sandbox.FhirSandboxProcess;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bed's patient from the FHIR server's {@code Encounter}s, end to end, for a hospital without an ADT feed to the
 * gateway: a simulated oximeter at a bed, the packaged gateway with {@code gateway.adt.encounters} and no MLLP listener,
 * and the sandbox holding the bed's {@code Location} (which the uplink creates), patients with MRNs and Encounters.
 *
 * <ul>
 *   <li>an Encounter in progress whose entry for the bed is completed (the patient moved to the next bed) opens nothing;
 *   <li>an Encounter in progress with an active entry for the bed charts its patient from the entry's start;
 *   <li>the server away, the source is stale (status and audit) and keeps the association; what the patient is
 *       measured meanwhile is charted to her once the server is back;
 *   <li>the entry completed (moved out) ends it: nothing taken after the gateway saw the end is charted to her.
 * </ul>
 */
class EncounterAssociationIT {
    private static final String SYSTEM = "urn:oid:2.999.1.13";
    private static final String LOCATION_SYSTEM = "urn:bedside:location";

    @TempDir
    Path dir;

    @Test
    void readingsFollowTheEncounterAtTheBedAndStopWhenItsEntryIsCompleted() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ward = "ENC" + run;
        String bed = ward + "^12^1";
        try (Scene scene = new Scene("enc-" + run, dir, "steady", Duration.ofMillis(500))) {
            String anna = scene.name + "-anna";
            String ben = scene.name + "-ben";
            String mrns = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 1_000_000_000L);
            scene.fhir.createPatient(anna, SYSTEM, "E" + mrns + "1", "Zwiebelfisch", "Annalena", "1961-03-14");
            scene.fhir.createPatient(ben, SYSTEM, "E" + mrns + "2", "Quasthoff", "Benedikt", "1958-07-02");
            Files.createDirectories(dir);
            scene.simulator.start();
            scene.gateway = GatewayProcess.start(dir, config(scene, bed));

            // The uplink makes sure of the bed's Location; until then the source is stale, and nobody is charted.
            Await.until(
                    "the bed's Location on the server", Duration.ofSeconds(60), () -> locationId(scene, bed) != null);
            String bedLocation = "Location/" + locationId(scene, bed);
            String wardLocation = "Location/" + locationId(scene, ward);
            Location next = new Location();
            next.setId("enc-" + run + "-next");
            next.addIdentifier().setSystem(LOCATION_SYSTEM).setValue(ward + "^12^2");
            next.setName(ward + " room 12 bed 2");
            scene.fhir.put(next);
            Await.until(
                    "a successful poll",
                    Duration.ofSeconds(60),
                    () -> status(scene).contains("\"lastSuccess\":\""));
            Await.until("readings of the empty bed", Duration.ofSeconds(60), () -> notCharted(scene) >= 4);

            // Ben moved on to the next bed an hour ago: his entry for this bed is completed.
            Instant now = Instant.now();
            Encounter bens = encounter("enc-" + run + "-ben", ben);
            bens.addLocation()
                    .setLocation(new Reference(bedLocation))
                    .setStatus(Encounter.EncounterLocationStatus.COMPLETED)
                    .setPeriod(period(now.minusSeconds(7200), now.minusSeconds(3600)));
            bens.addLocation()
                    .setLocation(new Reference("Location/" + next.getIdElement().getIdPart()))
                    .setStatus(Encounter.EncounterLocationStatus.ACTIVE)
                    .setPeriod(period(now.minusSeconds(3600), null));
            scene.fhir.put(bens);

            // Anna arrives: in the ward and in this bed from now on.
            Instant annaIn = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Encounter annas = encounter("enc-" + run + "-anna", anna);
            annas.addLocation()
                    .setLocation(new Reference(wardLocation))
                    .setStatus(Encounter.EncounterLocationStatus.ACTIVE)
                    .setPeriod(period(annaIn, null));
            annas.addLocation()
                    .setLocation(new Reference(bedLocation))
                    .setStatus(Encounter.EncounterLocationStatus.ACTIVE)
                    .setPeriod(period(annaIn, null));
            scene.fhir.put(annas);
            Await.until(
                    "Observations of the patient in the bed", Duration.ofSeconds(60), () -> count(scene, anna) >= 4);
            assertThat(status(scene)).contains("\"source\":\"fhir-encounter\"");
            Path audit = scene.dataDir().resolve("audit/audit.jsonl");

            // The server away: the source goes stale, says so, and keeps her association; what she is measured
            // meanwhile waits in the buffer and is charted to her once the server is back.
            FhirSandboxProcess sandbox = Sandbox.get();
            Instant outage = Instant.now();
            sandbox.stop();
            try {
                Await.until(
                        "the Encounter source stale in the status",
                        Duration.ofSeconds(60),
                        () -> status(scene).contains("\"staleSince\":\""));
                Await.until(
                        "the stale source audited",
                        Duration.ofSeconds(30),
                        () -> read(audit).contains("\"action\":\"encounter-source-stale\""));
                Await.until(
                        "her readings waiting during the outage",
                        Duration.ofSeconds(60),
                        () -> uplinkPending(scene) >= 4);
                assertThat(status(scene))
                        .as("a stale source keeps the association")
                        .contains("\"source\":\"fhir-encounter\"");
            } finally {
                // The sandbox is shared by every end-to-end test of this JVM: never leave it down for the next one.
                if (!sandbox.isAlive()) {
                    sandbox.restart();
                }
            }
            Await.until(
                    "the source current again",
                    Duration.ofSeconds(90),
                    () -> read(audit).contains("\"action\":\"encounter-source-current\""));
            assertThat(status(scene)).doesNotContain("\"staleSince\":\"");
            Await.until(
                    "what she was measured during the outage charted to her",
                    Duration.ofSeconds(90),
                    () -> observations(scene, anna).stream()
                            .anyMatch(o -> o.getEffectiveDateTimeType()
                                    .getValue()
                                    .toInstant()
                                    .isAfter(outage.plusSeconds(2))));

            // She is moved out: the entry for the bed completed.
            Instant annaOut = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            annas.getLocation()
                    .get(1)
                    .setStatus(Encounter.EncounterLocationStatus.COMPLETED)
                    .setPeriod(period(annaIn, annaOut));
            scene.fhir.put(annas);
            Await.until(
                    "the end seen by the gateway",
                    Duration.ofSeconds(60),
                    () -> read(audit).contains("\"action\":\"encounter-ended\""));
            Instant endSeen = Instant.now();
            long emptyBefore = notCharted(scene);
            Await.until(
                    "readings of the empty bed after she left",
                    Duration.ofSeconds(60),
                    () -> notCharted(scene) >= emptyBefore + 4);

            List<Observation> annasObservations = scene.fhir.observations(anna);
            assertThat(annasObservations)
                    .isNotEmpty()
                    .allSatisfy(o -> assertThat(
                                    o.getEffectiveDateTimeType().getValue().toInstant())
                            .as("charted to her only from her arrival in the bed until the gateway saw her leave")
                            .isAfterOrEqualTo(annaIn)
                            .isBefore(endSeen));
            assertThat(scene.fhir.countObservations(ben))
                    .as("a completed entry for the bed opens nothing")
                    .isZero();
            String auditText = Files.readString(audit);
            assertThat(auditText)
                    .contains("\"action\":\"encounter-matched\"")
                    .contains("\"outcome\":\"location-ended\"")
                    .contains("\"source\":\"fhir-encounter\"");
            assertThat(Files.readString(dir.resolve("gateway.log")))
                    .doesNotContain("Zwiebelfisch", "Annalena", "Quasthoff", "Benedikt")
                    .doesNotContain("E" + mrns + "1", "E" + mrns + "2");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static Encounter encounter(String id, String patient) {
        Encounter e = new Encounter();
        e.setId(id);
        e.setStatus(Encounter.EncounterStatus.INPROGRESS);
        e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter"));
        e.setSubject(new Reference("Patient/" + patient));
        return e;
    }

    private static Period period(Instant start, Instant end) {
        Period p = new Period().setStart(Date.from(start));
        if (end != null) {
            p.setEnd(Date.from(end));
        }
        return p;
    }

    private static String locationId(Scene scene, String identifier) {
        try {
            Bundle b = scene.fhir.read(
                    Bundle.class,
                    "Location?identifier="
                            + URLEncoder.encode(LOCATION_SYSTEM + "|" + identifier, StandardCharsets.UTF_8));
            return b.getEntry().size() == 1
                    ? b.getEntryFirstRep().getResource().getIdElement().getIdPart()
                    : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String config(Scene scene, String bed) {
        return """
                gateway:
                  id: %s
                  data-dir: %s
                  devices:
                    %s:
                      driver: masimo-ascii
                      port: %s
                      idle-timeout: 3s
                  beds:
                    bed12:
                      location: %s
                      devices: [%s]
                  adt:
                    assigning-authorities:
                      HOSP: %s
                    encounters:
                      poll-every: 1s
                  uplink:
                    base-url: %s
                    charting: every-reading
                    retry-max-delay: 2s
                    timeout: 10s
                """.formatted(
                        scene.gatewayId(),
                        scene.dataDir(),
                        scene.device(),
                        scene.device.portPath(),
                        bed,
                        scene.device(),
                        SYSTEM,
                        scene.fhir.base());
    }

    private static String status(Scene scene) {
        String s = scene.gateway.get("/api/status");
        return s == null ? "" : s;
    }

    private static long notCharted(Scene scene) {
        Matcher m = Pattern.compile("\"no-patient\":(\\d+)").matcher(status(scene));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** {@code /api/status} → the uplink's pending records; 0 when not found. */
    private static long uplinkPending(Scene scene) {
        Matcher m =
                Pattern.compile("\"uplink\":\\{[^}]*?\"pendingRecords\":(\\d+)").matcher(status(scene));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static List<Observation> observations(Scene scene, String patient) {
        try {
            return scene.fhir.observations(patient);
        } catch (Exception e) {
            return List.of();
        }
    }

    private static int count(Scene scene, String patient) {
        try {
            return scene.fhir.countObservations(patient);
        } catch (Exception e) {
            return 0;
        }
    }
}
