package org.bedside.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoreException;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.masimo.MasimoDriver;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.transport.SerialTransport;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.InboundMessage;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.sim.MasimoSimulator;
import org.bedside.sim.scenario.Scenario;
import org.bedside.sim.scenario.VitalSigns;
import org.bedside.uplink.DeviceContext;
import org.bedside.uplink.UplinkSettings;
import org.bedside.uplink.UplinkWorker;

/**
 * Alarm latency (a benchmark command, not a test): from the simulator's write of the device frame that carries an alarm
 * to the PCD-04 for it arriving on the Alert Manager's socket, while a vitals backlog drains to the sandbox FHIR server.
 *
 * <p>The path is the gateway's, part for part: simulated Masimo oximeters on real pseudo-terminals, the serial
 * transport and device pipeline into a Chronicle buffer, the alarm engine behind its consumer (cursor {@code alarms}),
 * the notifications appended to the buffer, the PCD-04 consumer (cursor {@code pcd04}) sending them one at a time over
 * MLLP to an Alert Manager (the hl7 module's listener on HAPI), and beside them the FHIR uplink draining a backlog
 * two hours old. Consumer settings are the runtime's ({@code GatewayComponents.alarms}).
 *
 * <p>Only the gateway's own time is measured: the policy sets the condition delays of the two alarms used to 0 s, so
 * the notification is decided on the very frame that carries the alarm (the default 15 s delay is intentional time,
 * not the gateway's). Each oximeter, every five seconds, reports an SpO2-low alarm on one line and, 2.4 s later, a
 * pulse-high alarm on one line (its ALARM bits); each ends 1 s after it is no longer reported. Each START notification
 * is matched to its frame by the alert id, which carries the receive time of the condition's first frame.
 *
 * <p>Run: {@code ./bedside bench-alarms [BACKLOG_OBSERVATIONS] [SECONDS] [DEVICES]} (defaults 30,000, 120, 3): one phase
 * with nothing else to send, then one while the backlog drains, each {@code SECONDS} long.
 */
public final class AlarmLatencyBenchmark {
    private static final Duration PERIOD = Duration.ofMillis(200);
    /** Lines per episode cycle: 25 lines of 200 ms = 5 s. */
    private static final int CYCLE = 25;

    private static final int SPO2_ALARM_LINE = 0;
    private static final int PULSE_ALARM_LINE = 12;
    /**
     * Lines are told apart by their perfusion index, {@code 1.0 + (line % TAGS) / 10} %: the frame the gateway read is
     * matched to the moment its own line was written, never to whichever line was written last.
     */
    private static final int TAGS = 100;

    private AlarmLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int backlogObservations = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        int devices = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work = Files.createTempDirectory("bedside-alarm-bench");
        try (FhirSandboxProcess sandbox = FhirSandboxProcess.start(
                FhirSandboxProcess.Options.in(work).withJvmArgs("-Xmx2g").withStartTimeout(Duration.ofMinutes(6)))) {
            String base = sandbox.baseUrl();
            DrainBenchmark.createPatient(base, "bench-patient");
            System.out.printf(
                    Locale.ROOT,
                    "sandbox at %s; %d oximeter(s), %d s a phase, backlog %d Observations%n",
                    base,
                    devices,
                    seconds,
                    backlogObservations);
            Result warm = run(base, work.resolve("warm"), 500, 30, devices);
            System.out.printf(
                    Locale.ROOT, "warm-up: %d alerts%n", warm.latencies().size());
            Result online = run(base, work.resolve("online"), 0, seconds, devices);
            Result draining = run(base, work.resolve("draining"), backlogObservations / 3, seconds, devices);

            System.out.println();
            System.out.println(
                    "| alarm frame written → PCD-04 on the Alert Manager's socket | p50 | p99 | max | alerts |"
                            + " backlog Observations charted during the phase |");
            System.out.println("|---|---|---|---|---|---|");
            print("nothing else to send", online);
            print("while a backlog of " + backlogObservations + " drains", draining);
        }
    }

    private static void print(String what, Result r) {
        print(what, r, r.latencies());
        print(what + ", from the hand-off to the buffer", r, r.fromBuffer());
        print(what + ": stage 1, write → hand-off to the buffer (serial read, framing, decoding)", r, r.serial());
        print(what + ": stage 2, hand-off → notification appended (engine consumer)", r, r.engine());
        print(what + ": stage 3, notification appended → PCD-04 on the socket (PCD-04 consumer, MLLP)", r, r.pcd04());
    }

    private static void print(String what, Result r, List<Double> latencies) {
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.printf(Locale.ROOT, "| %s | - | - | - | 0 | %d |%n", what, r.backlogCharted());
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f ms | %.1f ms | %.1f ms | %d | %d (%s) |%n",
                what,
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.get(sorted.size() - 1),
                sorted.size(),
                r.backlogCharted(),
                r.backlogLeft() == 0 ? "drained" : r.backlogLeft() + " still waiting at the end");
    }

    /**
     * When the simulator began to write a frame's line (taken as it asks the scenario for the line's vitals, just
     * before encoding and writing it), and when the pipeline handed the frame to the buffer.
     */
    record Frame(Instant written, Instant appended) {}

    /**
     * @param latencies from the simulator's write of the frame to the PCD-04's arrival, ms
     * @param fromBuffer from the pipeline's hand-off of the frame to the buffer to the PCD-04's arrival, ms (the alarm
     *     path's share)
     * @param serial from the write to the hand-off, ms
     * @param engine from the hand-off to the engine's consumer appending the START, ms
     * @param pcd04 from that append to the PCD-04's arrival, ms
     */
    record Result(
            List<Double> latencies,
            List<Double> fromBuffer,
            List<Double> serial,
            List<Double> engine,
            List<Double> pcd04,
            int backlogCharted,
            int backlogLeft) {}

    /**
     * Normal vitals, with one line of SpO2 below 90 and one of pulse above 140 (the simulator's limits) a cycle; each
     * line tagged by its perfusion index, and the wall-clock time (µs) at which the simulator asked for it noted in
     * {@code writeStarted[line % TAGS]}.
     */
    private static Scenario episodes(int offset, AtomicLongArray writeStarted) {
        return new Scenario() {
            @Override
            public String name() {
                return "alarm-episodes";
            }

            @Override
            public VitalSigns at(long second) {
                // Called by the simulator's thread right before it encodes and writes line `second`.
                writeStarted.set((int) (second % TAGS), micros(Instant.now()));
                long inCycle = (second + offset) % CYCLE;
                return VitalSigns.builder()
                        .spo2(inCycle == SPO2_ALARM_LINE ? 85 : 97)
                        .pulseRate(inCycle == PULSE_ALARM_LINE ? 150 : 72)
                        .perfusionIndex(1.0 + (second % TAGS) / 10.0)
                        .build();
            }
        };
    }

    private static AlarmPolicy policy() {
        AlarmPolicy.Parsed parsed = AlarmPolicy.parse(
                Map.of(
                        "care-unit", "bench",
                        "spo2.low.delay", "0s",
                        "pulse-rate.high", "140",
                        "pulse-rate.high.delay", "0s",
                        "device-alarm-delay", "0s",
                        "device-alarm-end-after", "1s",
                        "end-hold", "0s"),
                "bench.");
        if (parsed.policy() == null) {
            throw new IllegalStateException("the benchmark's policy: " + parsed.problems());
        }
        return parsed.policy();
    }

    private static Result run(String base, Path dir, int backlogFrames, int seconds, int deviceCount) throws Exception {
        String gateway = dir.getFileName().toString();
        AlarmPolicy policy = policy();
        // receive time (µs) of a frame → when the simulator finished writing it
        Map<String, Frame> frames = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Double> fromBuffer = Collections.synchronizedList(new ArrayList<>());
        List<Double> serial = Collections.synchronizedList(new ArrayList<>());
        List<Double> engineStage = Collections.synchronizedList(new ArrayList<>());
        List<Double> pcd04Stage = Collections.synchronizedList(new ArrayList<>());
        // alert id of a START → when the engine's consumer appended it
        Map<String, Instant> decided = new ConcurrentHashMap<>();
        AtomicInteger unmatched = new AtomicInteger();
        AtomicInteger backlogCharted = new AtomicInteger();
        InstantSource clock = InstantSource.system();

        MllpListener alertManager = new MllpListener(
                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .name("alert-manager")
                        .applicationName("ALERT_MANAGER")
                        .build(),
                (InboundMessage m) -> {
                    take(m, frames, decided, latencies, fromBuffer, serial, engineStage, pcd04Stage, unmatched);
                    return Decision.accept();
                });
        alertManager.start();
        List<MasimoSimulator> simulators = new ArrayList<>();
        List<DevicePipeline> pipelines = new ArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            DeviceId backlogDevice = DeviceId.of(gateway + "-backlog-spo2");
            Instant old = Instant.now().minus(Duration.ofHours(2));
            for (int i = 0; i < backlogFrames; i++) {
                store.append(DrainBenchmark.frame(backlogDevice, old.plusMillis(i * 1000L), i));
            }
            Map<DeviceId, DeviceContext> contexts = new HashMap<>();
            contexts.put(backlogDevice, context(backlogDevice));
            List<DeviceId> live = new ArrayList<>();
            for (int d = 0; d < deviceCount; d++) {
                DeviceId id = DeviceId.of(gateway + "-bed" + d + "-spo2");
                live.add(id);
                contexts.put(id, context(id));
            }
            UplinkWorker uplink = new UplinkWorker(
                    UplinkSettings.defaults(URI.create(base), gateway).withChartingInterval(Duration.ZERO),
                    store,
                    contexts,
                    new DeadLetterStore(dir.resolve("dead-letters/uplink")),
                    clock);
            uplink.onAccepted(ids -> {
                for (String s : ids) {
                    if (s.contains(backlogDevice.value())) {
                        backlogCharted.incrementAndGet();
                    }
                }
            });
            AlarmEngineSink engine = new AlarmEngineSink(
                    new NotingStore(store, decided),
                    device -> policy,
                    dir.resolve("alarms"),
                    Duration.ofSeconds(2),
                    Duration.ofMinutes(1),
                    clock);
            BufferConsumer<AlertReport> engineConsumer = new BufferConsumer<>(
                    new ConsumerSettings(
                            AlarmEngineSink.CURSOR,
                            1000,
                            Duration.ofMillis(200),
                            Duration.ofSeconds(5),
                            Duration.ofDays(36500),
                            Duration.ofMillis(200),
                            3,
                            Duration.ofMinutes(10)),
                    store,
                    engine,
                    new DeadLetterStore(dir.resolve("dead-letters/alarms")),
                    clock,
                    TrustedClock.ALWAYS);
            Pcd04Sink pcd04 = new Pcd04Sink(
                    new MllpClient(MllpClientConfig.of(
                                    "127.0.0.1", alertManager.localAddress().getPort())
                            .withAckTimeout(Duration.ofSeconds(10))
                            .withConnectTimeout(Duration.ofSeconds(5))),
                    "127.0.0.1:" + alertManager.localAddress().getPort(),
                    new Pcd04Encoder(
                            new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", "HOSP"), null),
                    new Pcd04Sink.Settings(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60)),
                    clock);
            BufferConsumer<Pcd04Sink.Outgoing> pcd04Consumer = new BufferConsumer<>(
                    new ConsumerSettings(
                            Pcd04Sink.CURSOR,
                            1,
                            Duration.ofMillis(200),
                            Duration.ofSeconds(5),
                            Duration.ofDays(36500),
                            Duration.ofMillis(200),
                            3,
                            Duration.ofMinutes(10)),
                    store,
                    pcd04,
                    new DeadLetterStore(dir.resolve("dead-letters/pcd04")),
                    clock,
                    TrustedClock.ALWAYS);
            try {
                uplink.start();
                engineConsumer.start();
                pcd04Consumer.start();
                MasimoDriver driver = new MasimoDriver();
                for (int d = 0; d < live.size(); d++) {
                    DeviceId id = live.get(d);
                    AtomicLongArray writeStarted = new AtomicLongArray(TAGS);
                    MasimoSimulator sim = MasimoSimulator.builder(
                                    id.value(), episodes(d * CYCLE / live.size(), writeStarted))
                            .period(PERIOD)
                            .portDirectory(dir)
                            .build();
                    simulators.add(sim);
                    DevicePipeline pipeline = new DevicePipeline(
                            id,
                            driver,
                            DriverOptions.parse(driver.info(), Map.of()),
                            new SerialTransport(sim.portPath(), driver.info().defaultSerial()),
                            readings -> {
                                // Noted before the append: the PCD-04 may arrive before append returns. The line
                                // is found by its tag, not taken to be the last one written: a listener called
                                // after the write loses the race to a fast read now and then, and a frame matched
                                // to the line before it looked one period (200 ms) late.
                                Instant handedOff = Instant.now();
                                int tag = tag(readings);
                                if (tag >= 0) {
                                    frames.put(
                                            id.value() + "/"
                                                    + micros(readings.get(0).receivedAt()),
                                            new Frame(
                                                    Instant.EPOCH.plus(writeStarted.get(tag), ChronoUnit.MICROS),
                                                    handedOff));
                                }
                                store.append(readings);
                            },
                            clock,
                            DevicePipeline.Settings.DEFAULT);
                    pipelines.add(pipeline);
                    pipeline.start();
                }
                simulators.forEach(MasimoSimulator::start);
                Thread.sleep(Duration.ofSeconds(seconds).toMillis());
                simulators.forEach(MasimoSimulator::stop);
                // The last alerts out (polled, with a deadline: at most a few seconds on a quiet machine).
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                long before = -1;
                while (System.nanoTime() < deadline && latencies.size() != before) {
                    before = latencies.size();
                    Thread.sleep(2000);
                }
            } finally {
                for (DevicePipeline p : pipelines) {
                    p.close();
                }
                for (MasimoSimulator s : simulators) {
                    s.close();
                }
                pcd04Consumer.close();
                pcd04.close();
                engineConsumer.close();
                uplink.close();
                alertManager.close();
            }
            int left = Math.max(0, backlogFrames * 3 - backlogCharted.get());
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d alerts measured, %d PCD-04 without a matching frame; backlog %d charted, %d left%n",
                    gateway,
                    latencies.size(),
                    unmatched.get(),
                    backlogCharted.get(),
                    left);
            return new Result(
                    List.copyOf(latencies),
                    List.copyOf(fromBuffer),
                    List.copyOf(serial),
                    List.copyOf(engineStage),
                    List.copyOf(pcd04Stage),
                    backlogCharted.get(),
                    left);
        }
    }

    private static DeviceContext context(DeviceId id) {
        return new DeviceContext(id, "Bench", "Masimo", "Pulse oximeter", "Patient/bench-patient");
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    /** The line's tag from its perfusion index, or -1 when the frame has none. */
    private static int tag(List<? extends Reading> readings) {
        for (Reading r : readings) {
            if (r instanceof NumericReading n && n.metric().equals(Metrics.PERFUSION_INDEX) && n.value() != null) {
                int tag = (int) Math.round((n.value().doubleValue() - 1.0) * 10);
                return tag >= 0 && tag < TAGS ? tag : -1;
            }
        }
        return -1;
    }

    /** The engine's store: notes when each START notification is appended (noted first: it may be sent before). */
    private record NotingStore(ReadingStore store, Map<String, Instant> decided) implements ReadingStore {
        @Override
        public long append(List<? extends Reading> readings) throws StoreException {
            Instant now = Instant.now();
            for (Reading r : readings) {
                if (r instanceof AlertReport a && a.updateCount() == 0) {
                    decided.put(a.alertId(), now);
                }
            }
            return store.append(readings);
        }

        @Override
        public void addAppendListener(Runnable listener) {
            store.addAppendListener(listener);
        }

        @Override
        public ReadingCursor cursor(String name) throws StoreException {
            return store.cursor(name);
        }

        @Override
        public ReadingCursor liveCursor() throws StoreException {
            return store.liveCursor();
        }

        @Override
        public long pendingRecords(String cursorName) throws StoreException {
            return store.pendingRecords(cursorName);
        }

        @Override
        public Optional<Instant> oldestPending(String cursorName) throws StoreException {
            return store.oldestPending(cursorName);
        }

        @Override
        public List<StoredRecord> readAll() throws StoreException {
            return store.readAll();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /**
     * A START notification's alert id is {@code <device>/<condition>/<receive time in µs of the condition's first
     * frame>}; with no delay that frame is the one that decided it.
     */
    private static void take(
            InboundMessage m,
            Map<String, Frame> frames,
            Map<String, Instant> decided,
            List<Double> latencies,
            List<Double> fromBuffer,
            List<Double> serial,
            List<Double> engine,
            List<Double> pcd04,
            AtomicInteger unmatched) {
        Instant arrived = m.receivedAt();
        String text = m.text();
        int obr = text.indexOf("\rOBR|");
        if (obr < 0) {
            return;
        }
        String[] fields = text.substring(obr + 1, text.indexOf('\r', obr + 1)).split("\\|", -1);
        String notification = fields[3].split("\\^", -1)[0];
        if (notification.startsWith("heartbeat") || !notification.endsWith("#0")) {
            return; // a watchdog, or a later notification (an END): not decided on a frame
        }
        String alertId = notification.substring(0, notification.length() - 2);
        int lastSlash = alertId.lastIndexOf('/');
        int firstSlash = alertId.indexOf('/');
        String key = alertId.substring(0, firstSlash) + "/" + alertId.substring(lastSlash + 1);
        Frame frame = frames.get(key);
        if (frame == null) {
            unmatched.incrementAndGet();
            return;
        }
        latencies.add(Duration.between(frame.written(), arrived).toNanos() / 1e6);
        fromBuffer.add(Duration.between(frame.appended(), arrived).toNanos() / 1e6);
        serial.add(Duration.between(frame.written(), frame.appended()).toNanos() / 1e6);
        Instant appended = decided.get(alertId);
        if (appended != null) {
            engine.add(Duration.between(frame.appended(), appended).toNanos() / 1e6);
            pcd04.add(Duration.between(appended, arrived).toNanos() / 1e6);
        }
    }
}
