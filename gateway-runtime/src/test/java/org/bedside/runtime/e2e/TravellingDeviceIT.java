package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bedside.runtime.e2e.BedsideConfirmationIT.count;
import static org.bedside.runtime.e2e.BedsideConfirmationIT.effective;
import static org.bedside.runtime.e2e.BedsideConfirmationIT.notCharted;
import static org.bedside.runtime.e2e.BedsideConfirmationIT.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.testing.Await;
import org.bedside.patients.tools.AdtCommand;
import org.bedside.runtime.security.UsersFile;
import org.bedside.sim.bbraun.SpaceComSimulator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that travels with the patient, end to end: the packaged gateway, a simulated oximeter configured as a
 * transport monitor standing at bed ICU^12^1, HAPI's MLLP client as the ADT feed, the sandbox knowing the patient by
 * MRN. Admitted to bed 12, she is not charted from the unpaired monitor; a clinician pairs it (refused without a user
 * and as a viewer); her readings are charted from the pairing on, after her transfer to bed 14 and across a SIGKILL;
 * her discharge ends it. No name, birth date or MRN in the gateway's log.
 */
class TravellingDeviceIT {
    static final String SYSTEM = "urn:oid:2.999.1.14";
    static final String BED12 = "ICU^12^1";
    static final String BED14 = "ICU^14^1";
    static final String CLINICIAN = "nurse.kim:travel-clinician-pw";
    static final String VIEWER = "visitor:travel-viewer-pw";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aPairedMonitorChartsToItsPatientAcrossATransferUntilHerDischarge() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Scene scene = new Scene("travel-" + run, dir, "steady", Duration.ofMillis(500))) {
            String patientId = scene.name + "-dora";
            String mrn = "T" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 1_000_000_000L);
            scene.fhir.createPatient(patientId, SYSTEM, mrn, "Dattelpflaume", "Dorothea", "1952-04-17");
            Path users = dir.resolve("users");
            Files.createFile(users, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    users,
                    UsersFile.line("nurse.kim", "travel-clinician-pw".toCharArray(), Set.of("clinician")) + "\n"
                            + UsersFile.line("visitor", "travel-viewer-pw".toCharArray(), Set.of("viewer")) + "\n");
            scene.simulator.start();
            scene.gateway = GatewayProcess.start(dir, config(scene, users));
            String url = "http://127.0.0.1:" + scene.gateway.port();

            // Admitted to bed 12, where the unpaired monitor stands: its readings are nobody's, not hers.
            adt(scene.gateway, "A01", mrn, BED12, null, "ADMIT-" + run);
            long before = notCharted(scene);
            Await.until(
                    "readings of the unpaired monitor", Duration.ofSeconds(60), () -> notCharted(scene) >= before + 6);
            assertThat(count(scene, patientId))
                    .as("never charted to the bed's patient unpaired")
                    .isZero();
            assertThat(traveller(scene).get("state").asText()).isEqualTo("NOT_PAIRED");
            assertThat(scene.gateway.get("/bedside")).contains("Devices that travel with the patient");

            String request = "{\"device\":\"" + scene.device() + "\",\"mrn\":\"" + mrn + "\"}";
            assertThat(post(url, "/api/bedside/lookup", request, null, true).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> viewer = post(url, "/api/bedside/lookup", request, VIEWER, true);
            assertThat(viewer.statusCode()).isEqualTo(403);
            assertThat(viewer.body()).doesNotContain("Dattelpflaume");
            assertThat(post(url, "/api/bedside/pair", request, VIEWER, true).statusCode())
                    .isEqualTo(403);
            assertThat(post(url, "/api/bedside/pair", request, CLINICIAN, false).statusCode())
                    .as("without the CSRF header")
                    .isEqualTo(403);
            assertThat(post(
                                    url,
                                    "/api/bedside/lookup",
                                    "{\"device\":\"not-ours\",\"mrn\":\"" + mrn + "\"}",
                                    CLINICIAN,
                                    true)
                            .statusCode())
                    .isEqualTo(404);

            HttpResponse<String> found = post(url, "/api/bedside/lookup", request, CLINICIAN, true);
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            JsonNode f = JSON.readTree(found.body());
            assertThat(f.get("name").asText()).isEqualTo("Dorothea Dattelpflaume");
            assertThat(f.get("birthDate").asText()).isEqualTo("1952-04-17");
            assertThat(f.get("device").asText()).isEqualTo(scene.device());

            Instant paired = Instant.now();
            HttpResponse<String> pair = post(url, "/api/bedside/pair", request, CLINICIAN, true);
            assertThat(pair.statusCode()).as(pair.body()).isEqualTo(200);
            assertThat(JSON.readTree(pair.body()).get("outcome").asText()).isEqualTo("PAIRED");
            Await.until(
                    "her Observations from the pairing on", Duration.ofSeconds(60), () -> count(scene, patientId) >= 4);
            assertThat(scene.fhir.observations(patientId))
                    .allSatisfy(o -> assertThat(effective(o)).isAfterOrEqualTo(paired.minusSeconds(1)));
            JsonNode t = traveller(scene);
            assertThat(t.get("state").asText()).isEqualTo("PAIRED");
            assertThat(t.get("mrn").asText()).isEqualTo(mrn);
            assertThat(t.get("user").asText()).isEqualTo("nurse.kim");

            // Transferred to bed 14 (the monitor still configured at bed 12, now empty), then the gateway killed.
            Instant transferred = adt(scene.gateway, "A02", mrn, BED14, BED12, "TRANSFER-" + run);
            scene.gateway.kill();
            scene.gateway.restart();
            Await.until(
                    "her Observations after the transfer and the restart",
                    Duration.ofSeconds(90),
                    () -> after(scene, patientId, transferred) >= 4);
            assertThat(traveller(scene).get("state").asText()).isEqualTo("PAIRED");

            // Her discharge ends the pairing: the monitor's readings are nobody's again.
            Instant discharged = adt(scene.gateway, "A03", mrn, BED14, null, "DISCHARGE-" + run);
            long atDischarge = notCharted(scene);
            Await.until(
                    "readings after the discharge", Duration.ofSeconds(60), () -> notCharted(scene) >= atDischarge + 6);
            assertThat(after(scene, patientId, discharged.plusSeconds(1))).isZero();
            assertThat(traveller(scene).get("state").asText()).isEqualTo("NOT_PAIRED");
            assertThat(traveller(scene).at("/pairings/0/endedBy").asText()).startsWith("discharge (A03 ");

            assertThat(Files.readString(scene.dataDir().resolve("audit/audit.jsonl")))
                    .contains("\"action\":\"device-paired\"")
                    .contains("\"user\":\"nurse.kim\"")
                    .doesNotContain("Dattelpflaume", "Dorothea", "1952-04-17");
            assertThat(Files.readString(dir.resolve("gateway.log")))
                    .doesNotContain("Dattelpflaume", "Dorothea")
                    .doesNotContain("1952-04-17", "19520417")
                    .doesNotContain(mrn);
        }
    }

    @Test
    void aPairedPumpStaysWithItsPatientWhenSheIsTransferredAndTheRackStaysBehind() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gatewayId = "travel-pump-" + run + "-gw";
        String rackName = "travel-pump-" + run + "-rack";
        String travelling = "36248"; // the simulated rack's pump 1-1, infusing from the start
        FhirServer fhir = Sandbox.server();
        String patientId = "travel-pump-" + run + "-emma";
        String mrn = "P" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 1_000_000_000L);
        fhir.createPatient(patientId, SYSTEM, mrn, "Erdbeerfeld", "Emma", "1961-08-09");
        Path users = dir.resolve("users");
        Files.createFile(users, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                users, UsersFile.line("nurse.kim", "travel-clinician-pw".toCharArray(), Set.of("clinician")) + "\n");
        try (SpaceComSimulator rack = SpaceComSimulator.builder(rackName)
                .portDirectory(dir.resolve("serial"))
                .transport(SpaceComSimulator.Transport.TCP)
                .build()) {
            rack.start();
            Await.until(
                    "the rack's port and its thread",
                    Duration.ofSeconds(10),
                    () -> Files.exists(rack.portPath()) && rack.isRunning());
            try (GatewayProcess gateway = GatewayProcess.start(dir, """
                    gateway:
                      id: %s
                      data-dir: %s
                      devices:
                        %s:
                          driver: bbraun-bcc
                          port: %s
                          idle-timeout: 5s
                          reconnect-max-delay: 1s
                          options:
                            interval: 1s
                            timeout: 2s
                      beds:
                        bed12:
                          location: %s
                          devices: [%s]
                        bed14:
                          location: %s
                      travelling:
                        pump-serials: ["%s"]
                      adt:
                        port: 0
                        assigning-authorities:
                          HOSP: %s
                      http:
                        users-file: %s
                      uplink:
                        base-url: %s
                        charting: every-reading
                        retry-max-delay: 2s
                        timeout: 10s
                    """.formatted(
                            gatewayId,
                            dir.resolve("data"),
                            rackName,
                            rack.endpoint(),
                            BED12,
                            rackName,
                            BED14,
                            travelling,
                            SYSTEM,
                            users,
                            fhir.base()))) {
                String url = "http://127.0.0.1:" + gateway.port();
                // In bed 12, the rack's bed: its other pumps are hers; the travelling one, unpaired, is nobody's.
                adt(gateway, "A01", mrn, BED12, null, "ADMIT-" + run);
                Await.until(
                        "her Observations of the rack's other pumps",
                        Duration.ofSeconds(60),
                        () -> ofChannel(fhir, patientId, "1-2", Instant.EPOCH) >= 4);
                Instant paired = Instant.now();
                HttpResponse<String> pair = post(
                        url,
                        "/api/bedside/pair",
                        "{\"device\":\"" + travelling + "\",\"mrn\":\"" + mrn + "\"}",
                        CLINICIAN,
                        true);
                assertThat(pair.statusCode()).as(pair.body()).isEqualTo(200);
                Await.until(
                        "her Observations of the paired pump",
                        Duration.ofSeconds(60),
                        () -> ofChannel(fhir, patientId, "1-1", Instant.EPOCH) >= 4);
                assertThat(fhir.observations(patientId).stream()
                                .filter(o -> channel(o, "1-1"))
                                .map(BedsideConfirmationIT::effective))
                        .as("nothing of the travelling pump before the pairing")
                        .allSatisfy(t -> assertThat(t).isAfterOrEqualTo(paired.minusSeconds(1)));

                // Transferred to bed 14; the rack stays at bed 12, now empty: the paired pump is still hers, the
                // others nobody's.
                Instant transferred = adt(gateway, "A02", mrn, BED14, BED12, "TRANSFER-" + run);
                Instant after = transferred.plusSeconds(1);
                Await.until(
                        "her Observations of the paired pump after the transfer",
                        Duration.ofSeconds(60),
                        () -> ofChannel(fhir, patientId, "1-1", after) >= 4);
                assertThat(ofChannel(fhir, patientId, "1-2", after) + ofChannel(fhir, patientId, "1-3", after))
                        .as("the pumps that stay in the rack are not hers after she left the bed")
                        .isZero();
                JsonNode t = JSON.readTree(gateway.get("/api/status"))
                        .get("travelling")
                        .get(0);
                assertThat(t.get("label").asText()).isEqualTo(travelling);
                assertThat(t.get("state").asText()).isEqualTo("PAIRED");
                assertThat(t.get("standsIn").asText()).startsWith("rack " + rackName + ", bed bed12");
            }
        }
    }

    private static boolean channel(org.hl7.fhir.r4.model.Observation o, String channel) {
        return o.getIdentifierFirstRep().getValue().contains("/infusion:" + channel + "/");
    }

    private static long ofChannel(FhirServer fhir, String patient, String channel, Instant since) {
        try {
            return fhir.observations(patient).stream()
                    .filter(o -> channel(o, channel) && !effective(o).isBefore(since))
                    .count();
        } catch (Exception e) {
            return 0;
        }
    }

    private static String config(Scene scene, Path users) {
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
                    bed14:
                      location: %s
                  travelling:
                    devices: [%s]
                  adt:
                    port: 0
                    assigning-authorities:
                      HOSP: %s
                  http:
                    users-file: %s
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
                        BED12,
                        scene.device(),
                        BED14,
                        scene.device(),
                        SYSTEM,
                        users,
                        scene.fhir.base());
    }

    /** Sends one ADT message with HAPI's client (the {@code bedside adt} tool); returns when it was acknowledged. */
    private static Instant adt(
            GatewayProcess gateway, String trigger, String mrn, String bed, @Nullable String prior, String controlId)
            throws Exception {
        Matcher m = Pattern.compile("\"listen\":\"mllp://([^\"]+)\"").matcher(gateway.get("/api/status"));
        assertThat(m.find()).as("the ADT listener in the status").isTrue();
        List<String> args = new ArrayList<>(List.of(
                trigger,
                "--to",
                m.group(1),
                "--mrn",
                mrn,
                "--aa",
                "HOSP",
                "--bed",
                bed,
                "--family",
                "Dattelpflaume",
                "--given",
                "Dorothea",
                "--control-id",
                controlId));
        if (prior != null) {
            args.addAll(List.of("--prior", prior));
        }
        Instant sent = Instant.now();
        assertThat(AdtCommand.run(args, System.out, System.err))
                .as(trigger + " acknowledged AA")
                .isZero();
        return sent;
    }

    private static JsonNode traveller(Scene scene) throws Exception {
        JsonNode all = JSON.readTree(scene.gateway.get("/api/status")).get("travelling");
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static long after(Scene scene, String patient, Instant since) {
        try {
            return scene.fhir.observations(patient).stream()
                    .filter(o -> !effective(o).isBefore(since))
                    .count();
        } catch (Exception e) {
            return 0;
        }
    }
}
