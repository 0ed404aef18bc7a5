package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT egress against the real broker: QoS 1 batches acknowledged, a refusal by topic rule, the broker away and back,
 * the gateway's last will and a device's retained status after the publisher's JVM is SIGKILLed; and the ingest side
 * killed between delivery and append, losing nothing.
 */
class MqttEgressIT {
    private static final DeviceId SPO2 = DeviceId.of("bed12-spo2");
    private static final EgressTopics TOPICS = new EgressTopics(EgressTopics.DEFAULT_PREFIX, TestBroker.GATEWAY);

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

    record Received(String topic, String payload, boolean retained) {}

    /** A subscriber that queues what it gets. */
    static BlockingQueue<Received> subscribe(MqttAsyncClient c, String filter) throws MqttException {
        BlockingQueue<Received> q = new LinkedBlockingQueue<>();
        c.setCallback(collector(q));
        c.subscribe(filter, 1).waitForCompletion(TestBroker.WAIT.toMillis());
        return q;
    }

    /** A callback that queues what arrives. */
    static MqttCallback collector(BlockingQueue<Received> q) {
        return new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                q.add(new Received(
                        topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.isRetained()));
            }

            @Override
            public void disconnected(MqttDisconnectResponse r) {}

            @Override
            public void mqttErrorOccurred(MqttException e) {}

            @Override
            public void deliveryComplete(IMqttToken t) {}

            @Override
            public void connectComplete(boolean reconnect, String uri) {}

            @Override
            public void authPacketArrived(int code, MqttProperties p) {}
        };
    }

    static List<Received> take(BlockingQueue<Received> q, int n) throws InterruptedException {
        List<Received> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Received r = q.poll(TestBroker.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    private static NumericReading spo2(int value, Instant at) {
        return new NumericReading(
                SPO2, Metrics.SPO2, BigDecimal.valueOf(value), UcumUnit.PERCENT, Quality.VALID, at, at);
    }

    @Test
    void deliversABatchAtQos1AndSubscribersGetSenmlWithIdentities() throws Exception {
        MqttAsyncClient reader = broker.client("reader-1", "reader", true);
        BlockingQueue<Received> got = subscribe(reader, "bedside/" + TestBroker.GATEWAY + "/bed12-spo2/readings");
        try (MqttPublisher publisher = new MqttPublisher(
                broker.endpoint("icu-gw-12-egress-a", "gateway"), TOPICS.gatewayStatus(), Duration.ofSeconds(10))) {
            EgressMessages messages = new EgressMessages(TOPICS, Duration.ZERO);
            Instant t = Instant.parse("2026-12-02T05:00:00.000001Z");
            List<MqttPublisher.Message> batch = new ArrayList<>();
            for (int i = 0; i < 24; i++) { // more than the broker's Receive Maximum of 10 in flight
                batch.addAll(messages.messages(List.of(spo2(90 + i % 10, t.plusSeconds(i)))));
            }
            // The last record names the monitor it came from: its identity travels on its SenML records.
            Instant last = t.plusSeconds(24);
            batch.addAll(messages.messages(List.of(
                    spo2(94, last),
                    new org.bedside.model.DeviceIdentity(SPO2, "0000056661", null, "Masimo", null, last, last))));

            MqttPublisher.Outcome outcome = publisher.deliver(batch);

            assertThat(outcome).isEqualTo(new MqttPublisher.Outcome.Delivered(25));
            assertThat(publisher.state().connected()).isTrue();
            List<Received> received = take(got, 25);
            assertThat(received).hasSize(25);
            assertThat(received.get(0).payload())
                    .contains("\"n\":\"spo2\"")
                    .contains("\"id\":\"bed12-spo2/150456/" + org.bedside.model.Reading.epochMicros(t) + "\"")
                    .doesNotContain("dev_sn");
            assertThat(received.get(24).payload())
                    .as("the subscriber gets the unit with the readings it vouches for")
                    .contains("\"dev_sn\":\"0000056661\"", "\"dev_mfr\":\"Masimo\"");
        } finally {
            reader.disconnect().waitForCompletion(5000);
        }
    }

    @Test
    void reportsARefusalByTopicRuleWithTheBrokersReason() throws Exception {
        try (MqttPublisher publisher = new MqttPublisher(
                broker.endpoint("icu-gw-12-egress-b", "gateway"), TOPICS.gatewayStatus(), Duration.ofSeconds(10))) {
            var allowed =
                    new MqttPublisher.Message(TOPICS.readings(SPO2), "[]".getBytes(StandardCharsets.UTF_8), false);
            var forbidden = new MqttPublisher.Message(
                    "bedside/other-gateway/x/readings", "[]".getBytes(StandardCharsets.UTF_8), false);

            MqttPublisher.Outcome outcome = publisher.deliver(List.of(allowed, forbidden));

            assertThat(outcome).isInstanceOf(MqttPublisher.Outcome.Refused.class);
            Map<Integer, MqttPublisher.Outcome.Rejection> refused = ((MqttPublisher.Outcome.Refused) outcome).refused();
            assertThat(refused).containsOnlyKeys(1);
            assertThat(refused.get(1).code()).isEqualTo(0x87);
            assertThat(refused.get(1).reason()).contains("not authorized (reason code 0x87)");
            // The broker closes the connection after a refusal; the next batch connects again.
            assertThat(publisher.deliver(List.of(allowed))).isEqualTo(new MqttPublisher.Outcome.Delivered(1));
        }
    }

    @Test
    void waitsWhileTheBrokerIsAwayAndDeliversWhenItIsBack() throws Exception {
        try (MqttPublisher publisher = new MqttPublisher(
                broker.endpoint("icu-gw-12-egress-c", "gateway"), TOPICS.gatewayStatus(), Duration.ofSeconds(10))) {
            var m = new MqttPublisher.Message(TOPICS.readings(SPO2), "[]".getBytes(StandardCharsets.UTF_8), false);
            assertThat(publisher.deliver(List.of(m))).isInstanceOf(MqttPublisher.Outcome.Delivered.class);

            broker.broker.stop();
            MqttPublisher.Outcome away = publisher.deliver(List.of(m));
            assertThat(away).isInstanceOf(MqttPublisher.Outcome.RetryLater.class);
            assertThat(((MqttPublisher.Outcome.RetryLater) away).reason()).contains(broker.broker.tlsUri());
            assertThat(publisher.state().connected()).isFalse();

            broker.broker.restart();
            assertThat(publisher.deliver(List.of(m))).isInstanceOf(MqttPublisher.Outcome.Delivered.class);
        }
    }

    @Test
    void leavesTheLastWillAndTheRetainedDeviceStatusWhenThePublishersJvmIsKilled() throws Exception {
        try (ChildJvm child = ChildJvm.start(
                PublisherChild.class,
                shared.resolve("publisher-child.log"),
                broker.broker.tlsUri(),
                broker.pki.caFile().toString(),
                broker.gatewayCertificate.certificateFile().toString(),
                broker.gatewayCertificate.keyFile().toString(),
                "gateway",
                broker.passwordFile("gateway").toString())) {
            child.awaitLine("published", TestBroker.WAIT);

            MqttAsyncClient before = broker.client("reader-2", "reader", true);
            List<Received> online = take(subscribe(before, TOPICS.gatewayStatus()), 1);
            assertThat(online).containsExactly(new Received(TOPICS.gatewayStatus(), "online", true));
            before.disconnect().waitForCompletion(5000);

            child.kill();
        }
        // A subscriber that comes later learns both from the retained messages.
        MqttAsyncClient after = broker.client("reader-3", "reader", true);
        BlockingQueue<Received> got = subscribe(after, "bedside/" + TestBroker.GATEWAY + "/#");
        List<Received> retained = new ArrayList<>();
        Await.until("the will published and both retained seen", TestBroker.WAIT, () -> {
            Received r;
            while ((r = got.poll()) != null) {
                retained.add(r);
            }
            return retained.stream().anyMatch(x -> x.payload().equals("offline"))
                    && retained.stream().anyMatch(x -> x.topic().equals(TOPICS.deviceStatus(SPO2)));
        });
        assertThat(retained).contains(new Received(TOPICS.gatewayStatus(), "offline", true));
        assertThat(retained)
                .filteredOn(r -> r.topic().equals(TOPICS.deviceStatus(SPO2)))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.retained()).isTrue();
                    assertThat(r.payload()).contains("\"vs\":\"sensor_off\"");
                });
        after.disconnect().waitForCompletion(5000);
    }

    @Test
    void losesNothingWhenTheIngestSideIsKilledBetweenDeliveryAndAppend(@TempDir Path dir) throws Exception {
        String clientId = "gw-ingest-kill";
        String topic = "bedside/ingest/bed12-hub";
        // The persistent session and its subscription exist before the sensor publishes.
        var first = new MqttIngestTransport(
                broker.endpoint(clientId, "gateway"), List.of(topic), MqttIngestTransport.Settings.DEFAULT);
        first.open().close();

        try (ChildJvm child = ChildJvm.start(
                IngestChild.class,
                dir.resolve("ingest-child.log"),
                broker.broker.tlsUri(),
                broker.pki.caFile().toString(),
                broker.gatewayCertificate.certificateFile().toString(),
                broker.gatewayCertificate.keyFile().toString(),
                "gateway",
                broker.passwordFile("gateway").toString(),
                clientId,
                topic)) {
            MqttAsyncClient sensor = broker.client("bed12-hub", "bed12-hub", true);
            MqttMessage m = new MqttMessage(MqttIngestIT.pack(Instant.now().getEpochSecond(), 91));
            m.setQos(1);
            sensor.publish(topic, m).waitForCompletion(5000);
            sensor.disconnect().waitForCompletion(5000);
            child.awaitLine("delivered", TestBroker.WAIT);
            child.kill();
        }

        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            var transport = new MqttIngestTransport(
                    broker.endpoint(clientId, "gateway"), List.of(topic), MqttIngestTransport.Settings.DEFAULT);
            var driver = new SenmlMqttDriver();
            try (RedeliveryFilter filter = RedeliveryFilter.open(store, DeviceId.of("bed12-hub"));
                    DevicePipeline p = new DevicePipeline(
                            DeviceId.of("bed12-hub"),
                            driver,
                            DriverOptions.defaults(driver.info()),
                            transport,
                            filter,
                            InstantSource.system(),
                            new DevicePipeline.Settings(
                                    Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMillis(500)))) {
                p.start();
                Await.until(
                        "the message delivered again and stored",
                        TestBroker.WAIT,
                        () -> p.status().readings() > 1 && transport.acknowledged() == 1);
            }
            List<NumericReading> stored = store.readAll().stream()
                    .map(StoredRecord::readings)
                    .flatMap(List::stream)
                    .filter(NumericReading.class::isInstance)
                    .map(NumericReading.class::cast)
                    .toList();
            assertThat(stored).extracting(r -> r.value().intValue()).containsExactly(91);
        }
    }
}
