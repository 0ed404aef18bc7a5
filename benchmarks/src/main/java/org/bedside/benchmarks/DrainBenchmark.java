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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.drivers.masimo.MasimoDriver;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenarios;
import org.bedside.uplink.DeviceContext;
import org.bedside.uplink.UplinkSettings;
import org.bedside.uplink.UplinkWorker;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
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
 * Run: {@code ./bedside bench-drain [observations] [rounds]} (default 6,000: turns of 1,500; 4 rounds of two turns
 * after the warm-up).
 */
public final class DrainBenchmark {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();
    private static final String SYSTEM = "urn:bedside:observation";
    /** A turn is OBSERVATIONS / 4 (1,500 by default), whatever the number of rounds. */
    private static final int TURNS_IN_OBSERVATIONS = 4;

    private DrainBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        // An even number of rounds, so that each side goes first as often as second.
        int rounds = args.length > 1 ? Math.max(2, Integer.parseInt(args[1]) / 2 * 2) : 4;
        Path work = Files.createTempDirectory("bedside-drain-bench");
        // The server gets the heap and JIT of a real one: the sandbox's defaults are sized for tests, and a server
        // that stalls in garbage collection measures itself, not the gateway.
        try (FhirSandboxProcess sandbox =
                FhirSandboxProcess.start(FhirSandboxProcess.Options.in(work).withJvmArgs("-Xmx2g"))) {
            String base = sandbox.baseUrl();
            createPatient(base, "bench-patient");
            createDevice(base);
            System.out.printf("sandbox at %s; %d Observations per measurement%n", base, n);

            int perTurn = n / TURNS_IN_OBSERVATIONS;
            // Warm-up: the server's JIT and caches, and the gateway's, alike. The server keeps speeding up for several
            // thousand Observations, and where each side's turns fall in that decided much of the figure (2026-12-03:
            // the drain's first turns its slowest). So both sides take warm-up turns, a loader turn then a drain turn,
            // until two loader turns in a row are within 10 % of each other (at least 2 rounds, at most 8).
            double previous = 0;
            for (int warm = 0; warm < 8; warm++) {
                double rate = loader(base, "warm" + warm, perTurn, 100);
                drain(base, work.resolve("drain-warm" + warm), -1 - warm, perTurn / 3);
                boolean settled = warm >= 1 && Math.abs(rate - previous) < 0.1 * Math.max(rate, previous);
                previous = rate;
                if (settled) {
                    System.out.printf("warm-up: the loader's rate settled after %d rounds%n", warm + 1);
                    break;
                }
            }
            // The server slows as its database grows, so the loader and the drain take turns (A B B A A B B A ...)
            // and each sees the same range of database sizes.
            double loaderSeconds = 0;
            double drainSeconds = 0;
            for (int round = 0; round < rounds; round++) {
                boolean loaderFirst = round % 2 == 0;
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn == 0) == loaderFirst) {
                        loaderSeconds += perTurn / loader(base, "round" + round, perTurn, 100);
                    } else {
                        drainSeconds += perTurn / drain(base, work.resolve("drain" + round), round, perTurn / 3);
                    }
                }
            }
            double loaderRate = rounds * perTurn / loaderSeconds;
            double drainRate = rounds * perTurn / drainSeconds;
            double single = loader(base, "single", Math.min(n, 1000), 1);

            Latency online = latency(base, work.resolve("online"), 0);
            Latency draining = latency(base, work.resolve("draining"), n / 3);

            System.out.println();
            System.out.println("| measurement | Observations/s |");
            System.out.println("|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| bare loader, Bundles of 100 (%d turns of %d) | %.0f |%n",
                    rounds,
                    perTurn,
                    loaderRate);
            System.out.printf(
                    Locale.ROOT,
                    "| gateway drain from its buffer, Bundles of 100 (%d turns of %d) | %.0f (%.0f %% of the loader) |%n",
                    rounds,
                    perTurn,
                    drainRate,
                    100 * drainRate / loaderRate);
            System.out.printf(
                    Locale.ROOT,
                    "| bare loader, one conditional POST each | %.0f (Bundles are %.1fx faster) |%n",
                    single,
                    loaderRate / single);
            System.out.println();
            System.out.println("| latency, simulator's write to the server's 2xx | p50 | p99 | readings |");
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

    static void createPatient(String base, String id) throws Exception {
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

    private static final String DEVICE_SYSTEM = "urn:bedside:device";

    /** The Device the gateway would create for an oximeter (the loader's single POSTs refer to it). */
    private static Device device() {
        Device d = new Device();
        d.setId("bench-loader-device");
        d.addIdentifier().setSystem(DEVICE_SYSTEM).setValue("loader/bench-spo2");
        d.setManufacturer("Masimo");
        d.addDeviceName().setName("Bench").setType(Device.DeviceNameType.USERFRIENDLYNAME);
        d.setType(new CodeableConcept().setText("Pulse oximeter"));
        d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        return d;
    }

    private static void createDevice(String base) throws Exception {
        HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/Device/bench-loader-device"))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(device())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An Observation with the content the gateway sends for an SpO2 reading (see ObservationMapper). */
    private static Observation observation(String id, int i, Reference device) {
        Observation o = new Observation();
        o.getMeta().addProfile("http://hl7.org/fhir/StructureDefinition/oxygensat");
        // Tagged as the gateway tags a back-filled Observation: the drain's are all back-filled, and the server
        // indexes the tag.
        o.getMeta()
                .addTag(
                        "urn:bedside:upload",
                        "backfilled",
                        "Charted late from the gateway's buffer, after the FHIR server could not be reached");
        o.addIdentifier().setSystem(SYSTEM).setValue(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
        o.setCode(new CodeableConcept()
                .addCoding(new Coding("http://loinc.org", "2708-6", null))
                .addCoding(new Coding("http://loinc.org", "59408-5", null))
                .addCoding(new Coding("urn:iso:std:iso:11073:10101", "150456", "MDC_PULS_OXIM_SAT_O2"))
                .setText("SpO2"));
        o.setSubject(new Reference("Patient/bench-patient"));
        o.setDevice(device);
        o.setEffective(new DateTimeType(
                java.util.Date.from(Instant.parse("2026-11-22T00:00:00Z").plusSeconds(i)),
                ca.uhn.fhir.model.api.TemporalPrecisionEnum.MILLI,
                java.util.TimeZone.getTimeZone("UTC")));
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
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.encodeResourceToString(
                                observation(id, i, new Reference("Device/bench-loader-device")))))
                        .build();
            } else {
                Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
                String deviceUrl = "urn:uuid:" + java.util.UUID.randomUUID();
                b.addEntry()
                        .setFullUrl(deviceUrl)
                        .setResource(device().setId((String) null))
                        .getRequest()
                        .setMethod(Bundle.HTTPVerb.POST)
                        .setUrl("Device")
                        .setIfNoneExist("identifier=" + enc(DEVICE_SYSTEM) + "|" + enc("loader/bench-spo2"));
                for (int k = i; k < Math.min(n, i + size); k++) {
                    String id = "loader-" + run + "-" + k;
                    b.addEntry()
                            .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
                            .setResource(observation(id, k, new Reference(deviceUrl)))
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

    static List<Reading> frame(DeviceId device, Instant t, int i) {
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
    private static double drain(String base, Path dir, int round, int frames) throws Exception {
        DeviceId device = DeviceId.of(round < 0 ? "drain-warm" + (-round) + "-spo2" : "drain" + round + "-spo2");
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            Instant t0 = Instant.now().minus(Duration.ofHours(2));
            for (int i = 0; i < frames; i++) {
                store.append(frame(device, t0.plusMillis(i * 1000L), i));
            }
            AtomicInteger accepted = new AtomicInteger();
            // The clock stops at the acknowledgement of the last Observation, as the loader's at its last response.
            AtomicLong end = new AtomicLong();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            try (UplinkWorker w = worker(base, store, dir, "drain", device)) {
                w.onAccepted(ids -> {
                    if (accepted.addAndGet(ids.size()) >= frames * 3 && end.compareAndSet(0, System.nanoTime())) {
                        done.countDown();
                    }
                });
                long start = System.nanoTime();
                w.start();
                if (!done.await(10, java.util.concurrent.TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the drain did not finish: " + accepted.get() + " accepted");
                }
                double rate = frames * 3 / ((end.get() - start) / 1e9);
                System.out.printf(Locale.ROOT, "gateway drain: %d Observations: %.0f/s%n", frames * 3, rate);
                return rate;
            }
        }
    }

    record Latency(long p50, long p99, int count) {}

    /**
     * A simulated Masimo oximeter writing a line every 200 ms for 30 s to a real pseudo-terminal, read by the gateway's
     * serial transport and device pipeline into the buffer, every reading charted; with {@code backlog} frames of
     * another device already waiting (two hours old) when it starts. Latency of the live readings: from the
     * simulator's write of the line to the server's 2xx for the Bundle that holds it.
     */
    private static Latency latency(String base, Path dir, int backlog) throws Exception {
        String gateway = backlog == 0 ? "online" : "during-drain";
        DeviceId device = DeviceId.of(gateway + "-spo2");
        Map<String, Long> writtenAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Set<MetricCode> charted = Set.of(Metrics.SPO2, Metrics.PULSE_RATE_OXIMETRY, Metrics.PERFUSION_INDEX);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            Instant old = Instant.now().minus(Duration.ofHours(2));
            DeviceId backlogDevice = DeviceId.of(gateway + "-backlog-spo2");
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
            AtomicLong lastWrite = new AtomicLong();
            try (MasimoSimulator simulator = MasimoSimulator.builder(device.value(), Scenarios.parse("steady"))
                            .period(Duration.ofMillis(200))
                            .portDirectory(dir)
                            .build();
                    UplinkWorker w = new UplinkWorker(
                            settings,
                            store,
                            devices,
                            new DeadLetterStore(dir.resolve("dead-letters")),
                            InstantSource.system())) {
                simulator.addListener(line -> lastWrite.set(System.nanoTime()));
                w.onAccepted(ids -> {
                    long now = System.nanoTime();
                    for (String id : ids) {
                        Long at = writtenAt.remove(id);
                        if (at != null) {
                            latencies.add((now - at) / 1_000_000);
                        }
                    }
                });
                MasimoDriver driver = new MasimoDriver();
                try (DevicePipeline pipeline = new DevicePipeline(
                        device,
                        driver,
                        DriverOptions.parse(driver.info(), Map.of()),
                        new SerialTransport(simulator.portPath(), driver.info().defaultSerial()),
                        readings -> {
                            // The line just written is the one received: lines are 200 ms apart, the hop takes
                            // well under a millisecond.
                            long written = lastWrite.get();
                            for (Reading r : readings) {
                                if (r instanceof NumericReading nr && charted.contains(nr.metric())) {
                                    writtenAt.put(gateway + "/" + r.key(), written);
                                }
                            }
                            store.append(readings);
                            w.wake();
                        },
                        InstantSource.system(),
                        DevicePipeline.Settings.DEFAULT)) {
                    w.start();
                    pipeline.start();
                    simulator.start();
                    Thread.sleep(Duration.ofSeconds(30).toMillis());
                    simulator.stop();
                    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                    while (!writtenAt.isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
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
                "latency (%s): p50 %d ms, p99 %d ms over %d readings (%d not charted in time)%n",
                gateway,
                l.p50(),
                l.p99(),
                l.count(),
                writtenAt.size());
        return l;
    }
}
