package org.bedside.runtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.replay.Replay;
import org.bedside.drivers.testing.Await;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Reading;
import org.bedside.runtime.capture.CaptureCommand;
import org.bedside.runtime.security.UsersFile;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.medibus.MedibusSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bedside capture} through the packaged gateway, with two simulated devices on real pseudo-terminals: a Dräger
 * ventilator the gateway polls over Medibus (so that the capture has writes as well as reads) and a fast Masimo
 * oximeter (to reach the size cap in seconds). The capture replays to exactly the readings the gateway stored meanwhile,
 * the file is private, the cap stops a capture, and an unknown device is refused by name.
 */
class CaptureIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CAP = 16 * 1024;
    /** A capture changes the gateway's state: it needs an operator (docs/security.md). */
    private static final String OPERATOR = "biomed:capture-operator-pw";

    private static final String VIEWER = "nurse:capture-viewer-pw";

    @TempDir
    Path dir;

    @Test
    void aCaptureThroughTheRunningGatewayReplaysToTheReadingsItStoredAndTheCapStopsOne() throws Exception {
        try (MedibusSimulator vent = MedibusSimulator.builder("cap-vent", Scenarios.parse("desaturation"))
                        .portDirectory(dir.resolve("serial"))
                        .build();
                MasimoSimulator oximeter = MasimoSimulator.builder("cap-spo2", Scenarios.parse("steady"))
                        .period(Duration.ofMillis(20))
                        .portDirectory(dir.resolve("serial"))
                        .build()) {
            vent.start();
            oximeter.start();
            Path users = dir.resolve("users");
            Files.createFile(users, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    users,
                    UsersFile.line("biomed", "capture-operator-pw".toCharArray(), Set.of("operator")) + "\n"
                            + UsersFile.line("nurse", "capture-viewer-pw".toCharArray(), Set.of("viewer")) + "\n");
            GatewayProcess gateway = GatewayProcess.start(dir, config(vent.portPath(), oximeter.portPath(), users));
            try {
                String url = "http://127.0.0.1:" + gateway.port();
                Await.until(
                        "the gateway polls the ventilator",
                        Duration.ofSeconds(60),
                        () -> String.valueOf(gateway.get("/api/status")).contains("open, polling every 1 s"));

                // A device the gateway does not have: refused, naming it and the devices it has.
                Ran unknown = capture("no-such-bed", "--seconds", "5", "--gateway", url, "--user", OPERATOR);
                assertThat(unknown.exit()).isEqualTo(1);
                assertThat(unknown.out())
                        .contains("no device 'no-such-bed' in this gateway; its devices: cap-spo2, cap-vent");

                // Without an operator, no capture: nobody, and a viewer, are refused and told what is needed.
                Ran anonymous = capture("cap-spo2", "--seconds", "5", "--gateway", url, "--user", "biomed:wrong");
                assertThat(anonymous.exit()).isEqualTo(1);
                assertThat(anonymous.out()).contains("a capture needs an operator of gateway.http.users-file");
                Ran viewer = capture("cap-spo2", "--seconds", "5", "--gateway", url, "--user", VIEWER);
                assertThat(viewer.exit()).isEqualTo(1);
                assertThat(viewer.out()).contains("nurse has not the role operator");

                // The oximeter for up to two minutes, into a 16 KiB cap that it fills in a few seconds.
                JsonNode capped = post(url + "/api/captures", "{\"device\":\"cap-spo2\",\"seconds\":120}");
                String cappedId = capped.get("id").asText();

                // The ventilator for 4 s, with the command as a biomed runs it.
                CompletableFuture<Ran> ventCapture = CompletableFuture.supplyAsync(
                        () -> capture("cap-vent", "--seconds", "4", "--gateway", url, "--user", OPERATOR));
                Await.until(
                        "the status (JSON and page) says that the ventilator is being captured",
                        Duration.ofSeconds(10),
                        () -> String.valueOf(gateway.get("/api/status")).matches("(?s).*\"captures\":\\[.*cap-vent.*")
                                && String.valueOf(gateway.get("/"))
                                        .contains("Recording a capture of cap-vent for the developers"));
                Ran ran = ventCapture.get(60, TimeUnit.SECONDS);
                assertThat(ran.exit()).as(ran.out()).isZero();
                assertThat(ran.out())
                        .contains(
                                "the file holds patient data",
                                "mode 0600",
                                "capture ended: the 4 s asked for are over");
                List<String> lines = ran.out().lines().toList();
                Path file = Path.of(lines.get(lines.size() - 1));
                assertThat(file.getParent()).isEqualTo(dir.resolve("data/captures"));
                assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(Files.getPosixFilePermissions(file.getParent()))
                        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

                JsonNode cappedEnd = awaitEnded(url + "/api/captures/" + cappedId);
                assertThat(cappedEnd.get("state").asText()).isEqualTo("FINISHED");
                assertThat(cappedEnd.get("stopReason").asText())
                        .isEqualTo("size cap of 16384 bytes reached (gateway.capture.max-size: 16 KiB)");
                Path cappedFile = Path.of(cappedEnd.get("file").asText());
                assertThat(Files.size(cappedFile)).isBetween(CAP - 200L, (long) CAP);
                assertThat(Files.getPosixFilePermissions(cappedFile))
                        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(replay(cappedFile))
                        .as("the capped capture decodes too")
                        .anyMatch(l -> l.startsWith("{\"kind\":\"numeric\",\"mdc\":150456,"));
                assertThat(gateway.get("/api/status")).contains("\"captures\":[]");

                gateway.stop();

                List<String> replayed = replay(file);
                List<String> written = replayed.stream()
                        .filter(l -> l.startsWith("{\"kind\":\"written\""))
                        .toList();
                assertThat(written)
                        .as("the gateway's Medibus requests, with their direction")
                        .isNotEmpty()
                        .allMatch(l -> l.matches(
                                "\\{\"kind\":\"written\",\"at\":\"[^\"]+\",\"length\":\\d+,\"hex\":\"[0-9a-f]+\"}"))
                        .as("a Medibus request starts with ESC")
                        .anyMatch(l -> l.contains("\"hex\":\"1b"));
                List<String> readings = replayed.stream()
                        .filter(l -> !l.startsWith("{\"kind\":\"written\"")
                                && !l.startsWith("{\"kind\":\"link\"")
                                && !l.startsWith("{\"kind\":\"failure\""))
                        .toList();
                assertThat(readings).as("readings replayed from the capture").hasSizeGreaterThan(5);
                List<String> stored = stored("cap-vent");
                assertThat(Collections.indexOfSubList(stored, readings))
                        .as("the replayed readings are, in order, a stretch of those the gateway stored")
                        .isNotNegative();
                Set<String> sentSpo2 = new HashSet<>();
                vent.emittedFrames()
                        .forEach(f ->
                                sentSpo2.add(String.valueOf(f.values().vitals().spo2())));
                List<String> replayedSpo2 = readings.stream()
                        .filter(l -> l.startsWith("{\"kind\":\"numeric\",\"mdc\":150456,"))
                        .map(l -> parse(l).get("value").asText())
                        .toList();
                assertThat(replayedSpo2).isNotEmpty();
                assertThat(sentSpo2)
                        .as("every SpO2 replayed is one the ventilator sent")
                        .containsAll(replayedSpo2);
            } finally {
                gateway.close();
            }
        }
    }

    private record Ran(int exit, String out) {}

    private static Ran capture(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = CaptureCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                Duration.ofMillis(200),
                new AtomicReference<>());
        return new Ran(exit, out.toString(StandardCharsets.UTF_8));
    }

    private static List<String> replay(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Replay.run(
                new String[] {file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** What the device's pipeline stored, as replay prints it: decoded readings, not the pipeline's link statuses. */
    private List<String> stored(String device) throws Exception {
        List<String> out = new ArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("data/buffer"))) {
            for (StoredRecord r : store.readAll()) {
                for (Reading reading : r.readings()) {
                    boolean linkStatus = reading instanceof DeviceStatus s
                            && (s.code() == DeviceStatus.Code.CONNECTED
                                    || s.code() == DeviceStatus.Code.DISCONNECTED
                                    || s.code() == DeviceStatus.Code.NO_DATA);
                    if (reading.device().value().equals(device) && !linkStatus && !(reading instanceof AlertReport)) {
                        out.add(Replay.json(reading));
                    }
                }
            }
        }
        return out;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static JsonNode post(String url, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("X-Requested-By", "CaptureIT")
                        .header(
                                "Authorization",
                                "Basic "
                                        + java.util.Base64.getEncoder()
                                                .encodeToString(OPERATOR.getBytes(StandardCharsets.UTF_8)))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return parse(r.body());
    }

    private static JsonNode awaitEnded(String url) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until("the capture ended", Duration.ofSeconds(60), () -> {
            try {
                JsonNode n = parse(
                        HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                                .body());
                last.set(n);
                return !n.get("state").asText().equals("RUNNING");
            } catch (Exception e) {
                return false;
            }
        });
        return last.get();
    }

    private String config(Path vent, Path oximeter, Path users) {
        return """
                gateway:
                  id: capture-gw
                  bed: ICU bed 14
                  patient: Patient/capture-patient
                  data-dir: %s
                  devices:
                    cap-vent:
                      driver: medibus
                      port: %s
                      options:
                        interval: 1s
                      reconnect-max-delay: 1s
                    cap-spo2:
                      driver: masimo-ascii
                      port: %s
                      reconnect-max-delay: 1s
                  capture:
                    max-size: 16KiB
                  http:
                    users-file: %s
                  uplink:
                    # Nothing listens there: the capture needs no FHIR server.
                    base-url: http://127.0.0.1:9/fhir
                    retry-max-delay: 2s
                    timeout: 2s
                """.formatted(dir.resolve("data"), vent, oximeter, users);
    }
}
