package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The egress as the buffer consumer's sink against the real broker: every record published at QoS 1 and the cursor
 * committed; while the broker is away the consumer waits, then drains what piled up; a persistent subscriber sees every
 * reading's identity at least once.
 */
class MqttSinkIT {
    private static final DeviceId SPO2 = DeviceId.of("bed12-spo2");
    private static final EgressTopics TOPICS = new EgressTopics(EgressTopics.DEFAULT_PREFIX, TestBroker.GATEWAY);
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    @TempDir
    static Path shared;

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(shared);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void append(ChronicleReadingStore store, int from, int to) throws Exception {
        Instant base = Instant.now().minusSeconds(to);
        for (int i = from; i < to; i++) {
            Instant t = base.plusSeconds(i);
            store.append(List.of(new NumericReading(
                    SPO2, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, t, t)));
        }
    }

    @Test
    void publishesEveryRecordCommitsAfterThePubacksAndDrainsAfterTheBrokerWasAway(@TempDir Path dir) throws Exception {
        MqttAsyncClient reader = broker.client("sink-reader", "reader", false);
        BlockingQueue<MqttEgressIT.Received> got =
                MqttEgressIT.subscribe(reader, "bedside/" + TestBroker.GATEWAY + "/#");
        Set<String> ids = new HashSet<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            append(store, 0, 40);
            store.append(
                    List.of(new DeviceStatus(SPO2, DeviceStatus.Code.CONNECTED, "connected", null, Instant.now())));
            MqttPublisher publisher = new MqttPublisher(
                    broker.endpoint("icu-gw-12-sink", "gateway"), TOPICS.gatewayStatus(), Duration.ofSeconds(10));
            MqttSink sink =
                    new MqttSink(publisher, TOPICS, Duration.ZERO, Duration.ofSeconds(30), InstantSource.system());
            try (BufferConsumer<EgressMessages.Outgoing> consumer = new BufferConsumer<>(
                    ConsumerSettings.of(
                            "mqtt", 20, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                    store,
                    sink,
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    InstantSource.system(),
                    TrustedClock.ALWAYS)) {
                consumer.start();
                Await.until("everything committed", TestBroker.WAIT, () -> pending(store) == 0);

                Await.until("the subscriber saw the first 40", TestBroker.WAIT, () -> {
                    collect(got, ids);
                    return ids.size() == 40;
                });
                broker.broker.stop();
                append(store, 40, 60);
                consumer.wake();
                Await.until(
                        "the consumer sees the broker away",
                        TestBroker.WAIT,
                        () -> consumer.status().retries() > 0);
                assertThat(pending(store)).isPositive();

                broker.broker.restart();
                // The subscriber's persistent session kept its subscription and queues what is published meanwhile.
                reader = broker.client("sink-reader", "reader", false, MqttEgressIT.collector(got));
                Await.until("the backlog drained", Duration.ofSeconds(60), () -> pending(store) == 0);
            } finally {
                publisher.close();
            }
        }
        Await.until("the subscriber saw all 60 readings", Duration.ofSeconds(30), () -> {
            collect(got, ids);
            return ids.size() == 60;
        });
        reader.disconnect().waitForCompletion(5000);
    }

    private static void collect(BlockingQueue<MqttEgressIT.Received> got, Set<String> ids) {
        MqttEgressIT.Received r;
        while ((r = got.poll()) != null) {
            Matcher m = ID.matcher(r.payload());
            if (r.topic().equals(TOPICS.readings(SPO2)) && m.find()) {
                ids.add(m.group(1));
            }
        }
    }

    private static long pending(ChronicleReadingStore store) {
        try {
            return store.pendingRecords("mqtt");
        } catch (org.bedside.buffer.StoreException e) {
            throw new IllegalStateException(e);
        }
    }
}
