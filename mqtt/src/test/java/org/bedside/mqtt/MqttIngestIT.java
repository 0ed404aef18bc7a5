package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.drivers.pipeline.DevicePipeline;
import org.bedside.drivers.pipeline.LinkState;
import org.bedside.drivers.pipeline.ReadingSink;
import org.bedside.drivers.senml.SenmlMqttDriver;
import org.bedside.drivers.spi.DecodeFailure;
import org.bedside.drivers.spi.DriverOptions;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.NumericReading;
import org.bedside.model.Reading;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT ingest against the real broker (TLS, client certificate, credentials, topic rules): a sensor publishes SenML,
 * the gateway's pipeline decodes it, appends it to a real Chronicle buffer and only then acknowledges it.
 */
class MqttIngestIT {
    private static final SenmlMqttDriver DRIVER = new SenmlMqttDriver();
    private static final DeviceId HUB = DeviceId.of("bed12-hub");
    private static final String TOPIC = "bedside/ingest/bed12-hub";
    private static final DevicePipeline.Settings FAST =
            new DevicePipeline.Settings(Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMillis(500));

    @TempDir
    static Path shared;

    static TestBroker broker;

    @TempDir
    Path dir;

    private ChronicleReadingStore store;
    private DevicePipeline pipeline;
    private MqttAsyncClient sensor;

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

    @AfterEach
    void tearDown() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        if (sensor != null) {
            try {
                // Forcibly: after a refusal the broker has closed the sensor's connection already.
                sensor.disconnectForcibly(0, 2000, false);
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                // already gone
            }
            sensor.close(true);
        }
        if (store != null) {
            store.close();
        }
    }

    static byte[] pack(long epochSecond, int spo2) {
        return ("[{\"bn\":\"urn:dev:mac:0024befffe804ff1:\",\"bt\":" + epochSecond
                        + "},{\"n\":\"spo2\",\"u\":\"%\",\"v\":" + spo2 + "}]")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static MqttMessage qos1(byte[] payload) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        return m;
    }

    private MqttIngestTransport transport(String clientId) {
        return new MqttIngestTransport(
                broker.endpoint(clientId, "gateway"),
                List.of("bedside/ingest/bed12-hub"),
                MqttIngestTransport.Settings.DEFAULT);
    }

    private DevicePipeline pipeline(MqttIngestTransport transport, ReadingSink sink) {
        DevicePipeline p = new DevicePipeline(
                HUB, DRIVER, DriverOptions.defaults(DRIVER.info()), transport, sink, InstantSource.system(), FAST);
        p.start();
        return p;
    }

    private List<NumericReading> stored() {
        List<StoredRecord> all;
        try {
            all = store.readAll();
        } catch (org.bedside.buffer.StoreException e) {
            throw new IllegalStateException(e);
        }
        return all.stream()
                .map(StoredRecord::readings)
                .flatMap(List::stream)
                .filter(NumericReading.class::isInstance)
                .map(NumericReading.class::cast)
                .toList();
    }

    private void awaitConnected(DevicePipeline p) {
        Await.until(
                "the ingest link connected", TestBroker.WAIT, () -> p.status().state() == LinkState.CONNECTED);
    }

    @Test
    void storesWhatASensorPublishesAndAcknowledgesItAfterTheAppend() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        MqttIngestTransport transport = transport("gw-ingest-1");
        RedeliveryFilter filter = RedeliveryFilter.open(store, HUB);
        pipeline = pipeline(transport, filter);
        awaitConnected(pipeline);
        sensor = broker.client("bed12-hub", "bed12-hub", true);

        long now = Instant.now().getEpochSecond();
        IMqttToken token = sensor.publish(TOPIC, qos1(pack(now, 97)));
        token.waitForCompletion(TestBroker.WAIT.toMillis());

        Await.until("the reading stored", TestBroker.WAIT, () -> stored().size() == 1);
        assertThat(stored().get(0).value()).isEqualByComparingTo("97");
        assertThat(stored().get(0).deviceTime()).isEqualTo(Instant.ofEpochSecond(now));
        Await.until("acknowledged", TestBroker.WAIT, () -> transport.acknowledged() == 1);
        filter.close();
    }

    @Test
    void doesNotAcknowledgeAFailedAppendAndStoresTheRedeliveryOnce() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        MqttIngestTransport transport = transport("gw-ingest-2");
        RedeliveryFilter filter = RedeliveryFilter.open(store, HUB);
        AtomicInteger failuresLeft = new AtomicInteger(2);
        ReadingSink withheld = readings -> {
            if (readings.get(0) instanceof NumericReading && failuresLeft.getAndDecrement() > 0) {
                throw new IOException("disk full (test)");
            }
            filter.accept(readings);
        };
        pipeline = pipeline(transport, withheld);
        awaitConnected(pipeline);
        sensor = broker.client("bed12-hub", "bed12-hub", true);

        sensor.publish(TOPIC, qos1(pack(Instant.now().getEpochSecond(), 95))).waitForCompletion(5000);

        // Twice refused by the "disk": not acknowledged, the link dropped, the broker delivers it again each time.
        Await.until("stored after two redeliveries", TestBroker.WAIT, () -> stored().size() == 1);
        assertThat(pipeline.status().storeFailures()).isEqualTo(2);
        // One publish, three deliveries: the two the "disk" refused were never acknowledged.
        Await.until("the third delivery acknowledged", TestBroker.WAIT, () -> transport.acknowledged() == 1);
        assertThat(transport.delivered()).isEqualTo(3);
        assertThat(pipeline.status().reconnects()).isGreaterThanOrEqualTo(3);
        filter.close();
    }

    @Test
    void recognisesARedeliveredMessageAndStoresItOnceEvenAfterARestart() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        MqttIngestTransport transport = transport("gw-ingest-3");
        RedeliveryFilter filter = RedeliveryFilter.open(store, HUB);
        pipeline = pipeline(transport, filter);
        awaitConnected(pipeline);
        sensor = broker.client("bed12-hub", "bed12-hub", true);
        byte[] same = pack(Instant.now().getEpochSecond(), 93);

        sensor.publish(TOPIC, qos1(same)).waitForCompletion(5000);
        sensor.publish(TOPIC, qos1(same)).waitForCompletion(5000); // as the broker would redeliver it
        Await.until("both handled", TestBroker.WAIT, () -> transport.acknowledged() == 2);
        assertThat(stored()).hasSize(1);
        assertThat(filter.duplicates()).isEqualTo(1);

        // A gateway restart: a new filter finds the measurement again by reading the buffer back.
        pipeline.close();
        filter.close();
        store.close();
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        RedeliveryFilter again = RedeliveryFilter.open(store, HUB);
        assertThat(again.remembered()).isEqualTo(1);
        MqttIngestTransport transport2 = transport("gw-ingest-3");
        pipeline = pipeline(transport2, again);
        awaitConnected(pipeline);
        sensor.publish(TOPIC, qos1(same)).waitForCompletion(5000);
        // The broker may also deliver again one of the first two, if its PUBACK went down with the closed connection:
        // that is a redelivery too, and recognised the same way.
        Await.until(
                "the redelivery recognised and acknowledged",
                TestBroker.WAIT,
                () -> again.duplicates() >= 1 && transport2.acknowledged() >= 1);
        assertThat(stored()).hasSize(1);
        assertThat(again.duplicates()).isPositive();
        again.close();
    }

    @Test
    void getsWhatWasQueuedWhileItWasAwayAcrossABrokerRestart() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        RedeliveryFilter filter = RedeliveryFilter.open(store, HUB);
        // Subscribe once (the persistent session), then go away.
        pipeline = pipeline(transport("gw-ingest-4"), filter);
        awaitConnected(pipeline);
        pipeline.close();
        pipeline = null;

        sensor = broker.client("bed12-hub", "bed12-hub", true);
        long now = Instant.now().getEpochSecond();
        for (int i = 0; i < 3; i++) {
            sensor.publish(TOPIC, qos1(pack(now - 3 + i, 90 + i))).waitForCompletion(5000);
        }
        sensor.disconnect().waitForCompletion(5000);
        broker.broker.kill();
        broker.broker.restart();

        MqttIngestTransport transport = transport("gw-ingest-4");
        pipeline = pipeline(transport, filter);
        Await.until("the three queued messages stored", TestBroker.WAIT, () -> stored().size() == 3);
        assertThat(stored()).extracting(r -> r.value().intValue()).containsExactly(90, 91, 92);
        filter.close();
    }

    @Test
    void countsBadPayloadsAcknowledgesThemAndGoesOn() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        MqttIngestTransport transport = transport("gw-ingest-5");
        RedeliveryFilter filter = RedeliveryFilter.open(store, HUB);
        pipeline = pipeline(transport, filter);
        awaitConnected(pipeline);
        sensor = broker.client("bed12-hub", "bed12-hub", true);

        long now = Instant.now().getEpochSecond();
        byte[] huge = new byte[SenmlMqttDriver.MAX_MESSAGE_LENGTH + 100];
        java.util.Arrays.fill(huge, (byte) '[');
        for (byte[] bad : List.of(
                "not json".getBytes(StandardCharsets.UTF_8),
                huge,
                ("[{\"bt\":" + now + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":\"97\"}]").getBytes(StandardCharsets.UTF_8),
                ("[{\"bt\":" + now + ",\"n\":\"glucose\",\"u\":\"%\",\"v\":5}]").getBytes(StandardCharsets.UTF_8),
                ("[{\"bt\":" + (now + 86_400) + ",\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]")
                        .getBytes(StandardCharsets.UTF_8))) {
            sensor.publish(TOPIC, qos1(bad)).waitForCompletion(5000);
        }
        sensor.publish(TOPIC, qos1(pack(now, 99))).waitForCompletion(5000);

        Await.until("the good one stored", TestBroker.WAIT, () -> stored().size() == 1);
        Await.until("all acknowledged", TestBroker.WAIT, () -> transport.acknowledged() == 6);
        Map<DecodeFailure.Reason, Long> failures = pipeline.status().decodeFailures();
        assertThat(failures.get(DecodeFailure.Reason.FRAME_TOO_LONG)).isEqualTo(1);
        assertThat(failures.get(DecodeFailure.Reason.MALFORMED)).isEqualTo(2);
        assertThat(failures.get(DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE)).isEqualTo(1);
        assertThat(failures.get(DecodeFailure.Reason.VALUE_OUT_OF_SPEC)).isEqualTo(1);
        assertThat(pipeline.status().state()).isEqualTo(LinkState.CONNECTED);
        filter.close();
    }

    @Test
    void refusesAPayloadUnderAnotherDevicesBaseNameCountsItTellsTheAuditAndAcknowledgesIt() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        MqttIngestTransport transport = transport("gw-ingest-7");
        RedeliveryFilter filter = RedeliveryFilter.open(store, HUB);
        // The gateway's own check beside the broker's topic rules: this device's names must carry its base name.
        DriverOptions own = DriverOptions.parse(DRIVER.info(), Map.of("base-name", "urn:dev:mac:0024befffe804ff1:"));
        pipeline = new DevicePipeline(HUB, DRIVER, own, transport, filter, InstantSource.system(), FAST);
        List<DecodeFailure> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        pipeline.failureListener(told::add);
        pipeline.start();
        awaitConnected(pipeline);
        sensor = broker.client("bed12-hub", "bed12-hub", true);

        long now = Instant.now().getEpochSecond();
        // On its own topic (the broker lets it through), but naming another sensor's values.
        byte[] posing = ("[{\"bn\":\"urn:dev:mac:00aabbfffe000001:\",\"bt\":" + now
                        + "},{\"n\":\"spo2\",\"u\":\"%\",\"v\":61}]")
                .getBytes(StandardCharsets.UTF_8);
        sensor.publish(TOPIC, qos1(posing)).waitForCompletion(5000);
        sensor.publish(TOPIC, qos1(pack(now, 98))).waitForCompletion(5000);

        Await.until("the good one stored", TestBroker.WAIT, () -> stored().size() == 1);
        Await.until("both acknowledged", TestBroker.WAIT, () -> transport.acknowledged() == 2);
        assertThat(stored().get(0).value()).isEqualByComparingTo("98");
        assertThat(pipeline.status().decodeFailures().get(DecodeFailure.Reason.OTHER_DEVICE))
                .isEqualTo(1);
        assertThat(told).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DecodeFailure.Reason.OTHER_DEVICE);
            assertThat(f.detail())
                    .contains("urn:dev:mac:00aabbfffe000001:spo2")
                    .contains("not under this device's base name 'urn:dev:mac:0024befffe804ff1:'");
        });

        // Acknowledged, so never delivered again: after a reconnect of the same session the next message is the
        // first one delivered (the broker delivers in order, so a redelivery would have come before it).
        pipeline.close();
        MqttIngestTransport again = transport("gw-ingest-7");
        pipeline = new DevicePipeline(HUB, DRIVER, own, again, filter, InstantSource.system(), FAST);
        pipeline.start();
        awaitConnected(pipeline);
        sensor.publish(TOPIC, qos1(pack(now + 1, 97))).waitForCompletion(5000);
        Await.until("the next one acknowledged", TestBroker.WAIT, () -> again.acknowledged() == 1);
        assertThat(again.delivered()).isEqualTo(1);
        assertThat(pipeline.status().decodeFailures().get(DecodeFailure.Reason.OTHER_DEVICE))
                .isZero();
        assertThat(stored()).hasSize(2);
        filter.close();
    }

    @Test
    void refusesASensorPublishingOnAnotherDevicesTopicAndTheRefusalIsVisible() throws Exception {
        sensor = broker.client("bed14-hub", "bed14-hub", true);
        IMqttToken token = sensor.publish(TOPIC, qos1(pack(Instant.now().getEpochSecond(), 50)));
        token.waitForCompletion(5000);
        assertThat(token.getReasonCodes()).containsExactly(0x87);
        assertThat(MqttFailures.reason(token.getReasonCodes()[0])).isEqualTo("not authorized (reason code 0x87)");
    }

    @Test
    void showsWrongCredentialsAsTheDevicesStateWithTheBrokersReason() throws Exception {
        store = ChronicleReadingStore.open(dir.resolve("buffer"));
        MqttEndpoint wrong =
                broker.endpoint("gw-ingest-6", "gateway").withCredentials("gateway", broker.passwordFile("reader"));
        var transport =
                new MqttIngestTransport(wrong, List.of("bedside/ingest/#"), MqttIngestTransport.Settings.DEFAULT);
        pipeline = pipeline(transport, readings -> store.append(readings));
        Await.until(
                "disconnected with the cause",
                TestBroker.WAIT,
                () -> pipeline.status().state() == LinkState.DISCONNECTED
                        && pipeline.status().detail().contains("bad user name or password"));
        List<Reading> status =
                store.readAll().stream().flatMap(r -> r.readings().stream()).toList();
        assertThat(status).anySatisfy(r -> assertThat(r.toString()).contains("bad user name or password"));
    }
}
