package org.bedside.benchmarks;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.bedside.broker.MqttBrokerProcess;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.mqtt.EgressMessages;
import org.bedside.mqtt.EgressTopics;
import org.bedside.mqtt.MqttEgress;
import org.bedside.mqtt.MqttEndpoint;
import org.bedside.mqtt.MqttPublisher;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * MQTT egress at QoS 1 to the local broker (a benchmark command, not a test; {@code ./bedside bench-mqtt}): the
 * gateway's egress as it runs — {@link MqttEgress}, the buffer's consumer loop reading a Chronicle buffer filled
 * beforehand with {@code N} readings through its cursor, {@code EgressMessages} encoding each as SenML, {@code
 * MqttPublisher} publishing batches of 100 with up to three on their way at once, the cursor committed past a batch
 * once all its PUBACKs (and every earlier batch's) arrived — against a
 * bare Paho publisher (the same payloads encoded beforehand, as many in flight as the broker allows), taking turns A B
 * A B, at least five pairs; prints each turn, the median and range of each side's rate and of their ratio, and the load
 * average before and after.
 *
 * <p>The readings are stamped as just received, so the consumer runs its normal path, not a backlog's drain.
 *
 * <p>{@code java -cp 'benchmarks/target/benchmarks.jar' org.bedside.benchmarks.MqttEgressBenchmark [N] [PAIRS] [BATCH]}
 * (the egress's batch size, default 100 as configured by default).
 */
public final class MqttEgressBenchmark {
    private MqttEgressBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int pairs = Math.max(5, args.length > 1 ? Integer.parseInt(args[1]) : 5);
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Path dir = Files.createTempDirectory("mqtt-bench");
        try (MqttBrokerProcess broker =
                MqttBrokerProcess.start(MqttBrokerProcess.Options.in(dir).withMaxQueuedMessages(1_000_000))) {
            System.out.printf(
                    "broker booted in %d ms; %d messages a turn, %d pairs%n",
                    broker.lastBootTime().toMillis(), n, pairs);
            URI uri = URI.create(broker.tcpUri());
            EgressTopics topics = new EgressTopics(EgressTopics.DEFAULT_PREFIX, "bench-gw");
            List<Reading> readings = readings(n);
            System.out.println("load average before: " + loadAverage() + "; egress batch size " + batchSize);
            // What encoding costs on its own (the bare side's payloads are encoded before its clock starts).
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                int count = prepared(topics, readings).size();
                System.out.printf(
                        Locale.ROOT, "encoding alone: %.0f msg/s%n", count / ((System.nanoTime() - t0) / 1e9));
            }
            // Warm both sides.
            bare(uri, prepared(topics, readings));
            gateway(uri, topics, readings, dir, batchSize);
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                double bareRate = bare(uri, prepared(topics, readings));
                double gatewayRate = gateway(uri, topics, readings, dir, batchSize);
                a.add(bareRate);
                b.add(gatewayRate);
                ratio.add(gatewayRate / bareRate);
                System.out.printf(
                        Locale.ROOT,
                        "pair %d: bare Paho %.0f msg/s, egress consumer %.0f msg/s (%.0f %%)%n",
                        i + 1,
                        bareRate,
                        gatewayRate,
                        100 * gatewayRate / bareRate);
            }
            System.out.printf(
                    Locale.ROOT, "bare Paho:         median %.0f msg/s (%.0f..%.0f)%n", median(a), min(a), max(a));
            System.out.printf(
                    Locale.ROOT, "egress consumer:   median %.0f msg/s (%.0f..%.0f)%n", median(b), min(b), max(b));
            System.out.printf(
                    Locale.ROOT,
                    "ratio:             median %.0f %% (%.0f..%.0f %%)%n",
                    100 * median(ratio),
                    100 * min(ratio),
                    100 * max(ratio));
            System.out.println("load average after: " + loadAverage());
        }
    }

    /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} has them (the figures mean little under load). */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static List<Reading> readings(int n) {
        List<Reading> out = new ArrayList<>(n);
        Instant t = Instant.parse("2026-12-02T00:00:00Z");
        DeviceId device = DeviceId.of("bed12-spo2");
        for (int i = 0; i < n; i++) {
            Instant at = t.plusMillis(1000L * i);
            out.add(new NumericReading(
                    device, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, at, at));
        }
        return out;
    }

    private static List<MqttPublisher.Message> prepared(EgressTopics topics, List<Reading> readings) {
        EgressMessages m = new EgressMessages(topics, Duration.ZERO);
        List<MqttPublisher.Message> out = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            out.addAll(m.messages(List.of(r)));
        }
        return out;
    }

    /** A: the bare Paho publisher, payloads ready, as many in flight as the broker's Receive Maximum allows. */
    private static double bare(URI uri, List<MqttPublisher.Message> messages) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(uri.toString(), "bench-bare", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        c.connect(o).waitForCompletion(10_000);
        long start = System.nanoTime();
        Deque<IMqttToken> inFlight = new ArrayDeque<>();
        for (MqttPublisher.Message m : messages) {
            MqttMessage message = new MqttMessage(m.payload());
            message.setQos(1);
            while (true) {
                try {
                    inFlight.add(c.publish(m.topic(), message));
                    break;
                } catch (MqttException e) {
                    if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        throw e;
                    }
                    IMqttToken oldest = inFlight.pollFirst();
                    if (oldest != null && !oldest.isComplete()) {
                        oldest.waitForCompletion(10_000);
                    } else {
                        // acknowledged, but Paho frees the slot a moment later on its callback thread
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                }
            }
        }
        for (IMqttToken t : inFlight) {
            t.waitForCompletion(10_000);
        }
        double rate = messages.size() / ((System.nanoTime() - start) / 1e9);
        c.disconnect().waitForCompletion(10_000);
        c.close();
        return rate;
    }

    /**
     * B: the egress consumer: a buffer filled with the readings (before the clock starts), the consumer started on it,
     * timed until the broker acknowledged every one and the cursor committed past the last.
     */
    private static double gateway(URI uri, EgressTopics topics, List<Reading> readings, Path dir, int batchSize)
            throws Exception {
        Path turn = Files.createTempDirectory(dir, "turn");
        try (ChronicleReadingStore store = ChronicleReadingStore.open(turn.resolve("buffer"))) {
            Instant now = Instant.now();
            for (int i = 0; i < readings.size(); i++) {
                NumericReading r = (NumericReading) readings.get(i);
                Instant at = now.minusMillis(readings.size() - i);
                store.append(
                        List.of(new NumericReading(r.device(), r.metric(), r.value(), r.unit(), r.quality(), at, at)));
            }
            MqttEgress egress = new MqttEgress(
                    new MqttEgress.Settings(
                            MqttEndpoint.plain(uri, "bench-gateway"),
                            topics,
                            Duration.ZERO,
                            batchSize,
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(5),
                            MqttEgress.DEFAULT_LIVE_LAG),
                    store,
                    new DeadLetterStore(turn.resolve("dead-letters")),
                    InstantSource.system(),
                    TrustedClock.ALWAYS);
            // Connected (and the gateway set online) before the clock starts, as the bare side is.
            check(egress.publisher()
                    .deliver(new EgressMessages(topics, Duration.ZERO).messages(List.of(readings.get(0)))));
            long start = System.nanoTime();
            egress.start();
            try {
                // Polling the consumer's counter, not the store: counting pending records reads the queue, which
                // takes the CPU the consumer needs (an earlier version of this benchmark polled the store).
                while (egress.consumer().status().delivered() < readings.size()) {
                    if (System.nanoTime() - start > 300_000_000_000L) {
                        throw new IllegalStateException("the egress did not finish: "
                                + egress.consumer().status());
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                double rate = readings.size() / ((System.nanoTime() - start) / 1e9);
                // Delivered and committed: the cursor moves right after the batch's last PUBACK.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (store.pendingRecords(MqttEgress.CURSOR) > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("delivered but not committed: "
                                + egress.consumer().status());
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                return rate;
            } finally {
                egress.close();
            }
        }
    }

    private static void check(MqttPublisher.Outcome outcome) {
        if (!(outcome instanceof MqttPublisher.Outcome.Delivered)) {
            throw new IllegalStateException("a batch was not delivered: " + outcome);
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int k = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(k) : (s.get(k - 1) + s.get(k)) / 2;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
