package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.runtime.security.UsersFile;
import org.hl7.fhir.r4.model.Observation;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At the bedside, end to end: the packaged gateway with a simulated oximeter at bed ICU^12^1 and no ADT message at
 * all, the sandbox knowing the patient by MRN, an interface engine (HAPI's MLLP listener) taking PCD-01 out. A
 * clinician looks the patient up (name and birth date shown to them only), confirms, and the bed's readings are charted
 * to that patient from then on; the readings taken before stay uncharted until the clinician releases them, which
 * survives a SIGKILL right after it was confirmed and then charts them to that patient on FHIR and PCD-01 out. Without
 * a user, as a viewer, the same requests are refused. No name, birth date or MRN in the gateway's log.
 */
class BedsideConfirmationIT {
    static final String SYSTEM = "urn:oid:2.999.1.12";
    static final String BED = "ICU^12^1";
    static final String CLINICIAN = "nurse.kim:bedside-clinician-pw";
    static final String VIEWER = "visitor:bedside-viewer-pw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter HL7_TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    @TempDir
    Path dir;

    @Test
    void aClinicianConfirmsThePatientAndReleasesTheReadingsTakenBefore() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Queue<String> engine = new ConcurrentLinkedQueue<>();
        try (Scene scene = new Scene("bedside-" + run, dir, "steady", Duration.ofMillis(500));
                MllpListener pcd01 = new MllpListener(
                                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                        .build(),
                                in -> {
                                    engine.add(in.text());
                                    return Decision.accept();
                                })
                        .start()) {
            String patientId = scene.name + "-carla";
            String mrn = "B" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 1_000_000_000L);
            scene.fhir.createPatient(patientId, SYSTEM, mrn, "Brombeerstrauch", "Carlotta", "1949-11-23");
            Path users = dir.resolve("users");
            Files.createFile(users, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    users,
                    UsersFile.line("nurse.kim", "bedside-clinician-pw".toCharArray(), Set.of("clinician")) + "\n"
                            + UsersFile.line("visitor", "bedside-viewer-pw".toCharArray(), Set.of("viewer"))
                            + "\n");
            Instant firstReadings = Instant.now();
            scene.simulator.start();
            scene.gateway = GatewayProcess.start(
                    dir, config(scene, users, pcd01.localAddress().getPort()));
            String url = "http://127.0.0.1:" + scene.gateway.port();

            // Readings of the bed without a patient: buffered, charted to nobody.
            Await.until("readings of the empty bed", Duration.ofSeconds(60), () -> notCharted(scene) >= 6);
            assertThat(scene.gateway.get("/bedside")).contains("Bed bed12").contains("MRN <input");
            String request = "{\"bed\":\"bed12\",\"mrn\":\"" + mrn + "\"}";

            // Refused without a clinician: no credentials, a viewer, a wrong password, no CSRF header.
            assertThat(post(url, "/api/bedside/lookup", request, null, true).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> viewer = post(url, "/api/bedside/lookup", request, VIEWER, true);
            assertThat(viewer.statusCode()).isEqualTo(403);
            assertThat(viewer.body()).doesNotContain("Brombeerstrauch");
            assertThat(post(url, "/api/bedside/confirm", request, "nurse.kim:wrong", true)
                            .statusCode())
                    .isEqualTo(401);
            assertThat(post(url, "/api/bedside/confirm", request, CLINICIAN, false)
                            .statusCode())
                    .isEqualTo(403);
            assertThat(post(url, "/api/bedside/lookup", "{\"bed\":\"bed12\",\"mrn\":\"X" + mrn + "\"}", CLINICIAN, true)
                            .statusCode())
                    .as("an MRN the server does not know")
                    .isEqualTo(404);
            assertThat(scene.gateway.get("/api/status")).contains("\"state\":\"NOT_ASSOCIATED\"");

            // The lookup shows the two identifiers to the clinician.
            HttpResponse<String> found = post(url, "/api/bedside/lookup", request, CLINICIAN, true);
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            JsonNode f = JSON.readTree(found.body());
            assertThat(f.get("name").asText()).isEqualTo("Carlotta Brombeerstrauch");
            assertThat(f.get("birthDate").asText()).isEqualTo("1949-11-23");
            assertThat(f.get("mrn").asText()).isEqualTo(mrn);

            Instant confirmed = Instant.now();
            HttpResponse<String> confirm = post(url, "/api/bedside/confirm", request, CLINICIAN, true);
            assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(200);
            assertThat(JSON.readTree(confirm.body()).get("outcome").asText()).isEqualTo("OPENED");
            Await.until(
                    "Observations of the confirmed patient",
                    Duration.ofSeconds(60),
                    () -> count(scene, patientId) >= 4);
            assertThat(scene.fhir.observations(patientId))
                    .allSatisfy(o -> assertThat(effective(o))
                            .as("nothing of before the confirmation, before a release")
                            .isAfterOrEqualTo(confirmed.minusSeconds(1)));

            JsonNode bed = bed12(scene);
            assertThat(bed.get("state").asText()).isEqualTo("ASSOCIATED");
            assertThat(bed.at("/patients/0/source").asText()).isEqualTo("bedside");
            assertThat(bed.at("/bedside/0/user").asText()).isEqualTo("nurse.kim");
            assertThat(bed.get("releasable").isObject())
                    .as("the status offers the held readings")
                    .isTrue();
            Instant since = Instant.parse(bed.at("/releasable/until").asText());
            String release = "{\"bed\":\"bed12\",\"mrn\":\"" + mrn + "\",\"from\":\"" + firstReadings.minusSeconds(60)
                    + "\",\"until\":\"" + since + "\"}";
            assertThat(post(url, "/api/bedside/release", release, VIEWER, true).statusCode())
                    .isEqualTo(403);
            assertThat(post(url, "/api/bedside/release", release, null, true).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> released = post(url, "/api/bedside/release", release, CLINICIAN, true);
            assertThat(released.statusCode()).as(released.body()).isEqualTo(201);
            // Killed right after the release was confirmed: it was durable before the answer.
            scene.gateway.kill();
            scene.gateway.restart();

            Await.until(
                    "the released readings charted to the patient",
                    Duration.ofSeconds(90),
                    () -> before(scene, patientId, since) >= 6);
            assertThat(scene.fhir.observations(patientId))
                    .allSatisfy(o -> assertThat(effective(o)).isAfterOrEqualTo(firstReadings.minusSeconds(60)));
            Await.until(
                    "the released readings sent as PCD-01 with the patient's MRN",
                    Duration.ofSeconds(60),
                    () -> engine.stream()
                                    .filter(m -> m.contains(mrn + "^^^HOSP^MR"))
                                    .map(BedsideConfirmationIT::observed)
                                    .filter(t -> t != null && t.isBefore(since))
                                    .count()
                            >= 6);
            assertThat(engine.stream()
                            .filter(m -> !m.contains(mrn + "^^^HOSP^MR"))
                            .filter(m -> m.contains("ORU^R01")))
                    .as("no PCD-01 message without the patient")
                    .isEmpty();
            assertThat(scene.fhir.countObservations(scene.patient()))
                    .as("the scene's own configured patient is not this bed's")
                    .isZero();

            String audit = Files.readString(scene.dataDir().resolve("audit/audit.jsonl"));
            assertThat(audit)
                    .contains("\"action\":\"bedside-confirmed\"")
                    .contains("\"action\":\"readings-released\"")
                    .contains("\"user\":\"nurse.kim\"")
                    .contains("\"source\":\"bedside\"")
                    .doesNotContain("Brombeerstrauch", "Carlotta", "1949-11-23");
            // No patient data in the ordinary log: not the name, the birth date nor the MRN.
            assertThat(Files.readString(dir.resolve("gateway.log")))
                    .doesNotContain("Brombeerstrauch", "Carlotta")
                    .doesNotContain("1949-11-23", "19491123")
                    .doesNotContain(mrn);
        }
    }

    private static String config(Scene scene, Path users, int engine) {
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
                    port: 0
                    assigning-authorities:
                      HOSP: %s
                  http:
                    users-file: %s
                  pcd01-out:
                    host: 127.0.0.1
                    port: %d
                    retry-max-delay: 2s
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
                        BED,
                        scene.device(),
                        SYSTEM,
                        users,
                        engine,
                        scene.fhir.base());
    }

    static HttpResponse<String> post(String url, String path, String body, @Nullable String user, boolean csrf)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (csrf) {
            b.header("X-Requested-By", "BedsideConfirmationIT");
        }
        if (user != null) {
            b.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode bed12(Scene scene) throws Exception {
        for (JsonNode b : JSON.readTree(scene.gateway.get("/api/status")).get("beds")) {
            if (b.get("name").asText().equals("bed12")) {
                return b;
            }
        }
        throw new AssertionError("no bed12 in the status");
    }

    static Instant effective(Observation o) {
        return o.getEffectiveDateTimeType().getValue().toInstant();
    }

    private static long before(Scene scene, String patient, Instant since) {
        try {
            List<Observation> all = scene.fhir.observations(patient);
            return all.stream().filter(o -> effective(o).isBefore(since)).count();
        } catch (Exception e) {
            return 0;
        }
    }

    /** OBR-7 of a PCD-01 message ({@code 20261122100000.0000+0000}), or null. */
    static @Nullable Instant observed(String message) {
        for (String segment : message.split("\r")) {
            if (segment.startsWith("OBR|")) {
                String[] fields = segment.split("\\|", -1);
                if (fields.length > 7 && fields[7].length() >= 14) {
                    String ts = fields[7];
                    LocalDateTime local = LocalDateTime.parse(ts.substring(0, 14), HL7_TS);
                    Matcher offset = Pattern.compile("([+-])(\\d\\d)(\\d\\d)$").matcher(ts);
                    ZoneOffset zone = offset.find()
                            ? ZoneOffset.ofHoursMinutes(
                                    Integer.parseInt(offset.group(1) + offset.group(2)),
                                    Integer.parseInt(offset.group(1) + offset.group(3)))
                            : ZoneOffset.UTC;
                    return local.toInstant(zone);
                }
            }
        }
        return null;
    }

    static long notCharted(Scene scene) {
        String s = scene.gateway.get("/api/status");
        if (s == null) {
            return 0;
        }
        Matcher m = Pattern.compile("\"no-patient\":(\\d+)").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static int count(Scene scene, String patient) {
        try {
            return scene.fhir.countObservations(patient);
        } catch (Exception e) {
            return 0;
        }
    }
}
