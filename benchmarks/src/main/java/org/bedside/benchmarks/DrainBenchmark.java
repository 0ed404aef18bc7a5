package org.bedside.benchmarks;

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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.sim.sandbox.FhirSandboxProcess;
import org.bedside.uplink.DeadLetterStore;
import org.bedside.uplink.DeviceContext;
import org.bedside.uplink.UplinkSettings;
import org.bedside.uplink.UplinkWorker;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Backlog drain and latency against the sandbox HAPI FHIR JPA server, in one run (a benchmark command, not a test):
 *
 * <ol>
 *   <li>the server's own maximum ingest rate, measured by a bare loader (sequential transaction Bundles of 100
 *       conditional creates, built in memory, no buffer), before and after the gateway's drain;
 *   <li>the gateway draining a backlog from its buffer (every reading charted), as a share of that maximum;
 *   <li>one conditional POST per Observation, for comparison with Bundles;
 *   <li>latency from a reading's receipt to the server's 2xx, p50 and p99, online, and while a backlog drains.
 * </ol>
 *
 * Run: {@code ./bedside bench-drain [observations]} (default 6,000 per measurement).
 */
public final class DrainBenchmark {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static final String SYSTEM = "urn:bedside:observation";

    private DrainBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        Path work = Files.createTempDirectory("bedside-drain-bench");
        try (FhirSandboxProcess sandbox = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(work))) {
            String base = sandbox.baseUrl();
            createPatient(base, "bench-patient");
            System.out.printf("sandbox at %s; %d Observations per measurement%n", base, n);

            loader(base, "warm", 2000, 100); // the server's JIT and caches
            double loaderBefore = loader(base, "before", n, 100);
            double drain = drain(base, work.resolve("drain"), n / 3);
            double loaderAfter = loader(base, "after", n, 100);
            double single = loader(base, "single", Math.min(n, 1000), 1);
            double max = (loaderBefore + loaderAfter) / 2;

            Latency online = latency(base, work.resolve("online"), 0);
            Latency draining = latency(base, work.resolve("draining"), n / 3);

            System.out.println();
            System.out.println("| measurement | Observations/s |");
            System.out.println("|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| bare loader, Bundles of 100 (before / after the drain) | %.0f / %.0f |%n",
                    loaderBefore,
                    loaderAfter);
            System.out.printf(
                    Locale.ROOT,
                    "| gateway drain from its buffer, Bundles of 100 | %.0f (%.0f %% of the" + " loader's mean) |%n",
                    drain,
                    100 * drain / max);
            System.out.printf(
                    Locale.ROOT,
                    "| bare loader, one conditional POST each | %.0f (Bundles are %.1fx" + " faster) |%n",
                    single,
                    max / single);
            System.out.println();
            System.out.println("| latency, receipt to the server's 2xx | p50 | p99 | readings |");
            System.out.println("|---|---|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| online, every reading charted | %d ms | %d ms | %d |%n",
                    online.p50(),
                    online.p99(),
                    online.count());
            System.out.printf(
                    Locale.ROOT,
                    "| live readings while a backlog of %d drains | %d ms | %d ms | %d |%n",
                    n,
                    draining.p50(),
                    draining.p99(),
                    draining.count());
        }
    }

    private static void createPatient(String base, String id) throws Exception {
        Patient p = new Patient();
        p.setId(id);
        p.addName().setFamily("Bench");
        HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/Patient/" + id))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(p)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Observation observation(String id, int i) {
        Observation o = new Observation();
        o.addIdentifier().setSystem(SYSTEM).setValue(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
        o.setCode(new CodeableConcept()
                .addCoding(new Coding("http://loinc.org", "2708-6", null))
                .addCoding(new Coding("http://loinc.org", "59408-5", null))
                .addCoding(new Coding("urn:iso:std:iso:11073:10101", "150456", "MDC_PULS_OXIM_SAT_O2")));
        o.setSubject(new Reference("Patient/bench-patient"));
        o.setEffective(new DateTimeType(
                java.util.Date.from(Instant.parse("2026-11-22T00:00:00Z").plusSeconds(i))));
        o.setValue(new Quantity()
                .setValue(90 + i % 10)
                .setUnit("%")
                .setSystem("http://unitsofmeasure.org")
                .setCode("%"));
        return o;
    }

    /** Sequential uploads of {@code n} fresh Observations in Bundles of {@code size} (1: single POSTs). */
    private static double loader(String base, String run, int n, int size) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i += size) {
            HttpRequest request;
            if (size == 1) {
                String id = "loader-" + run + "-" + i;
                request = HttpRequest.newBuilder(URI.create(base + "/Observation"))
                        .header("Content-Type", "application/fhir+json")
                        .header("If-None-Exist", "identifier=" + enc(SYSTEM) + "|" + enc(id))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(observation(id, i))))
                        .build();
            } else {
                Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
                for (int k = i; k < Math.min(n, i + size); k++) {
                    String id = "loader-" + run + "-" + k;
                    b.addEntry()
                            .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
                            .setResource(observation(id, k))
                            .getRequest()
                            .setMethod(Bundle.HTTPVerb.POST)
                            .setUrl("Observation")
                            .setIfNoneExist("identifier=" + enc(SYSTEM) + "|" + enc(id));
                }
                request = HttpRequest.newBuilder(URI.create(base))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(b)))
                        .build();
            }
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("loader got HTTP " + r.statusCode() + ": " + r.body());
            }
        }
        double rate = n / ((System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "loader %s: %d Observations in Bundles of %d: %.0f/s%n", run, n, size, rate);
        return rate;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static List<Reading> frame(DeviceId device, Instant t, int i) {
        return List.of(
                new NumericReading(
                        device, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, t, t),
                new NumericReading(
                        device,
                        Metrics.PULSE_RATE_OXIMETRY,
                        BigDecimal.valueOf(60 + i % 40),
                        UcumUnit.PER_MINUTE,
                        Quality.VALID,
                        t,
                        t),
                new NumericReading(
                        device,
                        Metrics.PERFUSION_INDEX,
                        new BigDecimal("2.40"),
                        UcumUnit.PERCENT,
                        Quality.VALID,
                        t,
                        t));
    }

    private static UplinkWorker worker(
            String base, ChronicleReadingStore store, Path dir, String gateway, DeviceId device) throws Exception {
        UplinkSettings settings =
                UplinkSettings.defaults(URI.create(base), gateway).withChartingInterval(Duration.ZERO);
        return new UplinkWorker(
                settings,
                store,
                Map.of(device, new DeviceContext(device, "Bench", "Masimo", "Pulse oximeter", "Patient/bench-patient")),
                new DeadLetterStore(dir.resolve("dead-letters")),
                InstantSource.system());
    }

    /** A backlog of {@code frames} frames (3 Observations each) in the buffer, then the uplink drains it. */
    private static double drain(String base, Path dir, int frames) throws Exception {
        DeviceId device = DeviceId.of("drain-spo2");
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            Instant t0 = Instant.now().minus(Duration.ofHours(2));
            for (int i = 0; i < frames; i++) {
                store.append(frame(device, t0.plusMillis(i * 1000L), i));
            }
            AtomicInteger accepted = new AtomicInteger();
            try (UplinkWorker w = worker(base, store, dir, "drain", device)) {
                w.onAccepted(ids -> accepted.addAndGet(ids.size()));
                long start = System.nanoTime();
                w.start();
                while (accepted.get() < frames * 3) {
                    Thread.sleep(20);
                }
                double rate = frames * 3 / ((System.nanoTime() - start) / 1e9);
                System.out.printf(Locale.ROOT, "gateway drain: %d Observations: %.0f/s%n", frames * 3, rate);
                return rate;
            }
        }
    }

    record Latency(long p50, long p99, int count) {}

    /**
     * A device sending a frame every 200 ms for 30 s, every reading charted; with {@code backlog} frames already waiting
     * (two hours old) when it starts. Latency of the live readings: receipt (the append) to the accepted Bundle.
     */
    private static Latency latency(String base, Path dir, int backlog) throws Exception {
        DeviceId device = DeviceId.of(backlog == 0 ? "online-spo2" : "live-spo2");
        Map<String, Long> appendedAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        String gateway = backlog == 0 ? "online" : "during-drain";
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            Instant old = Instant.now().minus(Duration.ofHours(2));
            DeviceId backlogDevice = DeviceId.of("backlog-spo2");
            for (int i = 0; i < backlog; i++) {
                store.append(frame(backlogDevice, old.plusMillis(i * 1000L), i));
            }
            UplinkSettings settings =
                    UplinkSettings.defaults(URI.create(base), gateway).withChartingInterval(Duration.ZERO);
            Map<DeviceId, DeviceContext> devices = Map.of(
                    device, new DeviceContext(device, "Bench", "Masimo", "Pulse oximeter", "Patient/bench-patient"),
                    backlogDevice,
                            new DeviceContext(
                                    backlogDevice, "Bench", "Masimo", "Pulse oximeter", "Patient/bench-patient"));
            try (UplinkWorker w = new UplinkWorker(
                    settings,
                    store,
                    devices,
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    InstantSource.system())) {
                w.onAccepted(ids -> {
                    long now = System.nanoTime();
                    for (String id : ids) {
                        Long at = appendedAt.remove(id);
                        if (at != null) {
                            latencies.add((now - at) / 1_000_000);
                        }
                    }
                });
                w.start();
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                int i = 0;
                while (System.nanoTime() < end) {
                    Instant t = Instant.now();
                    List<Reading> f = frame(device, t, i++);
                    long at = System.nanoTime();
                    for (Reading r : f) {
                        appendedAt.put(gateway + "/" + r.key(), at);
                    }
                    store.append(f);
                    w.wake();
                    Thread.sleep(200);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (!appendedAt.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return new Latency(-1, -1, 0);
        }
        Latency l = new Latency(
                sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1), sorted.size());
        System.out.printf(
                Locale.ROOT,
                "latency (%s): p50 %d ms, p99 %d ms over %d readings%n",
                gateway,
                l.p50(),
                l.p99(),
                l.count());
        return l;
    }
}
