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
            adt(scene, "A01", mrn, BED12, null, "ADMIT-" + run);
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
            Instant transferred = adt(scene, "A02", mrn, BED14, BED12, "TRANSFER-" + run);
            scene.gateway.kill();
            scene.gateway.restart();
            Await.until(
                    "her Observations after the transfer and the restart",
                    Duration.ofSeconds(90),
                    () -> after(scene, patientId, transferred) >= 4);
            assertThat(traveller(scene).get("state").asText()).isEqualTo("PAIRED");

            // Her discharge ends the pairing: the monitor's readings are nobody's again.
            Instant discharged = adt(scene, "A03", mrn, BED14, null, "DISCHARGE-" + run);
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
            Scene scene, String trigger, String mrn, String bed, @Nullable String prior, String controlId)
            throws Exception {
        Matcher m = Pattern.compile("\"listen\":\"mllp://([^\"]+)\"").matcher(scene.gateway.get("/api/status"));
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
