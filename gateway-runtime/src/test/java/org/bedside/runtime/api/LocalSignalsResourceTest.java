package org.bedside.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bedside.drivers.testing.Await;
import org.bedside.runtime.security.UsersFile;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The whole gateway (Quarkus, its HTTP security, the signal thread) with local signals on Pi4J's mock platform
 * ({@code MockGpioChips}): a buzzer and a lamp for a device link that is lost (an oximeter on a port that does not
 * exist), and an audio pause. The lamp test and the audio pause asked for over HTTP are refused without a clinician or
 * an operator, change the state {@code /api/alarms} shows when asked by one, and are audited with the user.
 */
@QuarkusTest
@TestProfile(LocalSignalsResourceTest.Box.class)
class LocalSignalsResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = directory();
    private static final String NURSE = "nurse rounds at seven";
    private static final String BIOMED = "correct horse battery";
    private static final String VISITOR = "just looking around";

    @TestHTTPResource("/")
    URI base;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One gateway with a users file (a clinician, an operator, a viewer) and the local signals. */
    public static class Box implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path users = DIR.resolve("users");
            try {
                if (!Files.exists(users)) {
                    Files.createFile(
                            users, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(
                            users,
                            UsersFile.line("nurse", NURSE.toCharArray(), Set.of("clinician")) + "\n"
                                    + UsersFile.line("biomed", BIOMED.toCharArray(), Set.of("operator")) + "\n"
                                    + UsersFile.line("visitor", VISITOR.toCharArray(), Set.of("viewer")) + "\n");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.ofEntries(
                    Map.entry("quarkus.http.test-port", "0"),
                    Map.entry("gateway.id", "signals-gw"),
                    Map.entry("gateway.data-dir", DIR.resolve("data").toString()),
                    Map.entry("gateway.uplink.base-url", "http://127.0.0.1:9/fhir"),
                    Map.entry("gateway.http.users-file", users.toString()),
                    Map.entry("gateway.devices.bed3-spo2.driver", "masimo-ascii"),
                    Map.entry(
                            "gateway.devices.bed3-spo2.port",
                            DIR.resolve("no-such-port").toString()),
                    Map.entry("gateway.alarms.local-signals.delay", "0s"),
                    Map.entry("gateway.alarms.local-signals.lamp-test", "3s"),
                    Map.entry("gateway.alarms.local-signals.outputs.buzzer.pin", "18"),
                    Map.entry("gateway.alarms.local-signals.outputs.buzzer.pattern", "beep"),
                    Map.entry("gateway.alarms.local-signals.outputs.link-led.pin", "23"),
                    Map.entry("gateway.alarms.local-signals.outputs.link-led.conditions", "device-link-lost"),
                    Map.entry("gateway.alarms.local-signals.audio-pause.pin", "17"),
                    Map.entry("gateway.alarms.local-signals.audio-pause.duration", "2m"),
                    Map.entry("gateway.alarms.local-signals.audio-pause.outputs", "buzzer"));
        }
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory("bedside-signals-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aLampTestAndAnAudioPauseAskedForByAClinicianOrAnOperatorChangeTheSignalsAndAreAudited() throws Exception {
        Await.until(
                "the signals driven, the start's lamp test over and the buzzer on for the lost link",
                Duration.ofSeconds(30),
                () -> {
                    JsonNode s = signals();
                    return s.path("state").asText().equals("DRIVEN")
                            && !s.path("lampTest").asBoolean()
                            && output(s, "buzzer").path("active").asBoolean();
                });
        JsonNode before = signals();
        assertThat(output(before, "buzzer").path("why").toString()).contains("device-link-lost");
        assertThat(before.path("audioPause").path("paused").asBoolean()).isFalse();

        // Refused: nobody signed in (401), a viewer (403), a clinician without the CSRF header (403).
        for (String path : List.of("audio-pause", "lamp-test")) {
            assertThat(post(path, null, true).statusCode())
                    .as(path + " anonymous")
                    .isEqualTo(401);
            HttpResponse<String> viewer = post(path, basic("visitor", VISITOR), true);
            assertThat(viewer.statusCode()).as(path + " by a viewer").isEqualTo(403);
            assertThat(viewer.headers().firstValue("X-Bedside-Refused"))
                    .hasValue("visitor has neither the role clinician nor operator");
            assertThat(post(path, basic("nurse", NURSE), false).statusCode())
                    .as(path + " without X-Requested-By")
                    .isEqualTo(403);
            assertThat(post(path, basic("nurse", "wrong"), true).statusCode()).isEqualTo(401);
        }
        JsonNode afterRefusals = signals();
        assertThat(afterRefusals.path("audioPause").path("paused").asBoolean()).isFalse();
        assertThat(afterRefusals.path("lampTest").asBoolean()).isFalse();
        assertThat(auditLines()).noneMatch(l -> l.contains("local-signals-audio-paused"));

        // The clinician pauses the buzzer: the lamp goes on showing the lost link.
        HttpResponse<String> paused = post("audio-pause", basic("nurse", NURSE), true);
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        JsonNode p = JSON.readTree(paused.body());
        assertThat(p.path("outcome").asText()).isEqualTo("audio-paused");
        assertThat(p.path("seconds").asLong()).isEqualTo(120);
        assertThat(p.path("silenced").toString()).isEqualTo("[\"buzzer\"]");
        assertThat(p.path("conditions").toString()).contains("device-link-lost");
        JsonNode during = signals();
        assertThat(during.path("audioPause").path("paused").asBoolean()).isTrue();
        assertThat(during.path("audioPause").path("conditions").toString()).contains("device-link-lost");
        assertThat(output(during, "buzzer").path("audioPaused").asBoolean()).isTrue();
        assertThat(output(during, "link-led").path("active").asBoolean()).isTrue();
        assertThat(output(during, "link-led").path("audioPaused").asBoolean()).isFalse();

        // The operator runs a lamp test: every output on, the pause still in force.
        HttpResponse<String> lamps = post("lamp-test", basic("biomed", BIOMED), true);
        assertThat(lamps.statusCode()).as(lamps.body()).isEqualTo(200);
        JsonNode l = JSON.readTree(lamps.body());
        assertThat(l.path("outcome").asText()).isEqualTo("lamp-test");
        assertThat(l.path("seconds").asLong()).isEqualTo(3);
        assertThat(l.path("outputs").toString()).isEqualTo("[\"buzzer\",\"link-led\"]");
        assertThat(l.path("localSignals").path("lampTest").asBoolean()).isTrue();
        Await.until(
                "the asked-for lamp test over",
                Duration.ofSeconds(30),
                () -> !signals().path("lampTest").asBoolean());
        assertThat(signals().path("audioPause").path("paused").asBoolean()).isTrue();

        List<String> audit = auditLines();
        assertThat(audit)
                .anySatisfy(line -> assertThat(line)
                        .contains("local-signals-audio-paused")
                        .contains("\"user\":\"nurse\"")
                        .contains("\"silenced\":\"buzzer\"")
                        .doesNotContain("button"));
        assertThat(audit)
                .anySatisfy(line -> assertThat(line)
                        .contains("local-signals-lamp-test")
                        .contains("\"user\":\"biomed\"")
                        .contains("\"seconds\":\"3\"")
                        .contains("\"outputs\":\"buzzer,link-led\""));
    }

    private JsonNode signals() {
        try {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(base.resolve("/api/alarms")).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).isEqualTo(200);
            return JSON.readTree(r.body()).path("localSignals");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode output(JsonNode signals, String name) {
        for (JsonNode o : signals.path("outputs")) {
            if (o.path("name").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("no output " + name + " in " + signals);
    }

    private HttpResponse<String> post(String what, @Nullable String authorization, boolean csrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/alarms/local-signals/" + what))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (csrf) {
            b.header("X-Requested-By", "bedside");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> auditLines() throws IOException {
        Path log = DIR.resolve("data/audit/audit.jsonl");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }
}
