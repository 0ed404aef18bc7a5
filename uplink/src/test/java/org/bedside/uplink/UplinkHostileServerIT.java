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
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.bedside.sandbox.FhirSandboxProcess;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uplink behind a hostile network, in front of the real FHIR server: 503s, a 429 with Retry-After, a request that
 * never gets an answer, a slow one, a reset after the server committed, a transaction failed as a whole — and a device
 * whose Observations the server refuses one by one. Nothing lost, nothing duplicated (counted on the server), the
 * refused ones in the dead-letter store with the server's reason, retried once the cause is fixed.
 */
class UplinkHostileServerIT {
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final DeviceId GOOD = DeviceId.of("bed5-spo2");
    private static final DeviceId ORPHAN = DeviceId.of("bed6-spo2");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static FhirSandboxProcess sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path sandboxDir) throws Exception {
        sandbox = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(sandboxDir));
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static void createPatient(String id) throws Exception {
        Patient p = new Patient();
        p.setId(id);
        p.addName().setFamily("Test");
        HTTP.send(
                HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Patient/" + id))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(p)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every identifier of the patient's Observations, following the server's paging. */
    private static List<String> identifiers(String patient) throws Exception {
        List<String> ids = new ArrayList<>();
        String next = sandbox.baseUrl() + "/Observation?_count=50&subject="
                + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8);
        while (next != null) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(next))
                            .header("Cache-Control", "no-cache")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Bundle page = JSON.parseResource(Bundle.class, r.body());
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                ids.add(((Observation) e.getResource()).getIdentifierFirstRep().getValue());
            }
            next = page.getLink("next") == null ? null : page.getLink("next").getUrl();
        }
        return ids;
    }

    @Test
    void losesNothingDuplicatesNothingAndDeadLettersOnlyWhatTheServerRefusesOneByOne() throws Exception {
        createPatient("hostile-good");
        try (FaultProxy proxy = new FaultProxy(sandbox.baseUrl());
                ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            List<String> expectedGood = new ArrayList<>();
            for (int i = 0; i < 70; i++) {
                // every 7th reading is from the bed whose patient the server does not know
                DeviceId device = i % 7 == 3 ? ORPHAN : GOOD;
                Instant t = T0.plusSeconds(i);
                NumericReading r = new NumericReading(
                        device, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, t, t);
                store.append(List.of(r));
                if (device.equals(GOOD)) {
                    expectedGood.add("hostile-gw/" + r.key());
                }
            }
            proxy.enqueue(
                    new FaultProxy.Status(503, 0),
                    new FaultProxy.Status(503, 0),
                    new FaultProxy.Status(429, 2),
                    new FaultProxy.Hang(Duration.ofSeconds(3)),
                    new FaultProxy.Slow(Duration.ofMillis(500)),
                    new FaultProxy.ResetAfterForward(),
                    new FaultProxy.Status(500, 0));
            UplinkSettings settings = new UplinkSettings(
                    URI.create(proxy.baseUrl()),
                    "hostile-gw",
                    Duration.ZERO,
                    20,
                    Duration.ofSeconds(2),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    Duration.ofMinutes(2),
                    UplinkSettings.DEFAULT_IDENTIFIER_SYSTEM);
            Map<DeviceId, DeviceContext> devices = Map.of(
                    GOOD, new DeviceContext(GOOD, "Bed 5", "Masimo", "Pulse oximeter", "Patient/hostile-good"),
                    ORPHAN, new DeviceContext(ORPHAN, "Bed 6", "Masimo", "Pulse oximeter", "Patient/hostile-orphan"));
            DeadLetterStore deadLetters = new DeadLetterStore(dir.resolve("dead-letters"));
            try (UplinkWorker worker =
                    new UplinkWorker(settings, store, devices, deadLetters, InstantSource.system())) {
                worker.start();
                Await.until("everything charted or dead-lettered", Duration.ofSeconds(120), () -> {
                    try {
                        return store.pendingRecords(UplinkWorker.CURSOR) == 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertThat(worker.status().retries())
                        .as("503, 503, 429, hang, reset, 500")
                        .isGreaterThanOrEqualTo(6);
                assertThat(worker.status().deadLettered()).isEqualTo(10);

                // Retry-After honoured: nothing was sent in the 2 s after the 429
                List<Instant> posts = proxy.posts();
                assertThat(Duration.between(posts.get(2), posts.get(3))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));

                List<String> onServer = identifiers("hostile-good");
                assertThat(onServer).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedGood);

                List<DeadLetterStore.DeadLetter> letters = deadLetters.list();
                assertThat(letters).hasSize(10).allSatisfy(d -> {
                    assertThat(d.device()).isEqualTo("bed6-spo2");
                    assertThat(d.status()).isBetween(400, 499);
                    assertThat(d.reason()).contains("hostile-orphan");
                });

                // The cause is fixed on the server: the dead letters go through.
                createPatient("hostile-orphan");
                for (DeadLetterStore.DeadLetter d : letters) {
                    assertThat(worker.retryDeadLetter(d.id())).startsWith("accepted");
                }
                assertThat(deadLetters.list()).isEmpty();
                assertThat(identifiers("hostile-orphan")).hasSize(10).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void aRedirectIsAConfigurationProblemRetriedNeverARefusalBisectedIntoDeadLetters() throws Exception {
        createPatient("redirected");
        try (FaultProxy proxy = new FaultProxy(sandbox.baseUrl());
                ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Instant t = T0.plusSeconds(i);
                NumericReading r = new NumericReading(
                        GOOD, Metrics.SPO2, BigDecimal.valueOf(95), UcumUnit.PERCENT, Quality.VALID, t, t);
                store.append(List.of(r));
                expected.add("redirect-gw/" + r.key());
            }
            String elsewhere = "https://fhir.elsewhere.example/fhir";
            proxy.enqueue(
                    new FaultProxy.Redirect(301, elsewhere),
                    new FaultProxy.Redirect(308, elsewhere),
                    new FaultProxy.Redirect(302, elsewhere));
            UplinkSettings settings = new UplinkSettings(
                    URI.create(proxy.baseUrl()),
                    "redirect-gw",
                    Duration.ZERO,
                    20,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1),
                    Duration.ofMinutes(2),
                    UplinkSettings.DEFAULT_IDENTIFIER_SYSTEM);
            DeadLetterStore deadLetters = new DeadLetterStore(dir.resolve("dead-letters"));
            Map<DeviceId, DeviceContext> devices =
                    Map.of(GOOD, new DeviceContext(GOOD, "Bed 5", "Masimo", "Pulse oximeter", "Patient/redirected"));
            try (UplinkWorker worker =
                    new UplinkWorker(settings, store, devices, deadLetters, InstantSource.system())) {
                worker.start();
                Await.until(
                        "the redirect named in the state",
                        Duration.ofSeconds(60),
                        () -> worker.status().state() == UplinkStatus.State.MISCONFIGURED);
                assertThat(worker.status().detail())
                        .contains("HTTP 301")
                        .contains(elsewhere)
                        .contains("gateway.uplink.base-url");
                Await.until("everything charted", Duration.ofSeconds(120), () -> {
                    try {
                        return store.pendingRecords(UplinkWorker.CURSOR) == 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertThat(worker.status().state()).isEqualTo(UplinkStatus.State.ONLINE);
                assertThat(worker.status().deadLettered()).isZero();
                assertThat(deadLetters.list()).isEmpty();
                // one POST per redirect, then the Bundle went through whole: nothing was bisected
                assertThat(proxy.posts()).hasSize(4);
                assertThat(proxy.forwarded()).isEqualTo(1);
            }
            assertThat(identifiers("redirected")).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
