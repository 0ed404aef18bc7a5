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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bedside.buffer.ReadingStore;
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
 * The uplink against the real HAPI FHIR JPA server: per-minute charting, cursor commits that never pass a value still
 * to be charted, and replays (a restart, a lost cursor position) that create nothing twice. Counted on the server.
 */
class UplinkWorkerIT {
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final DeviceId DEVICE = DeviceId.of("bed7-spo2");
    private static FhirSandboxProcess sandbox;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();

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
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Patient/" + id))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(p)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isIn(200, 201);
    }

    private static List<Observation> observations(String patient) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Observation?_count=1000&subject="
                                + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8)))
                        .header("Cache-Control", "no-cache")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<Observation> out = new ArrayList<>();
        for (Bundle.BundleEntryComponent e :
                JSON.parseResource(Bundle.class, r.body()).getEntry()) {
            out.add((Observation) e.getResource());
        }
        return out;
    }

    /** Counted by the server ({@code _summary=count}): not limited by its page size. */
    private static int count(String patient) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Observation?_summary=count&subject="
                                    + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8)))
                            .header("Cache-Control", "no-cache")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.parseResource(Bundle.class, r.body()).getTotal();
        } catch (Exception e) {
            return -1;
        }
    }

    private UplinkSettings settings(String gateway, Duration interval) {
        return UplinkSettings.defaults(URI.create(sandbox.baseUrl()), gateway).withChartingInterval(interval);
    }

    private static Map<DeviceId, DeviceContext> devices(String patient) {
        return Map.of(
                DEVICE, new DeviceContext(DEVICE, "Bed 7 oximeter", "Masimo", "Pulse oximeter", "Patient/" + patient));
    }

    /** SpO2 every 10 s for five minutes; in each minute the 50 s reading is invalid, so the 40 s one must be charted. */
    private static void appendFiveMinutes(ReadingStore store) throws Exception {
        for (int s = 0; s < 300; s += 10) {
            Instant t = T0.plusSeconds(s);
            boolean invalid = s % 60 == 50;
            store.append(List.of(new NumericReading(
                    DEVICE,
                    Metrics.SPO2,
                    invalid ? null : BigDecimal.valueOf(90 + (s / 10) % 10),
                    UcumUnit.PERCENT,
                    invalid ? Quality.notAvailable("no value ('---')") : Quality.VALID,
                    t,
                    t.plusMillis(200))));
        }
    }

    @Test
    void chartsTheLatestValidValuePerMinuteAndNeverCommitsPastAValueStillToBeCharted() throws Exception {
        createPatient("uplink-minutes");
        AtomicReference<Instant> now = new AtomicReference<>(T0.plusSeconds(291));
        InstantSource clock = now::get;
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir)) {
            appendFiveMinutes(store);
            try (UplinkWorker worker = new UplinkWorker(
                    settings("uplink-it-1", Duration.ofMinutes(1)),
                    store,
                    devices("uplink-minutes"),
                    deadLetters(),
                    clock)) {
                worker.start();
                Await.until("four closed minutes charted", Duration.ofSeconds(60), () -> count("uplink-minutes") == 4);
                // Minute 4 is still open: the record of its latest valid value (280 s) and the invalid one after it
                // (290 s) stay uncommitted; everything before them is committed.
                Await.until("commit just behind the held value", Duration.ofSeconds(10), () -> pending(store) == 2);
                now.set(T0.plusSeconds(303)); // past the end of minute 4 plus the grace period
                Await.until("the last minute charted", Duration.ofSeconds(30), () -> count("uplink-minutes") == 5);
                Await.until("everything committed", Duration.ofSeconds(10), () -> pending(store) == 0);
                assertThat(worker.status().observationsCreated()).isEqualTo(5);
            }
            List<Observation> charted = observations("uplink-minutes");
            assertThat(charted)
                    .extracting(o -> o.getEffectiveDateTimeType().getValue().toInstant())
                    .containsExactlyInAnyOrder(
                            T0.plusSeconds(40),
                            T0.plusSeconds(100),
                            T0.plusSeconds(160),
                            T0.plusSeconds(220),
                            T0.plusSeconds(280));
            assertThat(charted).allSatisfy(o -> {
                long second =
                        o.getEffectiveDateTimeType().getValue().toInstant().getEpochSecond() - T0.getEpochSecond();
                assertThat(o.getValueQuantity().getValue())
                        .isEqualByComparingTo(BigDecimal.valueOf(90 + (second / 10) % 10));
            });

            // A restart on the same buffer sends nothing.
            try (UplinkWorker again = new UplinkWorker(
                    settings("uplink-it-1", Duration.ofMinutes(1)),
                    store,
                    devices("uplink-minutes"),
                    deadLetters(),
                    clock)) {
                again.start();
                Await.until("idle", Duration.ofSeconds(10), () -> again.status().state() == UplinkStatus.State.ONLINE);
                assertThat(again.status().bundlesAccepted()).isZero();
            }
            assertThat(count("uplink-minutes")).isEqualTo(5);
        }
    }

    @Test
    void aLostCursorPositionMakesAHarmlessReplay() throws Exception {
        createPatient("uplink-replay");
        InstantSource clock = InstantSource.fixed(T0.plusSeconds(400));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir)) {
            appendFiveMinutes(store);
            try (UplinkWorker worker = new UplinkWorker(
                    settings("uplink-it-2", Duration.ZERO), store, devices("uplink-replay"), deadLetters(), clock)) {
                worker.start();
                Await.until("all charted", Duration.ofSeconds(60), () -> pending(store) == 0);
                assertThat(worker.status().observationsCreated()).isEqualTo(30);
            }
        }
        // As after a power cut that lost the cursor file: the uplink starts again from the beginning.
        String generation = Files.readString(dir.resolve("CURRENT")).trim();
        Files.delete(dir.resolve(generation).resolve("cursors").resolve("uplink.position"));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir);
                UplinkWorker worker = new UplinkWorker(
                        settings("uplink-it-2", Duration.ZERO),
                        store,
                        devices("uplink-replay"),
                        deadLetters(),
                        clock)) {
            worker.start();
            Await.until("replayed", Duration.ofSeconds(60), () -> pending(store) == 0);
            assertThat(worker.status().observationsCreated()).isZero();
            assertThat(worker.status().observationsMatched()).isEqualTo(30);
        }
        List<Observation> charted = observations("uplink-replay");
        assertThat(charted).hasSize(30);
        assertThat(charted.stream().map(o -> o.getIdentifierFirstRep().getValue()))
                .doesNotHaveDuplicates();
        assertThat(charted.stream().filter(Observation::hasDataAbsentReason)).hasSize(5);
    }

    @Test
    void aBacklogIsSentInFullBundles() throws Exception {
        createPatient("uplink-full-bundles");
        // 170 oximeter frames of three charted readings: 510 Observations, which fill five Bundles of 100 and a sixth
        // of 10. A round that reads whole frames up to 100 Observations has 102; the tail of two waits for the next
        // round instead of going as a Bundle of its own.
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir)) {
            for (int s = 0; s < 170; s++) {
                Instant t = T0.plusSeconds(s);
                store.append(List.of(
                        new NumericReading(
                                DEVICE, Metrics.SPO2, BigDecimal.valueOf(95), UcumUnit.PERCENT, Quality.VALID, t, t),
                        new NumericReading(
                                DEVICE,
                                Metrics.PULSE_RATE_OXIMETRY,
                                BigDecimal.valueOf(70),
                                UcumUnit.PER_MINUTE,
                                Quality.VALID,
                                t,
                                t),
                        new NumericReading(
                                DEVICE,
                                Metrics.PERFUSION_INDEX,
                                new BigDecimal("2.1"),
                                UcumUnit.PERCENT,
                                Quality.VALID,
                                t,
                                t)));
            }
            try (UplinkWorker worker = new UplinkWorker(
                    settings("uplink-it-3", Duration.ZERO),
                    store,
                    devices("uplink-full-bundles"),
                    deadLetters(),
                    InstantSource.fixed(T0.plusSeconds(3600)))) {
                worker.start();
                Await.until("all charted", Duration.ofSeconds(120), () -> pending(store) == 0);
                assertThat(worker.status().observationsCreated()).isEqualTo(510);
                assertThat(worker.status().bundlesAccepted()).isEqualTo(6);
            }
        }
        assertThat(count("uplink-full-bundles")).isEqualTo(510);
    }

    private DeadLetterStore deadLetters() throws java.io.IOException {
        return new DeadLetterStore(dir.resolve("dead-letters"));
    }

    private static long pending(ReadingStore store) {
        try {
            return store.pendingRecords(UplinkWorker.CURSOR);
        } catch (Exception e) {
            return -1;
        }
    }
}
