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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
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
 * A day-long outage, compressed: a day of one bed's oximeter readings (a frame a minute, every reading charted: 4,320
 * Observations) waits in the buffer while the FHIR server cannot be reached. When the server returns, live readings go
 * on arriving; they must be charted while the backlog drains, the backlog must drain while they arrive, and at the end
 * each reading is on the real server exactly once, the late ones marked as back-filled.
 *
 * <p>The backlog and the live readings belong to two patients only so that the server can count each stream.
 */
class LongOutageIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static final DeviceId BACKLOG_DEVICE = DeviceId.of("bed3-spo2");
    private static final DeviceId LIVE_DEVICE = DeviceId.of("bed3-live-spo2");
    private static final int BACKLOG_FRAMES = 24 * 60;
    private static FhirSandboxProcess sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path sandboxDir) throws Exception {
        sandbox = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(sandboxDir));
        for (String id : List.of("outage-backlog", "outage-live")) {
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
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static List<Reading> frame(DeviceId device, Instant t, int i) {
        return List.of(
                new NumericReading(
                        device, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, t, t),
                new NumericReading(
                        device,
                        Metrics.PULSE_RATE_OXIMETRY,
                        BigDecimal.valueOf(60 + i % 30),
                        UcumUnit.PER_MINUTE,
                        Quality.VALID,
                        t,
                        t),
                new NumericReading(
                        device, Metrics.PERFUSION_INDEX, new BigDecimal("2.5"), UcumUnit.PERCENT, Quality.VALID, t, t));
    }

    @Test
    void liveReadingsAreChartedWhileADayOfBacklogDrainsAndEverythingArrivesOnce() throws Exception {
        Set<String> expectedBacklog = new HashSet<>();
        Set<String> expectedLive = java.util.concurrent.ConcurrentHashMap.newKeySet();
        UplinkSettings settings = UplinkSettings.defaults(URI.create("http://placeholder"), "outage-gw")
                .withChartingInterval(Duration.ZERO);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                FaultProxy proxy = new FaultProxy(sandbox.baseUrl())) {
            // The day the server could not be reached: received from 24 h 10 min ago to 10 min ago.
            Instant start = Instant.now().minus(Duration.ofHours(24).plusMinutes(10));
            for (int i = 0; i < BACKLOG_FRAMES; i++) {
                List<Reading> f = frame(BACKLOG_DEVICE, start.plus(Duration.ofMinutes(i)), i);
                store.append(f);
                f.forEach(r -> expectedBacklog.add("outage-gw/" + r.key()));
            }
            // Still unreachable when the uplink starts: two refusals, then the server is back.
            proxy.enqueue(new FaultProxy.Status(503, 1), new FaultProxy.Status(503, 1));
            Map<DeviceId, DeviceContext> devices = Map.of(
                    BACKLOG_DEVICE,
                    new DeviceContext(
                            BACKLOG_DEVICE, "Bed 3 oximeter", "Masimo", "Pulse oximeter", "Patient/outage-backlog"),
                    LIVE_DEVICE,
                    new DeviceContext(
                            LIVE_DEVICE, "Bed 3 oximeter", "Masimo", "Pulse oximeter", "Patient/outage-live"));
            try (UplinkWorker worker = new UplinkWorker(
                    new UplinkSettings(
                            URI.create(proxy.baseUrl()),
                            settings.gatewayId(),
                            settings.chartingInterval(),
                            settings.maxBundleEntries(),
                            settings.requestTimeout(),
                            settings.retryInitialDelay(),
                            settings.retryMaxDelay(),
                            settings.maxClockSkew(),
                            settings.identifierSystem()),
                    store,
                    devices,
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    InstantSource.system())) {
                worker.start();
                Await.until(
                        "the uplink meets the outage",
                        Duration.ofSeconds(30),
                        () -> worker.status().state() == UplinkStatus.State.RETRYING);

                // Live readings, five frames a second, from now until the end of the drain.
                AtomicInteger liveFrames = new AtomicInteger();
                Thread live = new Thread(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            List<Reading> f = frame(LIVE_DEVICE, Instant.now(), liveFrames.get());
                            store.append(f);
                            f.forEach(r -> expectedLive.add("outage-gw/" + r.key()));
                            liveFrames.incrementAndGet();
                            worker.wake();
                            Thread.sleep(200);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                live.start();
                try {
                    Await.until(
                            "the whole day is charted while live readings go on arriving",
                            Duration.ofMinutes(5),
                            () -> count("outage-backlog", "") == 3 * BACKLOG_FRAMES);
                    assertThat(live.isAlive()).isTrue();
                } finally {
                    live.interrupt();
                    live.join();
                }
                Await.until("everything charted", Duration.ofSeconds(120), () -> pending(store) == 0);
                assertThat(worker.status().deadLettered()).isZero();
                assertThat(worker.status().backfilled()).isEqualTo(3 * BACKLOG_FRAMES);
            }

            // Live readings were charted during the drain, not after it: many carry an earlier server time than the
            // backlog's last Observation.
            Instant backlogDone = lastUpdated("outage-backlog");
            int liveDuringDrain = count("outage-live", "&_lastUpdated=lt" + backlogDone);
            assertThat(liveDuringDrain)
                    .as("live Observations charted before the backlog's last")
                    .isGreaterThan(30);
        }

        List<Observation> backlog = observations("outage-backlog");
        List<Observation> live = observations("outage-live");
        assertThat(backlog)
                .extracting(o -> o.getIdentifierFirstRep().getValue())
                .containsExactlyInAnyOrderElementsOf(expectedBacklog);
        assertThat(live)
                .extracting(o -> o.getIdentifierFirstRep().getValue())
                .containsExactlyInAnyOrderElementsOf(expectedLive);
        assertThat(backlog).as("every back-filled Observation is tagged").allMatch(LongOutageIT::taggedBackfilled);
        assertThat(live).as("live Observations are not").noneMatch(LongOutageIT::taggedBackfilled);
    }

    private static boolean taggedBackfilled(Observation o) {
        return o.getMeta().getTag(ObservationMapper.UPLOAD_TAG_SYSTEM, ObservationMapper.BACKFILLED) != null;
    }

    private static String search(String patient) {
        return sandbox.baseUrl() + "/Observation?subject="
                + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8);
    }

    private static Bundle get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Cache-Control", "no-cache")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.parseResource(Bundle.class, r.body());
    }

    /** Counted by the server. */
    private static int count(String patient, String more) {
        try {
            return get(search(patient) + "&_summary=count" + more).getTotal();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Instant lastUpdated(String patient) throws Exception {
        Bundle b = get(search(patient) + "&_sort=-_lastUpdated&_count=1");
        return b.getEntryFirstRep().getResource().getMeta().getLastUpdated().toInstant();
    }

    /** Every Observation of the patient, following the server's paging. */
    private static List<Observation> observations(String patient) throws Exception {
        List<Observation> all = new ArrayList<>();
        String next = search(patient) + "&_count=500";
        while (next != null) {
            Bundle page = get(next);
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                all.add((Observation) e.getResource());
            }
            next = page.getLink("next") == null ? null : page.getLink("next").getUrl();
        }
        return all;
    }

    private static long pending(ReadingStore store) {
        try {
            return store.pendingRecords(UplinkWorker.CURSOR);
        } catch (Exception e) {
            return -1;
        }
    }
}
