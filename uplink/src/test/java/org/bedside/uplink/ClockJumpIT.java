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
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.ClockStamp;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
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
 * A box that boots with a wrong wall clock (a Raspberry Pi has none) and whose clock then jumps when NTP
 * synchronises: readings taken before are never charted with the wrong time. They wait, and are charted at the right
 * time, corrected from the monotonic clock, once the clock is trusted. Readings of an earlier boot whose clock never
 * became trusted are not charted. Injected clock; the real FHIR server.
 */
class ClockJumpIT {
    private static final DeviceId DEVICE = DeviceId.of("bed9-spo2");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static FhirSandboxProcess sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path sandboxDir) throws Exception {
        sandbox = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(sandboxDir));
        Patient p = new Patient();
        p.setId("clock-patient");
        p.addName().setFamily("Test");
        HTTP.send(
                HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Patient/clock-patient"))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(p)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static List<Instant> effectiveTimes() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Observation?_count=100&subject="
                                + URLEncoder.encode("Patient/clock-patient", StandardCharsets.UTF_8)))
                        .header("Cache-Control", "no-cache")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<Instant> out = new ArrayList<>();
        for (Bundle.BundleEntryComponent e :
                JSON.parseResource(Bundle.class, r.body()).getEntry()) {
            out.add(((Observation) e.getResource())
                    .getEffectiveDateTimeType()
                    .getValue()
                    .toInstant());
        }
        out.sort(null);
        return out;
    }

    @Test
    void readingsTakenBeforeTheClockWasTrustedAreChartedAtTheirRightTime() throws Exception {
        // The box's clocks: a wall clock that starts in 1970, a monotonic clock that never jumps.
        AtomicLong wallNanos =
                new AtomicLong(Instant.parse("1970-01-02T00:00:00Z").getEpochSecond() * 1_000_000_000L);
        AtomicLong monoNanos = new AtomicLong(1_000L * 1_000_000_000L);
        AtomicBoolean trusted = new AtomicBoolean(false);
        Map<String, Long> trustedOffsets = new ConcurrentHashMap<>();
        InstantSource wall = () -> Instant.ofEpochSecond(0, wallNanos.get());
        TrustedClock trustedClock = new TrustedClock() {
            @Override
            public OptionalLong trustedOffset(String bootId) {
                Long o = trustedOffsets.get(bootId);
                return o == null ? OptionalLong.empty() : OptionalLong.of(o);
            }

            @Override
            public String currentBoot() {
                return "boot-now";
            }
        };
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            // An earlier boot's readings, taken on a clock that never became trusted.
            store.checkClockWith(() -> new ClockStamp("boot-before", 42));
            for (int i = 0; i < 3; i++) {
                store.append(List.of(reading(wall.instant().minusSeconds(100 - i), 80)));
            }
            store.checkClockWith(
                    () -> trusted.get() ? null : new ClockStamp("boot-now", wallNanos.get() - monoNanos.get()));
            for (int i = 0; i < 20; i++) {
                store.append(List.of(reading(wall.instant(), 90 + i % 10)));
                wallNanos.addAndGet(1_000_000_000L);
                monoNanos.addAndGet(1_000_000_000L);
            }
            UplinkSettings settings = UplinkSettings.defaults(URI.create(sandbox.baseUrl()), "clock-gw")
                    .withChartingInterval(Duration.ZERO);
            Map<DeviceId, DeviceContext> devices = Map.of(
                    DEVICE, new DeviceContext(DEVICE, "Bed 9", "Masimo", "Pulse oximeter", "Patient/clock-patient"));
            try (UplinkWorker worker = new UplinkWorker(
                    settings, store, devices, new DeadLetterStore(dir.resolve("dead-letters")), wall, trustedClock)) {
                worker.start();
                Await.until(
                        "the uplink waits for the clock",
                        Duration.ofSeconds(30),
                        () -> worker.status().detail().contains("wait for the gateway's clock"));
                assertThat(effectiveTimes())
                        .as("nothing charted on an untrusted clock")
                        .isEmpty();
                assertThat(worker.status().notCharted()).containsEntry("clock-never-trusted", 3L);

                // NTP synchronises: the wall clock jumps to the true time, the monotonic clock goes on.
                Instant trueNow = Instant.parse("2026-11-22T10:00:20Z");
                wallNanos.set(trueNow.getEpochSecond() * 1_000_000_000L);
                trustedOffsets.put("boot-now", wallNanos.get() - monoNanos.get());
                trusted.set(true);
                for (int i = 0; i < 10; i++) {
                    store.append(List.of(reading(wall.instant(), 95)));
                    wallNanos.addAndGet(1_000_000_000L);
                    monoNanos.addAndGet(1_000_000_000L);
                }
                worker.wake();
                Await.until("all charted", Duration.ofSeconds(60), () -> {
                    try {
                        return effectiveTimes().size() == 30;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            List<Instant> times = effectiveTimes();
            assertThat(times).first().isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
            for (int i = 0; i < 30; i++) {
                assertThat(times.get(i))
                        .isEqualTo(Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i));
            }
        }
    }

    private static NumericReading reading(Instant receivedAt, int value) {
        return new NumericReading(
                DEVICE, Metrics.SPO2, BigDecimal.valueOf(value), UcumUnit.PERCENT, Quality.VALID, null, receivedAt);
    }
}
