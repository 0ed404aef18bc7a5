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
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
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

    /**
     * A withdrawal (a cancelled admission) owed while the broker is away: the consumer retries it before any record,
     * and once the broker is back the notice reaches the device's withdrawals topic, naming the bed and the window,
     * never the patient; then it is recorded as done, once.
     */
    @Test
    void aWithdrawalOwedWhileTheBrokerIsAwayIsPublishedWhenItIsBack(@TempDir Path dir) throws Exception {
        MqttAsyncClient reader = broker.client("withdrawal-reader", "reader", false);
        BlockingQueue<MqttEgressIT.Received> got =
                MqttEgressIT.subscribe(reader, "bedside/" + TestBroker.GATEWAY + "/+/withdrawals");
        Instant since = Instant.parse("2026-12-02T10:00:00Z");
        MqttSink.Notice notice = new MqttSink.Notice(
                "ADT^HOSP|CANCEL-1",
                List.of(SPO2),
                "ICU^12^1",
                since,
                since.plusSeconds(1200),
                "a0123456789ab",
                "admission cancelled (A11 CANCEL-1)");
        List<String> done = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            append(store, 0, 3);
            broker.broker.stop();
            MqttPublisher publisher = new MqttPublisher(
                    broker.endpoint("icu-gw-12-withdrawal", "gateway"), TOPICS.gatewayStatus(), Duration.ofSeconds(5));
            MqttSink sink =
                    new MqttSink(publisher, TOPICS, Duration.ZERO, Duration.ofSeconds(30), InstantSource.system());
            sink.withdrawals(new MqttSink.Withdrawals() {
                @Override
                public List<MqttSink.Notice> owed() {
                    return done.isEmpty() ? List.of(notice) : List.of();
                }

                @Override
                public void done(MqttSink.Notice n, int messages, String outcome) {
                    done.add(n.id() + ": " + messages + " " + outcome);
                }
            });
            try (BufferConsumer<EgressMessages.Outgoing> consumer = new BufferConsumer<>(
                    ConsumerSettings.of(
                            "mqtt", 20, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                    store,
                    sink,
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    InstantSource.system(),
                    TrustedClock.ALWAYS)) {
                consumer.start();
                Await.until(
                        "the withdrawal retried",
                        TestBroker.WAIT,
                        () -> consumer.status().retries() > 1);
                assertThat(done).isEmpty();
                assertThat(pending(store)).as("the records wait behind it").isEqualTo(3);
                broker.broker.restart();
                reader = broker.client("withdrawal-reader", "reader", false, MqttEgressIT.collector(got));
                Await.until("the withdrawal done", TestBroker.WAIT, () -> !done.isEmpty());
                Await.until("then the records", TestBroker.WAIT, () -> pending(store) == 0);
            } finally {
                publisher.close();
            }
        }
        assertThat(done).containsExactly("ADT^HOSP|CANCEL-1: 1 1 withdrawal messages published");
        MqttEgressIT.Received r = got.poll(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.topic()).isEqualTo("bedside/" + TestBroker.GATEWAY + "/bed12-spo2/withdrawals");
        assertThat(r.retained()).isFalse();
        assertThat(r.payload())
                .contains("\"withdrawal\":\"ADT^HOSP|CANCEL-1\"")
                .contains("\"bed\":\"ICU^12^1\"")
                .contains("\"from\":\"2026-12-02T10:00:00Z\"")
                .contains("\"until\":\"2026-12-02T10:20:00Z\"")
                .contains("\"association\":\"a0123456789ab\"");
        reader.disconnect().waitForCompletion(5000);
    }

    private static AlertReport desaturation(Instant at) {
        return new AlertReport(
                SPO2,
                "bed12-spo2/150456-low/" + at.minusSeconds(15).toEpochMilli() * 1000,
                "150456-low",
                0,
                AlertReport.Phase.START,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlertReport.Priority.MEDIUM,
                AlarmEvent.Priority.UNKNOWN,
                AlertReport.AlarmState.ACTIVE,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.GATEWAY,
                Metrics.SPO2,
                new BigDecimal("86"),
                UcumUnit.PERCENT,
                new BigDecimal("90"),
                null,
                "SpO2 low (below 90 %)",
                "SpO2 86 % below 90 % for 15s",
                0,
                at.minusSeconds(15),
                null,
                null,
                at);
    }

    /**
     * The alarm engine's notifications on the alerts topic as JSON: one that arrives live while a backlog of vitals two
     * hours old is going out is published before the rest of the backlog (the consumer's live lane), not late; one
     * that waited in the buffer longer than the late time says it is late.
     */
    @Test
    void alertsGoOutOnTheAlertsTopicAsJsonAndBeforeAVitalsBacklog(@TempDir Path dir) throws Exception {
        MqttAsyncClient reader = broker.client("alerts-reader", "reader", true);
        BlockingQueue<MqttEgressIT.Received> got =
                MqttEgressIT.subscribe(reader, "bedside/" + TestBroker.GATEWAY + "/#");
        // Fewer than the broker's 1,000 queued messages per client (HiveMQ's default, discard when full): a burst
        // larger
        // than that to this one slow TLS subscriber is dropped by the broker on a quiet machine, which is the broker's
        // documented limit, not the egress's (the egress's own completeness is MqttEgressIT's and MqttEndToEndIT's).
        int backlog = 800;
        long pendingWhenTheAlertCame;
        String oldAlertId;
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            Instant old = Instant.now().minus(Duration.ofHours(2));
            AlertReport waited = desaturation(old);
            oldAlertId = waited.alertId();
            store.append(List.of(waited)); // an alert that waited: late when published
            for (int i = 0; i < backlog; i++) {
                Instant t = old.plusMillis(i * 200L);
                store.append(List.of(new NumericReading(
                        SPO2, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, t, t)));
            }
            MqttPublisher publisher = new MqttPublisher(
                    broker.endpoint("icu-gw-12-alerts", "gateway"), TOPICS.gatewayStatus(), Duration.ofSeconds(10));
            MqttSink sink =
                    new MqttSink(publisher, TOPICS, Duration.ZERO, Duration.ofSeconds(30), InstantSource.system());
            try (BufferConsumer<EgressMessages.Outgoing> consumer = new BufferConsumer<>(
                    ConsumerSettings.of(
                            "mqtt", 100, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30)),
                    store,
                    sink,
                    new DeadLetterStore(dir.resolve("dead-letters")),
                    InstantSource.system(),
                    TrustedClock.ALWAYS)) {
                consumer.start();
                Await.until(
                        "the backlog is seen as one",
                        TestBroker.WAIT,
                        () -> consumer.status().draining());
                store.append(List.of(desaturation(Instant.now())));
                consumer.wake();
                pendingWhenTheAlertCame = pending(store);
                Await.until("everything committed", Duration.ofSeconds(60), () -> pending(store) == 0);
            } finally {
                publisher.close();
            }
        }
        List<MqttEgressIT.Received> all = new java.util.ArrayList<>();
        Set<String> readingIds = new HashSet<>();
        Await.until("the subscriber saw every reading of the backlog", Duration.ofSeconds(60), () -> {
            int from = all.size();
            got.drainTo(all);
            for (MqttEgressIT.Received r : all.subList(from, all.size())) {
                Matcher m = ID.matcher(r.payload());
                if (r.topic().equals(TOPICS.readings(SPO2)) && m.find()) {
                    readingIds.add(m.group(1));
                }
            }
            return readingIds.size() == backlog;
        });
        reader.disconnect().waitForCompletion(5000);
        assertThat(pendingWhenTheAlertCame)
                .as("the backlog was still going out when the live alert was appended")
                .isGreaterThan(100);
        List<Integer> alertIndexes = new java.util.ArrayList<>();
        int lastReading = -1;
        for (int i = 0; i < all.size(); i++) {
            MqttEgressIT.Received r = all.get(i);
            if (r.topic().equals(TOPICS.alerts(SPO2))) {
                alertIndexes.add(i);
                assertThat(r.retained()).isFalse();
            } else if (r.topic().equals(TOPICS.readings(SPO2))) {
                lastReading = i;
            }
        }
        List<String> alerts =
                alertIndexes.stream().map(i -> all.get(i).payload()).toList();
        assertThat(alerts)
                .as("the waiting alert, the live one (maybe again from the backlog)")
                .hasSizeBetween(2, 3);
        String live = alerts.stream()
                .filter(p -> p.contains("\"late\":false"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no live alert among " + alerts));
        assertThat(live)
                .contains("\"phase\":\"start\"")
                .contains("\"priority\":\"medium\"")
                .contains("\"kind\":\"physiological\"")
                .contains("\"condition\":\"150456-low\"")
                .contains("\"updateCount\":0")
                .contains("\"value\":\"86\"")
                .contains("\"lowLimit\":\"90\"")
                .contains("\"unit\":\"%\"")
                .contains("\"mdc\":150456");
        assertThat(alerts)
                .as("the alert that waited two hours says it is late")
                .anySatisfy(p -> assertThat(p).contains("\"late\":true").contains(oldAlertId));
        int liveIndex = alertIndexes.get(alerts.indexOf(live));
        assertThat(liveIndex)
                .as("the live alert before the backlog's last reading message")
                .isLessThan(lastReading);
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
